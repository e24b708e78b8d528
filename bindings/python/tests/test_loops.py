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
    libdir = os.path.dirname(_capi.library_path())
    subprocess.run(
        [cc, "-O2", "-shared", "-fPIC", str(src), "-o", str(so), "-L" + libdir, "-lparfor",
         "-Wl,-rpath," + libdir],
        check=True,
    )
    return ctypes.CDLL(str(so))


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
    parfor.parallel_for(0, 1000, ctypes.cast(clib.who, ctypes.c_void_p).value, ctx=tid.ctypes.data)
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


@pytest.mark.parametrize(
    "call,exc",
    [
        (lambda: parfor.parallel_for(0, 10, None), TypeError),
        (lambda: parfor.parallel_for(0, 10, 0), ValueError),
        (lambda: parfor.parallel_for(0, 10, "f"), TypeError),
        (lambda: parfor.parallel_for(0, 10, lambda b, e: None, ctx=1), TypeError),
        (lambda: parfor.parallel_for(0, 2**63, lambda b, e: None), ValueError),
        (lambda: parfor.parallel_for(0.0, 10, lambda b, e: None), TypeError),
        (lambda: parfor.parallel_for(0, 10, lambda b, e: None, schedule="fast"), ValueError),
        (lambda: parfor.parallel_reduce(0, 10, lambda b, e: 0.0, op="mean"), ValueError),
    ],
)
def test_loop_bad_input(call, exc):
    with pytest.raises(exc):
        call()
