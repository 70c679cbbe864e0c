#!/usr/bin/env python3
"""Fills blank forms made by `tonghop form --all` with openpyxl, as units would: each
unit reports the figures of one of the Lai Châu fixture districts (fixtures/lai_chau_data.py),
the province part its own. Prints {file: {code: [prev, plan, estimate]}} as JSON.

Usage: fill_forms.py FORMS_DIR OUT_DIR DATA_PERIOD   (DATA_PERIOD: 2024 or 2024-6T)
"""
import json, os, sys
import openpyxl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "fixtures"))
import lai_chau_data as data  # noqa: E402

src, out, period = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
districts = sorted(data.UNITS)
written = {}
for i, f in enumerate(sorted(os.listdir(src))):
    unit = f.split("_")[1]
    wb = openpyxl.load_workbook(os.path.join(src, f))
    ws = wb["Báo cáo"]
    rows = {ws.cell(r, 2).value: r for r in range(9, ws.max_row + 1) if isinstance(ws.cell(r, 2).value, str)}
    vals = data.values("12-KT" if unit.startswith("12-KT") else districts[i % len(districts)], period)
    for code, triple in vals.items():
        r = rows.get(code)
        if r is None:
            continue
        for col, v in zip("EFG", triple):
            if v is not None:
                ws[f"{col}{r}"] = v
    wb.save(os.path.join(out, f))
    written[f] = {k: list(v) for k, v in vals.items() if k in rows}
json.dump(written, sys.stdout, ensure_ascii=False)
