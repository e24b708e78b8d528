"""check_cdefs.py: the package's declarations against include/parfor.h, and drift it must catch."""

import importlib.util
import os

import pytest

from parfor import _capi

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "check_cdefs.py")
HEADER = os.path.normpath(os.path.join(HERE, "..", "..", "..", "include", "parfor.h"))

spec = importlib.util.spec_from_file_location("check_cdefs", SCRIPT)
check_cdefs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_cdefs)

pytestmark = pytest.mark.skipif(not os.path.exists(HEADER), reason="run from the repository: needs include/parfor.h")


def run(header_text):
    package_dir = os.path.dirname(os.path.abspath(_capi.__file__))
    return check_cdefs.check(header_text, _capi.ffi, _capi.lib, _capi.library_path(), package_dir)


@pytest.fixture(scope="module")
def header():
    with open(HEADER) as f:
        return f.read()


def test_installed_package_matches_the_header(header):
    assert run(header) == []


def test_a_changed_parameter_type_is_drift(header):
    drifted = header.replace("int parfor_pi(uint64_t n, uint64_t seed", "int parfor_pi(uint32_t n, uint64_t seed")
    assert drifted != header
    assert any(e.startswith("parfor_pi: the package declares") for e in run(drifted))


def test_a_changed_constant_is_drift(header):
    drifted = header.replace("#define PARFOR_ERR_PANIC 3", "#define PARFOR_ERR_PANIC 30")
    assert drifted != header
    assert "PARFOR_ERR_PANIC: 3 in the package, 30 in parfor.h" in run(drifted)


def test_a_changed_struct_is_drift(header):
    drifted = header.replace("  int32_t kind;", "  int64_t kind;")
    assert drifted != header
    assert any(e.startswith("struct parfor_schedule: package layout") for e in run(drifted))


def test_a_function_missing_from_the_header_is_drift(header):
    start = header.index("int parfor_grid_max(uint64_t n, double *out);")
    drifted = header[:start] + header[start + len("int parfor_grid_max(uint64_t n, double *out);"):]
    errors = run(drifted)
    assert "parfor_grid_max: declared by the package, not in parfor.h" in errors
    assert "the package's Python code calls parfor_grid_max, which parfor.h does not declare" in errors
