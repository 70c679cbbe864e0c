#!/usr/bin/env python3
"""Compares the cached values of a workbook with LibreOffice's recalculation of it.

Usage: compare_recalc.py BOOK.xlsx RECALCULATED.xlsx
Prints JSON: {"formulas": N, "mismatches": [[sheet, cell, ours, libreoffice], ...]}.
Numbers agree within 1e-9 relative; "" and None are the same empty.
"""
import json, sys
import openpyxl

ours = openpyxl.load_workbook(sys.argv[1], data_only=True)
formulas = openpyxl.load_workbook(sys.argv[1], data_only=False)
lo = openpyxl.load_workbook(sys.argv[2], data_only=True)
count, bad = 0, []
for ws in formulas.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if not (isinstance(c.value, str) and c.value.startswith("=")):
                continue
            count += 1
            a = ours[ws.title][c.coordinate].value
            b = lo[ws.title][c.coordinate].value
            if a in ("", None) and b in ("", None):
                continue
            if isinstance(a, (int, float)) and isinstance(b, (int, float)):
                if abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)):
                    continue
            elif a == b:
                continue
            bad.append([ws.title, c.coordinate, a, b])
json.dump({"formulas": count, "mismatches": bad[:50], "mismatch_count": len(bad)}, sys.stdout, ensure_ascii=False)
