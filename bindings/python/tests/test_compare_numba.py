"""Smoke test of compare_numba.py at --size small (only where numba is installed; CI skips it)."""

import os
import subprocess
import sys

import pytest

pytest.importorskip("numba")

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "compare_numba.py")


def test_compare_numba_small_runs():
    proc = subprocess.run(
        [sys.executable, SCRIPT, "--size", "small", "--repeats", "1", "--threads", "2", "--no-install",
         "--only", "pi,roots,grid_max,mandelbrot"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for kernel in ("pi", "roots", "grid_max", "mandelbrot"):
        assert "\n" + kernel in out
    assert "ratio" in out
