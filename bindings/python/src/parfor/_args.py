"""Checks of the arguments of the public functions, made before C is called.

A wrong type is a TypeError; a wrong value is an ArgumentError (a ValueError and a ParforError)
naming the function and the argument:

    >>> integer(0, "n", 1, 10, "pi")
    Traceback (most recent call last):
    parfor.errors.ArgumentError: pi: n must be >= 1, got 0 (status 2)
"""

from __future__ import annotations

import math
import operator
from typing import Any, Optional, Sequence

import numpy as np

from .errors import argument_error

U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1
I32_MAX = 2**31 - 1
I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def integer(value: Any, name: str, minimum: int, maximum: int, where: str) -> int:
    """`value` as an exact int in [minimum, maximum]: TypeError for None, bools, floats and
    non-integers; ArgumentError when out of range.

    >>> integer(np.int64(5), "n", 1, 10, "pi")
    5
    """
    if value is None:
        raise TypeError("%s: %s must be an integer, not None" % (where, name))
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("%s: %s must be an integer, not a bool (%r)" % (where, name, value))
    if isinstance(value, (float, np.floating)):
        what = "NaN" if math.isnan(value) else repr(float(value))
        raise TypeError("%s: %s must be an integer, got the float %s" % (where, name, what))
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError("%s: %s must be an integer, got %s" % (where, name, type(value).__name__)) from None
    if v < minimum:
        raise argument_error(where, "%s must be >= %d, got %d" % (name, minimum, v))
    if v > maximum:
        raise argument_error(where, "%s must be <= %d, got %d" % (name, maximum, v))
    return v


def size(value: Any, name: str, where: str, minimum: int = 1, maximum: int = U64_MAX) -> int:
    """A count argument: an int in [minimum, maximum] (default 1 .. 2**64-1).

    >>> size(10, "n", "pi")
    10
    """
    return integer(value, name, minimum, maximum, where)


def seed(value: Any, where: str) -> int:
    """A seed: an int in 0 .. 2**64-1.

    >>> seed(42, "pi")
    42
    """
    return integer(value, "seed", 0, U64_MAX, where)


def choice(value: Any, name: str, table: dict, where: str) -> Any:
    """table[value] for a key of `table`; ArgumentError naming the choices otherwise.

    >>> choice("sum", "op", {"sum": 0}, "parallel_reduce")
    0
    """
    if not isinstance(value, str) or value not in table:
        raise argument_error(where, "%s must be one of %s, got %r" % (name, ", ".join(table), value))
    return table[value]


def as_f64(x: Any, where: str, name: str = "x") -> np.ndarray:
    """`x` as a C-contiguous native float64 array: `x` itself when it is one (no copy), else
    ``np.ascontiguousarray(x, dtype=np.float64)`` of real input.

    >>> as_f64([1, 2], "roots").dtype
    dtype('float64')
    """
    if x is None:
        raise TypeError("%s: %s must be an array of real numbers, not None" % (where, name))
    if isinstance(x, np.ndarray) and x.dtype == np.float64 and x.flags.c_contiguous and x.dtype.isnative:
        return x
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as e:
        raise TypeError("%s: %s cannot be converted to a float64 array: %s" % (where, name, e)) from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            "%s: %s must hold real numbers (bool, int, uint or float), got dtype %s" % (where, name, arr.dtype)
        )
    return np.ascontiguousarray(arr, dtype=np.float64)


def out_array(
    out: Optional[np.ndarray], shape: Sequence[int], dtype: Any, where: str, avoid: Optional[np.ndarray] = None
) -> np.ndarray:
    """The caller's output array, checked (type, dtype, shape, contiguous, writeable, no overlap
    with `avoid`); or a new one.

    >>> out_array(None, (3,), np.float32, "roots").shape
    (3,)
    """
    if out is None:
        return np.empty(tuple(shape), dtype=dtype)
    if not isinstance(out, np.ndarray):
        raise TypeError("%s: out must be a numpy.ndarray, got %s" % (where, type(out).__name__))
    if out.dtype != dtype or not out.dtype.isnative:
        raise TypeError("%s: out must have dtype %s, got %s" % (where, np.dtype(dtype), out.dtype))
    if out.shape != tuple(shape):
        raise argument_error(where, "out must have shape %s, got %s" % (tuple(shape), out.shape))
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise argument_error(where, "out must be C-contiguous and writeable")
    if avoid is not None and np.may_share_memory(out, avoid):
        raise argument_error(where, "out must not overlap the input")
    return out
