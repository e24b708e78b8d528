"""The C ABI (include/parfor.h) through ctypes: loading libparfor and declaring every signature."""

import ctypes
import os
import sys
from ctypes import POINTER, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t, c_uint32, c_uint64, c_void_p

PARFOR_OK = 0
PARFOR_ERR_NULL = 1
PARFOR_ERR_INVALID = 2
PARFOR_ERR_PANIC = 3
PARFOR_ERR_THREADS = 4

PARFOR_SUM, PARFOR_PROD, PARFOR_MIN, PARFOR_MAX = 0, 1, 2, 3
PARFOR_STATIC, PARFOR_DYNAMIC, PARFOR_GUIDED, PARFOR_RUNTIME, PARFOR_AUTO = 0, 1, 2, 3, 4

if sys.platform == "darwin":
    LIBNAME = "libparfor.dylib"
elif sys.platform == "win32":
    LIBNAME = "parfor.dll"
else:
    LIBNAME = "libparfor.so"


class Schedule(ctypes.Structure):
    """`struct parfor_schedule`."""

    _fields_ = [("kind", c_int32), ("chunk", c_int64)]


# parfor_body / parfor_body_f64, for Python callables.
BODY = ctypes.CFUNCTYPE(None, c_int64, c_int64, c_void_p)
BODY_F64 = ctypes.CFUNCTYPE(c_double, c_int64, c_int64, c_void_p)

_P_DOUBLE = POINTER(c_double)
_P_UINT64 = POINTER(c_uint64)

# name: (restype, argtypes). Array arguments are c_void_p: the wrappers pass NumPy data addresses.
SIGNATURES = {
    "parfor_pi": (c_int, [c_uint64, c_uint64, _P_DOUBLE]),
    "parfor_roots": (c_int, [c_void_p, c_void_p, c_size_t]),
    "parfor_roots_input": (c_int, [c_uint64, c_void_p, c_size_t]),
    "parfor_roots_sum": (c_int, [c_void_p, c_void_p, c_size_t]),
    "parfor_wealth": (c_int, [c_uint64, c_uint32, c_uint64, _P_DOUBLE]),
    "parfor_weather": (c_int, [c_uint64, c_uint32, c_uint64, _P_DOUBLE, _P_DOUBLE]),
    "parfor_grid_max": (c_int, [c_uint64, _P_DOUBLE]),
    "parfor_bootstrap": (
        c_int,
        [c_uint64, c_uint64, c_uint64, c_void_p, c_void_p, c_size_t, _P_DOUBLE, _P_DOUBLE],
    ),
    "parfor_mandelbrot": (c_int, [c_uint32, c_uint32, c_uint32, c_void_p, c_size_t, _P_UINT64]),
    "parfor_parallel_for": (c_int, [c_int64, c_int64, Schedule, c_void_p, c_void_p]),
    "parfor_parallel_reduce_f64": (
        c_int,
        [c_int64, c_int64, Schedule, c_int32, c_void_p, c_void_p, _P_DOUBLE],
    ),
    "parfor_selftest_panic": (c_int, []),
    "parfor_set_schedule": (c_int, [Schedule]),
    "parfor_get_schedule": (c_int, [POINTER(Schedule)]),
    "parfor_status_message": (c_char_p, [c_int32]),
    "parfor_set_num_threads": (c_int, [c_int32]),
    "parfor_get_num_threads": (c_int32, []),
    "parfor_get_thread_num": (c_int32, []),
    "parfor_in_parallel": (c_int32, []),
    "parfor_version": (c_char_p, []),
}


def library_path():
    """Where libparfor is loaded from: $PARFOR_LIBRARY, else the copy shipped in the package."""
    return os.environ.get("PARFOR_LIBRARY") or os.path.join(os.path.dirname(__file__), LIBNAME)


def load():
    path = library_path()
    if not os.path.exists(path):
        raise ImportError(
            "parfor: the native library %s is missing; install the package with "
            "`pip install ./bindings/python` (it builds libparfor with cargo)" % path
        )
    # CDLL (not PyDLL): every call releases the GIL while parfor runs.
    lib = ctypes.CDLL(path)
    for name, (restype, argtypes) in SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


lib = load()
