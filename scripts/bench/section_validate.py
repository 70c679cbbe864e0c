#!/usr/bin/env python3
"""Validation speed for `make bench`: one 60-row submission, process start to exit
(median of 30 runs), and 700 submissions in one call. Prints JSON lines for run.py.

Usage: section_validate.py BENCH_BINARY DATA_DIR RUNS
"""
import json, os, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TONGHOP = os.path.join(ROOT, ".build/release/tonghop")
data = sys.argv[2]
runs = int(sys.argv[3])
src_dir = os.path.join(ROOT, "fixtures/submissions/2024")
one = os.path.join(src_dir, "lai-chau-ktxh_107-muong-te_2024.xlsx")

def timed(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        sys.exit("validate failed: %s" % r.stderr.decode())
    return dt

samples = sorted(timed([TONGHOP, "validate", one]) for _ in range(30))
print(json.dumps({"section": "validate", "what": "1 submission (60 rows), process start to exit",
                  "ours": {"seconds": statistics.median(samples), "min": samples[0], "max": samples[-1], "cells": 0, "peak_mb": 0}}))

batch = os.path.join(data, "validate700")
if not os.path.isdir(batch):
    os.makedirs(batch)
    files = sorted(f for f in os.listdir(src_dir) if f.endswith(".xlsx"))
    for i in range(700):
        shutil.copy(os.path.join(src_dir, files[i % len(files)]), os.path.join(batch, "nop-%04d.xlsx" % i))
samples = sorted(timed([TONGHOP, "validate", batch, "--format", "json"]) for _ in range(runs))
print(json.dumps({"section": "validate", "what": "700 submissions in one call",
                  "ours": {"seconds": statistics.median(samples), "min": samples[0], "max": samples[-1], "cells": 0, "peak_mb": 0}}))
