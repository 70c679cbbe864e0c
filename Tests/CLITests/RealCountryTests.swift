import Foundation
import XCTest
import TestSupport

/// The official units (issue 8): the catalogue generated from the statistics office's
/// tables, `tonghop units`, and Lai Châu after the reform — 38 communes from the catalogue,
/// their forms, imports and a summary.
final class RealCountryTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot

    func testUnitsListsTheOfficialUnitsBeforeAndAfterTheReform() throws {
        var r = try tonghop(["units", "--province", "12", "--date", "2026-01-01", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var units = try json(r)["units"] as! [[String: Any]]
        XCTAssertEqual(units.first?["code"] as? String, "12")
        let communes = units.dropFirst()
        XCTAssertEqual(communes.count, 38)
        XCTAssertTrue(communes.allSatisfy { ($0["code"] as! String).count == 5 && $0["level"] as? String == "commune" })
        XCTAssertEqual(communes.filter { ($0["name"] as! String).hasPrefix("Phường") }.count, 2)
        let doanKet = communes.first { $0["code"] as? String == "03388" }!
        XCTAssertEqual(doanKet["name"] as? String, "Phường Đoàn Kết")
        XCTAssertEqual((doanKet["predecessors"] as! [[String: String]]).map { $0["code"]! }.sorted(), ["03386", "03388", "03389", "03391", "03403"])
        // Before the reform: 8 district-level units and 106 communes.
        r = try tonghop(["units", "--province", "12", "--date", "2024-06-30", "--format", "json"])
        units = try json(r)["units"] as! [[String: Any]]
        XCTAssertEqual(units.filter { $0["level"] as? String == "district" }.count, 8)
        XCTAssertEqual(units.filter { $0["level"] as? String == "commune" }.count, 106)
        // The country: 63 provinces before, 34 after; Thanh Hóa 26 districts and 549 communes, then 166 communes.
        XCTAssertEqual((try json(try tonghop(["units", "--date", "2025-06-30", "--format", "json"]))["units"] as! [Any]).count, 63)
        XCTAssertEqual((try json(try tonghop(["units", "--date", "2025-07-01", "--format", "json"]))["units"] as! [Any]).count, 34)
        units = try json(try tonghop(["units", "--province", "38", "--date", "2024-12-31", "--format", "json"]))["units"] as! [[String: Any]]
        XCTAssertEqual(units.filter { $0["level"] as? String == "district" }.count, 26)
        XCTAssertEqual(units.filter { $0["level"] as? String == "commune" }.count, 549)
        units = try json(try tonghop(["units", "--province", "38", "--date", "2026-01-01", "--format", "json"]))["units"] as! [[String: Any]]
        XCTAssertEqual(units.count - 1, 166)
        // A merged province says what it was made of.
        units = try json(try tonghop(["units", "--date", "2026-01-01", "--format", "json"]))["units"] as! [[String: Any]]
        let tuyenQuang = units.first { $0["code"] as? String == "08" }!
        XCTAssertEqual((tuyenQuang["predecessors"] as! [[String: String]]).map { $0["code"]! }.sorted(), ["02", "08"])
        r = try tonghop(["units", "--province", "99", "--date", "2026-01-01", "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("no province 99"), r.stderr)
    }

    func testLaiChau2026FromItsThirtyEightCommunesToTheSummary() throws {
        let dir = try TestSupport.tempDir(self)
        let blank = dir.appendingPathComponent("blank"), filled = dir.appendingPathComponent("filled")
        var r = try tonghop(["form", "lai-chau-ktxh", "--all", "--period", "2026", "-o", blank.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let forms = try FileManager.default.contentsOfDirectory(atPath: blank.path)
        XCTAssertEqual(forms.count, 39, "38 communes and the province part")
        XCTAssertTrue(forms.contains("lai-chau-ktxh_03388-phuong-doan-ket_2026.xlsx"), "\(forms.sorted().prefix(3))")
        let fill = try TestSupport.python([TestSupport.support.appendingPathComponent("fill_forms.py").path, blank.path, filled.path, "2024"])
        XCTAssertEqual(fill.status, 0, fill.stderr)
        let written = try JSONSerialization.jsonObject(with: fill.stdout) as! [String: [String: [Any]]]
        let db = dir.appendingPathComponent("t.db").path
        r = try tonghop(["import", filled.path, "--db", db, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertEqual((try json(r))["counts"] as? [String: Int], ["imported": 39, "updated": 0, "unchanged": 0, "rejected": 0])
        r = try tonghop(["summary", "--db", db, "--period", "2026", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let s = try json(r)
        XCTAssertEqual(s["received"] as? Int, 39)
        XCTAssertEqual(s["expected"] as? Int, 39)
        // The province's KT01 estimate is the communes' sum (KT01 has no province part).
        let want = written.filter { !$0.key.contains("12-KT") }.values.compactMap { ($0["KT01"]?[2] as? NSNumber)?.doubleValue }.reduce(0, +)
        let figures = s["indicators"] as! [[String: Any]]
        let kt01 = figures.first { $0["code"] as? String == "KT01" }!
        let estimate = (kt01["values"] as! [String: Any])["estimate"] as! [String: Any]
        XCTAssertEqual(estimate["value"] as! Double, want, accuracy: 1e-6)
        XCTAssertEqual(estimate["covered"] as? Int, 38)
        XCTAssertEqual(estimate["expected"] as? Int, 38)
        r = try tonghop(["summary", "--db", db, "--period", "2026", "-o", dir.appendingPathComponent("tong-hop-2026.xlsx").path])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testThanhHoaFormsAndSummariesBeforeAndAfterTheReform() throws {
        let dir = try TestSupport.tempDir(self)
        // Forms for every reporting unit of each era, from the catalogue.
        for (period, count) in [("2024", 27), ("2026", 167)] {
            let r = try tonghop(["form", "thanh-hoa-ktxh", "--all", "--period", period, "-o", dir.appendingPathComponent("forms-\(period)").path])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("forms-\(period)").path).count, count)
        }
        let db = dir.appendingPathComponent("t.db").path
        let r = try tonghop(["import", "fixtures/thanh-hoa/2024", "fixtures/thanh-hoa/2026", "--db", db, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertEqual((try json(r))["counts"] as? [String: Int], ["imported": 10, "updated": 0, "unchanged": 0, "rejected": 0])
        for period in ["2024", "2026"] {
            let s = try json(try tonghop(["summary", "--db", db, "--template", "thanh-hoa-ktxh", "--period", period, "--format", "json"]))
            XCTAssertEqual(s["received"] as? Int, 5)
            // Forest cover: Σ forest ÷ Σ natural area × 100 over the units that reported,
            // recomputed from the files themselves with openpyxl.
            let py = try TestSupport.python(["-c", """
            import openpyxl, os, json
            d = "fixtures/thanh-hoa/\(period)"
            f = a = 0.0
            for name in os.listdir(d):
                ws = openpyxl.load_workbook(os.path.join(d, name))["Báo cáo"]
                rows = {ws.cell(r, 2).value: r for r in range(9, ws.max_row + 1)}
                est = next(c for c in range(1, ws.max_column + 1) if str(ws.cell(7, c).value or "").startswith("Ước thực hiện"))
                if "CS05" in rows:
                    f += ws.cell(rows["CS05"], est).value; a += ws.cell(rows["CS04"], est).value
            print(json.dumps(f / a * 100))
            """], cwd: root)
            let want = try JSONSerialization.jsonObject(with: py.stdout, options: .fragmentsAllowed) as! Double
            let xh03 = (s["indicators"] as! [[String: Any]]).first { $0["code"] as? String == "XH03" }!
            let est = (xh03["values"] as! [String: Any])["estimate"] as! [String: Any]
            XCTAssertEqual(est["value"] as! Double, want, accuracy: 1e-9, period)
            XCTAssertEqual(est["covered"] as? Int, 4)
            XCTAssertEqual(est["expected"] as? Int, period == "2024" ? 26 : 166)
            XCTAssertEqual(est["partial"] as? Bool, true)
            let w = try tonghop(["summary", "--db", db, "--template", "thanh-hoa-ktxh", "--period", period, "-o", dir.appendingPathComponent("th-\(period).xlsx").path])
            XCTAssertEqual(w.status, 0, w.stderr)
        }
    }
}
