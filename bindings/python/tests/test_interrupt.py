"""Ctrl-C (SIGINT) during a long kernel: KeyboardInterrupt within 0.5 s, the run is cancelled, and
the next call works. The kernel runs in a child interpreter that the test signals."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")

CHILD = textwrap.dedent(
    """
    import sys, time
    import parfor
    parfor.set_threads(2)
    want = parfor.pi(200_000, seed=7)
    print("ready", flush=True)
    started = time.monotonic()
    try:
        {long_call}
    except KeyboardInterrupt:
        print("interrupted after %.3f s" % (time.monotonic() - started), flush=True)
    else:
        print("finished without interrupt", flush=True)
        sys.exit(3)
    assert parfor.pi(200_000, seed=7) == want
    assert parfor.grid_max(301) == parfor.grid_max(301)
    print("next calls ok", flush=True)
    """
)

LONG_CALLS = {
    "pi": "parfor.pi(10**15)",  # hours: the size that used to abort the interpreter
    "grid_max": "parfor.grid_max(300_000)",  # about 10^11 cos evaluations
    "mandelbrot": "parfor.mandelbrot(40_000, 40_000, max_iter=100_000, counts=False)",
}


@pytest.mark.parametrize("kernel", list(LONG_CALLS))
def test_sigint_interrupts_a_long_kernel_and_the_next_call_works(kernel):
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(long_call=LONG_CALLS[kernel])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.5)  # the kernel is running by now
        assert proc.poll() is None, "the child ended before the signal: " + proc.stderr.read()
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        line = proc.stdout.readline()
        seen = time.monotonic() - sent
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert line.startswith("interrupted after"), (line, out, err)
    assert seen < 0.5, "KeyboardInterrupt came %.3f s after SIGINT" % seen
    assert "next calls ok" in out, err
    assert proc.returncode == 0, err
