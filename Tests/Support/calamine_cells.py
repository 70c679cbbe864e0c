#!/usr/bin/env python3
"""Prints python-calamine's reading of XLSX files as JSON, for the corpus test.

Usage: calamine_cells.py FILE...  ->  {"FILE": {"sheets": [{"name", "cells": {"A1": [type, value]}}]} | {"error": msg}}
Types: number (as its shortest repr text), text, bool, date, datetime, time, duration (seconds).
"""
import datetime, json, sys
from python_calamine import CalamineWorkbook

def col_name(c):
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s

def typed(v):
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, (int, float)):
        return ["number", repr(float(v))]  # text: JSON parsers do not all round doubles exactly
    if isinstance(v, str):
        return ["text", v]
    if isinstance(v, datetime.datetime):
        return ["datetime", v.isoformat()]
    if isinstance(v, datetime.date):
        return ["date", v.isoformat()]
    if isinstance(v, datetime.time):
        return ["time", v.isoformat()]
    if isinstance(v, datetime.timedelta):
        return ["duration", v.total_seconds()]
    return ["other", repr(v)]

out = {}
for path in sys.argv[1:]:
    try:
        wb = CalamineWorkbook.from_path(path)
        sheets = []
        for i, name in enumerate(wb.sheet_names):
            try:
                sh = wb.get_sheet_by_index(i)
                rows = sh.to_python(skip_empty_area=False)
                cells = {}
                for r, row in enumerate(rows):
                    for c, v in enumerate(row):
                        if v == "":
                            continue
                        cells[col_name(c) + str(r + 1)] = typed(v)
                sheets.append({"name": name, "cells": cells})
            except Exception as e:  # a chartsheet, or a sheet calamine cannot read
                sheets.append({"name": name, "error": str(e)})
        out[path] = {"sheets": sheets}
    except Exception as e:
        out[path] = {"error": str(e)}
json.dump(out, sys.stdout, ensure_ascii=False)
