#!/usr/bin/env python3
"""Province figures computed independently from the fixtures' raw unit values
(fixtures/lai_chau_data.py), for comparison with `tonghop summary --format json`.

Usage: independent_totals.py PERIOD  ->  {"CODE": {"prev": x, "plan": y, "estimate": z}}
"""
import json, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../fixtures"))
import lai_chau_data as d

period = sys.argv[1]
units = {u: d.values(u, period) for u in d.UNITS}
part = d.values("12-KT", period)
cols = {"prev_actual": 0, "plan": 1, "estimate": 2}
num = lambda v: v if isinstance(v, (int, float)) and not isinstance(v, bool) else None

def col_values(code, c, with_part=False):
    vals = [num(units[u].get(code, (None,) * 3)[cols[c]]) for u in units]
    if with_part:
        vals.append(num(part.get(code, (None,) * 3)[cols[c]]))
    return vals

out = {}
def put(code, c, v):
    out.setdefault(code, {})[c] = v

for c in cols:
    for code in ["CS01", "CS05", "KT05", "KT12", "XH03"]:
        vals = [v for v in col_values(code, c) if v is not None]
        put(code, c, sum(vals) if vals else None)
    vals = [v for v in col_values("KT09", c, True) if v is not None]
    put("KT09", c, sum(vals))
    # Ratio of sums over units that report both.
    for code, n_, d_, f in [("KT08", "CS06", "CS05", 100), ("XH01", "CS04", "CS03", 100), ("XH06", "CS15", "CS01", 10000), ("KT06", "CS17", "CS16", 10)]:
        pairs = [(a, b) for a, b in zip(col_values(n_, c), col_values(d_, c)) if a is not None and b is not None]
        put(code, c, sum(a for a, _ in pairs) / sum(b for _, b in pairs) * f if pairs else None)
    # Income weighted by population.
    pairs = [(x, w) for x, w in zip(col_values("KT03", c), col_values("CS01", c)) if x is not None and w is not None]
    put("KT03", c, sum(x * w for x, w in pairs) / sum(w for _, w in pairs) if pairs else None)
    put("NN04", c, min(v for v in col_values("NN04", c) if v is not None))
    put("NN05", c, max(v for v in col_values("NN05", c) if v is not None))
    put("KT04", c, num(part["KT04"][cols[c]]))
# Growth from levels; the change of the poverty rate from aggregated rates.
lvl = lambda c: col_values("KT01", c)
put("KT02", "estimate", (sum(lvl("estimate")) / sum(lvl("prev_actual")) - 1) * 100)
put("KT02", "plan", (sum(lvl("plan")) / sum(lvl("prev_actual")) - 1) * 100)
g = col_values("KT02", "prev_actual")
put("KT02", "prev_actual", (sum(lvl("prev_actual")) / sum(l / (1 + x / 100) for l, x in zip(lvl("prev_actual"), g)) - 1) * 100)
put("XH02", "estimate", out["XH01"]["prev_actual"] - out["XH01"]["estimate"])
json.dump(out, sys.stdout)
