#!/usr/bin/env python3
"""Runs libgomp's own C testsuite (gcc 12) on gcc's libgomp and on parfor's drop-in.

The tests are GPL and stay in Debian's gcc-12-source package: this script extracts
libgomp/testsuite/libgomp.c (with its subdirectories) and libgomp.c-c++-common from the
package's tarball into a work directory at run time, never into the repository.

For every test it
1. reads the DejaGnu directives (dg-do, dg-options, dg-additional-options, dg-additional-sources,
   dg-set-target-env-var, dg-require-effective-target, dg-skip-if, dg-xfail-run-if,
   dg-shouldfail, dg-output) and evaluates their target selectors for x86_64 Linux;
2. builds it with `gcc -fopenmp` as libgomp's c.exp does (-O2 unless dg-options) and lists the
   GOMP_*/omp_* functions it calls (its undefined dynamic symbols, `nm -D -u`: what `nm -u` of
   its objects gives, also under -flto): a test is selected when every one of them is
   implemented by parfor (named as `fn NAME` in gomp/src, the rule gomp/build.rs uses to
   generate the aborting stubs for the rest);
3. links and runs each selected test on libgomp and on parfor (gomp/libgomp.so.1 through
   LD_LIBRARY_PATH, or libparfor_gomp.so through LD_PRELOAD with --preload), in parallel, each run
   with a timeout.

It prints one line per test that fails, `N passed, M failed` for parfor (M counts only tests that
pass on libgomp), the tests that fail on libgomp itself, and the excluded tests grouped by reason.
Exit status 1 when a selected test that passes on libgomp fails on parfor, or when fewer than
--min-selected tests were selected.

Usage: gomp/testsuite/run.py [--lib-dir target/release] [--jobs 2] [--timeout 60] [--preload]
       [--min-selected N] [--work DIR] [--only SUBSTRING]...
"""

import argparse
import concurrent.futures
import fnmatch
import glob
import os
import re
import subprocess
import sys
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
GOMP_SRC = os.path.join(HERE, "..", "src")
TRIPLET = "x86_64-pc-linux-gnu"
TEST_DIRS = ("libgomp/testsuite/libgomp.c/", "libgomp/testsuite/libgomp.c-c++-common/")
# libgomp_g.h: the GOMP_* prototypes some tests call directly (found with -I libgomp/).
EXTRA_FILES = ("libgomp/libgomp_g.h",)


class Excluded(Exception):
    """A test that is not run, with the reason (the group it is reported under)."""


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def effective_targets():
    """What libgomp's effective-target keywords mean on this x86_64 Linux machine."""
    flags = cpu_flags()
    yes = ["c", "lp64", "size32plus", "sync_int_long", "tls", "tls_runtime", "shared", "fpic",
           "large_long_double", "sse2_runtime", "lto", "vect_simd_clones", "__float128",
           "pthread", "native"]
    no = ["c++", "ia32", "ilp32", "offload_device", "offload_device_nonshared_as",
          "offload_device_shared_as", "offload_target_nvptx", "offload_target_amdgcn",
          "offload_device_any_intel_mic", "openacc_nvidia_accel_selected",
          "openacc_radeon_accel_selected", "offload_target_any", "alpha"]
    table = {k: True for k in yes}
    table.update({k: False for k in no})
    table["avx_runtime"] = "avx" in flags
    table["avx512f_runtime"] = "avx512f" in flags
    return table


TARGETS = None


def tcl_tokens(text, i):
    """Tcl-ish words from text[i:] up to the closing brace of a directive; returns (words, end)."""
    words = []
    n = len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "}":
            return words, i + 1
        elif c == '"':
            j = i + 1
            buf = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    buf.append(text[j:j + 2])
                    j += 2
                else:
                    buf.append(text[j])
                    j += 1
            words.append(tcl_unescape("".join(buf)))
            i = j + 1
        elif c == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            words.append(text[i + 1:j - 1])
            i = j
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] != "}":
                j += 1
            words.append(text[i:j])
            i = j
    return words, n


def tcl_unescape(s):
    """Backslash substitution inside a Tcl double-quoted word."""
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            out.append({"n": "\n", "r": "\r", "t": "\t"}.get(nxt, nxt))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def directives(source):
    """(name, words) for every `{ dg-NAME words }` in the source text."""
    found = []
    for m in re.finditer(r"\{\s*(dg-[a-z-]+)", source):
        words, _ = tcl_tokens(source, m.end())
        found.append((m.group(1), words))
    return found


def selector_tokens(sel):
    return re.findall(r"\{|\}|&&|\|\||!|[^\s{}!&|]+", sel)


def eval_selector(sel):
    """Evaluates a DejaGnu target selector (triplet globs, effective targets, && || !)."""
    toks = selector_tokens(sel)
    pos = 0

    def atom():
        nonlocal pos
        tok = toks[pos]
        pos += 1
        if tok == "!":
            return not atom()
        if tok == "{":
            value = expr()
            pos += 1  # the closing brace
            return value
        if tok == "target":
            return expr()
        if re.match(r"^[\w*?\[\]-]+-[\w*?\[\]-]+-[\w*?\[\].-]+$", tok):
            return fnmatch.fnmatch(TRIPLET, tok)
        if tok not in TARGETS:
            raise Excluded(f"unknown effective target {tok}")
        return TARGETS[tok]

    def expr():
        nonlocal pos
        value = atom()
        while pos < len(toks) and toks[pos] != "}":
            tok = toks[pos]
            if tok == "&&":
                pos += 1
                value = atom() and value
            elif tok == "||":
                pos += 1
                value = atom() or value
            else:  # juxtaposed words: a list of triplets, any of which may match
                value = atom() or value
        return value

    return expr() if toks else True


def applies(words, index):
    """True when the optional selector at words[index] (`target SEL` or a bare SEL) holds."""
    if len(words) <= index:
        return True
    sel = words[index]
    return eval_selector(sel if sel.startswith("target") else "target " + sel)


class Test:
    def __init__(self, path, root):
        self.path = path
        self.name = os.path.relpath(path, os.path.join(root, "libgomp/testsuite"))
        self.options = ["-O2"]
        self.additional = []
        self.sources = [path]
        self.env = {}
        self.should_fail = False
        self.output = []
        self.parse()

    def parse(self):
        with open(self.path, errors="replace") as f:
            text = f.read()
        action = "run"
        for name, words in directives(text):
            if name == "dg-do":
                action = words[0].strip('"') if words else "run"
                if not applies(words, 1):
                    raise Excluded("dg-do not for this target")
            elif name == "dg-options" and applies(words, 1):
                self.options = words[0].split()
            elif name == "dg-additional-options" and applies(words, 1):
                self.additional += words[0].split()
            elif name == "dg-additional-sources":
                for extra in words[0].split():
                    self.sources.append(os.path.join(os.path.dirname(self.path), extra))
            elif name == "dg-set-target-env-var":
                self.env[words[0]] = words[1]
            elif name == "dg-require-effective-target":
                if not applies(["target " + words[0]], 0):
                    raise Excluded(f"requires effective target {words[0]}")
            elif name == "dg-skip-if":
                if applies(words, 1):
                    raise Excluded("dg-skip-if")
            elif name in ("dg-xfail-run-if", "dg-xfail-if"):
                if applies(words, 1):
                    raise Excluded("expected to fail here (dg-xfail)")
            elif name == "dg-shouldfail" and applies(words, 1):
                self.should_fail = True
            elif name == "dg-output" and applies(words, 1):
                self.output.append(words[0])
            elif name == "dg-add-options":
                raise Excluded("dg-add-options")
            elif name == "dg-error":
                action = "compile"  # an error test never links
        if action != "run":
            raise Excluded(f"dg-do {action} (not a run test)")

    def flags(self, include):
        return ["-fopenmp"] + self.options + self.additional + ["-I", include, "-w"]


def implemented_functions():
    """Names that follow `fn ` in gomp/src (the rule of gomp/build.rs)."""
    names = set()
    for path in glob.glob(os.path.join(GOMP_SRC, "**", "*.rs"), recursive=True):
        with open(path) as f:
            names.update(re.findall(r"\bfn (\w+)", f.read()))
    return names


def reason(name):
    """Why an entry point is missing: the grouping gomp/build.rs puts in its abort message."""
    rules = [(("GOACC_", "acc_", "OACC"), "OpenACC", str.startswith),
             (("GOMP_PLUGIN_",), "offload plugins", str.startswith),
             (("target", "offload", "teams"), "offloading", str.__contains__),
             (("_",), "the Fortran API", str.endswith),
             (("cancel",), "cancellation", str.__contains__),
             (("reduction",), "task reductions", str.__contains__),
             (("omp_fulfill_event",), "task detach", str.__eq__),
             (("task", "depend"), "tasks", str.__contains__),
             (("alloc", "free"), "memory allocators", str.__contains__)]
    for keys, why, test in rules:
        if any(test(name, k) for k in keys):
            return why
    return name


def libgomp_functions():
    with open(os.path.join(HERE, "..", "symbols.txt")) as f:
        return {line.split()[0] for line in f if line.strip()}


def tarball():
    out = subprocess.run(["dpkg", "-L", "gcc-12-source"], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if re.search(r"/gcc-12[.\d]*(-dfsg)?\.tar\.xz$", line):
            return line
    sys.exit("gcc-12-source is not installed (apt-get install gcc-12-source)")


def extract(work):
    """Extracts the test directories (once) and returns the source root inside `work`."""
    stamp = os.path.join(work, "extracted")
    if not os.path.exists(stamp):
        os.makedirs(work, exist_ok=True)
        patterns = [f"gcc-12*/{d}*" for d in TEST_DIRS] + [f"gcc-12*/{f}" for f in EXTRA_FILES]
        subprocess.run(["tar", "-xJf", tarball(), "-C", work, "--wildcards"] + patterns, check=True)
        roots = glob.glob(os.path.join(work, "gcc-12*"))
        with open(stamp, "w") as f:
            f.write(roots[0])
    with open(stamp) as f:
        return f.read()


def sh(cmd, timeout=None, env=None):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
        return p.returncode, p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") + (e.stderr or b"").decode(errors="replace")
        return "timeout", out


def prepare(test, root, build, have, known):
    """Compiles and links a test; returns the program path, or raises Excluded.

    The GOMP_*/omp_* functions a test calls are the program's undefined dynamic symbols
    (`nm -D --undefined-only`): the same as `nm -u` of its objects, also for -flto tests whose
    objects hold no code yet, for one gcc run instead of two."""
    include = os.path.join(root, "libgomp")
    exe = os.path.join(build, test.name.replace("/", "_") + ".exe")
    rc, _ = sh(["gcc"] + test.flags(include) + test.sources + ["-o", exe, "-lm"], timeout=300)
    if rc != 0:
        raise Excluded("does not compile with this gcc")
    _, dynamic = sh(["nm", "-D", "--undefined-only", exe])
    undefined = {line.split()[-1].split("@")[0] for line in dynamic.splitlines() if line.strip()}
    missing = sorted((undefined & known) - have)
    if missing:
        raise Excluded("calls unimplemented entry points (" +
                       ", ".join(sorted({reason(m) for m in missing})) + ")")
    return exe


def outcome(test, exe, extra_env, timeout):
    """'pass', or a short reason for failure, for one run of the program."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OMP_", "GOMP_", "LD_PRELOAD", "LD_LIBRARY_PATH"))}
    env.update({"LC_ALL": "C", "LANG": "C"})
    env.update(test.env)
    env.update(extra_env)
    began = time.time()
    rc, out = sh([exe], timeout=timeout, env=env)
    test.seconds = getattr(test, "seconds", 0) + time.time() - began
    if rc == "timeout":
        return f"timeout after {timeout} s", out
    if test.should_fail:
        if rc == 0:
            return "exited 0 but should fail", out
    elif rc != 0:
        return f"exit status {rc}", out
    if test.output:
        pattern = "".join(test.output)
        if not re.search(pattern, out, re.S):
            return "output does not match dg-output", out
    return "pass", out


def main():
    global TARGETS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lib-dir", default=os.path.join(HERE, "..", "..", "target", "release"))
    ap.add_argument("--work", default=None, help="extraction and build dir (default LIB_DIR/libgomp-testsuite)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--preload", action="store_true", help="run parfor through LD_PRELOAD")
    ap.add_argument("--min-selected", type=int, default=0)
    ap.add_argument("--only", action="append", default=[], help="run tests whose name contains this")
    ap.add_argument("--verbose", action="store_true", help="print each failing test's output")
    args = ap.parse_args()
    TARGETS = effective_targets()

    lib_dir = os.path.abspath(args.lib_dir)
    drop_in = os.path.join(lib_dir, "gomp", "libgomp.so.1")
    preload = os.path.join(lib_dir, "libparfor_gomp.so")
    for f in (drop_in, preload):
        if not os.path.exists(f):
            sys.exit(f"{f} not found: cargo build --release -p parfor-gomp && gomp/link-libgomp.sh")
    parfor_env = ({"LD_PRELOAD": preload} if args.preload
                  else {"LD_LIBRARY_PATH": os.path.dirname(drop_in)})
    work = os.path.abspath(args.work or os.path.join(lib_dir, "libgomp-testsuite"))
    build = os.path.join(work, "build")
    os.makedirs(build, exist_ok=True)
    started = time.time()
    root = extract(work)
    have = implemented_functions()
    known = libgomp_functions()

    paths = sorted(p for d in TEST_DIRS for p in glob.glob(os.path.join(root, d, "**", "*.c"), recursive=True))
    excluded = defaultdict(list)
    tests = []
    for path in paths:
        name = os.path.relpath(path, os.path.join(root, "libgomp/testsuite"))
        if args.only and not any(o in name for o in args.only):
            continue
        try:
            tests.append(Test(path, root))
        except Excluded as e:
            excluded[str(e)].append(name)

    def run_one(test):
        try:
            exe = prepare(test, root, build, have, known)
        except Excluded as e:
            return test, str(e), None, None
        theirs = outcome(test, exe, {}, args.timeout)
        ours = outcome(test, exe, parfor_env, args.timeout)
        return test, None, theirs, ours

    passed, failed, libgomp_fails = [], [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for test, why, theirs, ours in pool.map(run_one, tests):
            if why:
                excluded[why].append(test.name)
            elif theirs[0] != "pass":
                libgomp_fails.append((test.name, theirs[0], ours[0]))
            elif ours[0] == "pass":
                passed.append(test.name)
            else:
                failed.append(test.name)
                print(f"FAIL {test.name}: {ours[0]}")
                if args.verbose:
                    print("    " + ours[1][-2000:].replace("\n", "\n    "))

    selected = len(passed) + len(failed) + len(libgomp_fails)
    slowest = sorted((t for t in tests if hasattr(t, "seconds")), key=lambda t: -t.seconds)[:5]
    print("slowest (both runs): " + ", ".join(f"{t.name} {t.seconds:.1f} s" for t in slowest))
    print(f"\n{selected} tests selected of {len(paths)} "
          f"(parfor through {'LD_PRELOAD' if args.preload else 'libgomp.so.1'}; "
          f"{time.time() - started:.0f} s)")
    for name, theirs, ours in libgomp_fails:
        print(f"fails on libgomp too: {name} (libgomp: {theirs}; parfor: {ours})")
    print("\nexcluded, by reason:")
    for why in sorted(excluded, key=lambda w: (-len(excluded[w]), w)):
        names = sorted(excluded[why])
        print(f"  {why} ({len(names)}): {' '.join(names)}")
    print(f"\n{len(passed)} passed, {len(failed)} failed")
    if failed or selected < args.min_selected:
        if selected < args.min_selected:
            print(f"only {selected} tests selected, fewer than {args.min_selected}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
