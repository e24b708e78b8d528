#!/usr/bin/env python3
"""The seed suite as users run it today, with Numba `prange`, beside parfor's kernels.

    python3 bindings/python/compare_numba.py [--size small|full] [--repeats N] [--threads N]

The Numba versions below are written the idiomatic way from shared/kernels.md (njit(parallel=True),
prange over the independent loop, NumPy's random functions inside Numba), at the same sizes as
parfor's kernels ("full": the sizes users quote; "small": parfor's Params::small()). Each kernel is
compiled once first (the JIT time is printed apart), then timed `--repeats` times on each side; the
table shows medians and the ratio numba / parfor (> 1: parfor is faster).

Thread count: --threads N, else NUMBA_NUM_THREADS, else OMP_NUM_THREADS, else all CPUs; both
sides use the same count (numba.set_num_threads and parfor.set_threads).

Numba picks its threading layer (omp with libgomp where present, else workqueue); --layer
chooses one. Deterministic kernels are compared bit for bit ("equal"); Numba's mandelbrot can
differ in a few hundred boundary pixels (its compiled escape loop need not round like the plain
serial loop). Timings on a shared machine are noisy: use medians of several repeats.

numba is installed from PyPI with pip when it is missing (--no-install to refuse); parfor must be
installed (`pip install ./bindings/python`). Not run in CI: it takes minutes at full size.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

SIZES = {
    "full": dict(pi=100_000_000, wealth=(50_000, 1000), weather=(5_000_000, 100), roots=10_000_000,
                 roots_sum=10_000, grid_max=5000, bootstrap=(100_000, 1000), mandelbrot=(2000, 2000, 1000)),
    "small": dict(pi=1_000_000, wealth=(10_000, 200), weather=(100_000, 100), roots=200_000,
                  roots_sum=1000, grid_max=600, bootstrap=(2000, 1000), mandelbrot=(300, 300, 1000)),
}


def ensure_numba(install):
    try:
        import numba  # noqa: F401
    except ImportError:
        if not install:
            sys.exit("compare_numba: numba is not installed (pip install numba)")
        print("compare_numba: installing numba from PyPI ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "numba", "numpy"])


def numba_kernels():
    import numpy as np
    from numba import njit, prange

    @njit(parallel=True)
    def pi(n, seed):
        np.random.seed(seed)
        count = 0
        for i in prange(n):
            u = np.random.random()
            v = np.random.random()
            if (u - 0.5) ** 2 + (v - 0.5) ** 2 < 0.25:
                count += 1
        return 4.0 * count / n

    @njit(parallel=True)
    def wealth(households, steps, seed):
        np.random.seed(seed)
        r, s, v1, v2 = 0.1, 0.3, 0.1, 1.0
        final = np.empty(households)
        for h in prange(households):
            w = 1.0
            for t in range(steps):
                R = np.exp(v1 * np.random.randn()) * (1.0 + r)
                y = np.exp(v2 * np.random.randn())
                w = R * s * w + y
            final[h] = w
        return np.median(final)

    @njit(parallel=True)
    def weather(runs, steps, seed):
        np.random.seed(seed)
        final = np.empty(runs)
        for k in prange(runs):
            temp = 75.0
            for t in range(steps):
                temp = np.random.normal((72.0 + temp) / 2.0, 5.0)
            final[k] = temp
        return final.mean(), final.std()

    @njit(parallel=True)
    def roots(x):
        out = np.empty(x.size, dtype=np.float32)
        for i in prange(x.size):
            out[i] = np.float32(np.sqrt(x[i]))
        return out

    @njit(parallel=True)
    def roots_sum(x):
        n = x.size
        out = np.empty(n)
        for i in prange(n):
            s = 0.0
            for j in range(n):
                s += np.sqrt(x[j])
            out[i] = s
        return out

    @njit(parallel=True)
    def grid_max(n):
        xs = np.linspace(-3.0, 3.0, n)
        row_max = np.empty(n)
        for i in prange(n):
            x = xs[i]
            m = -np.inf
            for j in range(n):
                y = xs[j]
                r2 = x * x + y * y
                v = np.cos(r2) / (1.0 + r2)
                if v > m:
                    m = v
            row_max[i] = m
        return row_max.max()

    @njit(parallel=True)
    def bootstrap(tasks, draws, seed):
        np.random.seed(seed)
        means = np.empty(tasks)
        stds = np.empty(tasks)
        for k in prange(tasks):
            sample = np.random.standard_normal(draws)
            means[k] = sample.mean()
            stds[k] = sample.std()
        return means, stds

    @njit(parallel=True)
    def mandelbrot(width, height, max_iter):
        xs = np.linspace(-2.0, 1.0, width)
        ys = np.linspace(-1.5, 1.5, height)
        counts = np.empty((height, width), dtype=np.uint32)
        for py in prange(height):
            ci = ys[py]
            for px in range(width):
                cr = xs[px]
                zr = 0.0
                zi = 0.0
                k = 0
                while k < max_iter:
                    zr2 = zr * zr
                    zi2 = zi * zi
                    if zr2 + zi2 > 4.0:
                        break
                    zi = 2.0 * zr * zi + ci
                    zr = zr2 - zi2 + cr
                    k += 1
                counts[py, px] = k
        return counts, counts.sum()

    return dict(pi=pi, wealth=wealth, weather=weather, roots=roots, roots_sum=roots_sum,
                grid_max=grid_max, bootstrap=bootstrap, mandelbrot=mandelbrot)


def median_time(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv=None):
    ap = argparse.ArgumentParser(description="Numba prange vs parfor on the seed suite")
    ap.add_argument("--size", choices=["small", "full"], default="full")
    ap.add_argument("--repeats", type=int, default=None, help="timed runs per side (default 3 full, 5 small)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--no-install", action="store_true", help="do not pip install numba when missing")
    ap.add_argument("--layer", default=None, help="NUMBA_THREADING_LAYER (default: Numba's choice)")
    ap.add_argument("--only", default=None, help="comma-separated kernels to run")
    args = ap.parse_args(argv)

    threads = args.threads or int(os.environ.get("NUMBA_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS", "0").split(",")[0] or 0) or os.cpu_count()
    # both runtimes read these when they start
    os.environ["NUMBA_NUM_THREADS"] = str(threads)
    os.environ["OMP_NUM_THREADS"] = str(threads)
    if args.layer:
        os.environ["NUMBA_THREADING_LAYER"] = args.layer
    ensure_numba(not args.no_install)

    import numba
    import numpy as np

    import parfor

    repeats = args.repeats or (3 if args.size == "full" else 5)
    numba.set_num_threads(threads)
    parfor.set_threads(threads)
    sz = SIZES[args.size]
    nb = numba_kernels()
    seed = 42

    t0 = time.perf_counter()
    nb["pi"](1000, 1)
    nb["wealth"](10, 5, 1)
    nb["weather"](10, 5, 1)
    nb["roots"](np.ones(10))
    nb["roots_sum"](np.ones(10))
    nb["grid_max"](10)
    nb["bootstrap"](10, 10, 1)
    nb["mandelbrot"](10, 10, 10)
    jit = time.perf_counter() - t0

    x_roots = parfor.roots_input(sz["roots"], seed=seed)
    x_sum = parfor.roots_input(sz["roots_sum"], seed=seed)
    w, h, it = sz["mandelbrot"]

    rows = [
        ("pi", "n=%d" % sz["pi"], lambda: nb["pi"](sz["pi"], seed), lambda: parfor.pi(sz["pi"], seed=seed),
         lambda a, b: "%.5f / %.5f" % (a, b)),
        ("wealth", "%d x %d" % sz["wealth"], lambda: nb["wealth"](*sz["wealth"], seed),
         lambda: parfor.wealth(*sz["wealth"], seed=seed), lambda a, b: "%.4f / %.4f" % (a, b)),
        ("weather", "%d x %d" % sz["weather"], lambda: nb["weather"](*sz["weather"], seed),
         lambda: parfor.weather(*sz["weather"], seed=seed),
         lambda a, b: "%.3f,%.3f / %.3f,%.3f" % (a[0], a[1], b[0], b[1])),
        ("roots", "n=%d" % sz["roots"], lambda: nb["roots"](x_roots), lambda: parfor.roots(x_roots),
         lambda a, b: "equal" if np.array_equal(a, b) else "DIFFER"),
        ("roots_sum", "n=%d" % sz["roots_sum"], lambda: nb["roots_sum"](x_sum), lambda: parfor.roots_sum(x_sum),
         lambda a, b: "equal" if np.array_equal(a, b) else "max rel diff %.1e" % np.max(np.abs(a - b) / b)),
        ("grid_max", "%d x %d" % (sz["grid_max"], sz["grid_max"]), lambda: nb["grid_max"](sz["grid_max"]),
         lambda: parfor.grid_max(sz["grid_max"]), lambda a, b: "equal" if a == b else "%r / %r" % (a, b)),
        ("bootstrap", "%d x %d" % sz["bootstrap"], lambda: nb["bootstrap"](*sz["bootstrap"], seed),
         lambda: parfor.bootstrap(*sz["bootstrap"], seed=seed),
         lambda a, b: "%.4f / %.4f" % (a[1].mean(), b[2].mean_of_stds)),
        ("mandelbrot", "%d x %d, %d" % (w, h, it), lambda: nb["mandelbrot"](w, h, it),
         lambda: parfor.mandelbrot(w, h, it),
         lambda a, b: "equal" if a[1] == b[1] and np.array_equal(a[0], b[0])
         else "%d px differ, totals %d / %d" % (np.count_nonzero(a[0] != b[0]), a[1], b[1])),
    ]
    only = set(args.only.split(",")) if args.only else None

    print("compare_numba: size %s, %d thread(s), median of %d runs; numba %s, "
          "numpy %s, parfor %s; Numba JIT of all kernels %.1f s (not timed below)"
          % (args.size, threads, repeats, numba.__version__, np.__version__, parfor.version(), jit), flush=True)
    header = "%-11s %-18s %10s %10s %9s  %s" % ("kernel", "size", "numba s", "parfor s", "ratio", "results numba / parfor")
    print(header)
    print("-" * len(header))
    for name, size, run_nb, run_pf, agree in rows:
        if only and name not in only:
            continue
        t_nb, r_nb = median_time(run_nb, repeats)
        t_pf, r_pf = median_time(run_pf, repeats)
        print("%-11s %-18s %10.4f %10.4f %8.2fx  %s" % (name, size, t_nb, t_pf, t_nb / t_pf, agree(r_nb, r_pf)), flush=True)
    try:
        layer = numba.threading_layer()
    except ValueError:
        layer = "?"
    print("(ratio = numba time / parfor time; > 1 means parfor is faster. Numba threading layer: %s)" % layer)


if __name__ == "__main__":
    main()
