#!/usr/bin/env python3
"""Summarises round.sh's CSV: per construct and thread count, min / median / max over rounds of each
runtime, in microseconds, with "tie" where after's median lies inside before's min..max spread.
Rows of runtime `libomp_clang` (epcc.c built with clang, on libomp) get a column of their own.

Usage: gomp/bench/summarise.py CSV [CONSTRUCT...]"""
import csv
import statistics
import sys

rows = list(csv.DictReader(line for line in open(sys.argv[1]) if not line.startswith("#")))
wanted = set(sys.argv[2:])
runtimes = [
    r
    for r in ("libgomp", "before", "after", "libomp", "libomp_clang")
    if any(x["runtime"] == r for x in rows)
]
values = {}
for x in rows:
    values.setdefault((x["construct"], int(x["threads"]), x["runtime"]), []).append(float(x["us"]))
constructs = list(dict.fromkeys(x["construct"] for x in rows))
rounds = len({x["round"] for x in rows})
print(f"| construct | threads | " + " | ".join(f"{r} min / med / max" for r in runtimes) + " | after vs before |")
print("|---|---:|" + "---:|" * len(runtimes) + "---|")
for c in constructs:
    if wanted and c not in wanted:
        continue
    for t in (2, 8):
        cells = []
        for r in runtimes:
            v = values.get((c, t, r), [])
            cells.append(f"{min(v):.2f} / {statistics.median(v):.2f} / {max(v):.2f}" if v else "-")
        b, a = values.get((c, t, "before")), values.get((c, t, "after"))
        verdict = ""
        if b and a:
            med = statistics.median(a)
            verdict = "tie" if min(b) <= med <= max(b) else ("faster" if med < min(b) else "slower")
        print(f"| {c} | {t} | " + " | ".join(cells) + f" | {verdict} |")
print(f"\n{rounds} rounds")
