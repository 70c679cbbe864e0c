#!/usr/bin/env python3
"""Writes small officer-style workbooks (openpyxl) for the reader's proof of its reading:
number formats that scale or carry a unit, units written outside the ĐVT column, several
sheets or columns that could hold the report, periods written as dates, numbers pasted in
the other convention. Each file is a district report of lai-chau-ktxh with a few rows.

Usage: make_reading_cases.py OUT_DIR
"""
import os, sys
import openpyxl

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
HEAD = ["STT", "Mã", "Chỉ tiêu", "ĐVT", "Thực hiện năm 2023", "Kế hoạch năm 2024", "Ước thực hiện năm 2024"]


def sheet(ws, title_lines, rows, head=HEAD):
    for i, t in enumerate(title_lines, start=1):
        ws.cell(i, 1, t)
    h = len(title_lines) + 2
    for c, v in enumerate(head, start=1):
        ws.cell(h, c, v)
    for r, row in enumerate(rows, start=h + 1):
        for c, v in enumerate(row, start=1):
            if isinstance(v, tuple):  # (value, number format)
                ws.cell(r, c, v[0]).number_format = v[1]
            elif v is not None:
                ws.cell(r, c, v)
    return ws


def book(name, title_lines, rows, head=HEAD):
    wb = openpyxl.Workbook()
    sheet(wb.active, title_lines, rows, head)
    wb.active.title = "Báo cáo"
    wb.save(os.path.join(out, name))


TITLE = ["UBND HUYỆN MƯỜNG TÈ", "BÁO CÁO KINH TẾ - XÃ HỘI NĂM 2024"]

# 1. Money held in đồng, shown in tỷ by the format: the officer sees 318,0.
book("muong-te_2024_dinh-dang-ty.xlsx", TITLE, [
    [1, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", (290_000_000_000, "#,##0.0,,,"), (300_000_000_000, "#,##0.0,,,"), (318_000_000_000, "#,##0.0,,,")],
    [2, "KT08", "Tỷ lệ che phủ rừng", "%", (0.552, "0.0%"), (0.56, "0.0%"), (0.591, "0.0%")],
])
# 2. A percent format on a count: shown 7104200% — which is meant cannot be told.
book("muong-te_2024_phan-tram-tren-so-nguoi.xlsx", TITLE, [
    [1, "CS01", "Dân số trung bình", "người", 70200, None, (71042, "0%")],
])
# 3. A unit written by the format ("tấn" where the form says nghìn tấn) and one unknown.
book("muong-te_2024_dinh-dang-tan.xlsx", TITLE, [
    [1, "KT05", "Sản lượng lương thực có hạt", None, (8200, '#,##0 "tấn"'), (8500, '#,##0 "tấn"'), (8600, '#,##0 "tấn"')],
    [2, "KT07", "Diện tích trồng rừng mới", None, (120, '0 "lô"'), (150, '0 "lô"'), (160, '0 "lô"')],
])
# 4. The unit in the row name, no ĐVT column.
book("muong-te_2024_don-vi-trong-ten.xlsx", TITLE, [
    [1, "KT09", "Thu ngân sách nhà nước (triệu đồng)", 170_500, 180_000, 189_300],
], head=["STT", "Mã", "Chỉ tiêu", "Thực hiện năm 2023", "Kế hoạch năm 2024", "Ước thực hiện năm 2024"])
# 5. ĐVT of another unit of the same kind, and of no known kind.
book("muong-te_2024_dvt-khac.xlsx", TITLE, [
    [1, "CS05", "Diện tích đất tự nhiên", "Km2", 3_677.9, None, 3_677.9],
    [2, "KT06", "Năng suất lúa", "tấn/ha", 4.61, 4.7, 4.75],
    [3, "CS17", "Sản lượng lúa", "con", 20_000, None, 21_000],
])
# 6. Two estimate columns; the later says "cập nhật".
book("muong-te_2024_hai-cot-uoc.xlsx", TITLE, [
    [1, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 290, 300, 310, 318],
], head=HEAD + ["Ước thực hiện năm 2024 cập nhật T12"])
book("muong-te_2024_hai-cot-uoc-khong-ro.xlsx", TITLE, [
    [1, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 290, 300, 310, 318],
], head=HEAD + ["Ước thực hiện năm 2024"])
# 7. The period as dates: the 6-month report under a "năm 2024" title.
book("muong-te-bao-cao-2024.xlsx", ["UBND HUYỆN MƯỜNG TÈ", "BÁO CÁO KINH TẾ - XÃ HỘI NĂM 2024", "(Từ ngày 01/01/2024 đến ngày 30/6/2024)"], [
    [1, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 140, 300, 150],
], head=["STT", "Mã", "Chỉ tiêu", "ĐVT", "Thực hiện 6 tháng năm 2023", "Kế hoạch năm 2024", "Ước thực hiện 6 tháng năm 2024"])
# 8. en-US text pasted into a file with one vi-VN token.
book("muong-te_2024_so-dan-kieu-my.xlsx", TITLE, [
    [1, "KT12", "Tổng lượt khách du lịch", "lượt", "111,000", "120,000", "1.234.500"],
    [2, "KT05", "Sản lượng lương thực có hạt", "nghìn tấn", "35.912", "36.5", "36.1"],
])
# 9. Two report sheets: last year's first, this year's active; no period in the file name.
wb = openpyxl.Workbook()
sheet(wb.active, ["UBND HUYỆN MƯỜNG TÈ", "BÁO CÁO KINH TẾ - XÃ HỘI NĂM 2023"], [
    [1, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 270, 280, 290],
], head=["STT", "Mã", "Chỉ tiêu", "ĐVT", "Thực hiện năm 2022", "Kế hoạch năm 2023", "Ước thực hiện năm 2023"]).title = "Năm 2023"
sheet(wb.create_sheet("Năm 2024"), TITLE, [[1, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 290, 300, 318]])
wb.active = 1
wb.save(os.path.join(out, "bao-cao-muong-te.xlsx"))
# 10. A district workbook: one sheet per commune, and the district's (active).
wb = openpyxl.Workbook()
sheet(wb.active, ["UBND XÃ KA LĂNG", "BÁO CÁO KINH TẾ - XÃ HỘI NĂM 2024"], [[1, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 9, 10, 11]]).title = "Ka Lăng"
sheet(wb.create_sheet("Thu Lũm"), ["UBND XÃ THU LŨM", "BÁO CÁO KINH TẾ - XÃ HỘI NĂM 2024"], [[1, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 7, 8, 9]])
sheet(wb.create_sheet("Toàn huyện"), TITLE, [[1, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 290, 300, 318]])
wb.active = 2
wb.save(os.path.join(out, "bao-cao-2024-cac-xa.xlsx"))
# 11. The same indicator twice: with the same figures (one reading) and with others (none).
book("muong-te_2024_dong-lap.xlsx", TITLE, [
    [1, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 290, 300, 318],
    [2, "KT09", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 290, 300, 318],
    [3, "KT10", "Tổng vốn đầu tư phát triển toàn xã hội", "tỷ đồng", 1500, 1600, 1650],
    [4, "KT10", "Tổng vốn đầu tư phát triển toàn xã hội", "tỷ đồng", 1500, 1600, 1700],
])
# 12. A currency format on money counted in tỷ đồng: đồng or tỷ cannot be told.
book("muong-te_2024_tien-te.xlsx", TITLE, [
    [1, "KT01", "Giá trị sản xuất (giá so sánh 2010)", "tỷ đồng", (4800, "[$₫-42A]#,##0"), (4900, "[$₫-42A]#,##0"), (5000, "[$₫-42A]#,##0")],
    [2, "KT10", "Tổng vốn đầu tư phát triển toàn xã hội", "tỷ đồng", (1_500_000, '#,##0.00" tr.đ"'), (1_600_000, '#,##0.00" tr.đ"'), (1_650_000, '#,##0.00" tr.đ"')],
])
