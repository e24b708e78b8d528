"""Each kernel at small sizes against the expectations of shared/kernels.md."""

import math

import numpy as np
import pytest

import parfor

SEEDS = [1, 42, 2**64 - 1]


@pytest.mark.parametrize("seed", SEEDS)
def test_pi_within_five_standard_errors(seed):
    n = 1_000_000
    q = math.pi / 4
    se = 4 * math.sqrt(q * (1 - q) / n)
    assert abs(parfor.pi(n, seed=seed) - math.pi) < 5 * se


def test_pi_seeds_differ():
    assert parfor.pi(100_000, seed=1) != parfor.pi(100_000, seed=2)


@pytest.mark.parametrize("seed", SEEDS)
def test_weather_stationary_law(seed):
    runs = 100_000
    mean, std = parfor.weather(runs, steps=100, seed=seed)
    sd = math.sqrt(25 / (1 - 1 / 4))  # 5.7735
    assert abs(mean - 72) < 5 * sd / math.sqrt(runs)
    assert abs(std - sd) < 5 * sd / math.sqrt(2 * runs)


def test_wealth_small_reference():
    # Reference for 20,000 households x 200 steps (stationary after ~20 steps, since R*s ~ 0.33):
    # a NumPy simulation of 400,000 households gave a median of 1.8349; across 20 seeds parfor's
    # medians at this size had a spread (1 sd) of 0.0093, so the tolerance is 5 sd ~ 0.05.
    m = parfor.wealth(20_000, steps=200, seed=7)
    assert abs(m - 1.835) < 0.05
    assert parfor.wealth(2_000, steps=50, seed=1) != parfor.wealth(2_000, steps=50, seed=2)


def test_roots_input_range_and_seeds():
    x = parfor.roots_input(100_000, seed=3)
    assert x.dtype == np.float64 and x.shape == (100_000,)
    assert x.min() >= 0 and x.max() < 500
    assert abs(x.mean() - 250) < 5 * 500 / math.sqrt(12 * x.size)
    assert not np.array_equal(x, parfor.roots_input(100_000, seed=4))
    assert np.array_equal(x, parfor.roots_input(100_000, seed=3))


def test_roots_bit_identical_to_serial():
    x = parfor.roots_input(200_001, seed=5)
    y = parfor.roots(x)
    assert y.dtype == np.float32 and y.shape == x.shape
    assert np.array_equal(y, np.sqrt(x).astype(np.float32))


def test_roots_keeps_shape():
    x = parfor.roots_input(12, seed=5).reshape(3, 4)
    y = parfor.roots(x)
    assert y.shape == (3, 4)
    assert np.array_equal(y, np.sqrt(x).astype(np.float32))
    assert parfor.roots(np.empty(0)).shape == (0,)


def test_roots_sum_bit_identical_to_serial():
    x = parfor.roots_input(777, seed=9)
    s = parfor.roots_sum(x)
    # the serial loop: s = 0; for v in x: s += sqrt(v)  (np.cumsum adds left to right)
    serial = np.cumsum(np.sqrt(x))[-1]
    assert s.dtype == np.float64 and s.shape == x.shape
    assert np.all(s == serial)


@pytest.mark.parametrize("n", [1, 2, 7, 100, 101, 600])
def test_grid_max_matches_numpy(n):
    xs = np.linspace(-3.0, 3.0, n)
    r2 = xs[:, None] * xs[:, None] + xs[None, :] * xs[None, :]
    # same formula as the serial loop; cos and the division are correctly rounded on both sides
    assert parfor.grid_max(n) == (np.cos(r2) / (1.0 + r2)).max()


def test_bootstrap_per_task_and_summary():
    p, n = 2000, 1000
    means, stds, summary = parfor.bootstrap(p, draws=n, seed=11)
    assert means.shape == stds.shape == (p,)
    assert np.all(np.abs(means) < 6 / math.sqrt(n))
    assert np.all(np.abs(stds - 1) < 6 / math.sqrt(2 * n))
    assert abs(summary.mean_of_means) < 5 / math.sqrt(n * p)
    assert abs(summary.mean_of_stds - (1 - 3 / (4 * n))) < 5 / math.sqrt(2 * n * p)
    assert summary.mean_of_means == pytest.approx(means.mean(), rel=1e-12, abs=1e-15)
    assert summary.mean_of_stds == pytest.approx(stds.mean(), rel=1e-12)
    none1, none2, only = parfor.bootstrap(p, draws=n, seed=11, arrays=False)
    assert none1 is None and none2 is None
    assert only == summary


def test_bootstrap_task_is_its_own_stream():
    # a task's result does not depend on how many tasks there are
    a, b, _ = parfor.bootstrap(10, draws=100, seed=3)
    c, d, _ = parfor.bootstrap(20, draws=100, seed=3)
    assert np.array_equal(a, c[:10]) and np.array_equal(b, d[:10])


def mandelbrot_reference(w, h, max_iter):
    cr = np.linspace(-2.0, 1.0, w)[None, :] * np.ones((h, 1))
    ci = np.linspace(-1.5, 1.5, h)[:, None] * np.ones((1, w))
    zr = np.zeros((h, w))
    zi = np.zeros((h, w))
    k = np.zeros((h, w), dtype=np.uint32)
    active = np.ones((h, w), dtype=bool)
    for _ in range(max_iter):
        zr2, zi2 = zr * zr, zi * zi
        active &= ~(zr2 + zi2 > 4.0)
        if not active.any():
            break
        zi = np.where(active, 2.0 * zr * zi + ci, zi)
        zr = np.where(active, zr2 - zi2 + cr, zr)
        k += active
    return k


@pytest.mark.parametrize("w,h,it", [(120, 80, 200), (1, 1, 5), (33, 17, 1000)])
def test_mandelbrot_bit_identical_to_serial(w, h, it):
    counts, total = parfor.mandelbrot(w, h, max_iter=it)
    ref = mandelbrot_reference(w, h, it)
    assert counts.dtype == np.uint32 and counts.shape == (h, w)
    assert np.array_equal(counts, ref)
    assert total == int(ref.sum(dtype=np.uint64))
    none, total2 = parfor.mandelbrot(w, h, max_iter=it, counts=False)
    assert none is None and total2 == total


def test_versions_and_thread_queries():
    assert parfor.version() == parfor.__version__
    assert parfor.threads() >= 1
    assert parfor.thread_num() == 0 and parfor.in_parallel() is False
    parfor.set_schedule("guided", 4)
    assert parfor.get_schedule() == ("guided", 4)
    parfor.set_schedule("static")
    assert parfor.get_schedule() == ("static", 0)
