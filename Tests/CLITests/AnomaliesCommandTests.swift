import Foundation
import XCTest
import TestSupport

/// `anomalies`, `series` and the scorecard's year-end section, run as the binary on stores
/// built by importing real form files (our blank forms filled with openpyxl), with slips
/// planted in the cells as an officer would type them.
final class AnomaliesCommandTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot
    /// A slip to plant: the unit's file, the indicator's row, the column (E previous, F
    /// plan, G estimate) and a Python expression of `v` (the cell's value) — or "swap" to
    /// exchange F and G, "copy" to write E into G.
    struct Plant { var unit: String; var code: String; var column: String; var expr: String }

    /// Blank forms of every unit for `period`, filled from the Lai Châu fixture data, with
    /// the slips planted, imported into `db`.
    func store(_ dir: URL, period: String, data: String? = nil, plants: [Plant], db: String) throws {
        let blank = dir.appendingPathComponent("blank-\(period)"), filled = dir.appendingPathComponent("filled-\(period)")
        var r = try tonghop(["form", "lai-chau-ktxh", "--all", "--period", period, "-o", blank.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let fill = try TestSupport.python([TestSupport.support.appendingPathComponent("fill_forms.py").path, blank.path, filled.path, data ?? period])
        XCTAssertEqual(fill.status, 0, fill.stderr)
        if !plants.isEmpty {
            let spec = plants.map { "(\"\($0.unit)\", \"\($0.code)\", \"\($0.column)\", \"\($0.expr)\")" }.joined(separator: ", ")
            let py = try TestSupport.python(["-c", """
            import openpyxl, os
            d = r"\(filled.path)"
            for unit, code, col, expr in [\(spec)]:
                f = next(x for x in sorted(os.listdir(d)) if x.startswith("lai-chau-ktxh_" + unit + "-"))
                wb = openpyxl.load_workbook(os.path.join(d, f))
                ws = wb["Báo cáo"]
                row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == code)
                if expr == "swap":
                    ws["F%d" % row].value, ws["G%d" % row].value = ws["G%d" % row].value, ws["F%d" % row].value
                elif expr == "copy":
                    ws["G%d" % row] = ws["E%d" % row].value
                else:
                    v = ws["%s%d" % (col, row)].value
                    ws["%s%d" % (col, row)] = eval(expr)
                wb.save(os.path.join(d, f))
            """])
            XCTAssertEqual(py.status, 0, py.stderr)
        }
        r = try tonghop(["import", filled.path, "--db", db])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
    }

    func anomalies(_ db: String, _ period: String, lang: String = "vi") throws -> [[String: Any]] {
        let r = try tonghop(["anomalies", "--db", db, "--period", period, "--format", "json", "--lang", lang])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try json(r)
        return j["anomalies"] as! [[String: Any]]
    }

    func find(_ list: [[String: Any]], _ unit: String, _ code: String, _ column: String) -> [String: Any]? {
        list.first { $0["unit"] as? String == unit && $0["indicator"] as? String == code && $0["column"] as? String == column }
    }

    func testEachRecogniserNamesItsPlantedSlipInAnAnnualStore() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        try store(dir, period: "2024", plants: [
            Plant(unit: "107", code: "KT01", column: "G", expr: "v * 10"),          // a digit slip
            Plant(unit: "108", code: "XH04", column: "G", expr: "v / 100"),         // 52,9 % as 0,529
            Plant(unit: "110", code: "KT09", column: "G", expr: "v * 1000"),        // triệu for tỷ
            Plant(unit: "111", code: "KT12", column: "G", expr: "copy"),            // last year's copied
        ], db: db)
        let list = try anomalies(db, "2024")
        let digit = try XCTUnwrap(find(list, "107", "KT01", "estimate"), "\(list.map { "\($0["unit"]!) \($0["indicator"]!) \($0["column"]!) \($0["method"]!)" })")
        XCTAssertEqual(digit["method"] as? String, "slip_power_of_ten")
        XCTAssertTrue((digit["reason"] as! String).contains("chia cho 10 "), digit["reason"] as! String)
        let low = digit["expected_low"] as! Double, high = digit["expected_high"] as! Double
        XCTAssertLessThan(low, high)
        XCTAssertFalse((low...high).contains(digit["value"] as! Double))
        XCTAssertTrue((low...high).contains(digit["suggested"] as! Double))
        XCTAssertGreaterThan(digit["score"] as! Double, 3.5)

        let fraction = try XCTUnwrap(find(list, "108", "XH04", "estimate"))
        XCTAssertEqual(fraction["method"] as? String, "slip_percent_as_fraction")
        XCTAssertLessThan(fraction["value"] as! Double, 1)

        let scale = try XCTUnwrap(find(list, "110", "KT09", "estimate"))
        XCTAssertEqual(scale["method"] as? String, "slip_power_of_ten")
        XCTAssertTrue((scale["reason"] as! String).contains("triệu đồng thay vì tỷ đồng"), scale["reason"] as! String)

        let copied = try XCTUnwrap(find(list, "111", "KT12", "estimate"))
        XCTAssertEqual(copied["method"] as? String, "slip_copied_last_year")

        // English reasons with --lang en; every field of the documented JSON is there.
        let en = try anomalies(db, "2024", lang: "en")
        XCTAssertTrue((find(en, "107", "KT01", "estimate")!["reason"] as! String).contains("a digit slip"))
        for a in en { for k in ["unit", "indicator", "column", "value", "expected_low", "expected_high", "method", "reason", "score"] { XCTAssertNotNil(a[k], k) } }

        // Text: grouped by unit, the slip named; exit 0.
        var r = try tonghop(["anomalies", "--db", db, "--period", "2024"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.out.contains("Mường Tè (107)"), r.out)
        XCTAssertTrue(r.out.contains("KT01 «Giá trị sản xuất (giá so sánh 2010)» estimate — nhầm bậc 10ⁿ"), r.out)
        // XLSX through our writer: one row per anomaly, read back by openpyxl.
        let book = dir.appendingPathComponent("bat-thuong.xlsx").path
        r = try tonghop(["anomalies", "--db", db, "--period", "2024", "--format", "xlsx", "-o", book])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try TestSupport.python(["-c", "import openpyxl; ws = openpyxl.load_workbook(r'\(book)').active; print(sum(1 for r in ws.iter_rows(min_row=4) if r[0].value))"])
        XCTAssertEqual(Int(rows.out.trimmingCharacters(in: .whitespacesAndNewlines)), list.count, rows.stderr)
        // Usage errors: exit 2 with one line.
        r = try tonghop(["anomalies", "--db", db, "--period", "2019"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("kho có các kỳ: 2024"), r.stderr)
        r = try tonghop(["anomalies", "--db", db, "--format", "pdf"])
        XCTAssertEqual(r.status, 2)
    }

    func testSixMonthSlipsAndTheYearEndCall() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        try store(dir, period: "2024", plants: [], db: db)
        try store(dir, period: "2024-6T", plants: [
            Plant(unit: "109", code: "KT10", column: "", expr: "swap"),            // plan and estimate swapped
            Plant(unit: "112", code: "KT01", column: "G", expr: "v * 2"),          // the year's figure in the 6-month report
        ], db: db)
        let list = try anomalies(db, "2024-6T")
        let swap = try XCTUnwrap(find(list, "109", "KT10", "estimate") ?? find(list, "109", "KT10", "plan"), "\(list.filter { $0["unit"] as? String == "109" })")
        XCTAssertEqual(swap["method"] as? String, "slip_plan_actual_swapped")
        let span = try XCTUnwrap(find(list, "112", "KT01", "estimate"), "\(list.filter { $0["unit"] as? String == "112" })")
        XCTAssertEqual(span["method"] as? String, "slip_wrong_span")
        XCTAssertTrue((span["reason"] as! String).contains("số cả năm ghi vào báo cáo 6 tháng"), span["reason"] as! String)

        // The scorecard of a 6-month period carries the year-end estimate and call.
        var r = try tonghop(["scorecard", "--db", db, "--period", "2024-6T", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try json(r)
        XCTAssertNotNil(j["units"], "the scorecard is still there")
        let ye = try XCTUnwrap(j["year_end"] as? [String: Any])
        XCTAssertEqual(ye["months"] as? Int, 6)
        let est = ye["estimates"] as! [[String: Any]]
        let kt01 = try XCTUnwrap(est.first { $0["unit"] as? String == "105" && $0["indicator"] as? String == "KT01" })
        // One earlier year (2023: the 6-month report's previous column over the annual
        // report's): too little of its own, so the province's share.
        XCTAssertEqual(kt01["source"] as? String, "province")
        let share = kt01["share"] as! Double
        XCTAssertEqual(kt01["estimate"] as! Double, (kt01["cumulative"] as! Double) / share, accuracy: 1e-6)
        XCTAssertTrue(["on_track", "at_risk", "unlikely"].contains(((kt01["calls"] as! [[String: Any]])[0]["call"] as! String)))
        r = try tonghop(["scorecard", "--db", db, "--period", "2024-6T"])
        XCTAssertTrue(r.out.contains("ƯỚC CẢ NĂM VÀ KHẢ NĂNG ĐẠT KẾ HOẠCH"), r.out)
        XCTAssertTrue(r.out.contains("dự kiến đạt"), r.out)
        // An annual period has no year-end section.
        r = try tonghop(["scorecard", "--db", db, "--period", "2024", "--format", "json"])
        XCTAssertNil(try json(r)["year_end"])
    }

    /// The year's plan is fixed (HĐND resolution, the province's assignment) and the unit
    /// gave it in its 9-month report: an annual report whose estimate is that plan and whose
    /// plan is a plausible estimate has the two swapped — named though no statistic fails
    /// (plan and estimate a few per cent apart look as plausible either way round).
    func testAPlanSwappedWithTheEstimateIsNamedAgainstTheNineMonthReport() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        try store(dir, period: "2024-9T", data: "2024-6T", plants: [], db: db)
        try store(dir, period: "2024", plants: [
            Plant(unit: "109", code: "KT10", column: "", expr: "swap"),            // plan 1.026 (950 × 1,08) and estimate 1.045 (950 × 1,1) swapped
        ], db: db)
        let list = try anomalies(db, "2024")
        let swap = try XCTUnwrap(find(list, "109", "KT10", "plan"), "\(list.filter { $0["unit"] as? String == "109" })")
        XCTAssertEqual(swap["method"] as? String, "slip_plan_actual_swapped")
        XCTAssertEqual(swap["value"] as? Double, 1045)          // the estimate, written as the plan
        XCTAssertEqual(swap["suggested"] as? Double, 1026)      // the plan of the 9-month report
        XCTAssertEqual(swap["expected_low"] as? Double, 1026)
        let reason = swap["reason"] as! String
        XCTAssertTrue(reason.contains("đúng bằng kế hoạch 1.026 đơn vị đã báo trong báo cáo 9 tháng năm 2024"), reason)
        XCTAssertTrue(reason.contains("đổi lại (Kế hoạch năm 2024 1.026, Ước thực hiện năm 2024 1.045)"), reason)
        XCTAssertNil(find(list, "109", "KT10", "estimate"), "one finding for the swap")
        // Every other plan is the 9-month one (numbers and "Trên 98,5" alike): no other finding of the kind.
        XCTAssertEqual(list.filter { ($0["method"] as? String)?.hasPrefix("plan_changed") ?? false }.count, 0, "\(list)")
        let en = try anomalies(db, "2024", lang: "en")
        XCTAssertTrue((find(en, "109", "KT10", "plan")!["reason"] as! String).contains("exactly the plan of 1,026 the unit gave in its report for the first 9 months of 2024"))
        // At import the swap was a named slip (W160) of the stored report.
        let w160 = try TestSupport.python(["-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT f.code, f.message FROM finding f JOIN submission s ON s.id = f.submission_id WHERE s.unit_code = '109' AND s.period = '2024' AND s.is_current = 1 AND f.indicator = 'KT10' AND f.code LIKE 'W16%'\").fetchall())", db])
        XCTAssertTrue(w160.out.contains("'W160'") && w160.out.contains("rà soát khi nhập: đổi chỗ kế hoạch và thực hiện"), w160.out + w160.stderr)
    }

    /// A plan adjusted during the year (a new HĐND resolution) is a finding to confirm — the
    /// plan of the 9-month report against the 6-month one — but no swap: the estimate is
    /// not the old plan. A plan written as a bound compares as written.
    func testAnAdjustedPlanIsFoundButNotTakenForASwap() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        try store(dir, period: "2024-6T", plants: [], db: db)
        try store(dir, period: "2024-9T", data: "2024-6T", plants: [
            Plant(unit: "110", code: "KT01", column: "F", expr: "round(v * 1.05, 1)"),   // the plan raised by 5 %
            Plant(unit: "111", code: "XH07", column: "F", expr: "'Trên 99'"),           // a bound target raised
        ], db: db)
        let list = try anomalies(db, "2024-9T")
        let mine = list.filter { $0["unit"] as? String == "110" && $0["indicator"] as? String == "KT01" }
        let changed = try XCTUnwrap(find(list, "110", "KT01", "plan"), "\(mine)")
        XCTAssertEqual(changed["method"] as? String, "plan_changed_within_year")
        XCTAssertNil(changed["suggested"] as? Double)
        let old = try XCTUnwrap(changed["expected_low"] as? Double)
        XCTAssertEqual(changed["expected_high"] as? Double, old)
        XCTAssertEqual(changed["value"] as! Double, (old * 1.05 * 10).rounded() / 10, accuracy: 1e-9)
        let reason = changed["reason"] as! String
        XCTAssertTrue(reason.contains("báo cáo 6 tháng đầu năm 2024"), reason)
        XCTAssertTrue(reason.contains("đã điều chỉnh kế hoạch hay ghi nhầm"), reason)
        XCTAssertFalse(mine.contains { $0["method"] as? String == "slip_plan_actual_swapped" }, "\(mine)")
        let bound = try XCTUnwrap(find(list, "111", "XH07", "plan"), "\(list.filter { $0["unit"] as? String == "111" })")
        XCTAssertEqual(bound["method"] as? String, "plan_changed_within_year")
        let boundReason = bound["reason"] as! String
        XCTAssertTrue(boundReason.contains("ghi Trên 99") && boundReason.contains("khác kế hoạch Trên 9"), boundReason)
        // The other units' plans are those of the 6-month report.
        XCTAssertEqual(Set(list.filter { $0["method"] as? String == "plan_changed_within_year" }.map { "\($0["unit"]!) \($0["indicator"]!)" }),
                       ["110 KT01", "111 XH07"])
        let en = try anomalies(db, "2024-9T", lang: "en")
        XCTAssertTrue((find(en, "110", "KT01", "plan")!["reason"] as! String).contains("the unit gave in its report for the first 6 months of 2024"))
    }

    /// Lai Châu's 8 old districts (2024) and 38 new communes (2025) make 4 comparable areas.
    func testSeriesAcrossTheReformRunsOverComparableAreas() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        try store(dir, period: "2024", plants: [], db: db)
        try store(dir, period: "2025", data: "2024", plants: [], db: db)
        var r = try tonghop(["series", "--db", db, "--indicator", "KT01", "--by-area", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try json(r)
        XCTAssertEqual(j["across_reform"] as? Bool, true)
        XCTAssertEqual(j["periods"] as? [String], ["2024", "2025"])
        let lines = j["series"] as! [[String: Any]]
        XCTAssertEqual(lines.first?["area"] as? String, "province")
        let areas = lines.dropFirst()
        XCTAssertEqual(areas.count, 4, "\(areas.map { $0["members"]! })")
        let members = areas.flatMap { $0["members"] as! [String] }
        XCTAssertEqual(members.filter { ["105", "106", "107", "108", "109", "110", "111", "112"].contains($0) }.count, 8)
        XCTAssertEqual(members.count, 8 + 38)
        for a in areas { for p in a["points"] as! [[String: Any]] { XCTAssertNotNil(p["value"] as? Double, "\(a["name"]!) \(p)") } }
        // A unit's line is its comparable area; the province's figures add up to the areas'.
        r = try tonghop(["series", "--db", db, "--indicator", "KT01", "--unit", "107", "--format", "json"])
        let one = (try json(r)["series"] as! [[String: Any]])
        XCTAssertEqual(one.count, 2)
        XCTAssertTrue((one[1]["members"] as! [String]).contains("107"))
        r = try tonghop(["series", "--db", db, "--indicator", "KT01", "--from", "2024", "--to", "2024", "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.out.hasPrefix("area,name,members,period,value\nprovince,"), r.out)
        r = try tonghop(["series", "--db", db, "--indicator", "ZZ99"])
        XCTAssertEqual(r.status, 2)
    }
    /// The summary of a 6-month period carries the year-end sheet (live formulas LibreOffice
    /// recalculates to our values) and the "Diễn biến" sheet (a line chart per headline
    /// indicator, last year's figure taken from this year's previous-year column); on
    /// partial data neither gives a province figure. The web's scorecard shows the call.
    func testSummaryCarriesTheYearEndEstimateAndTheTrends() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        try store(dir, period: "2024", plants: [], db: db)
        try store(dir, period: "2024-6T", plants: [], db: db)
        try store(dir, period: "2025-6T", data: "2024-6T", plants: [], db: db)
        let book = dir.appendingPathComponent("s.xlsx").path
        var r = try tonghop(["summary", "--db", db, "--period", "2025-6T", "-o", book])
        XCTAssertEqual(r.status, 0, r.stderr)
        let csv = try tonghop(["summary", "--db", db, "--period", "2025-6T", "--format", "json"])
        let sj = try json(csv)
        let py = try TestSupport.python(["-c", """
        import openpyxl, json, sys, zipfile
        wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
        f = openpyxl.load_workbook(sys.argv[1])
        out = {"sheets": wb.sheetnames}
        ye, yf = wb["Ước cả năm"], f["Ước cả năm"]
        rows = [r for r in range(1, ye.max_row + 1) if isinstance(ye.cell(r, 4).value, (int, float)) and isinstance(ye.cell(r, 12).value, str)]
        out["year_end"] = [[ye.cell(r, c).value for c in range(1, 13)] + [yf.cell(r, 4).value, yf.cell(r, 6).value, yf.cell(r, 11).value] for r in rows]
        out["year_end_text"] = [ye.cell(r, 1).value for r in range(1, 6)]
        tr, tf = wb["Diễn biến"], f["Diễn biến"]
        out["trend_head"] = [tr.cell(4, c).value for c in range(1, 6)]
        out["trend_source"] = [tr.cell(5, c).value for c in range(1, 6)]
        out["trend"] = [[tr.cell(r, c).value for c in range(1, 6)] + [tf.cell(r, 5).value] for r in range(6, tr.max_row + 1) if tr.cell(r, 2).value]
        out["charts"] = len([n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith("xl/charts/chart")])
        json.dump(out, sys.stdout, ensure_ascii=False)
        """, book])
        XCTAssertEqual(py.status, 0, py.stderr)
        let j = try JSONSerialization.jsonObject(with: py.stdout) as! [String: Any]
        let sheets = j["sheets"] as! [String]
        XCTAssertTrue(sheets.contains("Ước cả năm") && sheets.contains("Diễn biến"), "\(sheets)")
        // The year-end lines: the estimate is the 6-month figure over the share, the naive
        // one ×12/6, the call one of three, and each line's 6-month figure links to Tổng hợp.
        let ye = j["year_end"] as! [[Any]]
        XCTAssertGreaterThanOrEqual(ye.count, 5, "\(ye)")
        for line in ye {
            guard let cum = line[3] as? Double, let share = line[4] as? Double, let est = line[5] as? Double, let naive = line[7] as? Double else {
                XCTFail("\(line)"); continue
            }
            XCTAssertEqual(est, cum / share * 100, accuracy: 1e-6 * est, "\(line)")
            XCTAssertEqual(naive, cum * 2, accuracy: 1e-9 * naive)
            XCTAssertTrue(["dự kiến đạt", "có nguy cơ không đạt", "khó đạt"].contains(line[10] as? String ?? ""), "\(line)")
            XCTAssertTrue((line[12] as! String).hasPrefix("='Tổng hợp'!"), "\(line)")
            XCTAssertTrue((line[14] as! String).hasPrefix("=IF("), "\(line)")
        }
        XCTAssertTrue((j["year_end_text"] as! [Any?]).contains { ($0 as? String)?.hasPrefix("Toàn tỉnh: ") ?? false })
        // The scorecard's JSON gives the same estimate for the province.
        r = try tonghop(["scorecard", "--db", db, "--period", "2025-6T", "--format", "json"])
        let est = (try json(r)["year_end"] as! [String: Any])["estimates"] as! [[String: Any]]
        let kt01 = try XCTUnwrap(est.first { $0["unit"] as? String == "province" && $0["indicator"] as? String == "KT01" })
        let line = try XCTUnwrap(ye.first { $0[1] as? String == "Giá trị sản xuất (giá so sánh 2010)" })
        XCTAssertEqual(line[5] as! Double, kt01["estimate"] as! Double, accuracy: 1e-3)
        // Trends: 2024-6T (this year's previous-year column) then 2025-6T (linked).
        XCTAssertEqual(j["trend_head"] as? [String], ["STT", "Chỉ tiêu", "ĐVT", "6 tháng đầu năm 2024", "6 tháng đầu năm 2025"])
        XCTAssertEqual((j["trend_source"] as! [Any?])[3] as? String, "thực hiện, theo báo cáo 6 tháng đầu năm 2025")
        let trend = j["trend"] as! [[Any?]]
        XCTAssertEqual(trend.count, 12, "the template's 12 headline indicators")
        let rows = sj["indicators"] as! [[String: Any]]
        let kt01row = try XCTUnwrap(rows.first { $0["code"] as? String == "KT01" })
        let t01 = try XCTUnwrap(trend.first { $0[1] as? String == "Giá trị sản xuất (giá so sánh 2010)" })
        let prev = try XCTUnwrap(((kt01row["values"] as? [String: Any])?["prev_actual"] as? [String: Any])?["value"] as? Double, "\(kt01row)")
        XCTAssertEqual(t01[3] as! Double, prev, accuracy: 1e-6)
        XCTAssertTrue((t01[5] as! String).hasPrefix("='Tổng hợp'!"))
        XCTAssertEqual(j["charts"] as? Int, 12 + 1, "a line chart per headline indicator, and the scorecard's")
        // LibreOffice recalculates every formula of the new sheets to our cached values.
        let lo = try TestSupport.run(root.appendingPathComponent("scripts/lo-recalc").path, [book, dir.appendingPathComponent("lo").path])
        XCTAssertEqual(lo.status, 0, "LibreOffice is needed for this check (make test installs it): \(lo.stderr)")
        let cmp = try TestSupport.python([root.appendingPathComponent("Tests/Support/compare_recalc.py").path, book, dir.appendingPathComponent("lo/s.xlsx").path])
        let c = try JSONSerialization.jsonObject(with: cmp.stdout) as! [String: Any]
        XCTAssertEqual(c["mismatch_count"] as? Int, 0, "\(c["mismatches"]!)")

        // Partial data: a store without unit 107's 6-month report of 2025.
        let partial = dir.appendingPathComponent("partial.db").path
        r = try tonghop(["import", dir.appendingPathComponent("filled-2024").path, dir.appendingPathComponent("filled-2024-6T").path, "--db", partial])
        XCTAssertEqual(r.status, 0, r.stderr)
        let d = dir.appendingPathComponent("filled-2025-6T")
        let files = try FileManager.default.contentsOfDirectory(atPath: d.path).filter { !$0.contains("_107-") }.map { d.appendingPathComponent($0).path }
        XCTAssertEqual(files.count, 8)
        r = try tonghop(["import"] + files + ["--db", partial])
        XCTAssertEqual(r.status, 0, r.stderr)
        let pbook = dir.appendingPathComponent("p.xlsx").path
        r = try tonghop(["summary", "--db", partial, "--period", "2025-6T", "-o", pbook])
        XCTAssertEqual(r.status, 0, r.stderr)
        let pp = try TestSupport.python(["-c", """
        import openpyxl, json, sys
        wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
        ye, tr = wb["Ước cả năm"], wb["Diễn biến"]
        json.dump({"text": [ye.cell(r, 1).value for r in range(1, ye.max_row + 1)],
                   "current": [tr.cell(r, 5).value for r in range(6, tr.max_row + 1) if tr.cell(r, 2).value]}, sys.stdout, ensure_ascii=False)
        """, pbook])
        let pj = try JSONSerialization.jsonObject(with: pp.stdout) as! [String: Any]
        XCTAssertTrue((pj["text"] as! [Any?]).contains { ($0 as? String)?.hasPrefix("Toàn tỉnh: chưa ước, số liệu chưa đầy đủ (8/9 đơn vị)") ?? false }, "\(pj["text"]!)")
        XCTAssertTrue((pj["current"] as! [Any?]).allSatisfy { !($0 is Double) }, "no partial sum: \(pj["current"]!)")
    }
}
