#!/usr/bin/env python3
"""Prints what openpyxl sees in a workbook, as JSON, for the writer's tests.

Usage: openpyxl_inspect.py BOOK.xlsx
Warnings openpyxl raises while loading are reported under "warnings".
"""
import datetime, json, sys, warnings
import openpyxl

path = sys.argv[1]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    wb = openpyxl.load_workbook(path)
    wbv = openpyxl.load_workbook(path, data_only=True)

def plain(v):
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, float):
        return repr(v)
    return v

out = {"warnings": [str(w.message) for w in caught], "sheets": [],
       "title": wb.properties.title, "author": wb.properties.creator,
       "custom": {p.name: p.value for p in wb.custom_doc_props.props},
       "defined_names": sorted(wb.defined_names.keys())}
for ws in wb.worksheets:
    wv = wbv[ws.title]
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            cells[c.coordinate] = {"value": plain(c.value), "cached": plain(wv[c.coordinate].value),
                                   "type": c.data_type, "number_format": c.number_format,
                                   "locked": c.protection.locked, "bold": bool(c.font and c.font.b)}
    out["sheets"].append({
        "name": ws.title, "state": ws.sheet_state, "cells": cells,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "freeze": ws.freeze_panes,
        "validations": [{"sqref": str(dv.sqref), "type": dv.type, "formula1": dv.formula1, "formula2": dv.formula2,
                         "prompt": dv.prompt, "promptTitle": dv.promptTitle} for dv in ws.data_validations.dataValidation],
        "conditional": sorted(str(r.sqref) for r in ws.conditional_formatting),
        "comments": {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment},
        "protected": bool(ws.protection.sheet),
        "orientation": ws.page_setup.orientation, "paper": ws.page_setup.paperSize,
        "scale": int(ws.page_setup.scale) if ws.page_setup.scale else None,
        "row_breaks": [b.id for b in ws.row_breaks.brk],
        "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage), "fit_height": ws.page_setup.fitToHeight,
        "print_title_rows": ws.print_title_rows, "footer": ws.oddFooter.center.text, "header": ws.oddHeader.center.text,
        "print_area": ws.print_area if isinstance(ws.print_area, str) else (ws.print_area[0] if ws.print_area else None),
        "widths": {k: v.width for k, v in ws.column_dimensions.items() if v.width},
        "heights": {str(k): [v.height, bool(v.hidden)] for k, v in ws.row_dimensions.items() if v.height or v.hidden},
        "unlocked": sorted(c.coordinate for row in ws.iter_rows() for c in row if c.has_style and c.protection.locked is False),
    })
json.dump(out, sys.stdout, ensure_ascii=False)
