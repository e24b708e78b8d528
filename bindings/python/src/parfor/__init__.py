"""parfor: an OpenMP-style parallel-loop runtime in Rust, and its seed-suite kernels, from Python.

    >>> import parfor
    >>> parfor.set_threads(2)
    >>> parfor.pi(1_000_000, seed=42)                   # Monte Carlo pi
    >>> x = parfor.roots_input(10_000_000, seed=42)     # float64 array, filled in place by parfor
    >>> y = parfor.roots(x)                             # float32 array; x is passed without a copy

Conventions
-----------
* Every call goes through the C ABI (ctypes, libparfor.so shipped in this package) and releases the
  GIL while parfor's threads run, so other Python threads keep running; parfor may be called from
  several Python threads at once.
* Arrays in: a C-contiguous float64 array is passed to C as it is (no copy). Any other input (a
  list, another real dtype, a strided view, non-native byte order) is converted once with
  ``np.ascontiguousarray(x, dtype=np.float64)``. Arrays out are allocated with NumPy (they own
  their data) and filled by parfor in place; ``out=`` lets you pass your own.
* Sizes and seeds are Python or NumPy integers; bad ones (None, bool, float, NaN, negative, too
  large) raise TypeError or ValueError before C is called. Errors from the C side raise
  ParforError with the status code and parfor_status_message's text.
* Stochastic kernels give bit-identical results for a seed whatever the thread count.
* Team size: OMP_NUM_THREADS (read by the runtime when its pool starts; set it before the first
  call), or set_threads(n). After fork (multiprocessing's "fork" start method) the child's first
  call starts a fresh pool.
"""

import ctypes
import math
import operator
from collections import namedtuple
from ctypes import byref, c_double, c_uint64

import numpy as np

from . import _capi
from ._capi import (
    PARFOR_ERR_INVALID,
    PARFOR_ERR_NULL,
    PARFOR_ERR_PANIC,
    PARFOR_ERR_THREADS,
    PARFOR_OK,
)

__version__ = "0.1.0"

__all__ = [
    "ParforError",
    "BootstrapSummary",
    "pi",
    "wealth",
    "weather",
    "roots_input",
    "roots",
    "roots_sum",
    "grid_max",
    "bootstrap",
    "mandelbrot",
    "threads",
    "set_threads",
    "thread_num",
    "in_parallel",
    "set_schedule",
    "get_schedule",
    "parallel_for",
    "parallel_reduce",
    "status_message",
    "version",
    "PARFOR_OK",
    "PARFOR_ERR_NULL",
    "PARFOR_ERR_INVALID",
    "PARFOR_ERR_PANIC",
    "PARFOR_ERR_THREADS",
]

_U32_MAX = 2**32 - 1
_U64_MAX = 2**64 - 1
_I32_MAX = 2**31 - 1
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1

BootstrapSummary = namedtuple("BootstrapSummary", ["mean_of_means", "mean_of_stds"])
BootstrapSummary.__doc__ = "Mean of the task means, and mean of the task stds (divisor `draws`)."


def status_message(status):
    """parfor_status_message: the C library's text for a status code."""
    return _capi.lib.parfor_status_message(int(status)).decode()


class ParforError(Exception):
    """An error status from the C library: `.status` (the code), `.message` (its text), `.function`."""

    def __init__(self, status, function):
        self.status = int(status)
        self.function = function
        self.message = status_message(status)
        super().__init__("%s: %s (status %d)" % (function, self.message, self.status))


def _call(name, *args):
    status = getattr(_capi.lib, name)(*args)
    if status != PARFOR_OK:
        raise ParforError(status, name)


# ----------------------------------------------------------------------------- argument checks


def _integer(value, name, minimum, maximum):
    """An exact integer in [minimum, maximum], or a TypeError / ValueError naming `name`."""
    if value is None:
        raise TypeError("%s must be an integer, not None" % name)
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("%s must be an integer, not a bool (%r)" % (name, value))
    if isinstance(value, (float, np.floating)):
        what = "NaN" if math.isnan(value) else repr(float(value))
        raise TypeError("%s must be an integer, got the float %s" % (name, what))
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError(
            "%s must be an integer, got %s" % (name, type(value).__name__)
        ) from None
    if v < minimum:
        raise ValueError("%s must be >= %d, got %d" % (name, minimum, v))
    if v > maximum:
        raise ValueError("%s must be <= %d, got %d" % (name, maximum, v))
    return v


def _size(value, name, minimum=1, maximum=_U64_MAX):
    return _integer(value, name, minimum, maximum)


def _seed(seed):
    return _integer(seed, "seed", 0, _U64_MAX)


def _as_f64(x, name="x"):
    """`x` as a C-contiguous float64 array: the same object when it already is one (no copy)."""
    if x is None:
        raise TypeError("%s must be an array of real numbers, not None" % name)
    if isinstance(x, np.ndarray) and x.dtype == np.float64 and x.flags.c_contiguous and x.dtype.isnative:
        return x
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as e:
        raise TypeError("%s cannot be converted to a float64 array: %s" % (name, e)) from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            "%s must hold real numbers (bool, int, uint or float), got dtype %s" % (name, arr.dtype)
        )
    return np.ascontiguousarray(arr, dtype=np.float64)


def _out(out, shape, dtype, name="out", avoid=None):
    """A caller's output array, checked; or a new one."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    if not isinstance(out, np.ndarray):
        raise TypeError("%s must be a numpy.ndarray, got %s" % (name, type(out).__name__))
    if out.dtype != dtype or not out.dtype.isnative:
        raise TypeError("%s must have dtype %s, got %s" % (name, np.dtype(dtype), out.dtype))
    if out.shape != tuple(shape):
        raise ValueError("%s must have shape %s, got %s" % (name, tuple(shape), out.shape))
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError("%s must be C-contiguous and writeable" % name)
    if avoid is not None and np.may_share_memory(out, avoid):
        raise ValueError("%s must not overlap the input" % name)
    return out


# ----------------------------------------------------------------------------- thread controls


def threads():
    """The team size of the next parallel region (as omp_get_max_threads)."""
    return int(_capi.lib.parfor_get_num_threads())


def set_threads(n):
    """Sets the team size of later regions (as omp_set_num_threads); n >= 1.

    Capped at OMP_THREAD_LIMIT. Raises ParforError(PARFOR_ERR_THREADS) when threads could not be
    created (the team then uses the threads that exist).
    """
    n = _integer(n, "n", 1, _I32_MAX)
    _call("parfor_set_num_threads", n)


def thread_num():
    """Inside a loop body: this thread's number in the team; outside: 0."""
    return int(_capi.lib.parfor_get_thread_num())


def in_parallel():
    """True inside a loop body."""
    return bool(_capi.lib.parfor_in_parallel())


def version():
    """The version of the loaded libparfor."""
    return _capi.lib.parfor_version().decode()


_KINDS = {
    "static": _capi.PARFOR_STATIC,
    "dynamic": _capi.PARFOR_DYNAMIC,
    "guided": _capi.PARFOR_GUIDED,
    "runtime": _capi.PARFOR_RUNTIME,
    "auto": _capi.PARFOR_AUTO,
}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}


def _schedule(kind, chunk):
    if not isinstance(kind, str) or kind not in _KINDS:
        raise ValueError("schedule must be one of %s, got %r" % (", ".join(_KINDS), kind))
    chunk = _integer(chunk, "chunk", 0, _I64_MAX)
    return _capi.Schedule(_KINDS[kind], chunk)


def set_schedule(kind, chunk=0):
    """Sets what the "runtime" schedule means (as omp_set_schedule): "static", "dynamic",
    "guided" or "auto", with a chunk size (0: the default). Kernels use their own schedules."""
    if kind == "runtime":
        raise ValueError('set_schedule: "runtime" cannot stand for itself')
    _call("parfor_set_schedule", _schedule(kind, chunk))


def get_schedule():
    """What the "runtime" schedule means now, as (kind, chunk)."""
    s = _capi.Schedule()
    _call("parfor_get_schedule", byref(s))
    return _KIND_NAMES.get(s.kind, str(s.kind)), int(s.chunk)


# ----------------------------------------------------------------------------- kernels


def pi(n, seed=42):
    """Monte Carlo estimate of pi from `n` points (n >= 1) drawn with `seed`."""
    n, seed = _size(n, "n"), _seed(seed)
    out = c_double()
    _call("parfor_pi", n, seed, byref(out))
    return out.value


def wealth(households, steps=1000, seed=42):
    """Median final wealth of `households` households simulated for `steps` steps."""
    households = _size(households, "households")
    steps = _size(steps, "steps", 0, _U32_MAX)
    seed = _seed(seed)
    out = c_double()
    _call("parfor_wealth", households, steps, seed, byref(out))
    return out.value


def weather(runs, steps=100, seed=42):
    """Mean and std of the final temperatures of `runs` runs of `steps` steps: (mean, std)."""
    runs = _size(runs, "runs")
    steps = _size(steps, "steps", 0, _U32_MAX)
    seed = _seed(seed)
    mean, std = c_double(), c_double()
    _call("parfor_weather", runs, steps, seed, byref(mean), byref(std))
    return mean.value, std.value


def roots_input(n, seed=42, out=None):
    """roots' input: a float64 array of `n` values 500 * U[0, 1) for `seed` (filled by parfor in
    place: into `out` when given, a C-contiguous float64 array of shape (n,))."""
    n = _size(n, "n", minimum=0)
    seed = _seed(seed)
    x = _out(out, (n,), np.float64)
    _call("parfor_roots_input", seed, x.ctypes.data, n)
    return x


def roots(x, out=None):
    """sqrt(x) as float32, elementwise, with the shape of `x`.

    `x` is passed without a copy when it is a C-contiguous float64 array, and converted with
    np.ascontiguousarray(x, dtype=np.float64) otherwise. `out`, if given, must be a C-contiguous
    float32 array of x's shape that does not overlap x.
    """
    xa = _as_f64(x)
    shape = x.shape if isinstance(x, np.ndarray) else np.shape(x)
    y = _out(out, shape, np.float32, avoid=xa)
    _call("parfor_roots", xa.ctypes.data, y.ctypes.data, xa.size)
    return y


def roots_sum(x, out=None):
    """out[i] = sum over j of sqrt(x[j]) for every i (deliberately O(n^2)), for a 1-D `x`.

    `x` is passed without a copy when it is a C-contiguous float64 array (else converted with
    np.ascontiguousarray); the result is a new float64 array, or `out`.
    """
    xa = _as_f64(x)
    if xa.ndim != 1:
        raise ValueError("x must be 1-D, got shape %s" % (xa.shape,))
    y = _out(out, xa.shape, np.float64, avoid=xa)
    _call("parfor_roots_sum", xa.ctypes.data, y.ctypes.data, xa.size)
    return y


def grid_max(n):
    """Maximum of cos(x^2+y^2)/(1+x^2+y^2) over an n x n grid of [-3, 3]^2 (n >= 1)."""
    n = _size(n, "n")
    out = c_double()
    _call("parfor_grid_max", n, byref(out))
    return out.value


def bootstrap(tasks, draws=1000, seed=42, arrays=True):
    """`tasks` tasks, each drawing `draws` standard normals from its own stream.

    Returns (means, stds, summary): two float64 arrays of length `tasks` (None when
    arrays=False, which only computes the summary) and a BootstrapSummary(mean_of_means,
    mean_of_stds). Stds use the divisor `draws` (NumPy's default).
    """
    tasks, draws, seed = _size(tasks, "tasks"), _size(draws, "draws"), _seed(seed)
    mm, ms = c_double(), c_double()
    if arrays:
        means = np.empty(tasks, dtype=np.float64)
        stds = np.empty(tasks, dtype=np.float64)
        _call(
            "parfor_bootstrap", tasks, draws, seed,
            means.ctypes.data, stds.ctypes.data, tasks, byref(mm), byref(ms),
        )
    else:
        means = stds = None
        _call("parfor_bootstrap", tasks, draws, seed, None, None, 0, byref(mm), byref(ms))
    return means, stds, BootstrapSummary(mm.value, ms.value)


def mandelbrot(width, height, max_iter=1000, counts=True):
    """Escape counts (at most `max_iter`) over a width x height grid of [-2, 1] x [-1.5, 1.5].

    Returns (counts, total): a uint32 array of shape (height, width), row y holding imaginary
    part -1.5 + 3y/(height-1), or None when counts=False; and the total count (an int).
    """
    width = _size(width, "width", 1, _U32_MAX)
    height = _size(height, "height", 1, _U32_MAX)
    max_iter = _size(max_iter, "max_iter", 1, _U32_MAX)
    total = c_uint64()
    if counts:
        c = np.empty((height, width), dtype=np.uint32)
        _call("parfor_mandelbrot", width, height, max_iter, c.ctypes.data, c.size, byref(total))
    else:
        c = None
        _call("parfor_mandelbrot", width, height, max_iter, None, 0, byref(total))
    return c, int(total.value)


# ----------------------------------------------------------------------------- generic loops


def _c_function(body):
    """The address of a C function given as an int, a ctypes function pointer, or an object
    with an integer `.address` (numba.cfunc); None when `body` is none of these."""
    if isinstance(body, (bool, np.bool_)):
        return None
    if isinstance(body, int):
        return body
    if isinstance(body, ctypes._CFuncPtr):
        return ctypes.cast(body, ctypes.c_void_p).value
    address = getattr(body, "address", None)
    if isinstance(address, int) and not callable(address):
        return address
    return None


def _context(ctx):
    if ctx is None:
        return None
    if isinstance(ctx, (bool, np.bool_)):
        raise TypeError("ctx must be None, an int address, a numpy array or a ctypes object")
    if isinstance(ctx, int):
        return ctx
    if isinstance(ctx, np.ndarray):
        return ctx.ctypes.data
    if isinstance(ctx, ctypes.c_void_p):
        return ctx.value
    if isinstance(ctx, (ctypes._SimpleCData, ctypes.Structure, ctypes.Array, ctypes._Pointer)):
        return ctypes.addressof(ctx) if not isinstance(ctx, ctypes._Pointer) else ctypes.cast(ctx, ctypes.c_void_p).value
    raise TypeError("ctx must be None, an int address, a numpy array or a ctypes object")


def _loop_args(begin, end, body, ctx, schedule, chunk, f64):
    begin = _integer(begin, "begin", _I64_MIN, _I64_MAX)
    end = _integer(end, "end", _I64_MIN, _I64_MAX)
    sched = _schedule(schedule, chunk)
    address = _c_function(body)
    errors = []
    if address is not None:
        if address == 0:
            raise ValueError("body is a null function pointer")
        return begin, end, sched, address, _context(ctx), None, errors
    if not callable(body):
        raise TypeError("body must be a callable, a ctypes function pointer or a C function address")
    if ctx is not None:
        raise TypeError("ctx is only for C bodies; a Python body can use a closure")

    if f64:
        def trampoline(b, e, _ctx):
            if errors:
                return math.nan
            try:
                return float(body(b, e))
            except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                errors.append(exc)
                return math.nan
        keep = _capi.BODY_F64(trampoline)
    else:
        def trampoline(b, e, _ctx):
            if errors:
                return
            try:
                body(b, e)
            except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                errors.append(exc)
        keep = _capi.BODY(trampoline)
    return begin, end, sched, ctypes.cast(keep, ctypes.c_void_p).value, None, keep, errors


def parallel_for(begin, end, body, ctx=None, schedule="static", chunk=0):
    """Runs body(b, e[, ctx]) over disjoint sub-ranges [b, e) covering [begin, end) on parfor's team.

    For C-speed bodies: `body` should be a C function ``void body(int64_t b, int64_t e, void *ctx)``
    given as a ctypes function pointer, an integer address, or an object with an ``address``
    (e.g. ``numba.cfunc("void(int64, int64, voidptr)")``); `ctx` is passed to it as a pointer
    (None, an int address, a numpy array's data, or a ctypes object). Such bodies run in parallel.

    A plain Python callable ``body(b, e)`` is accepted too, but every call takes the GIL, so
    Python bodies run one at a time (no speed-up; use it only when each chunk mostly runs code
    that releases the GIL). The first exception a Python body raises stops the remaining chunks
    from running the body and is re-raised here.

    `schedule` is "static", "dynamic", "guided", "runtime" or "auto", with `chunk` (0: default).
    """
    begin, end, sched, address, cptr, keep, errors = _loop_args(
        begin, end, body, ctx, schedule, chunk, f64=False
    )
    _call("parfor_parallel_for", begin, end, sched, address, cptr)
    del keep
    if errors:
        raise errors[0]


_OPS = {"sum": _capi.PARFOR_SUM, "prod": _capi.PARFOR_PROD, "min": _capi.PARFOR_MIN, "max": _capi.PARFOR_MAX}


def parallel_reduce(begin, end, body, op="sum", ctx=None, schedule="static", chunk=0):
    """Reduces the partials body(b, e[, ctx]) -> float of sub-ranges covering [begin, end) with
    `op` ("sum", "prod", "min", "max"; an empty range gives the identity).

    Same body rules as parallel_for: C bodies (``double body(int64_t, int64_t, void *)``) run in
    parallel, Python bodies serialize on the GIL. With the static schedule the result has the
    same bits on every run with the same team size.
    """
    if op not in _OPS:
        raise ValueError("op must be one of %s, got %r" % (", ".join(_OPS), op))
    begin, end, sched, address, cptr, keep, errors = _loop_args(
        begin, end, body, ctx, schedule, chunk, f64=True
    )
    out = c_double()
    _call("parfor_parallel_reduce_f64", begin, end, sched, _OPS[op], address, cptr, byref(out))
    del keep
    if errors:
        raise errors[0]
    return out.value
