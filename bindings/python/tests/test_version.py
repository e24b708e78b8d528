"""One version everywhere: the distribution's, the library's string and its header macros."""

import importlib.metadata

import parfor
from parfor._capi import lib


def test_versions_agree():
    macros = "%d.%d.%d" % (lib.PARFOR_VERSION_MAJOR, lib.PARFOR_VERSION_MINOR, lib.PARFOR_VERSION_PATCH)
    assert parfor.__version__ == parfor.version() == macros
    assert importlib.metadata.version("parfor") == parfor.__version__


def test_every_public_function_is_typed_and_documented():
    for name in parfor.__all__:
        obj = getattr(parfor, name)
        if callable(obj) and getattr(obj, "__module__", "").startswith("parfor"):
            assert obj.__doc__ and obj.__doc__.strip(), name
            if isinstance(obj, type):
                continue
            assert "return" in obj.__annotations__, name
