"""Bad input is a TypeError / ValueError raised before C; C's statuses are ParforError."""

import math
import numpy as np
import pytest

import parfor
from parfor import ParforError, _capi
from parfor._calls import call

BAD_SIZES = [
    (None, TypeError),
    (-1, ValueError),
    (0, ValueError),
    (math.nan, TypeError),
    (1.5, TypeError),
    (1e6, TypeError),
    ("10", TypeError),
    (True, TypeError),
    (2**64, ValueError),
]
BAD_SEEDS = [(None, TypeError), (-1, ValueError), (2**64, ValueError), (1.0, TypeError), (math.nan, TypeError), ("1", TypeError), (False, TypeError)]

SIZED = {
    "pi": lambda v: parfor.pi(v),
    "wealth": lambda v: parfor.wealth(v, 10),
    "weather": lambda v: parfor.weather(v, 10),
    "grid_max": lambda v: parfor.grid_max(v),
    "bootstrap.tasks": lambda v: parfor.bootstrap(v, 10),
    "bootstrap.draws": lambda v: parfor.bootstrap(10, v),
    "mandelbrot.width": lambda v: parfor.mandelbrot(v, 10, 10),
    "mandelbrot.height": lambda v: parfor.mandelbrot(10, v, 10),
    "mandelbrot.max_iter": lambda v: parfor.mandelbrot(10, 10, v),
}
SEEDED = {
    "pi": lambda s: parfor.pi(10, seed=s),
    "wealth": lambda s: parfor.wealth(10, 10, seed=s),
    "weather": lambda s: parfor.weather(10, 10, seed=s),
    "bootstrap": lambda s: parfor.bootstrap(10, 10, seed=s),
    "roots_input": lambda s: parfor.roots_input(10, seed=s),
}


@pytest.mark.parametrize("value,exc", BAD_SIZES, ids=[repr(v) for v, _ in BAD_SIZES])
@pytest.mark.parametrize("kernel", list(SIZED))
def test_bad_sizes(kernel, value, exc):
    with pytest.raises(exc, match="must"):
        SIZED[kernel](value)


@pytest.mark.parametrize("value,exc", BAD_SEEDS, ids=[repr(v) for v, _ in BAD_SEEDS])
@pytest.mark.parametrize("kernel", list(SEEDED))
def test_bad_seeds(kernel, value, exc):
    with pytest.raises(exc, match="seed must"):
        SEEDED[kernel](value)


def test_numpy_integers_are_fine():
    assert parfor.pi(np.int64(1000), seed=np.uint64(2**64 - 1)) == parfor.pi(1000, seed=2**64 - 1)


@pytest.mark.parametrize(
    "call,exc",
    [
        (lambda: parfor.roots_input(-1), ValueError),
        (lambda: parfor.roots_input(None), TypeError),
        (lambda: parfor.wealth(10, steps=-1), ValueError),
        (lambda: parfor.wealth(10, steps=2**32), ValueError),
        (lambda: parfor.weather(10, steps=1.5), TypeError),
        (lambda: parfor.mandelbrot(2**32, 1), ValueError),
    ],
)
def test_other_bad_numbers(call, exc):
    with pytest.raises(exc):
        call()


@pytest.mark.parametrize(
    "x,exc,match",
    [
        (None, TypeError, "not None"),
        (np.array(["a", "b"]), TypeError, "real numbers"),
        (np.array([1 + 2j]), TypeError, "real numbers"),
        (np.array([1.0, None], dtype=object), TypeError, "real numbers"),
        ([[1.0, 2.0], [3.0]], TypeError, "cannot be converted"),
        ("abc", TypeError, "real numbers"),
    ],
)
@pytest.mark.parametrize("fn", [parfor.roots, parfor.roots_sum])
def test_bad_arrays(fn, x, exc, match):
    with pytest.raises(exc, match=match):
        fn(x)


def test_roots_sum_wants_1d():
    with pytest.raises(ValueError, match="1-D"):
        parfor.roots_sum(np.ones((2, 2)))


@pytest.mark.parametrize(
    "out,exc",
    [
        ([0.0] * 4, TypeError),
        (np.empty(4, dtype=np.float64), TypeError),  # roots wants float32
        (np.empty(5, dtype=np.float32), ValueError),
        (np.empty(8, dtype=np.float32)[::2], ValueError),
    ],
)
def test_bad_out(out, exc):
    with pytest.raises(exc):
        parfor.roots(np.ones(4), out=out)


def test_overlapping_out_is_refused():
    x = np.ones(8)
    with pytest.raises(ValueError, match="overlap"):
        parfor.roots_sum(x, out=x)
    ro = np.empty(8)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        parfor.roots_input(8, out=ro)


def test_c_status_becomes_parfor_error():
    out = _capi.ffi.new("double *")
    with pytest.raises(parfor.ArgumentError) as e:
        call("parfor_pi", 0, 1, out)  # C's own check: n = 0
    assert isinstance(e.value, ParforError) and isinstance(e.value, ValueError)
    assert e.value.status == parfor.PARFOR_ERR_INVALID
    assert "parfor_pi" in str(e.value) and "status 2" in str(e.value)
    with pytest.raises(parfor.ArgumentError) as e:
        call("parfor_pi", 10, 1, _capi.ffi.NULL)
    assert e.value.status == parfor.PARFOR_ERR_NULL


def test_python_side_value_errors_are_parfor_argument_errors():
    with pytest.raises(parfor.ArgumentError) as e:
        parfor.pi(0)
    assert isinstance(e.value, ValueError) and e.value.function == "pi"
    assert e.value.status == parfor.PARFOR_ERR_INVALID and "n must be >= 1" in e.value.message


@pytest.mark.parametrize(
    "status,cls,base",
    [
        (parfor.PARFOR_ERR_NULL, parfor.ArgumentError, ValueError),
        (parfor.PARFOR_ERR_INVALID, parfor.ArgumentError, ValueError),
        (parfor.PARFOR_ERR_PANIC, parfor.PanicError, RuntimeError),
        (parfor.PARFOR_ERR_THREADS, parfor.ThreadsError, RuntimeError),
        (parfor.PARFOR_ERR_NOMEM, parfor.OutOfMemoryError, MemoryError),
        (parfor.PARFOR_ERR_CANCELLED, parfor.CancelledError, RuntimeError),
        (77, ParforError, Exception),
    ],
)
def test_each_status_has_its_exception_class(status, cls, base):
    err = parfor.errors.error_for(status, "parfor_x")
    assert type(err) is cls and isinstance(err, base) and isinstance(err, ParforError)
    assert err.status == status and err.message == parfor.status_message(status)


def test_contained_panic_is_parfor_error_and_pool_survives():
    parfor.set_threads(2)
    with pytest.raises(parfor.PanicError) as e:
        call("parfor_selftest_panic")
    assert e.value.status == parfor.PARFOR_ERR_PANIC
    assert "panic" in e.value.message
    assert isinstance(e.value, Exception)
    assert parfor.pi(10_000, seed=1) == parfor.pi(10_000, seed=1)


def test_every_status_has_a_message():
    for s in range(-1, 8):
        assert parfor.status_message(s)


def test_bad_schedules():
    with pytest.raises(ValueError):
        parfor.set_schedule("fastest")
    with pytest.raises(ValueError):
        parfor.set_schedule("runtime")
    with pytest.raises(ValueError):
        parfor.set_schedule("dynamic", -1)
    bad = _capi.ffi.new("struct parfor_schedule *", {"kind": 99, "chunk": 0})[0]
    assert _capi.lib.parfor_set_schedule(bad) == parfor.PARFOR_ERR_INVALID
