#!/usr/bin/env python3
"""Generates the units catalogue templates/units/vn-units.csv from the statistics office's
two tables (../shared/reference/admin-units/, see its SOURCES.md):

  don-vi-hanh-chinh-truoc-2025-07-01.csv  63 provinces, 696 districts, 10,056 communes
  bang-chuyen-doi-2025-07-01.csv          3,321 new communes and the old ones they were made of

Output columns: code, name, level (province|district|commune), kind (Tỉnh, Thành phố,
Huyện, Quận, Thị xã, Xã, Phường, Thị trấn, Đặc khu), parent, valid_from, valid_to,
predecessors ("03391:whole;03386:part" — how each old unit went into this one: whole,
part, unchanged). Units before the reform are valid to 2025-06-30, after it from
2025-07-01; an official code may appear once in each era (new communes reuse one of
their predecessors' codes). Prints what it had to repair.

Usage: python3 scripts/gen-units.py [ADMIN_UNITS_DIR]   (from the repository root)
"""
import collections, csv, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference", "admin-units")
OUT = os.path.join(ROOT, "templates", "units", "vn-units.csv")
BEFORE, AFTER = "2025-06-30", "2025-07-01"


def clean(s):
    """Trailing spaces, line breaks and doubled spaces, as the published files have them."""
    return re.sub(r"\s+", " ", (s or "").replace("\n", " ")).strip()


def kind_of(name):
    for k in ("Thành phố", "Tỉnh", "Quận", "Huyện", "Thị xã", "Thị trấn", "Phường", "Xã", "Đặc khu"):
        if name.startswith(k + " "):
            return k
    return ""


def named_code(cell):
    """"Tỉnh Lai Châu (12)" -> ("Tỉnh Lai Châu", "12")."""
    m = re.match(r"^(.*?)\s*\((\d+)\)\s*$", clean(cell))
    return (clean(m.group(1)), m.group(2)) if m else (clean(cell), None)


def how(note):
    n = clean(note).lower().replace("  ", " ")
    if "giữ nguyên" in n:
        return "unchanged"
    if "một phần" in n or "phần còn lại" in n:
        return "part"
    return "whole"  # "Nhập toàn bộ", "Đổi loại hình", "Đổi tên", "Sắp xếp toàn bộ huyện …", blank


def main():
    repairs = collections.Counter()
    old_rows = list(csv.DictReader(open(os.path.join(SRC, "don-vi-hanh-chinh-truoc-2025-07-01.csv"), encoding="utf-8-sig")))
    provinces, districts, communes = {}, {}, {}
    for r in old_rows:
        p, pc = clean(r["Tỉnh Thành Phố"]), clean(r["Mã TP"])
        d, dc = clean(r["Quận Huyện"]), clean(r["Mã QH"])
        c, cc = clean(r["Phường Xã"]), clean(r["Mã PX"])
        if r["Tỉnh Thành Phố"] != p or r["Phường Xã"] != c or r["Quận Huyện"] != d:
            repairs["old list: spaces trimmed in a name"] += 1
        provinces.setdefault(pc, p)
        districts.setdefault(dc, (d, pc))
        if cc:
            communes[cc] = (c, dc, clean(r["Cấp"]))

    conv = list(csv.reader(open(os.path.join(SRC, "bang-chuyen-doi-2025-07-01.csv"), encoding="utf-8-sig")))
    new_prov, new_comm = {}, collections.OrderedDict()
    old_to_new_prov = collections.defaultdict(set)
    for r in conv[2:]:
        if len(r) < 8 or not clean(r[1]):
            continue  # the province lines in capitals
        pname, pcode = named_code(r[0])
        name, code = clean(r[1]), clean(r[2])
        old_name, old_code, note = clean(r[3]), clean(r[4]), r[5]
        if any("\n" in x for x in r[:8]):
            repairs["conversion table: line break inside a cell"] += 1
        if r[1] != clean(r[1]) or r[3] != clean(r[3]):
            repairs["conversion table: trailing or doubled spaces"] += 1
        new_prov.setdefault(pcode, pname)
        entry = new_comm.setdefault(code, {"name": name, "province": pcode, "from": []})
        if entry["name"] != name:
            repairs["conversion table: one new code under two spellings"] += 1
        # The old commune's province and district come from the old list, not from the
        # conversion table's own columns (one old province is written with another's code).
        if old_code not in communes:
            repairs["conversion table: old commune code missing from the old list"] += 1
        else:
            _, dc, _ = communes[old_code]
            true_prov = districts[dc][1]
            _, written_prov = named_code(r[7])
            if written_prov and written_prov != true_prov:
                repairs["conversion table: old province written with another code (%s for %s)" % (written_prov, true_prov)] += 1
            old_to_new_prov[true_prov].add(pcode)
        entry["from"].append((old_code, how(note)))

    # How old provinces went into new ones: whole when all their communes went to one.
    prov_from = collections.defaultdict(list)
    for op, news in sorted(old_to_new_prov.items()):
        for np in sorted(news):
            prov_from[np].append((op, "whole" if len(news) == 1 else "part"))
    split = [op for op, news in old_to_new_prov.items() if len(news) > 1]

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "level", "kind", "parent", "valid_from", "valid_to", "predecessors"])
        for pc, p in sorted(provinces.items()):
            w.writerow([pc, p, "province", kind_of(p), "", "", BEFORE, ""])
        for dc, (d, pc) in sorted(districts.items()):
            w.writerow([dc, d, "district", kind_of(d), pc, "", BEFORE, ""])
        for cc, (c, dc, level) in sorted(communes.items()):
            w.writerow([cc, c, "commune", kind_of(c) or level, dc, "", BEFORE, ""])
        for pc, p in sorted(new_prov.items()):
            froms = prov_from.get(pc, [])
            if len(froms) == 1 and froms[0][0] == pc and froms[0][1] == "whole":
                froms = [(pc, "unchanged")]
            w.writerow([pc, p, "province", kind_of(p), "", AFTER, "", ";".join("%s:%s" % x for x in froms)])
        for cc, e in sorted(new_comm.items()):
            w.writerow([cc, e["name"], "commune", kind_of(e["name"]), e["province"], AFTER, "",
                        ";".join("%s:%s" % x for x in e["from"])])
    split_communes = collections.Counter(oc for e in new_comm.values() for oc, _ in e["from"])
    print("%s: %d provinces, %d districts, %d communes before; %d provinces, %d communes after"
          % (os.path.relpath(OUT, ROOT), len(provinces), len(districts), len(communes), len(new_prov), len(new_comm)))
    print("old communes split over several new ones: %d; old provinces split over several new ones: %s"
          % (sum(1 for n in split_communes.values() if n > 1), ", ".join(sorted(split)) or "none"))
    for k, n in sorted(repairs.items()):
        print("repaired: %s: %d" % (k, n))


main()
