"""Team size, thread numbers, the "runtime" schedule and the library version.

    >>> import parfor
    >>> parfor.set_threads(2); parfor.threads()
    2
"""

from __future__ import annotations

from typing import Any, Tuple

from . import _args
from ._calls import call
from ._capi import SCHEDULES, ffi, lib
from .errors import argument_error

_SCHEDULE_NAMES = {v: k for k, v in SCHEDULES.items()}


def threads() -> int:
    """The team size of the next parallel region (as omp_get_max_threads).

    >>> threads() >= 1
    True
    """
    return int(lib.parfor_get_num_threads())


def set_threads(n: int) -> None:
    """Sets the team size of later regions (as omp_set_num_threads); n >= 1, capped at
    OMP_THREAD_LIMIT. Raises ThreadsError when threads could not be created (the team then uses
    the threads that exist). threadpoolctl's ``threadpool_limits`` calls this too.

    >>> set_threads(1); threads()
    1
    """
    n = _args.integer(n, "n", 1, _args.I32_MAX, "set_threads")
    call("parfor_set_num_threads", n)


def thread_num() -> int:
    """Inside a loop body: this thread's number in the team; outside: 0.

    >>> thread_num()
    0
    """
    return int(lib.parfor_get_thread_num())


def in_parallel() -> bool:
    """True inside a loop body.

    >>> in_parallel()
    False
    """
    return bool(lib.parfor_in_parallel())


def version() -> str:
    """The version of the loaded C library (parfor_version), e.g. "0.1.0".

    >>> version() == __import__("parfor").__version__
    True
    """
    return ffi.string(lib.parfor_version()).decode()


def schedule_struct(kind: Any, chunk: Any, where: str) -> Any:
    """A `struct parfor_schedule` (cffi) for a schedule name and chunk (>= 0; 0: the default).

    >>> schedule_struct("dynamic", 4, "parallel_for").chunk
    4
    """
    code = _args.choice(kind, "schedule", SCHEDULES, where)
    chunk = _args.integer(chunk, "chunk", 0, _args.I64_MAX, where)
    return ffi.new("struct parfor_schedule *", {"kind": code, "chunk": chunk})[0]


def set_schedule(kind: str, chunk: int = 0) -> None:
    """Sets what the "runtime" schedule means (as omp_set_schedule): "static", "dynamic",
    "guided" or "auto", with a chunk size (0: the default). The kernels use their own schedules.

    >>> set_schedule("guided", 4); get_schedule()
    ('guided', 4)
    """
    if kind == "runtime":
        raise argument_error("set_schedule", '"runtime" cannot stand for itself')
    call("parfor_set_schedule", schedule_struct(kind, chunk, "set_schedule"))


def get_schedule() -> Tuple[str, int]:
    """What the "runtime" schedule means now, as (kind, chunk).

    >>> set_schedule("static"); get_schedule()
    ('static', 0)
    """
    s = ffi.new("struct parfor_schedule *")
    call("parfor_get_schedule", s)
    return _SCHEDULE_NAMES.get(s.kind, str(s.kind)), int(s.chunk)
