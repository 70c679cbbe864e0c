#!/usr/bin/env python3
"""The whole job for `make bench` (issue 10): 3,321 commune forms imported and summarised
by tonghop, next to the script an analyst would write (scripts/bench/analyst_script.py:
python-calamine + xlsxwriter) on the same files in the same run; validate alone; and
`dump` of a 100k × 10 XLSX against our reader alone and python-calamine. Prints JSON
lines for run.py.

Usage: section_job.py BENCH_BINARY DATA_DIR RUNS
"""
import json, os, statistics, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, TONGHOP, import_and_summary, measured, national  # noqa: E402

bench, data, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
template, forms = national(bench, data)
nat = os.path.dirname(forms)
small = os.path.join(data, "100k.xlsx")
if not os.path.exists(small):
    subprocess.run([bench, "gen-xlsx", "100000", small], check=True)


def stat(samples):
    secs = sorted(s[0] for s in samples)
    return {"seconds": statistics.median(secs), "min": secs[0], "max": secs[-1], "cells": 0,
            "peak_mb": max(s[1] for s in samples), "cpu": statistics.median(s[2] for s in samples)}


job, script, val = [], [], []
for _ in range(runs):
    a, b = import_and_summary(template, forms, nat, "job")
    job.append((a[0] + b[0], max(a[1], b[1]), a[2] + b[2]))
    script.append(measured([sys.executable, os.path.join(ROOT, "scripts/bench/analyst_script.py"), forms, os.path.join(nat, "script.xlsx")]))
    val.append(measured([TONGHOP, "validate", forms, "--template", template]))
ours, peer = stat(job), stat(script)
print(json.dumps({"section": "job", "what": "3,321 forms: import + summary", "ours": ours, "peer": peer, "peer_name": "analyst's script (calamine + xlsxwriter)"}))
print(json.dumps({"section": "job", "what": "3,321 forms: analyst's script", "ours": peer}))
print(json.dumps({"section": "job", "what": "3,321 forms: validate", "ours": stat(val)}))

read, csv_, js, cal = [], [], [], []
for _ in range(runs):
    read.append(measured([bench, "read-xlsx", small]))
    csv_.append(measured([TONGHOP, "dump", small]))
    js.append(measured([TONGHOP, "dump", small, "--format", "json"]))
    cal.append(measured([sys.executable, os.path.join(ROOT, "scripts/bench/peers.py"), "calamine-read-xlsx", small]))
r = stat(read)
print(json.dumps({"section": "dump", "what": "100k×10 XLSX: our reader alone", "ours": r}))
print(json.dumps({"section": "dump", "what": "100k×10: dump --format csv", "ours": stat(csv_), "peer": stat(cal), "peer_name": "python-calamine to_python"}))
print(json.dumps({"section": "dump", "what": "100k×10: dump --format json", "ours": stat(js), "peer": stat(cal), "peer_name": "python-calamine to_python"}))
