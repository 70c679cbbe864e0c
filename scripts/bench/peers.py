#!/usr/bin/env python3
"""Python peers for `make bench`: the same jobs as tonghop-bench, one JSON line each."""
import csv, json, os, resource, sys, time

def report(job, t0, cells, **extra):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(job=job, seconds=time.perf_counter() - t0, cells=cells, peak_mb=peak, **extra)))

job, *args = sys.argv[1:]
t0 = time.perf_counter()
if job == "calamine-read-xlsx":
    from python_calamine import CalamineWorkbook
    sheet = CalamineWorkbook.from_path(args[0]).get_sheet_by_index(0)
    cells = sum(sum(1 for v in row if v != "") for row in sheet.iter_rows())
    report(job, t0, cells)
elif job == "openpyxl-read-xlsx":
    import openpyxl
    wb = openpyxl.load_workbook(args[0], read_only=True)
    cells = sum(sum(1 for v in row if v is not None) for row in wb.worksheets[0].iter_rows(values_only=True))
    report(job, t0, cells)
elif job == "csv-read":
    with open(args[0], newline="", encoding="utf-8-sig") as f:
        cells = sum(len(row) for row in csv.reader(f, delimiter=";"))
    report(job, t0, cells)
elif job == "pandas-read-csv":
    import pandas
    df = pandas.read_csv(args[0], sep=";", decimal=",", encoding="utf-8-sig")
    report(job, t0, int(df.size + len(df.columns)))
elif job == "calamine-batch":
    from python_calamine import CalamineWorkbook
    files = sorted(f for f in os.listdir(args[0]) if f.endswith(".xlsx"))
    cells = 0
    for f in files:
        rows = CalamineWorkbook.from_path(os.path.join(args[0], f)).get_sheet_by_index(0).to_python()
        cells += sum(1 for row in rows for v in row if v != "")
    report(job, t0, cells, files=len(files))
elif job == "openpyxl-batch":
    import openpyxl
    files = sorted(f for f in os.listdir(args[0]) if f.endswith(".xlsx"))
    cells = 0
    for f in files:
        wb = openpyxl.load_workbook(os.path.join(args[0], f), read_only=True)
        cells += sum(1 for row in wb.worksheets[0].iter_rows(values_only=True) for v in row if v is not None)
        wb.close()
    report(job, t0, cells, files=len(files))
elif job == "xlsxwriter-write":
    import xlsxwriter
    rows = int(args[0])
    units = ["Thành phố Lai Châu", "Tam Đường", "Phong Thổ", "Sìn Hồ", "Mường Tè", "Nậm Nhùn", "Than Uyên", "Tân Uyên"]
    pool = ["Chỉ tiêu %d – %s" % (i, units[i % 8]) for i in range(1000)]
    wb = xlsxwriter.Workbook(args[1], {"constant_memory": True})
    ws = wb.add_worksheet("Data")
    for r in range(1, rows + 1):
        ws.write_number(r, 0, r)
        ws.write_string(r, 1, pool[(r * 7) % 1000])
        ws.write_string(r, 2, pool[(r * 13 + 5) % 1000])
        for c in range(3, 10):
            ws.write_number(r, c, ((r * 2654435761 + c * 40503) % 10000000) / 100)
    wb.close()
    report(job, t0, rows * 10)
else:
    sys.exit("unknown job " + job)
