#!/usr/bin/env python3
"""Checks bindings/julia/Parfor.jl against include/parfor.h, without a Julia.

Julia cannot be installed on the project's machines, so instead of running the module this script
parses it and the C header and fails (exit 1) when they drift apart:

* every `ccall((:name, libparfor), Ret, (Arg, ...), args...)`: `name` is declared in the header,
  `Ret` and every `Arg` map to the C prototype's return and parameter types, and the call passes
  as many arguments as its type tuple names;
* every kernel and thread control of the header (REQUIRED below) is called somewhere in the
  module; other header functions the module does not wrap (e.g. the MPI block functions) are
  listed as notes, not failures;
* every Julia `struct` passed to C (e.g. `ParforSchedule`) has the fields of the C struct of the
  same name in snake case (`parfor_schedule`), in order and with matching types;
* every `const PARFOR_* = n` in the module equals the header's `#define`.

Type mapping (Julia -> C): Cint/Int32 -> int/int32_t, Cuint/UInt32 -> unsigned/uint32_t,
Int64 -> int64_t, UInt64 -> uint64_t, Csize_t -> size_t, Cdouble/Float64 -> double,
Cfloat/Float32 -> float, Cvoid/Nothing -> void, Cstring -> char *, Ptr{T}/Ref{T} -> T *
(const ignored), Ptr{Cvoid} -> void * or a function-pointer typedef, a Julia struct -> the C struct.
Integer types of the same width but a different signedness or a different C name (UInt64 for
size_t) are drift.

    python3 bindings/julia/check_ccalls.py [--julia Parfor.jl] [--header include/parfor.h]
"""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_JULIA = os.path.join(HERE, "Parfor.jl")
DEFAULT_HEADER = os.path.normpath(os.path.join(HERE, "..", "..", "include", "parfor.h"))

# ----------------------------------------------------------------------------- C side

C_SCALARS = {
    "int": "i32",
    "int32_t": "i32",
    "unsigned": "u32",
    "unsigned int": "u32",
    "uint32_t": "u32",
    "int64_t": "i64",
    "uint64_t": "u64",
    "size_t": "size_t",
    "double": "f64",
    "float": "f32",
    "char": "char",
    "void": "void",
    "uint8_t": "u8",
    "int8_t": "i8",
}

JULIA_SCALARS = {
    "Cint": "i32",
    "Int32": "i32",
    "Cuint": "u32",
    "UInt32": "u32",
    "Int64": "i64",
    "Clonglong": "i64",
    "UInt64": "u64",
    "Culonglong": "u64",
    "Csize_t": "size_t",
    "Cdouble": "f64",
    "Float64": "f64",
    "Cfloat": "f32",
    "Float32": "f32",
    "Cvoid": "void",
    "Nothing": "void",
    "Cchar": "char",
    "UInt8": "u8",
    "Cuchar": "u8",
    "Int8": "i8",
}


# What the Julia module must wrap: every kernel and the thread controls.
REQUIRED = [
    "parfor_pi", "parfor_wealth", "parfor_weather", "parfor_roots_input", "parfor_roots",
    "parfor_roots_sum", "parfor_grid_max", "parfor_bootstrap", "parfor_mandelbrot",
    "parfor_set_num_threads", "parfor_get_num_threads", "parfor_status_message",
]


class CheckError(Exception):
    pass


def strip_c_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def c_type(decl, fnptrs, with_name=True):
    """A C declaration ("const double *x") as a canonical type: (base, pointer depth)."""
    tokens = re.sub(r"\*", " * ", decl).split()
    tokens = [t for t in tokens if t not in ("const", "volatile", "restrict")]
    if with_name and len(tokens) > 1 and tokens[-1] != "*" and re.fullmatch(r"\w+", tokens[-1]):
        tokens = tokens[:-1]  # the parameter's name
    depth = tokens.count("*")
    words = [t for t in tokens if t != "*"]
    base = " ".join(words)
    if base.startswith("struct "):
        return ("struct " + words[1], depth)
    if base in fnptrs:
        return ("fnptr", depth)
    if base not in C_SCALARS:
        raise CheckError("header: unknown C type %r in %r" % (base, decl))
    return (C_SCALARS[base], depth)


def parse_header(text):
    """(functions {name: (ret, [params])}, structs {name: [(field, type)]}, defines {name: int})."""
    text = strip_c_comments(text)
    defines = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s*#define\s+(PARFOR_\w+)\s+(-?\d+)\s*$", text, re.M)}
    text = re.sub(r"^\s*#[^\n]*", " ", text, flags=re.M)
    fnptrs = set(re.findall(r"typedef\s+[\w\s\*]+\(\s*\*\s*(\w+)\s*\)\s*\([^)]*\)\s*;", text))
    structs = {}
    for m in re.finditer(r"typedef\s+struct\s+(\w+)\s*\{(.*?)\}\s*(\w+)\s*;", text, re.S):
        fields = []
        for decl in m.group(2).split(";"):
            decl = decl.strip()
            if decl:
                name = re.findall(r"\w+", decl)[-1]
                fields.append((name, c_type(decl, fnptrs)))
        structs[m.group(1)] = fields
    body = re.sub(r"typedef[^;{]*(\{.*?\})?[^;]*;", " ", text, flags=re.S)
    body = body.replace('extern "C" {', " ")
    functions = {}
    for m in re.finditer(r"([A-Za-z_][\w\s\*]*?)\b(parfor_\w+)\s*\(([^()]*)\)\s*;", body):
        ret = c_type(m.group(1).strip(), fnptrs, with_name=False)
        params_text = " ".join(m.group(3).split())
        if params_text in ("", "void"):
            params = []
        else:
            params = [c_type(p.strip(), fnptrs) for p in params_text.split(",")]
        functions[m.group(2)] = (ret, params)
    if not functions:
        raise CheckError("header: no parfor_* prototypes found")
    return functions, structs, defines


# ----------------------------------------------------------------------------- Julia side


def strip_julia(text):
    """Julia source without comments and string contents (keeps line numbers)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith('"""', i):
            j = text.find('"""', i + 3)
            j = n if j < 0 else j + 3
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif text.startswith("#=", i):
            j = text.find("=#", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text[i] == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text[i] == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]):
            m = re.match(r"'(\\.|[^\\'])'", text[i:i + 4])
            out.append("'c'")
            i += m.end()
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def balanced(text, start):
    """Index just past the bracket closing the one at text[start]."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for i in range(start, len(text)):
        c = text[i]
        if c in pairs:
            stack.append(pairs[c])
        elif c in ")]}":
            if not stack or stack.pop() != c:
                raise CheckError("unbalanced %r at offset %d" % (c, i))
            if not stack:
                return i + 1
    raise CheckError("unclosed bracket at offset %d" % start)


def split_top(text):
    """Splits on commas outside brackets; drops a trailing empty part (a one-element tuple)."""
    parts, depth, cur = [], 0, []
    for c in text:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
    last = "".join(cur).strip()
    if last:
        parts.append(last)
    return parts


def unwrap_parens(s):
    s = s.strip()
    if not (s.startswith("(") and balanced(s, 0) == len(s)):
        raise CheckError("expected a parenthesised tuple, got %r" % s)
    return s[1:-1]


def parse_julia(text):
    """(ccalls [(line, name, lib, ret, [argtypes], nargs)], structs {name: [(field, type)]}, consts)."""
    src = strip_julia(text)
    if re.search(r"@ccall\b", src):
        raise CheckError("Parfor.jl uses @ccall, which this check does not parse: use ccall")
    calls = []
    for m in re.finditer(r"(?<![\w@.])ccall\s*\(", src):
        end = balanced(src, m.end() - 1)
        line = src.count("\n", 0, m.start()) + 1
        parts = split_top(src[m.end():end - 1])
        if len(parts) < 3:
            raise CheckError("line %d: ccall with fewer than 3 arguments" % line)
        target = split_top(unwrap_parens(parts[0]))
        if len(target) != 2 or not re.fullmatch(r":\w+", target[0]):
            raise CheckError("line %d: ccall target must be (:name, lib), got %s" % (line, parts[0]))
        argtypes = split_top(unwrap_parens(parts[2]))
        calls.append((line, target[0][1:], target[1], parts[1], argtypes, len(parts) - 3))
    structs = {}
    for m in re.finditer(r"^\s*(?:mutable\s+)?struct\s+(\w+)(.*?)^\s*end\b", src, re.S | re.M):
        fields = re.findall(r"^\s*(\w+)::(\S+)\s*$", m.group(2), re.M)
        structs[m.group(1)] = fields
    consts = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s*const\s+(PARFOR_\w+)\s*=\s*(-?\d+)\s*$", src, re.M)}
    return calls, structs, consts


def snake(name):
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def julia_type(t, jl_structs):
    """A Julia type expression as a canonical C type: (base, pointer depth)."""
    t = t.strip()
    m = re.fullmatch(r"(Ptr|Ref)\{(.+)\}", t)
    if m:
        base, depth = julia_type(m.group(2), jl_structs)
        return (base, depth + 1)
    if t == "Cstring":
        return ("char", 1)
    if t in JULIA_SCALARS:
        return (JULIA_SCALARS[t], 0)
    if t in jl_structs:
        return ("struct " + snake(t), 0)
    raise CheckError("unknown Julia type %r (not in the mapping table)" % t)


def same(jl, c):
    if jl == c:
        return True
    # a function pointer typedef is passed as Ptr{Cvoid}
    return c == ("fnptr", 0) and jl == ("void", 1)


def show(t):
    base, depth = t
    return base + " " + "*" * depth if depth else base


# ----------------------------------------------------------------------------- the check


def check(julia_text, header_text):
    """A list of drift messages; empty when the module matches the header."""
    functions, c_structs, defines = parse_header(header_text)
    calls, jl_structs, consts = parse_julia(julia_text)
    errors = []
    seen = set()
    for line, name, lib, ret, argtypes, nargs in calls:
        where = "Parfor.jl:%d %s" % (line, name)
        if lib != "libparfor":
            errors.append("%s: library is %r, expected libparfor" % (where, lib))
        if name not in functions:
            errors.append("%s: not declared in parfor.h" % where)
            continue
        seen.add(name)
        c_ret, c_params = functions[name]
        try:
            jl_ret = julia_type(ret, jl_structs)
            jl_args = [julia_type(a, jl_structs) for a in argtypes]
        except CheckError as e:
            errors.append("%s: %s" % (where, e))
            continue
        if not same(jl_ret, c_ret):
            errors.append("%s: returns %s (%s) but the header says %s" % (where, ret, show(jl_ret), show(c_ret)))
        if len(jl_args) != len(c_params):
            errors.append("%s: %d argument types but the header has %d parameters" % (where, len(jl_args), len(c_params)))
        else:
            for i, (j, c, text) in enumerate(zip(jl_args, c_params, argtypes)):
                if not same(j, c):
                    errors.append("%s: argument %d is %s (%s) but the header says %s" % (where, i + 1, text, show(j), show(c)))
        if nargs != len(argtypes):
            errors.append("%s: passes %d values for %d argument types" % (where, nargs, len(argtypes)))
    for name in REQUIRED:
        if name not in seen:
            errors.append("Parfor.jl never calls %s (a kernel or thread control it must wrap)" % name)
    notes = ["not wrapped: %s" % name for name in sorted(set(functions) - seen) if name not in REQUIRED]
    for jl_name, fields in jl_structs.items():
        c_name = snake(jl_name)
        if c_name not in c_structs:
            continue  # a Julia-only struct (e.g. ParforError)
        c_fields = c_structs[c_name]
        try:
            jl_fields = [(f, julia_type(t, jl_structs)) for f, t in fields]
        except CheckError as e:
            errors.append("struct %s: %s" % (jl_name, e))
            continue
        if [t for _, t in jl_fields] != [t for _, t in c_fields]:
            errors.append(
                "struct %s has fields %s but struct %s has %s"
                % (jl_name, [(f, show(t)) for f, t in jl_fields], c_name, [(f, show(t)) for f, t in c_fields])
            )
    for c_name in c_structs:
        if c_name not in {snake(n) for n in jl_structs}:
            used = any(t[0] == "struct " + c_name for f, (r, ps) in functions.items() if f in seen for t in [r] + ps)
            if used:
                errors.append("parfor.h's struct %s has no Julia struct %s" % (c_name, c_name.title().replace("_", "")))
    for name, value in consts.items():
        if name not in defines:
            errors.append("Parfor.jl: const %s is not #defined in parfor.h" % name)
        elif defines[name] != value:
            errors.append("Parfor.jl: const %s = %d but parfor.h #defines %d" % (name, value, defines[name]))
    return errors, len(calls), len(functions), notes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--julia", default=DEFAULT_JULIA)
    ap.add_argument("--header", default=DEFAULT_HEADER)
    args = ap.parse_args(argv)
    with open(args.julia) as f:
        julia_text = f.read()
    with open(args.header) as f:
        header_text = f.read()
    try:
        errors, ncalls, nfuncs, notes = check(julia_text, header_text)
    except CheckError as e:
        print("check_ccalls: %s" % e, file=sys.stderr)
        return 1
    for n in notes:
        print("note: " + n)
    for e in errors:
        print("DRIFT: " + e, file=sys.stderr)
    if errors:
        print("check_ccalls: %d mismatches between %s and %s" % (len(errors), args.julia, args.header), file=sys.stderr)
        return 1
    print("check_ccalls: %d ccalls in %s match their prototypes in %s (%d functions declared, %d not wrapped)"
          % (ncalls, os.path.basename(args.julia), os.path.basename(args.header), nfuncs, len(notes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
