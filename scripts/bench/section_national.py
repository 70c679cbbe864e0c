#!/usr/bin/env python3
"""National scale for `make bench` (issue 8), on the real units of the catalogue: after
the reform 3,321 commune forms of 34 provinces (2025), before it 10,056 forms of 63
provinces and 696 districts (2024). Each imported (read, validated, stored) and
summarised into the workbook, with peak memory, next to python-calamine merely reading
the same files and the script an analyst would write (calamine + sums by code +
xlsxwriter), in the same run. Prints JSON lines for run.py.

Usage: section_national.py BENCH_BINARY DATA_DIR RUNS
"""
import json, os, statistics, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, import_and_summary, measured, national  # noqa: E402

bench, data, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])


def stat(samples):
    secs = sorted(s[0] for s in samples)
    return {"seconds": statistics.median(secs), "min": secs[0], "max": secs[-1], "cells": 0,
            "peak_mb": max(s[1] for s in samples), "cpu": statistics.median(s[2] for s in samples)}


for era, label in (("after", "3,321 communes (34 provinces)"), ("before", "10,056 forms (63 provinces, 696 districts)")):
    template, forms = national(bench, data, era)
    nat = os.path.dirname(forms)
    imp, summ, total, cal, script = [], [], [], [], []
    for _ in range(runs):
        a, b = import_and_summary(template, forms, nat, "bench")
        imp.append(a); summ.append(b); total.append((a[0] + b[0], max(a[1], b[1]), a[2] + b[2]))
        cal.append(measured([sys.executable, os.path.join(ROOT, "scripts/bench/peers.py"), "calamine-batch", forms]))
        script.append(measured([sys.executable, os.path.join(ROOT, "scripts/bench/analyst_script.py"), forms, os.path.join(nat, "script.xlsx")]))
    print(json.dumps({"section": "national", "what": label + ": import", "ours": stat(imp)}))
    print(json.dumps({"section": "national", "what": label + ": summary workbook", "ours": stat(summ)}))
    print(json.dumps({"section": "national", "what": label + ": import + summary", "ours": stat(total),
                      "peer": stat(script), "peer_name": "analyst's script (calamine + xlsxwriter)"}))
    print(json.dumps({"section": "national", "what": label + ": python-calamine reading only", "ours": stat(cal)}))
    print(json.dumps({"section": "national", "what": label + ": analyst's script", "ours": stat(script)}))
