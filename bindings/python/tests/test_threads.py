"""Bit-identical results for any team size: set_threads, OMP_NUM_THREADS, Python threads."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import parfor
from _workload import digest

HERE = os.path.dirname(os.path.abspath(__file__))


def test_set_threads_changes_team_size():
    parfor.set_threads(1)
    assert parfor.threads() == 1
    parfor.set_threads(2)
    assert parfor.threads() == 2


def test_bit_identical_with_1_2_and_3_threads():
    out = {}
    for n in (1, 2, 3):
        parfor.set_threads(n)
        out[n] = digest()
    assert out[1] == out[2] == out[3]


def run_child(omp):
    env = dict(os.environ)
    env.pop("OMP_NUM_THREADS", None)
    if omp is not None:
        env["OMP_NUM_THREADS"] = omp
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, "_workload.py")],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(proc.stdout)


def test_omp_num_threads_is_honoured_and_results_identical():
    one, two, list_form = run_child("1"), run_child("2"), run_child("3,1")
    assert one["threads"] == 1
    assert two["threads"] == 2
    assert list_form["threads"] == 3  # the first entry of a list
    assert one["digest"] == two["digest"] == list_form["digest"]
    parfor.set_threads(2)
    assert digest() == one["digest"]


def test_calls_from_several_python_threads():
    parfor.set_threads(2)
    want = [parfor.pi(100_000, seed=s) for s in range(8)]
    with ThreadPoolExecutor(4) as ex:
        got = list(ex.map(lambda s: parfor.pi(100_000, seed=s), range(8)))
    assert got == want


@pytest.mark.parametrize("bad", [0, -1, 2**31, 1.0, None, "2", True])
def test_set_threads_refuses_bad_values(bad):
    with pytest.raises((TypeError, ValueError)):
        parfor.set_threads(bad)
