#!/usr/bin/env python3
"""Bench section: the web service under load (Tests/Load/load_test.py on the release
build): 200 uploads from 50 concurrent sessions over loopback, then 50 submissions.
Prints one JSON row for run.py: wall time (medians of RUNS), server peak memory, and
the upload latency p50/p95 in the label."""
import json, os, statistics, subprocess, sys

bench, data, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tonghop = os.path.join(os.path.dirname(bench), "tonghop")
results = []
for i in range(runs):
    out = os.path.join(data, "web-load")
    r = subprocess.run([sys.executable, os.path.join(root, "Tests/Load/load_test.py"), "--tonghop", tonghop, "--root", root,
                        "--out", out, "--json", os.path.join(out, "result.json")], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("web load test failed: " + r.stdout + r.stderr)
    results.append(json.load(open(os.path.join(out, "result.json"))))
wall = statistics.median(r["wall_s"] for r in results)
p50 = statistics.median(r["p50_ms"] for r in results)
p95 = statistics.median(r["p95_ms"] for r in results)
peak = max(r["server_peak_mb"] for r in results)
print(json.dumps({"section": "web", "what": "200 uploads, 50 sessions: upload p50 %.0f ms, p95 %.0f ms" % (p50, p95),
                  "ours": {"seconds": wall, "peak_mb": peak, "min": min(r["wall_s"] for r in results),
                           "max": max(r["wall_s"] for r in results), "cells": 0}}))
