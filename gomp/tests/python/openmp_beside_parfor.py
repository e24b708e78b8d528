"""A `gcc -fopenmp` shared library loaded through ctypes, in the same Python process as
`import parfor`, run as CI does:

    LD_PRELOAD=target/release/libparfor_gomp.so python3 gomp/tests/python/openmp_beside_parfor.py

Checks that the OpenMP library runs on parfor's drop-in (not on libgomp) with a full team and
right results, interleaved with parfor's own Python API, and that the process has one parfor
runtime and one pool: `import parfor` uses the preloaded runtime (it exports parfor's C API)
instead of opening the package's own library, and the threads in /proc/self/task are those of one
team. Exit status 0 on success.
"""

import ctypes
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
THREADS = 3


def mapped_libraries():
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if ".so" in line.split()[-1]})


def thread_count():
    return len(os.listdir("/proc/self/task"))


def main():
    preload = os.environ.get("LD_PRELOAD", "")
    if "libparfor_gomp.so" not in preload:
        sys.exit("run under LD_PRELOAD=.../libparfor_gomp.so")
    os.environ["OMP_NUM_THREADS"] = str(THREADS)  # read by both at their first region
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # numpy's BLAS, if OpenBLAS: no threads of its own
    with tempfile.TemporaryDirectory() as tmp:
        lib_path = os.path.join(tmp, "libomp_library.so")
        source = os.path.join(HERE, "..", "c", "omp_library.c")
        subprocess.run(["gcc", "-shared", "-fPIC", "-fopenmp", "-O2", "-o", lib_path, source], check=True)
        omp = ctypes.CDLL(lib_path)
        omp.omp_library_sum.restype = ctypes.c_longlong
        omp.omp_library_sum.argtypes = [ctypes.c_longlong, ctypes.POINTER(ctypes.c_int)]

        import parfor

        n, team = 1_000_000, ctypes.c_int(0)
        for round_ in range(3):
            total = omp.omp_library_sum(n, ctypes.byref(team))
            assert total == n * (n - 1) // 2, total
            assert team.value == THREADS, f"OpenMP team of {team.value}, wanted {THREADS}"
            estimate = parfor.pi(200_000, seed=round_)
            assert abs(estimate - 3.14159) < 0.05, estimate

        # The library's GOMP_* calls bind to the preload (gcc's libgomp is mapped, as the
        # library's DT_NEEDED, but the preload's definitions come first in the global scope).
        address = lambda lib: ctypes.cast(lib.GOMP_parallel, ctypes.c_void_p).value
        assert address(ctypes.CDLL(None)) == address(ctypes.CDLL(preload.split()[0])), "libgomp ran"
        # The runtimes in the process: the preload, and any library of the parfor package itself.
        package = os.path.dirname(os.path.abspath(parfor.__file__))
        runtimes = [p for p in mapped_libraries()
                    if os.path.basename(p).startswith("libparfor") or p.startswith(package + os.sep)]
        threads = thread_count()
        print(f"parfor runtimes loaded: {runtimes}; threads: {threads}")
        assert parfor._capi.SHARED_RUNTIME, "import parfor opened its own library"
        assert os.path.samefile(parfor._capi.library_path(), preload.split()[0]), parfor._capi.library_path()
        assert len(runtimes) == 1, f"two parfor runtimes: {runtimes}"
        # One pool of THREADS: the main thread, THREADS - 1 workers, and one thread to spare for
        # a BLAS numpy may start (two pools of THREADS would add THREADS - 1 more workers).
        assert threads <= THREADS + 1, f"{threads} threads for one pool of {THREADS}"
        print("openmp_beside_parfor: OK, one runtime and one pool")


if __name__ == "__main__":
    main()
