"""Build step of the `parfor` Python package.

The package is pure Python (ctypes) plus one native file, the C ABI library `libparfor.so`, which
this build step makes with cargo from the workspace two levels up and ships inside the package:

    cargo build --release -p parfor-capi          (in the workspace, with its own target/)

It uses the workspace's target directory (or CARGO_TARGET_DIR), so CI and developers who already
built the library do not build it twice. pip >= 21.3 builds local directories in place, which is
what lets this step find the workspace; an out-of-tree build fails with a message saying so.

Environment:
  CARGO                 the cargo to run (default: `cargo` on PATH, then ~/.cargo/bin/cargo)
  PARFOR_PREBUILT_LIB   path of an already built libparfor to ship instead of running cargo
"""

import json
import os
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:  # setuptools >= 70.1 has bdist_wheel itself; older ones use the `wheel` package's
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover
    from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
WORKSPACE = os.path.normpath(os.path.join(HERE, "..", ".."))

if sys.platform == "darwin":
    LIBNAME = "libparfor.dylib"
elif sys.platform == "win32":
    LIBNAME = "parfor.dll"
else:
    LIBNAME = "libparfor.so"


def _cargo():
    cargo = os.environ.get("CARGO") or shutil.which("cargo")
    if not cargo:
        home = os.path.join(os.path.expanduser("~"), ".cargo", "bin", "cargo")
        if os.path.exists(home):
            cargo = home
    if not cargo:
        sys.exit("parfor: building the Python package needs the Rust toolchain (cargo) on PATH")
    return cargo


def build_library():
    """Builds libparfor with cargo in the workspace and returns its path."""
    prebuilt = os.environ.get("PARFOR_PREBUILT_LIB")
    if prebuilt:
        return prebuilt
    manifest = os.path.join(WORKSPACE, "capi", "Cargo.toml")
    if not os.path.exists(manifest):
        sys.exit(
            "parfor: cannot find the Rust workspace at %s (capi/Cargo.toml). Install from the "
            "repository with pip >= 21.3, which builds local directories in place: "
            "`pip install ./bindings/python`." % WORKSPACE
        )
    cargo = _cargo()
    subprocess.check_call(
        [cargo, "build", "--release", "-p", "parfor-capi", "--quiet"], cwd=WORKSPACE
    )
    meta = subprocess.check_output(
        [cargo, "metadata", "--format-version", "1", "--no-deps"], cwd=WORKSPACE
    )
    target = json.loads(meta)["target_directory"]
    path = os.path.join(target, "release", LIBNAME)
    if not os.path.exists(path):
        sys.exit("parfor: cargo finished but %s is missing" % path)
    return path


class BuildPyWithLibparfor(build_py):
    """build_py that also builds libparfor and copies it next to parfor/__init__.py."""

    def run(self):
        super().run()
        lib = build_library()
        dests = [os.path.join(self.build_lib, "parfor")]
        if getattr(self, "editable_mode", False):
            dests.append(os.path.join(HERE, "src", "parfor"))
        for dest in dests:
            os.makedirs(dest, exist_ok=True)
            self.copy_file(lib, os.path.join(dest, LIBNAME), preserve_mode=True)

    def get_outputs(self, include_bytecode=1):
        return super().get_outputs(include_bytecode) + [
            os.path.join(self.build_lib, "parfor", LIBNAME)
        ]


class BinaryDistribution(Distribution):
    """The wheel holds a native library: it is platform-specific, not pure."""

    def has_ext_modules(self):
        return True


class BdistWheelAnyPython(bdist_wheel):
    """The library is loaded with ctypes, so the wheel fits any CPython 3 on this platform."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


setup(
    distclass=BinaryDistribution,
    cmdclass={"build_py": BuildPyWithLibparfor, "bdist_wheel": BdistWheelAnyPython},
)
