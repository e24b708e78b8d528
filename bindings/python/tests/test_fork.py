"""parfor in the parent, then in forked multiprocessing children: same results, no hang."""

import multiprocessing as mp

import pytest

import parfor
from _workload import digest

pytestmark = pytest.mark.skipif(
    "fork" not in mp.get_all_start_methods(), reason="no fork start method on this platform"
)


def child(seed):
    return parfor.threads(), parfor.pi(200_000, seed=seed), digest()


def test_forked_pool_gives_parent_results():
    parfor.set_threads(2)
    want_digest = digest()  # the parent's pool is running when the children fork
    want = [parfor.pi(200_000, seed=s) for s in range(4)]
    ctx = mp.get_context("fork")
    pool = ctx.Pool(2)
    try:
        got = pool.map_async(child, range(4)).get(timeout=120)  # a hang fails here
    except mp.TimeoutError:
        pytest.fail("forked children did not finish within 120 s (hang after fork?)")
    finally:
        pool.terminate()
        pool.join()
    assert [g[1] for g in got] == want
    assert all(g[2] == want_digest for g in got)
    assert all(g[0] == 2 for g in got)  # the child inherits the team size
    assert digest() == want_digest  # the parent is unaffected
