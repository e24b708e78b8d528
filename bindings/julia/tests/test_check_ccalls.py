"""The Julia module's ccalls against include/parfor.h, and that the check catches drift."""

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
JULIA_DIR = os.path.dirname(HERE)
sys.path.insert(0, JULIA_DIR)

import check_ccalls  # noqa: E402

SCRIPT = os.path.join(JULIA_DIR, "check_ccalls.py")
JL = open(check_ccalls.DEFAULT_JULIA).read()
H = open(check_ccalls.DEFAULT_HEADER).read()


def test_module_matches_header():
    errors, ncalls, nfuncs, notes = check_ccalls.check(JL, H)
    assert errors == []
    assert ncalls >= 20 and nfuncs >= 20


def test_script_passes_on_the_real_files():
    proc = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "match" in proc.stdout


def run_on_copies(tmp_path, jl=JL, h=H):
    (tmp_path / "Parfor.jl").write_text(jl)
    (tmp_path / "parfor.h").write_text(h)
    return subprocess.run(
        [sys.executable, SCRIPT, "--julia", str(tmp_path / "Parfor.jl"), "--header", str(tmp_path / "parfor.h")],
        capture_output=True, text=True,
    )


def test_script_fails_on_a_wrong_signature_in_a_temp_copy(tmp_path):
    old = "(UInt64, UInt32, UInt64, Ref{Cdouble}),"
    assert JL.count(old) == 1  # parfor_wealth's argument types
    proc = run_on_copies(tmp_path, jl=JL.replace(old, "(UInt64, UInt64, UInt64, Ref{Cdouble}),"))
    assert proc.returncode == 1
    assert "parfor_wealth: argument 2 is UInt64 (u64) but the header says u32" in proc.stderr


def mutate(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


JULIA_DRIFT = [
    # (old, new, expected message fragment)
    ("(UInt64, UInt64, Ref{Cdouble}),", "(UInt64, Int64, Ref{Cdouble}),", "parfor_pi: argument 2 is Int64"),
    ("(UInt64, UInt64, Ref{Cdouble}),", "(UInt64, UInt64, Ref{Cfloat}),", "parfor_pi: argument 3 is Ref{Cfloat}"),
    ("(UInt64, UInt64, Ref{Cdouble}),", "(UInt64, UInt64, Cdouble),", "parfor_pi: argument 3 is Cdouble"),
    ("(UInt64, UInt64, Ref{Cdouble}),", "(UInt64, Ref{Cdouble}),", "parfor_pi: 2 argument types but the header has 3"),
    ("(Ptr{Cdouble}, Ptr{Cfloat}, Csize_t),", "(Ptr{Cdouble}, Ptr{Cfloat}, UInt64),", "parfor_roots: argument 3 is UInt64"),
    ("(:parfor_set_num_threads, libparfor), Cint,", "(:parfor_set_num_threads, libparfor), Cvoid,", "parfor_set_num_threads: returns Cvoid"),
    ("(:parfor_get_num_threads, libparfor), Int32,", "(:parfor_get_num_threads, libparfor), Int64,", "parfor_get_num_threads: returns Int64"),
    ("(:parfor_grid_max, libparfor)", "(:parfor_gridmax, libparfor)", "parfor_gridmax: not declared in parfor.h"),
    ("(:parfor_grid_max, libparfor)", "(:parfor_grid_max, libfoo)", "library is 'libfoo'"),
    ("size_arg(n, \"n\"), out),", "size_arg(n, \"n\")),", "parfor_grid_max: passes 1 values for 2 argument types"),
    ("    chunk::Int64\n", "    chunk::Int32\n", "struct ParforSchedule has fields"),
    ("const PARFOR_ERR_PANIC = 3", "const PARFOR_ERR_PANIC = 5", "PARFOR_ERR_PANIC = 5 but parfor.h #defines 3"),
]


@pytest.mark.parametrize("old,new,fragment", JULIA_DRIFT)
def test_julia_drift_is_caught(old, new, fragment):
    errors = check_ccalls.check(mutate(JL, old, new), H)[0]
    assert errors, "drift not caught"
    assert any(fragment in e for e in errors), errors


def test_a_removed_kernel_is_caught():
    jl = mutate(JL, "threads() = Int(ccall((:parfor_get_num_threads, libparfor), Int32, ()))", "threads() = 1")
    errors = check_ccalls.check(jl, H)[0]
    assert errors == ["Parfor.jl never calls parfor_get_num_threads (a kernel or thread control it must wrap)"]


HEADER_DRIFT = [
    ("int parfor_grid_max(uint64_t n, double *out);", "int parfor_grid_max(uint64_t n, uint32_t rows, double *out);", "parfor_grid_max: 2 argument types but the header has 3"),
    ("int parfor_pi(uint64_t n, uint64_t seed, double *out);", "int parfor_pi(uint64_t n, uint32_t seed, double *out);", "parfor_pi: argument 2 is UInt64"),
    ("int32_t parfor_get_num_threads(void);", "int64_t parfor_get_num_threads(void);", "parfor_get_num_threads: returns Int32"),
    ("  int64_t chunk;", "  int32_t chunk;", "struct ParforSchedule has fields"),
    ("#define PARFOR_DYNAMIC 1", "#define PARFOR_DYNAMIC 7", "PARFOR_DYNAMIC = 1 but parfor.h #defines 7"),
]


@pytest.mark.parametrize("old,new,fragment", HEADER_DRIFT)
def test_header_drift_is_caught(old, new, fragment):
    errors = check_ccalls.check(JL, mutate(H, old, new))[0]
    assert any(fragment in e for e in errors), errors


def test_a_new_c_function_is_a_note_not_drift():
    h = mutate(H, "const char *parfor_version(void);", "const char *parfor_version(void);\n\nint parfor_new_thing(uint64_t n, double *out);")
    errors, _, _, notes = check_ccalls.check(JL, h)
    assert errors == []
    assert "not wrapped: parfor_new_thing" in notes


@pytest.mark.parametrize(
    "jl,c",
    [
        ("Cint", ("i32", 0)), ("Int32", ("i32", 0)), ("Int64", ("i64", 0)), ("UInt64", ("u64", 0)),
        ("Csize_t", ("size_t", 0)), ("Cdouble", ("f64", 0)), ("Cfloat", ("f32", 0)), ("Cvoid", ("void", 0)),
        ("Ptr{Cdouble}", ("f64", 1)), ("Ref{UInt64}", ("u64", 1)), ("Ptr{Ptr{Cfloat}}", ("f32", 2)),
        ("Cstring", ("char", 1)), ("Ptr{Cvoid}", ("void", 1)), ("ParforSchedule", ("struct parfor_schedule", 0)),
    ],
)
def test_type_mapping(jl, c):
    assert check_ccalls.julia_type(jl, {"ParforSchedule": []}) == c


def test_comments_and_strings_are_ignored():
    jl = JL + '\n# ccall((:parfor_nope, libparfor), Cint, ())\nx = "ccall((:parfor_nope, libparfor), Cint, ())"\n#= ccall((:parfor_nope, lib), Cint, ()) =#\n'
    assert check_ccalls.check(jl, H)[0] == []


def test_macro_ccall_is_refused():
    with pytest.raises(check_ccalls.CheckError, match="@ccall"):
        check_ccalls.check(JL + "\n@ccall libparfor.parfor_version()::Cstring\n", H)
