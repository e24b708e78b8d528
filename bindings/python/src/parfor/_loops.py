"""parallel_for / parallel_reduce: parfor's schedules and deterministic reductions over C bodies.

A body is a C function ``void body(int64_t b, int64_t e, void *ctx)`` (``double`` for reductions)
given as something whose signature Python can see, so that nothing wrong reaches C:

* a ctypes function object whose ``argtypes`` are (c_int64, c_int64, c_void_p or a ctypes
  pointer type) and ``restype`` None (c_double for reductions): a ``parfor.Body`` /
  ``parfor.BodyF64`` instance, or a CDLL function after setting both attributes;
* a Numba ``@cfunc("void(int64, int64, voidptr)")`` (``"float64(int64, int64, voidptr)"``);
* a plain Python callable ``body(b, e)``, which runs, but one call at a time (the GIL).

Plain integers (addresses) are refused with TypeError: nothing could check what they point to.

    >>> import parfor, numpy as np
    >>> parfor.parallel_reduce(0, 10, lambda b, e: float(e - b))
    10.0
"""

from __future__ import annotations

import ctypes
import math
from typing import Any, Callable, List, Optional, Tuple, Union

import numpy as np

from . import _args
from ._calls import call
from ._capi import OPERATORS, ffi
from ._threads import schedule_struct
from .errors import argument_error

#: ctypes type of a loop body: ``void body(int64_t begin, int64_t end, void *ctx)``.
Body = ctypes.CFUNCTYPE(None, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p)
#: ctypes type of a reduction body: ``double body(int64_t begin, int64_t end, void *ctx)``.
BodyF64 = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p)

_FUNCFLAG_PYTHONAPI = getattr(ctypes, "_FUNCFLAG_PYTHONAPI", 4)
_CFuncPtr = ctypes._CFuncPtr  # type: ignore[attr-defined]


def _describe(restype: Any, argtypes: Any) -> str:
    args = "?" if argtypes is None else ", ".join(getattr(t, "__name__", repr(t)) for t in argtypes)
    return "%s(%s)" % (getattr(restype, "__name__", repr(restype)), args)


def _is_pointer_type(t: Any) -> bool:
    return t is ctypes.c_void_p or (isinstance(t, type) and issubclass(t, ctypes._Pointer))


def _ctypes_address(fn: Any, restype: Any, where: str) -> int:
    """The address of a ctypes function object with the body signature; TypeError otherwise."""
    argtypes = fn.argtypes
    ok = (
        fn.restype is restype
        and argtypes is not None
        and len(argtypes) == 3
        and argtypes[0] is ctypes.c_int64
        and argtypes[1] is ctypes.c_int64
        and _is_pointer_type(argtypes[2])
        and not (getattr(fn, "_flags_", 0) & _FUNCFLAG_PYTHONAPI)
    )
    if not ok:
        want = _describe(restype, (ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p))
        raise TypeError(
            "%s: body's C signature is %s, it must be %s (set argtypes and restype, or use "
            "parfor.%s)" % (where, _describe(fn.restype, argtypes), want, "BodyF64" if restype else "Body")
        )
    address = ctypes.cast(fn, ctypes.c_void_p).value
    if not address:
        raise argument_error(where, "body is a null function pointer")
    return address


def _context(ctx: Any, where: str) -> Any:
    """`ctx` as a cffi void pointer: None, a NumPy array's data, or a ctypes object's address."""
    if ctx is None:
        return ffi.NULL
    if isinstance(ctx, np.ndarray):
        return ffi.cast("void *", ctx.ctypes.data)
    if isinstance(ctx, ctypes.c_void_p):
        return ffi.cast("void *", ctx.value or 0)
    if isinstance(ctx, ctypes._Pointer):
        return ffi.cast("void *", ctypes.cast(ctx, ctypes.c_void_p).value or 0)
    if isinstance(ctx, (ctypes._SimpleCData, ctypes.Structure, ctypes.Union, ctypes.Array)):
        return ffi.cast("void *", ctypes.addressof(ctx))
    raise TypeError(
        "%s: ctx must be None, a numpy array or a ctypes object, got %s" % (where, type(ctx).__name__)
    )


class _PythonBody:
    """A Python callable as a C body (cffi callback): the first exception it raises is kept,
    later chunks skip the body, and the caller re-raises it."""

    def __init__(self, body: Callable[[int, int], Any], reduce: bool) -> None:
        self.errors: List[BaseException] = []
        if reduce:
            def trampoline(b: int, e: int, _ctx: Any) -> float:
                if self.errors:
                    return math.nan
                try:
                    return float(body(b, e))
                except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                    self.errors.append(exc)
                    return math.nan
            self.pointer = ffi.callback("parfor_body_f64", trampoline)
        else:
            def trampoline(b: int, e: int, _ctx: Any) -> None:  # type: ignore[misc]
                if self.errors:
                    return
                try:
                    body(b, e)
                except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                    self.errors.append(exc)
            self.pointer = ffi.callback("parfor_body", trampoline)

    def reraise(self) -> None:
        if self.errors:
            raise self.errors[0]


BodyArg = Union[Callable[[int, int], Any], Any]


def _body(body: BodyArg, ctx: Any, reduce: bool, where: str) -> Tuple[Any, Any, Optional[_PythonBody]]:
    """(function pointer, ctx pointer, Python body or None) for the C call."""
    ctype = "parfor_body_f64" if reduce else "parfor_body"
    if isinstance(body, (int, np.integer)) and not isinstance(body, bool):
        raise TypeError(
            "%s: body must be a ctypes function object (parfor.%s), a numba cfunc or a Python "
            "callable, not an integer address" % (where, "BodyF64" if reduce else "Body")
        )
    fn = body if isinstance(body, _CFuncPtr) else getattr(body, "ctypes", None)
    if isinstance(fn, _CFuncPtr):  # ctypes, or numba's cfunc(...).ctypes
        address = _ctypes_address(fn, ctypes.c_double if reduce else None, where)
        return ffi.cast(ctype, address), _context(ctx, where), None
    if not callable(body):
        raise TypeError(
            "%s: body must be a ctypes function object, a numba cfunc or a Python callable, got %s"
            % (where, type(body).__name__)
        )
    if ctx is not None:
        raise TypeError("%s: ctx is only for C bodies; a Python body can use a closure" % where)
    python_body = _PythonBody(body, reduce)
    return python_body.pointer, ffi.NULL, python_body


def parallel_for(
    begin: int, end: int, body: BodyArg, ctx: Any = None, schedule: str = "static", chunk: int = 0
) -> None:
    """Runs body(b, e, ctx) over disjoint sub-ranges [b, e) covering [begin, end) exactly once, on
    parfor's team.

    `body`: a ctypes function object of type ``parfor.Body`` (or with those argtypes/restype), a
    Numba ``@cfunc("void(int64, int64, voidptr)")``, or a Python callable ``body(b, e)`` (which
    serializes on the GIL: no speed-up; its first exception stops the remaining chunks from
    running it and is re-raised here). `ctx` (C bodies only): None, a NumPy array (its data
    pointer) or a ctypes object (its address). `schedule`: "static", "dynamic", "guided",
    "runtime" or "auto", with `chunk` (0: the default). Ctrl-C cancels the loop.

    >>> import numpy as np
    >>> hits = np.zeros(100, dtype=np.int64)
    >>> def mark(b, e): hits[b:e] += 1
    >>> parallel_for(0, 100, mark, schedule="dynamic", chunk=8); int(hits.sum())
    100
    """
    begin = _args.integer(begin, "begin", _args.I64_MIN, _args.I64_MAX, "parallel_for")
    end = _args.integer(end, "end", _args.I64_MIN, _args.I64_MAX, "parallel_for")
    sched = schedule_struct(schedule, chunk, "parallel_for")
    fn, cptr, python_body = _body(body, ctx, reduce=False, where="parallel_for")
    call("parfor_parallel_for", begin, end, sched, fn, cptr)
    if python_body is not None:
        python_body.reraise()


def parallel_reduce(
    begin: int,
    end: int,
    body: BodyArg,
    op: str = "sum",
    ctx: Any = None,
    schedule: str = "static",
    chunk: int = 0,
) -> float:
    """Reduces the partials body(b, e, ctx) -> float of disjoint sub-ranges covering [begin, end)
    with `op` ("sum", "prod", "min", "max"); an empty range gives the identity (0, 1, inf, -inf).

    Bodies as for parallel_for, returning double: ``parfor.BodyF64``, a Numba
    ``@cfunc("float64(int64, int64, voidptr)")``, or a Python callable. With the static
    schedule the result has the same bits on every run with the same team size.

    >>> parallel_reduce(0, 4, lambda b, e: float(e - b), op="sum")
    4.0
    """
    code = _args.choice(op, "op", OPERATORS, "parallel_reduce")
    begin = _args.integer(begin, "begin", _args.I64_MIN, _args.I64_MAX, "parallel_reduce")
    end = _args.integer(end, "end", _args.I64_MIN, _args.I64_MAX, "parallel_reduce")
    sched = schedule_struct(schedule, chunk, "parallel_reduce")
    fn, cptr, python_body = _body(body, ctx, reduce=True, where="parallel_reduce")
    out = ffi.new("double *")
    call("parfor_parallel_reduce_f64", begin, end, sched, code, fn, cptr, out)
    if python_body is not None:
        python_body.reraise()
    return out[0]
