#!/usr/bin/env python3
"""Checks that building parfor's sdist uses exactly the crate versions pinned in its Cargo.lock.

maturin cuts the workspace's members in the sdist to the crates the library needs, so cargo drops
the lock entries of the others on the first build (which is why the sdist build cannot pass
--locked). This script unpacks the sdist into a temporary directory, lets cargo resolve it
(`cargo metadata`, no compilation) and fails (exit 1) if the resolved lock adds or changes any
package: it may only have dropped some.

    python3 bindings/python/check_sdist_lock.py dist/parfor-0.1.0.tar.gz
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from typing import Set, Tuple


def lock_packages(text: str) -> Set[Tuple[str, str]]:
    """The (name, version) pairs of a Cargo.lock."""
    packages, name = set(), None
    for line in text.splitlines():
        if line.startswith("name = "):
            name = line.split('"')[1]
        elif line.startswith("version = ") and name is not None:
            packages.add((name, line.split('"')[1]))
            name = None
    return packages


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(argv[0]) as tar:
            tar.extractall(tmp, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        (root,) = [os.path.join(tmp, d) for d in os.listdir(tmp)]
        lock = os.path.join(root, "Cargo.lock")
        with open(lock) as f:
            pinned = lock_packages(f.read())
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--manifest-path", os.path.join(root, "Cargo.toml")],
            check=True, stdout=subprocess.DEVNULL,
        )
        with open(lock) as f:
            resolved = lock_packages(f.read())
    changed = sorted(resolved - pinned)
    for name, version in changed:
        print("check_sdist_lock: %s %s is not pinned in the sdist's Cargo.lock" % (name, version), file=sys.stderr)
    if changed or not resolved:
        return 1
    print("check_sdist_lock: the sdist resolves to %d pinned packages (%d lock entries dropped)"
          % (len(resolved), len(pinned - resolved)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
