"""threadpoolctl sees parfor (threadpool_info) and limits it (threadpool_limits)."""

import pytest

import parfor

threadpoolctl = pytest.importorskip("threadpoolctl")
if not hasattr(threadpoolctl, "register"):
    pytest.skip("threadpoolctl < 3.2 has no register API", allow_module_level=True)


def parfor_entries():
    return [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "parfor"]


def test_threadpool_info_lists_parfor():
    parfor.set_threads(2)
    entries = parfor_entries()
    assert len(entries) == 1
    info = entries[0]
    assert info["user_api"] == "parfor"
    assert info["version"] == parfor.__version__
    assert info["num_threads"] == 2
    assert info["filepath"] == parfor._capi.library_path()


def test_threadpool_limits_limits_parfor_and_restores():
    parfor.set_threads(2)
    with threadpoolctl.threadpool_limits(1):
        assert parfor.threads() == 1
        assert parfor_entries()[0]["num_threads"] == 1
        assert parfor.parallel_reduce(0, 100, lambda b, e: float(parfor.thread_num() == 0) * (e - b)) == 100.0
    assert parfor.threads() == 2
    with threadpoolctl.threadpool_limits(limits={"parfor": 1}):
        assert parfor.threads() == 1
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        assert parfor.threads() == 2  # a BLAS limit is not a parfor limit
    assert parfor.threads() == 2
