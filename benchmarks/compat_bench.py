#!/usr/bin/env python3
"""The same comparisons as `schema-bench --pairs` with jsonsubschema
(a semantic subschema checker from PyPI): each pair checked both ways, as
hyperforge does; one JSON line per pair with the median milliseconds.

    compat_bench.py --pairs FILE --repeat N
"""
import argparse
import json
import time

from jsonsubschema import isSubschema

parser = argparse.ArgumentParser()
parser.add_argument("--pairs", required=True)
parser.add_argument("--repeat", type=int, default=20)
args = parser.parse_args()

for p in json.load(open(args.pairs)):
    times = []
    verdict = "-"
    for _ in range(args.repeat):
        start = time.perf_counter()
        try:
            new_in_old = isSubschema(p["new"], p["old"])
            old_in_new = isSubschema(p["old"], p["new"])
            ok = (new_in_old or not p["backwards"]) and (old_in_new or not p["forwards"])
            verdict = "compatible" if ok else "incompatible"
        except Exception as e:  # a schema it does not support
            verdict = "error: " + type(e).__name__
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(json.dumps({"name": p["name"], "verdict": verdict, "median_ms": times[len(times) // 2]}))
