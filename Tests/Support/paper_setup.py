"""Prints, as JSON, each sheet's print setup as an independent reader (openpyxl) sees it:
visibility, print area, fit-to-page and scale, margins, the page header, and the scale the
sheet prints at on A4 (fit to one page wide: the printable width over the width of the
printed columns, a column unit taken as 7.3 pt as LibreOffice prints Times New Roman
workbooks; else the scale written). Used by PaperRenderTests."""
import json
import sys

import openpyxl
from openpyxl.utils import column_index_from_string, range_boundaries

UNIT_PT = 7.3
A4 = (595.3, 841.9)


def widths(ws):
    out = {}
    for key, dim in ws.column_dimensions.items():
        lo, hi = dim.min or column_index_from_string(key), dim.max or column_index_from_string(key)
        for c in range(lo, hi + 1):
            out[c] = dim.width if dim.width else 8.43
    return out


def main(path):
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        ps = ws.page_setup
        fit = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
        area = ws.print_area
        if area:
            first = area.split(",")[0].split("!")[-1].replace("$", "")
            c0, r0, c1, r1 = range_boundaries(first)
        else:
            c0, c1 = 1, ws.max_column
        w = widths(ws)
        printed = sum(w.get(c, 8.43) for c in range(c0, c1 + 1)) * UNIT_PT
        page_w = A4[1] if ps.orientation == "landscape" else A4[0]
        m = ws.page_margins
        usable = page_w - 72 * ((m.left or 0.7) + (m.right or 0.7))
        if fit and (ps.fitToWidth is None or int(ps.fitToWidth) >= 1):
            scale = min(1.0, usable / printed) if printed else 1.0
        else:
            scale = (ps.scale or 100) / 100.0
        h = ws.oddHeader
        sheets.append({
            "name": ws.title, "state": ws.sheet_state, "print_area": area, "fit": fit,
            "fit_width": ps.fitToWidth, "scale": round(scale, 3), "margin_left_mm": round((m.left or 0) * 25.4, 1),
            "margin_right_mm": round((m.right or 0) * 25.4, 1),
            "header": " | ".join(p.text or "" for p in (h.left, h.center, h.right)),
        })
    json.dump({"sheets": sheets}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
