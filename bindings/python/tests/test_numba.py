"""Numba @cfunc bodies: compiled loops on parfor's schedules and deterministic reductions."""

import numpy as np
import pytest

import parfor

numba = pytest.importorskip("numba", reason="numba is not installed")


@numba.cfunc("void(int64, int64, voidptr)")
def square_into(b, e, ctx):
    out = numba.carray(ctx, (e,), dtype=np.float64)
    for i in range(b, e):
        out[i] = float(i) * float(i)


@numba.cfunc("float64(int64, int64, voidptr)")
def harmonic(b, e, ctx):
    s = 0.0
    for i in range(b, e):
        s += 1.0 / (i + 1)
    return s


@numba.cfunc("int32(int64, int64, voidptr)")
def wrong_result_type(b, e, ctx):
    return 0


@pytest.mark.parametrize("schedule,chunk", [("static", 0), ("dynamic", 16), ("guided", 4)])
def test_cfunc_body_fills_every_index(schedule, chunk):
    parfor.set_threads(2)
    out = np.full(10_001, -1.0)
    parfor.parallel_for(0, out.size, square_into, ctx=out, schedule=schedule, chunk=chunk)
    assert np.array_equal(out, np.arange(out.size, dtype=np.float64) ** 2)


def test_cfunc_reduction_is_bit_reproducible():
    parfor.set_threads(2)
    a = parfor.parallel_reduce(0, 2_000_000, harmonic)
    assert a == parfor.parallel_reduce(0, 2_000_000, harmonic)
    assert a == pytest.approx(np.sum(1.0 / np.arange(1, 2_000_001)), rel=1e-12)


def test_cfunc_with_the_wrong_signature_is_refused():
    with pytest.raises(TypeError, match="signature"):
        parfor.parallel_for(0, 10, wrong_result_type)
    with pytest.raises(TypeError, match="signature"):
        parfor.parallel_reduce(0, 10, square_into, ctx=np.zeros(10))
    with pytest.raises(TypeError, match="integer address"):
        parfor.parallel_for(0, 10, square_into.address, ctx=np.zeros(10))
