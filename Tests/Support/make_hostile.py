#!/usr/bin/env python3
"""Writes the inputs of the server-safety tests (issue 9) into a folder.

Every file is made with Python's zipfile (or by hand where zipfile cannot make the
damage), starting from a real filled form (fixtures/submissions/2024/…107-muong-te…):

  inf-value.xlsx         one value cell holds <v>1e309</v>, another <v>1e-320</v>
  duplicate-entry.xlsx   the worksheet part stored twice, different numbers in each
  local-name-differs.xlsx  a local header names another part than the central directory
  overlapping-entries.xlsx a central entry points inside another entry's data
  long-sheet.xlsx        the form with rows of numbers below the table up to row 1,048,576
  long-sheet.csv         a 1,048,577-line CSV (about 15 MB)
  injection.xlsx         (openpyxl) text cells beginning with = + - @ tab, a lone "-", a number -5
  escape-in-cell.xlsx    the form with an ESC sequence in a value cell

Usage: make_hostile.py OUTDIR [--rows N]
"""
import os, re, struct, sys, zipfile, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FORM = os.path.join(ROOT, "fixtures/submissions/2024/lai-chau-ktxh_107-muong-te_2024.xlsx")


def parts(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def write(path, items, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in items:
            z.writestr(name, data)


def form_sheet_name(items):
    """The part of the form's data sheet ("Báo cáo"): the worksheet with the most rows."""
    sheets = [(n, d) for n, d in items if n.startswith("xl/worksheets/sheet")]
    return max(sheets, key=lambda nd: nd[1].count(b"<row"))[0]


def set_value(xml, ref, v):
    """Replaces the value of cell `ref` (a number cell) with the raw text `v`."""
    pat = re.compile(rb'(<c r="' + ref.encode() + rb'"[^>]*>)(?:<f>[^<]*</f>)?<v>[^<]*</v>(</c>)')
    out, n = pat.subn(lambda m: m.group(1) + b"<v>" + v + b"</v>" + m.group(2), xml)
    assert n == 1, (ref, n)
    return out


def set_text(xml, ref, text):
    """Replaces cell `ref` with an inline string."""
    pat = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(/>|>.*?</c>)', re.S)
    esc = text.replace("&", "&amp;").replace("<", "&lt;").encode()
    def repl(m):
        attrs = re.sub(rb'\s*t="[^"]*"', b"", m.group(1))
        return b'<c r="' + ref.encode() + b'"' + attrs + b' t="inlineStr"><is><t xml:space="preserve">' + esc + b"</t></is></c>"
    out, n = pat.subn(repl, xml, count=1)
    assert n == 1, ref
    return out


def value_cells(xml):
    """References of number cells in the form's value columns (E, F, G), in order."""
    return [m.decode() for m in re.findall(rb'<c r="([EFG]\d+)"[^>]*?(?<!t="s")(?<!t="str")><v>', xml)]


def main():
    out = sys.argv[1]
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 1048576
    os.makedirs(out, exist_ok=True)
    items = parts(FORM)
    sheet = form_sheet_name(items)
    xml = dict(items)[sheet]
    cells = value_cells(xml)

    # 1e309 (beyond a double) and 1e-320 (subnormal) in two value cells.
    bad = set_value(set_value(xml, cells[0], b"1e309"), cells[3], b"1e-320")
    write(os.path.join(out, "inf-value.xlsx"), [(n, bad if n == sheet else d) for n, d in items])
    open(os.path.join(out, "inf-value.cells"), "w").write("%s %s\n" % (cells[0], cells[3]))

    # The same worksheet part twice: the second copy with other numbers.
    other = set_value(xml, cells[0], b"999999")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write(os.path.join(out, "duplicate-entry.xlsx"), items + [(sheet, other)])

    # A local header that names another part (same length, so offsets stay right).
    path = os.path.join(out, "local-name-differs.xlsx")
    write(path, items)
    data = bytearray(open(path, "rb").read())
    name = sheet.encode()
    local = data.find(b"PK\x03\x04" + data[4:4])  # first local header
    pos = data.find(name)  # first occurrence is the local header's copy
    swapped = name[:-5] + (b"X" if name[-5:-4] != b"X" else b"Y") + name[-4:]
    data[pos:pos + len(name)] = swapped
    open(path, "wb").write(bytes(data))

    # Overlap: a stored entry whose data holds a complete local header and body of a
    # second entry; the central directory lists both, the second inside the first.
    write_overlapping(os.path.join(out, "overlapping-entries.xlsx"), items)

    # The form with numbers below the table, down to Excel's last row.
    last = max(int(r) for r in re.findall(rb'<row r="(\d+)"', xml))
    extra = []
    for r in range(last + 3, rows + 1):
        extra.append(b'<row r="%d"><c r="E%d"><v>%d</v></c><c r="F%d"><v>%d</v></c></row>' % (r, r, r, r, r * 7 % 1000))
    long_xml = xml.replace(b"</sheetData>", b"".join(extra) + b"</sheetData>")
    write(os.path.join(out, "long-sheet.xlsx"), [(n, long_xml if n == sheet else d) for n, d in items])
    with open(os.path.join(out, "long-sheet.csv"), "w") as f:
        f.write("Mã;Chỉ tiêu;Ước thực hiện\n")
        f.write("".join("%d;%d\n" % (i, i * 7 % 100000) for i in range(1, rows + 1)))

    # Formula injection: text cells (openpyxl: data_type "s", so "=1+1" stays text) that
    # Excel would evaluate if written raw to CSV; a lone "-" and the number -5. (A CR
    # cannot start a cell here: XML reads it back as LF. The unit tests cover it.)
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for i, t in enumerate(["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\tTAB", "-"], start=1):
        ws.cell(row=i, column=1).value = t
        ws.cell(row=i, column=1).data_type = "s"
    ws.cell(row=7, column=1).value = -5
    wb.save(os.path.join(out, "injection.xlsx"))

    esc = set_text(xml, cells[1], "\x1b[2J\x1b]0;pwned\x07")
    write(os.path.join(out, "escape-in-cell.xlsx"), [(n, esc if n == sheet else d) for n, d in items])
    open(os.path.join(out, "escape-in-cell.cell"), "w").write(cells[1] + "\n")


def write_overlapping(path, items):
    """A ZIP written by hand: entries stored; entry 'docProps/hidden.xml' stored inside the
    data of 'docProps/outer.bin'."""
    inner_name, inner_data = b"docProps/hidden.xml", b"<x/>"
    def local(name, data):
        crc = zlib.crc32(data)
        return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, crc, len(data), len(data), len(name), 0) + name + data
    inner = local(inner_name, inner_data)
    entries = [(n.encode(), d) for n, d in items] + [(b"docProps/outer.bin", b"pad" + inner + b"pad")]
    body, central = b"", b""
    for name, data in entries:
        off = len(body)
        body += local(name, data)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data),
                               len(name), 0, 0, 0, 0, 0, off) + name
        if name == b"docProps/outer.bin":
            inner_off = off + 30 + len(name) + 3
    central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, zlib.crc32(inner_data), len(inner_data),
                           len(inner_data), len(inner_name), 0, 0, 0, 0, 0, inner_off) + inner_name
    n = len(entries) + 1
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), len(body), 0)
    open(path, "wb").write(body + central + end)


main()
