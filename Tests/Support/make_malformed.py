#!/usr/bin/env python3
"""Writes the classic malformed XLSX inputs into a folder, for the reader's tests.

Each file is a real ZIP written with Python's zipfile; all but the named part are a
minimal valid workbook. Usage: make_malformed.py OUTDIR [--bomb-gib N]
"""
import os, sys, zipfile, zlib

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
WBRELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
          '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = '</sheetData></worksheet>'

def book(path, sheet, sst=None):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', CT)
        z.writestr('_rels/.rels', RELS)
        z.writestr('xl/workbook.xml', WB)
        z.writestr('xl/_rels/workbook.xml.rels', WBRELS)
        if sst is not None:
            z.writestr('xl/sharedStrings.xml', sst)
        if isinstance(sheet, bytes):
            z.writestr('xl/worksheets/sheet1.xml', sheet)
        else:
            z.writestr('xl/worksheets/sheet1.xml', sheet.encode('utf-8'))

def bomb(path, gib):
    """A sheet whose XML inflates to `gib` GiB: after the cells, elements full of spaces
    (each text run below the reader's token limit, so only the inflate limit can stop it)."""
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', CT)
        z.writestr('_rels/.rels', RELS)
        z.writestr('xl/workbook.xml', WB)
        z.writestr('xl/_rels/workbook.xml.rels', WBRELS)
        with z.open('xl/worksheets/sheet1.xml', 'w', force_zip64=True) as f:
            f.write((HEAD + '<row r="1"><c r="A1"><v>1</v></c></row></sheetData>').encode())
            chunk = (b'<x>' + b' ' * 65536 + b'</x>') * 16
            total = int(gib * (1 << 30))
            written = 0
            while written < total:
                f.write(chunk)
                written += len(chunk)
            f.write(b'</worksheet>')

def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    gib = float(sys.argv[sys.argv.index('--bomb-gib') + 1]) if '--bomb-gib' in sys.argv else 0.05
    good = HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>52.9</v></c></row>' + TAIL
    sst = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Mường Tè</t></si></sst>'
    book(os.path.join(out, 'good.xlsx'), good, sst)
    data = open(os.path.join(out, 'good.xlsx'), 'rb').read()
    open(os.path.join(out, 'truncated.xlsx'), 'wb').write(data[: len(data) // 2])
    bomb(os.path.join(out, 'zip-bomb.xlsx'), gib)
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
           '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>')
    book(os.path.join(out, 'entity-bomb.xlsx'), good, lol)
    undefined_entity = sst.replace('Mường Tè', '&xxe;')
    book(os.path.join(out, 'undefined-entity.xlsx'), good, undefined_entity)
    deep = HEAD + '<row r="1"><c r="A1"><v>1</v></c></row>' + TAIL
    deep = deep.replace('<sheetData>', '<sheetData>' + '<x>' * 100000).replace('</sheetData>', '</x>' * 100000 + '</sheetData>')
    book(os.path.join(out, 'deep-nesting.xlsx'), deep, sst)
    big = sst.replace('Mường Tè', 'a' * (10 * 1024 * 1024))
    book(os.path.join(out, 'ten-mb-string.xlsx'), good, big)
    far = HEAD + '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>' + TAIL
    book(os.path.join(out, 'cell-at-xfd1048576.xlsx'), far, sst)
    beyond = HEAD + '<row r="1"><c r="XFE1"><v>2</v></c></row>' + TAIL
    book(os.path.join(out, 'cell-beyond-xfd.xlsx'), beyond, sst)
    bad_utf8 = sst.encode('utf-8').replace('Mường Tè'.encode('utf-8'), b'M\xc6\xb0\xe1\xbb\x9dng \xff\xfe')
    with zipfile.ZipFile(os.path.join(out, 'invalid-utf8.xlsx'), 'w', zipfile.ZIP_DEFLATED) as z:
        for name, body in [('[Content_Types].xml', CT), ('_rels/.rels', RELS), ('xl/workbook.xml', WB),
                           ('xl/_rels/workbook.xml.rels', WBRELS), ('xl/worksheets/sheet1.xml', good)]:
            z.writestr(name, body)
        z.writestr('xl/sharedStrings.xml', bad_utf8)
    open(os.path.join(out, 'not-a-zip.xlsx'), 'wb').write(b'This is plain text pretending to be a workbook.\n')
    open(os.path.join(out, 'old-excel.xls'), 'wb').write(bytes.fromhex('D0CF11E0A1B11AE1') + b'\x00' * 2048)
    open(os.path.join(out, 'empty.xlsx'), 'wb').write(b'')

main()
