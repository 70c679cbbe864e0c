import Foundation
import XCTest
import TestSupport

/// `tonghop form` and `tonghop validate`, run as an officer runs them.
final class FormValidateCommandTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot
    var template: String { root.appendingPathComponent("templates/lai-chau-ktxh.yaml").path }

    func testBlankFormIsProtectedValidatedAndIdentifiesItself() throws {
        let dir = try TestSupport.tempDir(self)
        let path = dir.appendingPathComponent("f.xlsx").path
        let r = try tonghop(["form", template, "--unit", "107", "--period", "2024-9T", "-o", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let inspect = try TestSupport.python([root.appendingPathComponent("Tests/Support/openpyxl_inspect.py").path, path])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        let j = try JSONSerialization.jsonObject(with: inspect.stdout) as! [String: Any]
        XCTAssertEqual(j["warnings"] as? [String], [])
        let sheets = j["sheets"] as! [[String: Any]]
        XCTAssertEqual(sheets.map { $0["name"] as! String }, ["Báo cáo", "Hướng dẫn", "_tonghop"])
        XCTAssertEqual(sheets[2]["state"] as? String, "hidden")
        let meta = sheets[2]["cells"] as! [String: [String: Any]]
        XCTAssertEqual(meta["B1"]?["value"] as? String, "lai-chau-ktxh")
        XCTAssertEqual(meta["B3"]?["value"] as? String, "107")
        XCTAssertEqual(meta["B5"]?["value"] as? String, "2024-9T")
        let form = sheets[0]
        XCTAssertEqual(form["protected"] as? Bool, true)
        let cells = form["cells"] as! [String: [String: Any]]
        XCTAssertEqual(cells["E7"]?["value"] as? String, "Thực hiện 9 tháng năm 2023")
        XCTAssertEqual(cells["G7"]?["value"] as? String, "Ước thực hiện 9 tháng năm 2024")
        // Every numeric input cell has a validation with the unit and range in Vietnamese.
        let validations = form["validations"] as! [[String: Any]]
        let estimateRows = cells.filter { $0.key.hasPrefix("B") && ($0.value["value"] as? String)?.count == 4 }.count
        XCTAssertEqual(validations.filter { ($0["sqref"] as! String).hasPrefix("G") }.count, estimateRows)
        let forest = validations.first { ($0["promptTitle"] as? String) == "KT08" && ($0["sqref"] as! String).hasPrefix("G") }
        XCTAssertEqual(forest?["prompt"] as? String, "ĐVT: %. Số từ 0 đến 100. Ký hiệu: - (không phát sinh), ... (không có số liệu), x (không áp dụng).")
        XCTAssertTrue((forest?["formula1"] as? String ?? "").contains(">=0"))
        // Input cells are unlocked, labels are not; comparison columns are formulas.
        let kt08row = cells.first { $0.value["value"] as? String == "KT08" }!.key.dropFirst()
        let unlocked = Set(form["unlocked"] as! [String])
        XCTAssertTrue(unlocked.contains("G\(kt08row)"))
        XCTAssertTrue(unlocked.contains("J\(kt08row)"), "the note column is an input")
        XCTAssertFalse(unlocked.contains("C\(kt08row)"))
        XCTAssertFalse(unlocked.contains("H\(kt08row)"), "comparison formulas are not inputs")
        XCTAssertEqual(cells["H\(kt08row)"]?["value"] as? String, "=IF(AND(ISNUMBER(G\(kt08row)),ISNUMBER(F\(kt08row)),F\(kt08row)<>0),G\(kt08row)/F\(kt08row)*100,\"\")")
    }

    func testAllUnitsFollowTheHierarchyOfThePeriod() throws {
        let dir = try TestSupport.tempDir(self)
        var r = try tonghop(["form", "lai-chau-ktxh", "--all", "--period", "2024", "-o", dir.appendingPathComponent("2024").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("2024").path).count, 9)
        // After the 2025 reform the districts are gone: the 38 communes of the official
        // catalogue and the province part report.
        r = try tonghop(["form", "lai-chau-ktxh", "--all", "--period", "2025", "--format", "csv", "-o", dir.appendingPathComponent("2025").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let forms = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("2025").path)
        XCTAssertEqual(forms.count, 39)
        XCTAssertTrue(forms.contains("lai-chau-ktxh_12-KT-khoi-tinh_2025.csv"))
        XCTAssertFalse(forms.contains { $0.contains("_107-") }, "no district forms after the reform")
    }

    func testFormUsageErrorsExitWith2() throws {
        var r = try tonghop(["form", template, "--unit", "999", "-o", "/tmp/x.xlsx", "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("has no unit 999"), r.stderr)
        r = try tonghop(["form", template, "--unit", "107", "--period", "2024-7T", "-o", "/tmp/x.xlsx"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("kỳ báo cáo \"2024-7T\" không hợp lệ"), r.stderr)
        let dir = try TestSupport.tempDir(self)
        let bad = dir.appendingPathComponent("bad.yaml")
        try "id: x\nversion: 1\ntitle: X\ncolumns: []\nindicators:\n  - {code: A, name: B, aggregate: avg}\n".write(to: bad, atomically: true, encoding: .utf8)
        r = try tonghop(["form", bad.path, "--all", "-o", dir.path, "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("bad.yaml:6: A: aggregation \"avg\" is unknown"), r.stderr)
    }

    /// The officer's workflow: blank form, filled by another program with two planted
    /// problems, validated: exactly those two, by cell, in Vietnamese and in JSON.
    func testAFormFilledByAnotherProgramReportsExactlyThePlantedProblems() throws {
        let dir = try TestSupport.tempDir(self)
        let blank = dir.appendingPathComponent("blank.xlsx").path
        XCTAssertEqual(try tonghop(["form", template, "--unit", "110", "--period", "2024", "-o", blank]).status, 0)
        let filled = dir.appendingPathComponent("lai-chau-ktxh_110-than-uyen_2024.xlsx").path
        let script = """
        import sys, openpyxl
        sys.path.insert(0, r"\(root.appendingPathComponent("fixtures").path)")
        import lai_chau_data as d
        wb = openpyxl.load_workbook(r"\(blank)")
        ws = wb["Báo cáo"]
        rows = {ws.cell(r, 2).value: r for r in range(9, ws.max_row + 1)}
        for code, (p, pl, e) in d.values("110", "2024").items():
            for col, v in (("E", p), ("F", pl), ("G", e)):
                if v is not None: ws[f"{col}{rows[code]}"] = v
        ws[f"G{rows['XH05']}"] = 104.5          # a share over 100 %
        ws[f"G{rows['KT12']}"] = "một trăm nghìn"  # not a number
        wb.save(r"\(filled)")
        print(rows['XH05'], rows['KT12'])
        """
        let py = try TestSupport.python(["-c", script])
        XCTAssertEqual(py.status, 0, py.stderr)
        let rows = py.out.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        var r = try tonghop(["validate", filled])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.out.contains("Báo cáo!G\(rows[0])  XH05 «Tỷ lệ trường đạt chuẩn quốc gia»: ghi 104,5 %, cần từ 0 đến 100"), r.out)
        XCTAssertTrue(r.out.contains("Báo cáo!G\(rows[1])  KT12 «Tổng lượt khách du lịch», cột «Ước thực hiện năm 2024»: «một trăm nghìn» không phải số"), r.out)
        XCTAssertTrue(r.out.contains("→ KHÔNG HỢP LỆ: 2 lỗi, 1 cảnh báo, 0 thông tin"), r.out)
        r = try tonghop(["validate", filled, "--format", "json", "--lang", "en"])
        let j = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        let file = (j["files"] as! [[String: Any]])[0]
        XCTAssertEqual(file["unit"] as? String, "110")
        XCTAssertEqual(file["period"] as? String, "2024")
        XCTAssertEqual(file["valid"] as? Bool, false)
        XCTAssertEqual(file["counts"] as? [String: Int], ["error": 2, "warning": 1, "info": 0])
        let findings = file["findings"] as! [[String: Any]]
        XCTAssertEqual(Set(findings.map { "\($0["code"]!) \($0["cell"]!)" }), ["E120 G\(rows[0])", "W145 G\(rows[0])", "E110 G\(rows[1])"])
        let e110 = findings.first { $0["code"] as? String == "E110" }!
        XCTAssertEqual(e110["value"] as? String, "một trăm nghìn")
        XCTAssertEqual(e110["severity"] as? String, "error")
        XCTAssertEqual(e110["row"] as? Int, Int(rows[1]))
        XCTAssertEqual(e110["column"] as? String, "estimate")
        XCTAssertTrue((e110["message"] as! String).contains("is not a number"))
        for key in ["code", "severity", "sheet", "cell", "row", "indicator", "column", "value", "expected", "message"] {
            XCTAssertTrue(e110.keys.contains(key), key)
        }
    }

    /// An XLSX is annotated in place (AnnotateInPlaceTests has the details): the officer's
    /// sheets, then the findings; a CSV gets a rebuilt copy of its table.
    func testAnnotatedCopyColoursAndCommentsFlaggedCells() throws {
        let dir = try TestSupport.tempDir(self)
        let out = dir.appendingPathComponent("kiem-tra.xlsx").path
        var r = try tonghop(["validate", "fixtures/broken/hard-range-forest-cover-over-100.xlsx", "--annotate", out])
        XCTAssertEqual(r.status, 1)
        var inspect = try TestSupport.python([root.appendingPathComponent("Tests/Support/openpyxl_inspect.py").path, out])
        var j = try JSONSerialization.jsonObject(with: inspect.stdout) as! [String: Any]
        XCTAssertEqual(j["warnings"] as? [String], [])
        var sheets = j["sheets"] as! [[String: Any]]
        XCTAssertEqual(sheets.map { $0["name"] as! String }, ["Báo cáo", "Hướng dẫn", "_tonghop", "Kết quả kiểm tra"])
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("fixtures/broken/hard-range-forest-cover-over-100.expected.json"))) as! [String: Any]
        let cell = ((golden["findings"] as! [[String: Any]])[0]["cell"] as! String)
        let comments = sheets[0]["comments"] as! [String: String]
        XCTAssertTrue(comments[cell]?.contains("E120") == true, "\(comments)")
        let list = sheets[3]["cells"] as! [String: [String: Any]]
        XCTAssertEqual(list["A5"]?["value"] as? String, "E120")
        XCTAssertEqual(list["C5"]?["value"] as? String, cell)

        // A CSV: the rebuilt copy.
        let csv = dir.appendingPathComponent("bao-cao.csv")
        XCTAssertEqual(try tonghop(["form", "lai-chau-ktxh", "--unit", "107", "--period", "2024", "--format", "csv", "-o", csv.path]).status, 0)
        let csvOut = dir.appendingPathComponent("kiem-tra-csv.xlsx").path
        r = try tonghop(["validate", csv.path, "--annotate", csvOut])
        XCTAssertEqual(r.status, 1, "a blank form misses required values")
        inspect = try TestSupport.python([root.appendingPathComponent("Tests/Support/openpyxl_inspect.py").path, csvOut])
        j = try JSONSerialization.jsonObject(with: inspect.stdout) as! [String: Any]
        sheets = j["sheets"] as! [[String: Any]]
        XCTAssertEqual(sheets.map { $0["name"] as! String }.last, "Kết quả kiểm tra")
        XCTAssertTrue((sheets[0]["name"] as! String).hasPrefix("Kiểm tra - "))
    }

    func testUnreadableFilesExit2AndCleanOnesExit0() throws {
        let dir = try TestSupport.tempDir(self)
        let junk = dir.appendingPathComponent("bao-cao.xlsx")
        try Data("not a workbook".utf8).write(to: junk)
        var r = try tonghop(["validate", junk.path, "fixtures/submissions/2024/lai-chau-ktxh_107-muong-te_2024.xlsx"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.out.contains("E002"), r.out)
        r = try tonghop(["validate", "fixtures/submissions/2024"])
        XCTAssertEqual(r.status, 0, r.out)
        XCTAssertTrue(r.out.contains("9 tệp: 9 hợp lệ, 0 không hợp lệ"), r.out)
        r = try tonghop(["validate", "fixtures/submissions/2024", "--lang", "en", "--format", "xml"])
        XCTAssertEqual(r.status, 2)
    }
}
