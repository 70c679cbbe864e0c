#!/usr/bin/env python3
"""National scale for `make bench`: 3,321 generated commune submissions (34 provinces)
imported (read, validated, stored) and summarised into the workbook, with peak memory,
next to python-calamine merely reading the same files. Prints JSON lines for run.py.

Usage: section_national.py BENCH_BINARY DATA_DIR RUNS
"""
import json, os, statistics, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, TONGHOP, national  # noqa: E402
from common import measured as _measured  # noqa: E402

bench, data, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
template, forms = national(bench, data)
nat = os.path.dirname(forms)


def measured(cmd):
    dt, mb, _ = _measured(cmd)
    return dt, mb

rows = {"import": [], "summary": [], "total": []}
peak = {"import": 0, "summary": 0}
for _ in range(runs):
    db = os.path.join(nat, "bench.db")
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    a, ma = measured([TONGHOP, "import", forms, "--db", db, "--template", template])
    b, mb = measured([TONGHOP, "summary", "--db", db, "--template", template, "-o", os.path.join(nat, "tong-hop.xlsx")])
    rows["import"].append(a); rows["summary"].append(b); rows["total"].append(a + b)
    peak["import"] = max(peak["import"], ma); peak["summary"] = max(peak["summary"], mb)

cal = []
for _ in range(runs):
    out = subprocess.run([sys.executable, os.path.join(ROOT, "scripts/bench/peers.py"), "calamine-batch", forms], capture_output=True, text=True, check=True)
    cal.append(json.loads(out.stdout)["seconds"])
calamine = {"seconds": statistics.median(cal), "min": min(cal), "max": max(cal), "cells": 0, "peak_mb": 0}

def stat(xs, mb):
    xs = sorted(xs)
    return {"seconds": statistics.median(xs), "min": xs[0], "max": xs[-1], "cells": 0, "peak_mb": mb}

print(json.dumps({"section": "national", "what": "3,321 communes: import (read + validate + store)", "ours": stat(rows["import"], peak["import"])}))
print(json.dumps({"section": "national", "what": "3,321 communes: summary workbook", "ours": stat(rows["summary"], peak["summary"])}))
print(json.dumps({"section": "national", "what": "3,321 communes: import + summary", "ours": stat(rows["total"], max(peak.values())),
                  "peer": calamine, "peer_name": "python-calamine reading only"}))
print(json.dumps({"section": "national", "what": "3,321 communes: python-calamine reading only", "ours": calamine}))
