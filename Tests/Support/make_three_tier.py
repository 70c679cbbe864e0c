#!/usr/bin/env python3
"""A 3-tier test set: the Lai Châu template with its districts replaced by two districts
of four communes each (the communes carry the figures of the eight real districts), plus
the province part. Writes OUTDIR/ba-cap.yaml and filled forms in OUTDIR/forms.

Usage: make_three_tier.py TONGHOP OUTDIR
"""
import os, subprocess, sys
import openpyxl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "fixtures"))
import lai_chau_data as d

tonghop, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
text = open(os.path.join(ROOT, "templates/lai-chau-ktxh.yaml"), encoding="utf-8").read()
text = text[: text.index("\nunits:")].replace("id: lai-chau-ktxh", "id: ba-cap-thu")
text += """
units:
  - {code: "12", name: Tỉnh Thử, level: province}
  - {code: "12-KT", name: Khối tỉnh, level: province_part, parent: "12"}
  - {code: D1, name: Huyện Một, level: district, parent: "12"}
  - {code: D2, name: Huyện Hai, level: district, parent: "12"}
"""
source = {}
for i, unit in enumerate(sorted(d.UNITS)):
    code = "C%d" % (i + 1)
    source[code] = unit
    text += '  - {code: %s, name: "Xã %s", level: commune, parent: %s}\n' % (code, d.UNITS[unit][0], "D1" if i < 4 else "D2")
open(os.path.join(out, "ba-cap.yaml"), "w", encoding="utf-8").write(text)
blank = os.path.join(out, "blank")
subprocess.run([tonghop, "form", os.path.join(out, "ba-cap.yaml"), "--all", "--period", "2024", "-o", blank], check=True, stdout=subprocess.DEVNULL)
os.makedirs(os.path.join(out, "forms"), exist_ok=True)
for f in os.listdir(blank):
    code = f.split("_")[1].split("-")[0] if "12-KT" not in f else "12-KT"
    values = d.values(source.get(code, "12-KT"), "2024")
    wb = openpyxl.load_workbook(os.path.join(blank, f))
    ws = wb["Báo cáo"]
    rows = {ws.cell(r, 2).value: r for r in range(9, ws.max_row + 1)}
    for ind, (p, pl, e) in values.items():
        if ind in rows:
            for col, v in (("E", p), ("F", pl), ("G", e)):
                if v is not None:
                    ws[f"{col}{rows[ind]}"] = v
    wb.save(os.path.join(out, "forms", f))
