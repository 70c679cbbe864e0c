#!/usr/bin/env python3
"""Compares an annotated copy with the file it annotates, for AnnotateInPlaceTests.

Usage: check_annotated.py ORIGINAL.xlsx ANNOTATED.xlsx
Prints JSON: the entries whose stored (compressed) bytes are identical, changed or
added; what openpyxl sees on every flagged cell (value, number format, font, fill,
comment) next to the original's; the findings sheet's links; openpyxl's warnings.
"""
import json, struct, sys, warnings, zipfile
import openpyxl

orig, ann = sys.argv[1], sys.argv[2]


def raw(path):
    """Entry name → (compress_type, CRC, the stored bytes as they are in the file)."""
    out = {}
    with zipfile.ZipFile(path) as z, open(path, "rb") as f:
        for i in z.infolist():
            f.seek(i.header_offset)
            h = f.read(30)
            n, m = struct.unpack("<HH", h[26:30])
            f.seek(i.header_offset + 30 + n + m)
            out[i.filename] = (i.compress_type, i.CRC, f.read(i.compress_size))
    return out


a, b = raw(orig), raw(ann)
result = {"identical": sorted(k for k in a if k in b and a[k] == b[k]),
          "changed": sorted(k for k in a if k in b and a[k] != b[k]),
          "missing": sorted(k for k in a if k not in b),
          "added": sorted(k for k in b if k not in a)}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    wa = openpyxl.load_workbook(orig)
    wb = openpyxl.load_workbook(ann)
result["warnings"] = [str(w.message) for w in caught if "default style" not in str(w.message)]
result["sheets"] = {"original": wa.sheetnames, "annotated": wb.sheetnames}
links, cells = [], {}
if "Kết quả kiểm tra" in wb.sheetnames:
    fs = wb["Kết quả kiểm tra"]
    for row in fs.iter_rows(min_row=5):
        c = row[2]
        if c.hyperlink is not None:
            links.append(c.hyperlink.location)
for loc in links:
    sheet, ref = loc.rsplit("!", 1)
    sheet = sheet.strip("'").replace("''", "'")
    x, y = wa[sheet][ref], wb[sheet][ref]
    cells[loc] = {"value": [x.value, y.value], "number_format": [x.number_format, y.number_format],
                  "font": [x.font.name, y.font.name], "border": [x.border.left.style if x.border and x.border.left else None,
                             y.border.left.style if y.border and y.border.left else None],
                  "fill": y.fill.fgColor.rgb if y.fill and y.fill.fill_type == "solid" else None,
                  "comment": y.comment.text if y.comment else None}
result["links"] = links
result["cells"] = cells
json.dump(result, sys.stdout, ensure_ascii=False, default=str)
