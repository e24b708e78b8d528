import pytest

import parfor


@pytest.fixture(autouse=True)
def restore_threads():
    """Each test leaves the team size as it found it."""
    before = parfor.threads()
    yield
    parfor.set_threads(before)
