#!/usr/bin/env python3
"""Makes the .xls fixtures of Tests/Corpus/xls-made with independent tools: an XLSX written
by openpyxl, converted to Excel 97-2003 by LibreOffice headless (which computes and stores
every formula's result). XLSCorpusTests reads them back and asserts what is written here.

Usage: make_xls_fixtures.py OUTDIR   (needs openpyxl and soffice)
"""
import datetime, os, shutil, subprocess, sys, tempfile
import openpyxl

def report_book(path):
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "Hướng dẫn"
    guide["A1"] = "Điền số liệu vào các ô màu vàng; ký hiệu \"-\" là không phát sinh."
    guide["A2"] = "Đơn vị: Huyện Mường Tè, tỉnh Lai Châu"

    ws = wb.create_sheet("Báo cáo")
    ws["A1"] = "Chỉ tiêu"
    ws.merge_cells("A1:B1")
    ws["C1"] = "Năm 2024"
    ws["A2"] = "Tỷ lệ hộ nghèo"
    ws["B2"] = 0.0419
    ws["B2"].number_format = "0.00%"
    ws["A3"] = "Tổng vốn đầu tư (tỷ đồng)"
    ws["B3"] = 1234567890
    ws["B3"].number_format = "#,##0.0,,,"
    ws["A4"] = "Công thức số"
    ws["B4"] = "=B2*100"
    ws["A5"] = "Tổng"
    ws["B5"] = "=SUM(B2:B3)"
    ws["A6"] = "Công thức chữ"
    ws["B6"] = '="Xã "&"Mường Tè"'
    ws["A7"] = "Chia cho 0"
    ws["B7"] = "=1/0"
    ws["A8"] = "Công thức logic"
    ws["B8"] = "=B2>0"
    ws["A9"] = "Đúng"
    ws["B9"] = True
    ws["A10"] = "Sai"
    ws["B10"] = False
    ws["A11"] = "Ngày báo cáo"
    ws["B11"] = datetime.date(2024, 6, 30)
    ws["B11"].number_format = "dd/mm/yyyy"
    ws["A12"] = "Thời điểm"
    ws["B12"] = datetime.datetime(2024, 6, 30, 14, 30, 0)
    ws["B12"].number_format = "dd/mm/yyyy hh:mm"
    ws["A13"] = "Không có"
    ws["B13"] = "=NA()"
    ws["A14"] = "Chuỗi rỗng"
    ws["B14"] = '=""'
    ws["C3"] = "Gộp"
    ws.merge_cells("C3:D4")
    ws["A20"] = "Dòng ẩn 1"
    ws["A21"] = "Dòng ẩn 2"
    ws.row_dimensions[20].hidden = True
    ws.row_dimensions[21].hidden = True
    ws["E2"] = 1
    ws["F2"] = 2
    ws.column_dimensions["E"].hidden = True
    ws.column_dimensions["F"].hidden = True

    hidden = wb.create_sheet("_tonghop")
    hidden["A1"] = "template"
    hidden["B1"] = "lai-chau-ktxh"
    hidden.sheet_state = "hidden"
    # No very hidden sheet: LibreOffice has none and saves it as hidden (calamine's
    # any_sheets.xls, made by Excel, has one).
    wb.active = 1
    guide.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.save(path)

def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "libreoffice-report.xlsx")
        report_book(src)
        profile = "file://" + os.path.join(tmp, "profile")
        subprocess.run(["soffice", "-env:UserInstallation=" + profile, "--headless", "--convert-to", "xls",
                        "--outdir", tmp, src], check=True, capture_output=True, timeout=180)
        shutil.copy(os.path.join(tmp, "libreoffice-report.xls"), os.path.join(out, "libreoffice-report.xls"))

main()
