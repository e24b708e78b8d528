"""Impossible sizes raise MemoryError or ValueError; none kills the interpreter.

Each call runs in a child interpreter, so a crash fails this test instead of killing pytest.
Sizes that need no memory (pi(10**15), weather(2**63)) are not impossible, only long: Ctrl-C
stops them (test_interrupt.py)."""

import json
import subprocess
import sys
import textwrap

import pytest

HUGE = {
    "wealth": "parfor.wealth(2**62, steps=1)",  # the library's NOMEM
    "wealth_8TB": "parfor.wealth(2**40, steps=1)",
    "bootstrap_arrays": "parfor.bootstrap(2**62, draws=1)",  # NumPy refuses the output arrays
    "roots_input": "parfor.roots_input(2**62)",
    "mandelbrot_counts": "parfor.mandelbrot(2**32 - 1, 2**32 - 1, max_iter=1)",
}

CHILD = textwrap.dedent(
    """
    import json, sys
    import parfor
    try:
        {call}
    except (MemoryError, ValueError) as e:
        print(json.dumps({{"raised": type(e).__name__, "mro": [c.__name__ for c in type(e).__mro__]}}))
    else:
        print(json.dumps({{"raised": None}}))
    print(json.dumps({{"after": parfor.pi(10_000, seed=1)}}))
    """
)


@pytest.mark.parametrize("name", list(HUGE))
def test_impossible_size_raises_and_the_interpreter_lives(name):
    proc = subprocess.run(
        [sys.executable, "-c", CHILD.format(call=HUGE[name])], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, "child died (%d): %s" % (proc.returncode, proc.stderr[-2000:])
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert lines[0]["raised"] is not None, "%s returned instead of raising" % HUGE[name]
    assert "MemoryError" in lines[0]["mro"] or "ValueError" in lines[0]["mro"]
    assert 3.0 < lines[1]["after"] < 3.3
