"""parallel_for / parallel_reduce with C bodies (parallel) and Python bodies (serialized on the GIL)."""

import ctypes
import os
import shutil
import subprocess

import numpy as np
import pytest

import parfor
from parfor import _capi

C_SOURCE = r"""
#include <stdint.h>
int32_t parfor_get_thread_num(void);
void mark(int64_t b, int64_t e, void *ctx) {
    int32_t *hits = ctx;
    for (int64_t i = b; i < e; i++) hits[i] += 1;
}
void who(int64_t b, int64_t e, void *ctx) {
    int32_t *tid = ctx;
    for (int64_t i = b; i < e; i++) tid[i] = parfor_get_thread_num();
}
double harmonic(int64_t b, int64_t e, void *ctx) {
    (void)ctx;
    double s = 0;
    for (int64_t i = b; i < e; i++) s += 1.0 / (double)(i + 1);
    return s;
}
"""


@pytest.fixture(scope="module")
def clib(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler for the C-body tests")
    d = tmp_path_factory.mktemp("cbody")
    src, so = d / "body.c", d / "libbody.so"
    src.write_text(C_SOURCE)
    # Linked against the package's own library file (whatever its name and SONAME): the loader
    # finds it already loaded.
    subprocess.run([cc, "-O2", "-shared", "-fPIC", str(src), "-o", str(so), _capi.library_path()], check=True)
    lib = ctypes.CDLL(str(so))
    for name in ("mark", "who"):
        getattr(lib, name).argtypes = [ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
        getattr(lib, name).restype = None
    lib.harmonic.argtypes = [ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
    lib.harmonic.restype = ctypes.c_double
    return lib


@pytest.mark.parametrize("schedule,chunk", [("static", 0), ("static", 3), ("dynamic", 7), ("guided", 2), ("auto", 0), ("runtime", 0)])
def test_c_body_covers_every_index_once(clib, schedule, chunk):
    parfor.set_threads(2)
    n = 100_003
    hits = np.zeros(n, dtype=np.int32)
    parfor.parallel_for(0, n, clib.mark, ctx=hits, schedule=schedule, chunk=chunk)
    assert np.all(hits == 1)
    parfor.parallel_for(10, 10, clib.mark, ctx=hits)  # empty range: nothing runs
    assert np.all(hits == 1)


def test_c_body_runs_on_the_whole_team(clib):
    parfor.set_threads(2)
    tid = np.full(1000, -1, dtype=np.int32)
    parfor.parallel_for(0, 1000, ctypes.cast(clib.who, parfor.Body), ctx=tid)
    assert set(np.unique(tid)) == {0, 1}
    assert np.all(tid[:500] == 0) and np.all(tid[500:] == 1)  # static: one block per thread


def test_c_reduce_is_reproducible(clib):
    parfor.set_threads(2)
    n = 1_000_000
    a = parfor.parallel_reduce(0, n, clib.harmonic)
    b = parfor.parallel_reduce(0, n, clib.harmonic)
    assert a == b
    assert a == pytest.approx(np.sum(1.0 / np.arange(1, n + 1)), rel=1e-12)
    assert parfor.parallel_reduce(5, 5, clib.harmonic, op="min") == np.inf
    assert parfor.parallel_reduce(5, 5, clib.harmonic, op="prod") == 1.0


def test_python_body_covers_every_index_once():
    parfor.set_threads(2)
    n = 10_000
    hits = np.zeros(n, dtype=np.int64)

    def body(b, e):
        hits[b:e] += 1

    parfor.parallel_for(0, n, body, schedule="dynamic", chunk=64)
    assert np.all(hits == 1)


def test_python_reduce():
    parfor.set_threads(2)
    got = parfor.parallel_reduce(0, 1000, lambda b, e: float(np.arange(b, e).sum()))
    assert got == 999 * 1000 / 2
    assert parfor.parallel_reduce(0, 1000, lambda b, e: float(e - 1), op="max") == 999.0


def test_python_body_exception_is_reraised_and_pool_survives():
    parfor.set_threads(2)

    def body(b, e):
        if b <= 500 < e:
            raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        parfor.parallel_for(0, 1000, body, schedule="dynamic", chunk=10)
    with pytest.raises(ZeroDivisionError):
        parfor.parallel_reduce(0, 10, lambda b, e: 1 / 0)
    assert parfor.parallel_reduce(0, 4, lambda b, e: float(e - b)) == 4.0


def test_set_threads_1_runs_c_bodies_on_one_thread(clib):
    parfor.set_threads(1)
    tid = np.full(1000, -1, dtype=np.int32)
    parfor.parallel_for(0, 1000, clib.who, ctx=tid, schedule="dynamic", chunk=10)
    assert np.all(tid == 0)


def test_ctx_may_be_a_ctypes_object(clib):
    parfor.set_threads(2)
    hits = (ctypes.c_int32 * 64)()
    parfor.parallel_for(0, 64, clib.mark, ctx=hits)
    assert list(hits) == [1] * 64
    parfor.parallel_for(0, 64, clib.mark, ctx=ctypes.cast(hits, ctypes.POINTER(ctypes.c_int32)))
    assert list(hits) == [2] * 64


def _untyped(clib, name):
    """A fresh CDLL function object for `name`, with ctypes' defaults (no argtypes, int result)."""
    return ctypes.CDLL(clib._name)[name]


@pytest.mark.parametrize(
    "make,exc,match",
    [
        (lambda c: 12345, TypeError, "not an integer address"),
        (lambda c: ctypes.cast(c.mark, ctypes.c_void_p).value, TypeError, "not an integer address"),
        (lambda c: _untyped(c, "mark"), TypeError, "signature"),
        (lambda c: ctypes.cast(c.harmonic, parfor.BodyF64), TypeError, "signature"),  # wrong restype
        (lambda c: ctypes.CFUNCTYPE(None, ctypes.c_int32, ctypes.c_int64, ctypes.c_void_p)(lambda *a: None),
         TypeError, "signature"),
        (lambda c: ctypes.PYFUNCTYPE(None, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p)(lambda *a: None),
         TypeError, "signature"),
        (lambda c: parfor.Body(), ValueError, "null"),
        (lambda c: None, TypeError, "body must be"),
        (lambda c: "f", TypeError, "body must be"),
    ],
)
def test_bodies_that_could_crash_are_refused(clib, make, exc, match):
    with pytest.raises(exc, match=match):
        parfor.parallel_for(0, 10, make(clib), ctx=np.zeros(10, dtype=np.int32))


def test_reduce_refuses_a_void_body(clib):
    with pytest.raises(TypeError, match="signature"):
        parfor.parallel_reduce(0, 10, clib.mark)
    with pytest.raises(TypeError, match="integer address"):
        parfor.parallel_reduce(0, 10, ctypes.cast(clib.harmonic, ctypes.c_void_p).value)


@pytest.mark.parametrize("ctx", [12345, 1.5, "abc", [1, 2]])
def test_ctx_must_be_an_array_or_ctypes_object(clib, ctx):
    with pytest.raises(TypeError, match="ctx must be"):
        parfor.parallel_for(0, 10, clib.mark, ctx=ctx)


@pytest.mark.parametrize(
    "call,exc",
    [
        (lambda: parfor.parallel_for(0, 10, lambda b, e: None, ctx=np.zeros(1)), TypeError),
        (lambda: parfor.parallel_for(0, 2**63, lambda b, e: None), ValueError),
        (lambda: parfor.parallel_for(0.0, 10, lambda b, e: None), TypeError),
        (lambda: parfor.parallel_for(0, 10, lambda b, e: None, schedule="fast"), ValueError),
        (lambda: parfor.parallel_for(0, 10, lambda b, e: None, chunk=-1), ValueError),
        (lambda: parfor.parallel_reduce(0, 10, lambda b, e: 0.0, op="mean"), ValueError),
    ],
)
def test_loop_bad_input(call, exc):
    with pytest.raises(exc):
        call()


def test_python_body_wrapped_as_ctypes_body_runs():
    parfor.set_threads(2)
    seen = []
    parfor.parallel_for(0, 100, parfor.Body(lambda b, e, ctx: seen.append((b, e))))
    assert sorted(i for b, e in seen for i in range(b, e)) == list(range(100))
