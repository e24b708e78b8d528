"""NumPy arrays in and out without copies where the C side allows."""

import numpy as np
import pytest

import parfor
from parfor import _capi


def _address(arg):
    """A cffi pointer argument as an int (other arguments unchanged)."""
    if isinstance(arg, _capi.ffi.CData) and _capi.ffi.typeof(arg).kind == "pointer":
        return int(_capi.ffi.cast("uintptr_t", arg))
    return arg


@pytest.fixture
def spy(monkeypatch):
    """Records the arguments (pointers as ints) of each C call the kernels make, then makes it."""
    calls = {}
    real = parfor._kernels.call

    def fake(function, *args):
        calls[function] = [_address(a) for a in args]
        return real(function, *args)

    monkeypatch.setattr(parfor._kernels, "call", fake)
    return calls


def test_contiguous_float64_input_is_passed_as_is(spy):
    x = parfor.roots_input(1000, seed=1)
    y = parfor.roots(x)
    assert spy["parfor_roots"][0] == x.ctypes.data  # C read x's own buffer
    assert spy["parfor_roots"][1] == y.ctypes.data  # and wrote into y's
    s = parfor.roots_sum(x)
    assert spy["parfor_roots_sum"][0] == x.ctypes.data
    assert spy["parfor_roots_sum"][1] == s.ctypes.data
    assert parfor._args.as_f64(x, "roots") is x


def test_outputs_are_numpy_owned(spy):
    x = parfor.roots_input(100, seed=1)
    assert spy["parfor_roots_input"][1] == x.ctypes.data
    for arr in (x, parfor.roots(x), parfor.roots_sum(x), *parfor.bootstrap(10, 10)[:2], parfor.mandelbrot(8, 4, 10)[0]):
        assert arr.flags.owndata and arr.base is None and arr.flags.c_contiguous


def test_out_arrays_are_filled_in_place(spy):
    x = np.empty(64)
    assert parfor.roots_input(64, seed=2, out=x) is x
    assert np.array_equal(x, parfor.roots_input(64, seed=2))
    y = np.empty(64, dtype=np.float32)
    assert parfor.roots(x, out=y) is y
    assert spy["parfor_roots"][1] == y.ctypes.data
    s = np.empty(64)
    assert parfor.roots_sum(x, out=s) is s


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x.tolist(),  # a list
        lambda x: x.astype(np.float32),  # another dtype
        lambda x: np.repeat(x, 2)[::2],  # a strided view
        lambda x: x.astype(">f8"),  # non-native byte order
        lambda x: np.asfortranarray(x),  # 1-D Fortran order is also C order: no copy needed
    ],
)
def test_other_inputs_are_converted_once(make):
    x = parfor.roots_input(101, seed=3)
    src = make(x)
    want = np.sqrt(np.asarray(src, dtype=np.float64)).astype(np.float32)
    assert np.array_equal(parfor.roots(src), want)


def test_integer_input_converts():
    assert np.array_equal(parfor.roots([0, 1, 4, 9]), np.array([0, 1, 2, 3], dtype=np.float32))
    assert np.array_equal(parfor.roots(np.arange(5, dtype=np.int32)), np.sqrt(np.arange(5.0)).astype(np.float32))


def test_strided_view_is_copied_not_passed(spy):
    x = np.repeat(parfor.roots_input(50, seed=4), 2)
    view = x[::2]
    parfor.roots(view)
    assert spy["parfor_roots"][0] != view.ctypes.data
