"""The seed suite's kernels: pi, wealth, weather, roots, roots_sum, grid_max, bootstrap, mandelbrot.

Every kernel releases the GIL while parfor's threads run, stops on Ctrl-C (KeyboardInterrupt), and
gives bit-identical results for a seed whatever the team size.

    >>> import parfor
    >>> parfor.pi(1_000_000, seed=42) == parfor.pi(1_000_000, seed=42)
    True
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Tuple

import numpy as np

from . import _args
from ._calls import call
from ._capi import ffi
from .errors import argument_error


class BootstrapSummary(NamedTuple):
    """Mean of the task means, and mean of the task stds (divisor `draws`)."""

    mean_of_means: float
    mean_of_stds: float


def _ptr(ctype: str, array: Optional[np.ndarray]) -> Any:
    """A cffi pointer to a NumPy array's data (NULL for None); the caller keeps `array` alive."""
    return ffi.NULL if array is None else ffi.cast(ctype, array.ctypes.data)


def pi(n: int, seed: int = 42) -> float:
    """Monte Carlo estimate of pi from `n` points (n >= 1) drawn with `seed`.

    >>> 3.1 < pi(100_000, seed=1) < 3.2
    True
    """
    n, seed = _args.size(n, "n", "pi"), _args.seed(seed, "pi")
    out = ffi.new("double *")
    call("parfor_pi", n, seed, out)
    return out[0]


def wealth(households: int, steps: int = 1000, seed: int = 42) -> float:
    """Median final wealth of `households` households simulated for `steps` steps.

    >>> wealth(1000, steps=10) > 0
    True
    """
    households = _args.size(households, "households", "wealth")
    steps = _args.size(steps, "steps", "wealth", 0, _args.U32_MAX)
    seed = _args.seed(seed, "wealth")
    out = ffi.new("double *")
    call("parfor_wealth", households, steps, seed, out)
    return out[0]


def weather(runs: int, steps: int = 100, seed: int = 42) -> Tuple[float, float]:
    """Mean and std of the final temperatures of `runs` runs of `steps` steps: (mean, std).

    >>> mean, std = weather(1000, steps=10)
    """
    runs = _args.size(runs, "runs", "weather")
    steps = _args.size(steps, "steps", "weather", 0, _args.U32_MAX)
    seed = _args.seed(seed, "weather")
    mean, std = ffi.new("double *"), ffi.new("double *")
    call("parfor_weather", runs, steps, seed, mean, std)
    return mean[0], std[0]


def roots_input(n: int, seed: int = 42, out: Optional[np.ndarray] = None) -> np.ndarray:
    """roots' input: a float64 array of `n` values 500 * U[0, 1) for `seed`, filled by parfor in
    place (into `out` when given: a C-contiguous float64 array of shape (n,)).

    >>> roots_input(5, seed=1).shape
    (5,)
    """
    n = _args.size(n, "n", "roots_input", minimum=0)
    seed = _args.seed(seed, "roots_input")
    x = _args.out_array(out, (n,), np.float64, "roots_input")
    call("parfor_roots_input", seed, _ptr("double *", x), n)
    return x


def roots(x: Any, out: Optional[np.ndarray] = None) -> np.ndarray:
    """sqrt(x) as float32, elementwise, with the shape of `x`.

    `x` is passed without a copy when it is a C-contiguous float64 array, and converted with
    np.ascontiguousarray(x, dtype=np.float64) otherwise. `out`, if given, must be a C-contiguous
    float32 array of x's shape that does not overlap x.

    >>> roots([4.0, 9.0]).tolist()
    [2.0, 3.0]
    """
    xa = _args.as_f64(x, "roots")
    y = _args.out_array(out, xa.shape, np.float32, "roots", avoid=xa)
    call("parfor_roots", _ptr("double *", xa), _ptr("float *", y), xa.size)
    return y


def roots_sum(x: Any, out: Optional[np.ndarray] = None) -> np.ndarray:
    """out[i] = sum over j of sqrt(x[j]) for every i (deliberately O(n^2)), for a 1-D `x`.

    `x` is passed without a copy when it is a C-contiguous float64 array (else converted with
    np.ascontiguousarray); the result is a new float64 array, or `out`.

    >>> roots_sum([1.0, 4.0]).tolist()
    [3.0, 3.0]
    """
    xa = _args.as_f64(x, "roots_sum")
    if xa.ndim != 1:
        raise argument_error("roots_sum", "x must be 1-D, got shape %s" % (xa.shape,))
    y = _args.out_array(out, xa.shape, np.float64, "roots_sum", avoid=xa)
    call("parfor_roots_sum", _ptr("double *", xa), _ptr("double *", y), xa.size)
    return y


def grid_max(n: int) -> float:
    """Maximum of cos(x^2+y^2)/(1+x^2+y^2) over an n x n grid of [-3, 3]^2 (n >= 1).

    >>> grid_max(101) <= 1.0
    True
    """
    n = _args.size(n, "n", "grid_max")
    out = ffi.new("double *")
    call("parfor_grid_max", n, out)
    return out[0]


def bootstrap(
    tasks: int, draws: int = 1000, seed: int = 42, arrays: bool = True
) -> Tuple[Optional[np.ndarray], Optional[np.ndarray], BootstrapSummary]:
    """`tasks` tasks, each drawing `draws` standard normals from its own stream.

    Returns (means, stds, summary): two float64 arrays of length `tasks` (None when
    arrays=False, which only computes the summary) and a BootstrapSummary(mean_of_means,
    mean_of_stds). Stds use the divisor `draws` (NumPy's default).

    >>> means, stds, summary = bootstrap(10, draws=100)
    >>> means.shape
    (10,)
    """
    tasks = _args.size(tasks, "tasks", "bootstrap")
    draws = _args.size(draws, "draws", "bootstrap")
    seed = _args.seed(seed, "bootstrap")
    mm, ms = ffi.new("double *"), ffi.new("double *")
    means = np.empty(tasks, dtype=np.float64) if arrays else None
    stds = np.empty(tasks, dtype=np.float64) if arrays else None
    length = tasks if arrays else 0
    call("parfor_bootstrap", tasks, draws, seed, _ptr("double *", means), _ptr("double *", stds), length, mm, ms)
    return means, stds, BootstrapSummary(mm[0], ms[0])


def mandelbrot(width: int, height: int, max_iter: int = 1000, counts: bool = True) -> Tuple[Optional[np.ndarray], int]:
    """Escape counts (at most `max_iter`) over a width x height grid of [-2, 1] x [-1.5, 1.5].

    Returns (counts, total): a uint32 array of shape (height, width), row y holding imaginary
    part -1.5 + 3y/(height-1), or None when counts=False; and the total count (an int).

    >>> c, total = mandelbrot(20, 10, max_iter=50)
    >>> c.shape, int(c.sum()) == total
    ((10, 20), True)
    """
    width = _args.size(width, "width", "mandelbrot", 1, _args.U32_MAX)
    height = _args.size(height, "height", "mandelbrot", 1, _args.U32_MAX)
    max_iter = _args.size(max_iter, "max_iter", "mandelbrot", 1, _args.U32_MAX)
    total = ffi.new("uint64_t *")
    grid = np.empty((height, width), dtype=np.uint32) if counts else None
    length = grid.size if grid is not None else 0
    call("parfor_mandelbrot", width, height, max_iter, _ptr("uint32_t *", grid), length, total)
    return grid, int(total[0])
