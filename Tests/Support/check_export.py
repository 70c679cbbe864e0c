"""Independent check of `tonghop export`: reads the SDMX-CSV with pysdmx (when
installed) and Python's csv module, the DHIS2 JSON with json, and compares every
observation with the store's current values read straight from SQLite.

usage: check_export.py DB PERIOD SDMX_CSV [DHIS2_JSON]
Prints a JSON report: counts, mismatches (first few), pysdmx's row count."""
import csv, json, sqlite3, sys

db, period, sdmx_path = sys.argv[1], sys.argv[2], sys.argv[3]
dhis2_path = sys.argv[4] if len(sys.argv) > 4 else None

con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
store = {}
bounds = {}  # targets written as a range or a bound: (lower, upper, strict)
for unit, ind, col, kind, num, num2, strict, sym in con.execute(
        "SELECT s.unit_code, v.indicator, v.column_key, v.kind, v.number, v.number2, v.strict, v.symbol FROM value v "
        "JOIN submission s ON s.id = v.submission_id WHERE s.period = ? AND s.is_current = 1", (period,)):
    if kind == "number" and num is not None:
        store[(unit, ind, col)] = ("", num)
    elif kind == "symbol":
        store[(unit, ind, col)] = (sym, None)
    elif kind == "range":
        bounds[(unit, ind, col)] = (num, num2, False)
    elif kind == "at_least":
        bounds[(unit, ind, col)] = (num, None, bool(strict))
    elif kind == "at_most":
        bounds[(unit, ind, col)] = (None, num, bool(strict))

report = {"store": len(store) + len(bounds), "bounds": len(bounds), "mismatches": []}
def bad(msg):
    if len(report["mismatches"]) < 10:
        report["mismatches"].append(msg)

with open(sdmx_path, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
report["sdmx_rows"] = len(rows)
status_of = {"-": "N", "...": "L", "x": "M"}
seen = set()
for r in rows:
    key = (r["REF_AREA"], r["INDICATOR"], r["VALUE_TYPE"])
    seen.add(key)
    if key in bounds:
        lo, hi, strict = bounds[key]
        got = (float(r["LOWER_BOUND"]) if r["LOWER_BOUND"] else None, float(r["UPPER_BOUND"]) if r["UPPER_BOUND"] else None,
               r["BOUND_STRICT"] == "true")
        if r["OBS_VALUE"] != "" or r["OBS_STATUS"] != "" or got != (lo, hi, strict):
            bad(f"{key}: target {(lo, hi, strict)} written {got} value {r['OBS_VALUE']!r}")
        continue
    if key not in store:
        bad(f"not in store: {key}"); continue
    sym, num = store[key]
    if sym:
        want_val = "0" if sym == "-" else ""
        if r["OBS_VALUE"] != want_val or r["OBS_STATUS"] != status_of[sym]:
            bad(f"{key}: symbol {sym!r} written {r['OBS_VALUE']!r}/{r['OBS_STATUS']!r}")
    elif r["OBS_STATUS"] != "" or float(r["OBS_VALUE"]) != num:
        bad(f"{key}: store {num}, export {r['OBS_VALUE']!r}")
missing = [k for k in list(store) + list(bounds) if k not in seen]
report["not_exported"] = len(missing)
for k in missing[:5]:
    bad(f"not exported: {k}")
report["structure_ids"] = sorted({r["STRUCTURE_ID"] for r in rows})
report["time_periods"] = sorted({r["TIME_PERIOD"] for r in rows})

try:
    from pysdmx.io import read_sdmx
except ImportError:
    report["pysdmx_rows"] = None
else:
    msg = read_sdmx(sdmx_path)
    report["pysdmx_rows"] = sum(len(ds.data) for ds in msg.data)
    report["pysdmx_urns"] = [ds.short_urn for ds in msg.data]

if dhis2_path:
    with open(dhis2_path, encoding="utf-8") as f:
        dv = json.load(f)["dataValues"]
    report["dhis2_values"] = len(dv)
    report["dhis2_periods"] = sorted({d["period"] for d in dv})
    for d in dv:
        key = (d["orgUnit"], d["dataElement"], d["categoryOptionCombo"])
        sym, num = store.get(key, (None, None))
        if sym == "-":
            if d["value"] != "0" or d.get("comment") != "-":
                bad(f"dhis2 {key}: '-' written {d}")
        elif num is None or float(d["value"]) != num:
            bad(f"dhis2 {key}: store {num}, export {d['value']!r}")
    report["dhis2_expected"] = sum(1 for s, n in store.values() if s in ("", "-"))

print(json.dumps(report))
