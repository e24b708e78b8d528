"""The C ABI (include/parfor.h) through cffi: the library shipped in this package and its constants.

The declarations (`ffi`) are generated at build time by maturin from the capi crate (cbindgen, then
cffi), and the library `lib` is opened from the package directory by its path, so it loads whatever
its SONAME. `check_cdefs.py` (run in CI) checks these declarations against include/parfor.h.

    >>> from parfor._capi import ffi, lib
    >>> ffi.string(lib.parfor_version()).decode()
    '0.1.0'
"""

from __future__ import annotations

import os

from . import _native
from ._native import ffi, lib

PARFOR_OK: int = lib.PARFOR_OK
PARFOR_ERR_NULL: int = lib.PARFOR_ERR_NULL
PARFOR_ERR_INVALID: int = lib.PARFOR_ERR_INVALID
PARFOR_ERR_PANIC: int = lib.PARFOR_ERR_PANIC
PARFOR_ERR_THREADS: int = lib.PARFOR_ERR_THREADS
PARFOR_ERR_NOMEM: int = lib.PARFOR_ERR_NOMEM
PARFOR_ERR_CANCELLED: int = lib.PARFOR_ERR_CANCELLED

OPERATORS = {"sum": lib.PARFOR_SUM, "prod": lib.PARFOR_PROD, "min": lib.PARFOR_MIN, "max": lib.PARFOR_MAX}
SCHEDULES = {
    "static": lib.PARFOR_STATIC,
    "dynamic": lib.PARFOR_DYNAMIC,
    "guided": lib.PARFOR_GUIDED,
    "runtime": lib.PARFOR_RUNTIME,
    "auto": lib.PARFOR_AUTO,
}


def library_path() -> str:
    """The path of the shared library this package loaded (in the package directory).

    >>> library_path().endswith(".so")
    True
    """
    folder = os.path.dirname(os.path.abspath(_native.__file__))
    names = sorted(n for n in os.listdir(folder) if n.endswith((".so", ".dylib", ".dll")))
    return os.path.join(folder, names[0])
