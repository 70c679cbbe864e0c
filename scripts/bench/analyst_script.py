#!/usr/bin/env python3
"""The script an analyst would write instead of tonghop (the peer of issue 10): read each
commune form with python-calamine, take the rows by indicator code, sum the three value
columns per code, write the totals with xlsxwriter. No validation, no rates from their
parts, no traceability — which is why tonghop must be faster than it anyway.

Usage: analyst_script.py FORMS_DIR OUT.xlsx
"""
import os, sys, time
from python_calamine import CalamineWorkbook
import xlsxwriter

t0 = time.perf_counter()
forms, out = sys.argv[1], sys.argv[2]
totals = {}
for name in sorted(os.listdir(forms)):
    if not name.endswith(".xlsx"):
        continue
    rows = CalamineWorkbook.from_path(os.path.join(forms, name)).get_sheet_by_name("Báo cáo").to_python()
    for row in rows:
        if len(row) < 7 or not isinstance(row[1], str) or len(row[1]) != 4:
            continue
        t = totals.setdefault(row[1], [0.0, 0.0, 0.0])
        for i in range(3):
            v = row[4 + i]
            if isinstance(v, (int, float)):
                t[i] += v
wb = xlsxwriter.Workbook(out)
ws = wb.add_worksheet("Tổng hợp")
ws.write_row(0, 0, ["Mã", "Thực hiện năm trước", "Kế hoạch", "Ước thực hiện"])
for r, (code, t) in enumerate(sorted(totals.items()), start=1):
    ws.write_string(r, 0, code)
    ws.write_row(r, 1, t)
wb.close()
import json, resource
print(json.dumps({"job": "analyst-script", "seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "codes": len(totals)}))
