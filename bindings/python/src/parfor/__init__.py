"""parfor: an OpenMP-style parallel-loop runtime in Rust, and its seed-suite kernels, from Python.

    >>> import parfor
    >>> parfor.set_threads(2)
    >>> p = parfor.pi(1_000_000, seed=42)                # Monte Carlo pi
    >>> x = parfor.roots_input(1_000_000, seed=42)       # float64 array, filled in place by parfor
    >>> y = parfor.roots(x)                              # float32 array; x is passed without a copy

Conventions
-----------
* Every call goes through the C ABI (cffi declarations generated from the capi crate, the shared
  library shipped in this package) and releases the GIL while parfor's threads run; parfor may be
  called from several Python threads at once.
* Ctrl-C during a call raises KeyboardInterrupt within a fraction of a second: the run is
  cancelled (parfor_cancel) and the next call works.
* Arrays in: a C-contiguous float64 array is passed to C as it is (no copy); other real input is
  converted once with ``np.ascontiguousarray(x, dtype=np.float64)``. Arrays out are NumPy arrays
  filled by parfor in place; ``out=`` lets you pass your own.
* A wrong type is a TypeError; a wrong value is an ArgumentError (a ValueError and a
  ParforError); a size too large to allocate is a MemoryError (OutOfMemoryError); every failed
  C status is a ParforError subclass with ``.status`` and ``.message``.
* Stochastic kernels give bit-identical results for a seed whatever the team size.
* Team size: OMP_NUM_THREADS (read when the pool starts), set_threads(n), or threadpoolctl's
  threadpool_limits (parfor registers itself with threadpoolctl >= 3.2 when it is installed).
"""

from __future__ import annotations

from ._capi import (
    PARFOR_ERR_CANCELLED,
    PARFOR_ERR_INVALID,
    PARFOR_ERR_NOMEM,
    PARFOR_ERR_NULL,
    PARFOR_ERR_PANIC,
    PARFOR_ERR_THREADS,
    PARFOR_OK,
)
from ._kernels import (
    BootstrapSummary,
    bootstrap,
    grid_max,
    mandelbrot,
    pi,
    roots,
    roots_input,
    roots_sum,
    weather,
    wealth,
)
from ._loops import Body, BodyF64, parallel_for, parallel_reduce
from ._threadpoolctl import register as _register_with_threadpoolctl
from ._threads import get_schedule, in_parallel, set_schedule, set_threads, thread_num, threads, version
from .errors import (
    ArgumentError,
    CancelledError,
    OutOfMemoryError,
    PanicError,
    ParforError,
    ThreadsError,
    status_message,
)

#: The package's version: the version of the C library it ships.
__version__: str = version()

_register_with_threadpoolctl()

__all__ = [
    "__version__",
    "ParforError",
    "ArgumentError",
    "OutOfMemoryError",
    "PanicError",
    "ThreadsError",
    "CancelledError",
    "BootstrapSummary",
    "Body",
    "BodyF64",
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
    "PARFOR_ERR_NOMEM",
    "PARFOR_ERR_CANCELLED",
]
