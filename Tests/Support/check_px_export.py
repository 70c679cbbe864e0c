"""Independent check of `tonghop export --format px`: pyaxis reads the PX and every
stored number (and "-" as the PX symbol "-") is compared with the store in SQLite.

usage: check_px_export.py DB PERIOD PX
Prints a JSON report: cells read, numbers compared, mismatches (first few)."""
import json, sqlite3, sys
from pyaxis import pyaxis

db, period, path = sys.argv[1:4]
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
store = {}
for unit, ind, col, kind, num, sym in con.execute(
        "SELECT s.unit_code, v.indicator, v.column_key, v.kind, v.number, v.symbol FROM value v "
        "JOIN submission s ON s.id = v.submission_id WHERE s.period = ? AND s.is_current = 1", (period,)):
    store[(unit, ind, col)] = (kind, num, sym)

px = pyaxis.parse(uri=path, encoding="utf-8")
df = px["DATA"]
report = {"cells": len(df), "compared": 0, "mismatches": [],
          "columns": list(df.columns), "units": sorted({u.split(" ")[0] for u in df["Đơn vị"]})}
for unit, ind, col, data in df.itertuples(index=False):
    key = (unit.split(" ")[0], ind.split(" ")[0], col)
    kind, num, sym = store.get(key, (None, None, None))
    if kind == "number":
        report["compared"] += 1
        if data != data or float(data) != num:
            report["mismatches"].append(f"{key}: store {num}, px {data!r}")
    elif kind == "symbol" and sym == "-":
        report["compared"] += 1
        if str(data).strip('"') != "-":  # pyaxis keeps the quotes of a PX symbol
            report["mismatches"].append(f"{key}: '-' written {data!r}")
report["numbers_in_store"] = sum(1 for k, n, s in store.values() if k == "number" or s == "-")
report["mismatches"] = report["mismatches"][:10]
print(json.dumps(report, ensure_ascii=False))
