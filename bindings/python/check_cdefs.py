#!/usr/bin/env python3
"""Checks the installed parfor package's C declarations against include/parfor.h.

The package's cffi declarations (``parfor._native.ffi``) are generated at build time from the capi
crate; this script parses the committed header with cffi too, opens the package's library with it,
and fails (exit 1) when the two disagree:

* every function of the header exists in the package with the same C type (return and
  parameter types, structs by value, function pointers), and the package declares no function
  the header lacks;
* every struct of the header has the same fields, types, offsets and size in the package;
* every ``#define PARFOR_* <integer>`` has the same value in the package;
* every ``parfor_*`` function and ``PARFOR_*`` constant the package's Python code names is in
  the header.

    python3 bindings/python/check_cdefs.py [--header include/parfor.h]
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import sys
from typing import Dict, List, Tuple

import cffi

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HEADER = os.path.normpath(os.path.join(HERE, "..", "..", "include", "parfor.h"))


def cdef_text(header: str) -> str:
    """The header as cffi's cdef accepts it: no comments, no C++ guard, no #include or include
    guard; integer #defines kept."""
    text = re.sub(r"/\*.*?\*/", " ", header, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"#ifdef\s+__cplusplus.*?#endif", " ", text, flags=re.S)
    lines = []
    for line in text.splitlines():
        if line.lstrip().startswith("#") and not re.match(r"\s*#define\s+\w+\s+-?\d+\s*$", line):
            continue
        lines.append(line)
    return "\n".join(lines)


def header_names(cdef: str) -> Tuple[List[str], List[str], Dict[str, int]]:
    """(function names, struct names, {define: value}) declared in the cdef text."""
    functions = re.findall(r"\b(parfor_\w+)\s*\(", cdef)
    structs = re.findall(r"\bstruct\s+(\w+)\s*\{", cdef)
    defines = {m.group(1): int(m.group(2)) for m in re.finditer(r"#define\s+(\w+)\s+(-?\d+)", cdef)}
    return functions, structs, defines


def canonical(cname: str) -> str:
    """A cffi type name without "struct " (cffi names a typedef'd struct either way)."""
    return re.sub(r"\bstruct\s+", "", cname)


def struct_layout(ffi, name: str) -> Tuple[int, list]:
    t = ffi.typeof("struct " + name)
    return ffi.sizeof(t), [(f, canonical(field.type.cname), field.offset) for f, field in t.fields]


def python_names(package_dir: str) -> Tuple[set, set]:
    """(parfor_* functions, PARFOR_* constants) the package's Python sources name."""
    functions, constants = set(), set()
    for path in glob.glob(os.path.join(package_dir, "*.py")):
        with open(path) as f:
            src = f.read()
        functions |= set(re.findall(r"\b(?:lib\.|call\(\")(parfor_\w+)", src))
        constants |= set(re.findall(r"\blib\.(PARFOR_\w+)", src))
    return functions, constants


def check(header: str, pkg_ffi, pkg_lib, library_path: str, package_dir: str) -> List[str]:
    """The drift messages between the header text and the package's ffi/lib; empty when none."""
    cdef = cdef_text(header)
    functions, structs, defines = header_names(cdef)
    ffi_h = cffi.FFI()
    ffi_h.cdef(cdef)
    lib_h = ffi_h.dlopen(library_path)
    errors = []
    package_functions = {n for n in dir(pkg_lib) if n.startswith("parfor_")}
    for name in functions:
        if name not in package_functions:
            errors.append("%s: in parfor.h, not in the package" % name)
            continue
        want = canonical(ffi_h.typeof(getattr(lib_h, name)).cname)
        got = canonical(pkg_ffi.typeof(getattr(pkg_lib, name)).cname)
        if got != want:
            errors.append("%s: the package declares %s, parfor.h %s" % (name, got, want))
    for name in sorted(package_functions - set(functions)):
        errors.append("%s: declared by the package, not in parfor.h" % name)
    for name in structs:
        try:
            got = struct_layout(pkg_ffi, name)
        except (cffi.FFIError, KeyError) as e:
            errors.append("struct %s: not in the package (%s)" % (name, e))
            continue
        if got != struct_layout(ffi_h, name):
            errors.append("struct %s: package layout %s, parfor.h %s" % (name, got, struct_layout(ffi_h, name)))
    for name, value in defines.items():
        got = getattr(pkg_lib, name, None)
        if got != value:
            errors.append("%s: %r in the package, %d in parfor.h" % (name, got, value))
    used_functions, used_constants = python_names(package_dir)
    for name in sorted(used_functions - set(functions)):
        errors.append("the package's Python code calls %s, which parfor.h does not declare" % name)
    for name in sorted(used_constants - set(defines)):
        errors.append("the package's Python code uses %s, which parfor.h does not define" % name)
    return errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--header", default=DEFAULT_HEADER)
    args = ap.parse_args(argv)
    from parfor import _capi

    with open(args.header) as f:
        header = f.read()
    package_dir = os.path.dirname(os.path.abspath(_capi.__file__))
    errors = check(header, _capi.ffi, _capi.lib, _capi.library_path(), package_dir)
    for e in errors:
        print("DRIFT: " + e, file=sys.stderr)
    if errors:
        print("check_cdefs: %d mismatches between %s and the package at %s" % (len(errors), args.header, package_dir),
              file=sys.stderr)
        return 1
    nfun = len(header_names(cdef_text(header))[0])
    print("check_cdefs: the package's declarations of %d functions match %s" % (nfun, os.path.basename(args.header)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
