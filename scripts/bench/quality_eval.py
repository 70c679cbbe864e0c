#!/usr/bin/env python3
"""Scores the quality screening on the synthetic batch made by `tonghop-bench gen-quality`
(issue 24): catch rate per planted slip kind (refused at import, or flagged by
`anomalies`), the false-flag rate on clean values, and beside it the DHIS2-style
own-history z-score (|z| > 3) on the same store.

Usage: quality_eval.py DIR DB ANOMALIES.json IMPORT.json   (IMPORT.json: `import --format json` of the 2025 forms)
"""
import json, sqlite3, sys
from collections import defaultdict
import numpy as np

d, db, anomalies_path, import_path = sys.argv[1:5]
planted = json.load(open(d + "/planted.json"))
screened = json.load(open(anomalies_path))
anomalies = screened["anomalies"]
# Only the screened period's span: with 9-month reports of 2025 in the store beside the
# annual ones, "2025-9T" must not be read as 2025.
def span(p):
    return p.split("-", 1)[1] if "-" in p else ""
screened_span = span(screened["period"])
imp = json.load(open(import_path))
rejected = {f["file"].split("/")[-1] for f in imp["files"] if f["status"] == "rejected"}
flag = {(a["unit"], a["indicator"], a["column"]): a["method"] for a in anomalies}
named_as = {"x1000": "slip_power_of_ten", "x10": "slip_power_of_ten", "div10": "slip_power_of_ten",
            "percent_as_fraction": "slip_percent_as_fraction", "plan_actual_swap": "slip_plan_actual_swapped"}

c = sqlite3.connect(db)
rows = c.execute("""SELECT s.period, s.unit_code, v.indicator, v.column_key, v.number FROM value v
                    JOIN submission s ON s.id = v.submission_id WHERE s.is_current = 1 AND v.kind = 'number'""").fetchall()
by = defaultdict(dict)   # (unit, ind, col) -> {year: x}
for p, u, i, col, x in rows:
    if span(p) != screened_span:
        continue
    by[(u, i, col)][int(p.split("-")[0])] = x

def dhis2(key, include_current=True, thr=3.0):
    h = by.get(key, {})
    if 2025 not in h:
        return False
    hist = [h[y] for y in sorted(h) if y < 2025]
    if len(hist) < 2:
        return False
    xs = np.array(hist + [h[2025]] if include_current else hist, dtype=float)
    sd = xs.std()
    return sd > 0 and abs((h[2025] - xs.mean()) / sd) > thr

slipped_cells = set()
stats = defaultdict(lambda: defaultdict(int))
for s in planted:
    k = s["kind"]
    cols = [s["column"]] + (["plan"] if k == "plan_actual_swap" else [])
    for col in cols:
        slipped_cells.add((s["unit"], s["indicator"], col))
    st = stats[k]
    st["planted"] += 1
    if s["file"].split("/")[-1] in rejected:
        st["refused"] += 1
        st["caught"] += 1
        st["dhis2_caught"] += 1   # the same import refusal applies whichever screen follows
        st["dhis2_hist_caught"] += 1
        continue
    hit = [flag.get((s["unit"], s["indicator"], col)) for col in cols]
    if any(hit):
        st["caught"] += 1
        st["flagged"] += 1
        if named_as[k] in hit:
            st["named"] += 1
    if any(dhis2((s["unit"], s["indicator"], col)) for col in cols):
        st["dhis2_caught"] += 1
    if any(dhis2((s["unit"], s["indicator"], col), include_current=False) for col in cols):
        st["dhis2_hist_caught"] += 1

slipped_units = {s["unit"] for s in planted}
clean = [(k, h) for k, h in by.items() if 2025 in h and k not in slipped_cells]
clean_flagged = sum(1 for k, _ in clean if k in flag)
clean_forms = [(k, h) for k, h in clean if k[0] not in slipped_units]
clean_forms_flagged = sum(1 for k, _ in clean_forms if k in flag)
dh = sum(1 for k, _ in clean if dhis2(k))
dh_hist = sum(1 for k, _ in clean if dhis2(k, include_current=False))

out = {"slips": {}, "clean_values": len(clean)}
for k, st in sorted(stats.items()):
    n = st["planted"]
    out["slips"][k] = {"planted": n, "refused_at_import": st["refused"], "flagged": st["flagged"], "caught": st["caught"],
                       "catch_rate": round(st["caught"] / n, 4), "named_right": st["named"],
                       "dhis2_catch_rate": round(st["dhis2_caught"] / n, 4), "dhis2_history_only_catch_rate": round(st["dhis2_hist_caught"] / n, 4)}
out["false_flag_rate"] = round(clean_flagged / max(len(clean), 1), 5)
out["false_flags"] = clean_flagged
out["false_flag_rate_forms_without_slips"] = round(clean_forms_flagged / max(len(clean_forms), 1), 5)
out["dhis2_false_flag_rate"] = round(dh / max(len(clean), 1), 5)
out["dhis2_history_only_false_flag_rate"] = round(dh_hist / max(len(clean), 1), 5)
methods = defaultdict(int)
for a in anomalies:
    methods[a["method"]] += 1
out["anomalies_by_method"] = dict(methods)
json.dump(out, sys.stdout, indent=1)
print()
