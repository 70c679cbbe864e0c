import Foundation
import XCTest
import TestSupport

/// Two plans in one template (issue 14): the province's assignment ("KH tỉnh giao") and the
/// district council's resolution ("NQ HĐND"), each with its own indicators and attainment.
final class TwoPlansTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot

    func testAScorecardCountsEachPlanWithItsOwnDenominator() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        XCTAssertEqual(try tonghop(["import", "fixtures/thanh-hoa/2024", "--db", db]).status, 0)
        let text = try tonghop(["scorecard", "--db", db, "--period", "2024"]).out
        let line = text.split(separator: "\n").first { $0.contains("Mường Lát") }.map(String.init) ?? ""
        XCTAssertTrue(line.contains("5/10 chỉ tiêu đạt và vượt KH tỉnh giao; 9/15 đạt và vượt NQ HĐND"), line)
        // Mường Lát meets one plan and misses the other, on different indicators.
        let json = try JSONSerialization.jsonObject(with: try tonghop(["scorecard", "--db", db, "--period", "2024", "--format", "json"]).stdout) as! [String: Any]
        let card = (json["units"] as! [[String: Any]]).first { $0["unit"] as? String == "384" }!
        let plans = card["plans"] as! [[String: Any]]
        XCTAssertEqual(plans.map { $0["key"] as! String }, ["plan", "plan_nq"])
        XCTAssertEqual(plans.map { $0["assessed"] as! Int }, [10, 15])
        let lagTinh = plans[0]["lagging"] as! [String], lagNQ = plans[1]["lagging"] as! [String]
        XCTAssertTrue(lagTinh.contains("KT02") && !lagNQ.contains("KT02"), "growth: missed the province's plan, met the council's")
        XCTAssertTrue(lagNQ.contains("KT04") && !lagTinh.contains("KT04"), "cereal: met the province's plan, missed the council's")
        // The province's own council targets come from its part, never the sum of districts'.
        let s = try JSONSerialization.jsonObject(with: try tonghop(["summary", "--db", db, "--period", "2024", "--format", "json"]).stdout) as! [String: Any]
        let kt06 = (s["indicators"] as! [[String: Any]]).first { $0["code"] as? String == "KT06" }!
        let values = kt06["values"] as! [String: [String: Any]]
        XCTAssertEqual(values["plan_nq"]?["value"] as? Double, 56000, "the province part's own")
        XCTAssertEqual(values["plan_nq"]?["covered"] as? Int, 1)
        // The workbook has a column per plan on the scorecard.
        let book = dir.appendingPathComponent("s.xlsx").path
        XCTAssertEqual(try tonghop(["summary", "--db", db, "--period", "2024", "-o", book]).status, 0)
        XCTAssertTrue(try tonghop(["dump", book, "--sheet", "Chấm điểm"]).out.contains("Đạt và vượt NQ HĐND"))
    }

    func testAFileWithBothPlansInItsOwnLayoutImportsEachToItsPlan() throws {
        let dir = try TestSupport.tempDir(self)
        let own = dir.appendingPathComponent("BC nam 2024 - Nhu Xuan.xlsx").path, bad = dir.appendingPathComponent("nhu-xuan-2024-hai-kh.xlsx").path
        // The officer's own table (openpyxl): the council's plan first, then the province's.
        let py = try TestSupport.python(["-c", """
        import openpyxl, sys
        src = openpyxl.load_workbook("fixtures/thanh-hoa/2024/thanh-hoa-ktxh_402_2024.xlsx")["Báo cáo"]
        head = {str(src.cell(7, c).value or ""): c for c in range(1, src.max_column + 1)}
        col = lambda p: next(c for h, c in head.items() if h.startswith(p))
        rows = [(src.cell(r, 2).value, src.cell(r, 3).value, src.cell(r, 4).value, src.cell(r, col("Thực hiện")).value,
                 src.cell(r, col("Chỉ tiêu NQ")).value, src.cell(r, col("KH tỉnh giao")).value, src.cell(r, col("Ước")).value)
                for r in range(9, src.max_row + 1) if isinstance(src.cell(r, 2).value, str) and len(src.cell(r, 2).value) == 4]
        for path, headers in [(sys.argv[1], ["Mã", "Chỉ tiêu", "ĐVT", "TH 2023", "Nghị quyết HĐND huyện 2024", "KH tỉnh giao 2024", "Ước TH 2024"]),
                              (sys.argv[2], ["Mã", "Chỉ tiêu", "ĐVT", "TH 2023", "Kế hoạch 2024", "Kế hoạch 2024 (2)", "Ước TH 2024"])]:
            wb = openpyxl.Workbook(); ws = wb.active
            ws["A1"] = "UBND HUYỆN NHƯ XUÂN"; ws["A3"] = "BÁO CÁO CÁC CHỈ TIÊU NĂM 2024"
            for i, h in enumerate(headers): ws.cell(5, i + 1, h)
            for r, row in enumerate(rows):
                for c, v in enumerate(row): ws.cell(6 + r, c + 1, v)
            wb.save(path)
        """, own, bad], cwd: root)
        XCTAssertEqual(py.status, 0, py.stderr)
        let db = dir.appendingPathComponent("t.db").path
        var r = try tonghop(["import", own, "--db", db, "--template", "thanh-hoa-ktxh", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        let q = try TestSupport.python(["-c", """
        import sqlite3, json, sys, openpyxl
        c = sqlite3.connect(sys.argv[1])
        got = {(i, k): v for i, k, v in c.execute("SELECT indicator, column_key, number FROM value WHERE column_key LIKE 'plan%'")}
        src = openpyxl.load_workbook("fixtures/thanh-hoa/2024/thanh-hoa-ktxh_402_2024.xlsx")["Báo cáo"]
        head = {str(src.cell(7, c).value or ""): c for c in range(1, src.max_column + 1)}
        col = lambda p: next(c for h, c in head.items() if h.startswith(p))
        want = {}
        for r in range(9, src.max_row + 1):
            code = src.cell(r, 2).value
            for key, p in (("plan", "KH tỉnh giao"), ("plan_nq", "Chỉ tiêu NQ")):
                v = src.cell(r, col(p)).value
                if isinstance(v, (int, float)): want[(code, key)] = float(v)
        print(json.dumps({"same": got == want, "n": len(want), "diff": [str(k) for k in set(got) ^ set(want)][:5]}))
        """, db], cwd: root)
        let j = try JSONSerialization.jsonObject(with: q.stdout) as! [String: Any]
        XCTAssertEqual(j["same"] as? Bool, true, "\(j)")
        XCTAssertGreaterThan(j["n"] as! Int, 20)
        // Two plan columns that name no plan: never both mapped to one plan.
        r = try tonghop(["validate", bad, "--template", "thanh-hoa-ktxh", "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let findings = ((try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any])["files"] as! [[String: Any]])[0]["findings"] as! [[String: Any]]
        XCTAssertEqual(findings.filter { $0["code"] as? String == "E109" }.count, 2, "\(findings.prefix(4))")
    }
}
