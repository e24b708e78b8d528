"""The C ABI (include/parfor.h) through cffi: the parfor runtime of this process and its constants.

The declarations (`ffi`) are generated at build time by maturin from the capi crate (cbindgen, then
cffi). The library `lib` is the parfor runtime already loaded in the process when there is one of
this version exporting every declared function (the libgomp drop-in under
``LD_PRELOAD=libparfor_gomp.so``, which exports parfor's C API): then OpenMP code and this package
share one runtime and one pool of threads. Otherwise it is the library shipped in this package,
opened from the package directory by its path. ``PARFOR_PRIVATE_RUNTIME=1`` forces the package's
own library. `check_cdefs.py` (run in CI) checks these declarations against include/parfor.h.

    >>> from parfor._capi import ffi, lib
    >>> ffi.string(lib.parfor_version()).decode()
    '0.1.0'
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any, Optional

_NATIVE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_native")


def _declarations() -> Any:
    """maturin's cffi declarations (`_native/ffi.py`), loaded without opening the package's library
    (importing the `_native` package opens it)."""
    spec = importlib.util.spec_from_file_location("parfor._native.ffi", os.path.join(_NATIVE_DIR, "ffi.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ffi


def _loaded_runtime(declared: Any) -> Optional[Any]:
    """The parfor runtime already in the process's global scope, if it is this package's version and
    exports every declared function; None otherwise."""
    if os.environ.get("PARFOR_PRIVATE_RUNTIME", "") not in ("", "0"):
        return None
    own = declared.dlopen(None)
    try:
        if declared.string(own.parfor_version()).decode() != _VERSION:
            return None
        for name in dir(own):
            getattr(own, name)  # an error when a declared function is missing
    except (AttributeError, declared.error):
        return None
    return own


def _package_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("parfor")
    except metadata.PackageNotFoundError:
        return ""


_VERSION = _package_version()
ffi = _declarations()
lib = _loaded_runtime(ffi)
#: Whether `lib` is a runtime that was loaded before this package (one pool with OpenMP code).
SHARED_RUNTIME: bool = lib is not None
if lib is None:
    from ._native import ffi, lib  # noqa: F811 (the package's own library, with its declarations)

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
    """The path of the shared library `lib` calls: the package's own, or the runtime that was loaded
    before it (see the module's docs).

    >>> library_path().endswith(".so")
    True
    """
    if SHARED_RUNTIME:
        address = int(ffi.cast("uintptr_t", lib.parfor_version))
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split()
                low, high = (int(x, 16) for x in fields[0].split("-"))
                if low <= address < high and len(fields) >= 6:
                    return fields[5]
    names = sorted(n for n in os.listdir(_NATIVE_DIR) if n.endswith((".so", ".dylib", ".dll")))
    return os.path.join(_NATIVE_DIR, names[0])
