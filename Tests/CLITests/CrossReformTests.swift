import Foundation
import XCTest
import TestSupport

/// Comparisons across the 1 July 2025 reform (issue 8, item 4): a new commune's 2024
/// figures computed from its predecessors' stored reports with each indicator's method,
/// marked approximate when a predecessor merged only in part and missing (never a partial
/// sum) when a report is not in the store; the province's from its old districts; the
/// blank form pre-filled with them for the officer to confirm.
final class CrossReformTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot

    /// unit → indicator → {value, quality}.
    private func previous(_ db: String, _ template: String, _ period: String, _ units: [String]) throws -> [String: [String: Any]] {
        let r = try tonghop(["previous", "--db", db, "--template", template, "--period", period, "--format", "json"] + units.flatMap { ["--unit", $0] })
        XCTAssertEqual(r.status, 0, r.stderr)
        var out: [String: [String: Any]] = [:]
        for u in try json(r)["units"] as! [[String: Any]] { out[u["unit"] as! String] = u }
        return out
    }

    private func figure(_ u: [String: Any]?, _ code: String) -> [String: Any] {
        (u?["figures"] as? [String: Any])?[code] as? [String: Any] ?? [:]
    }

    /// Lai Châu: the 2024 district reports (fixtures) and the 2024 reports of the five old
    /// communes Phường Đoàn Kết was made of (forms from our writer, filled with openpyxl).
    private func laiChauStore(_ dir: URL) throws -> (db: String, written: [String: [String: [Any]]]) {
        let db = dir.appendingPathComponent("lc.db").path
        var r = try tonghop(["import", "fixtures/submissions/2024", "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        let blank = dir.appendingPathComponent("blank"), filled = dir.appendingPathComponent("filled")
        try FileManager.default.createDirectory(at: blank, withIntermediateDirectories: true)
        for code in ["03386", "03388", "03389", "03391", "03403"] {
            r = try tonghop(["form", "lai-chau-ktxh", "--unit", code, "--period", "2024", "-o", blank.appendingPathComponent("lai-chau-ktxh_\(code)_2024.xlsx").path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let fill = try TestSupport.python([TestSupport.support.appendingPathComponent("fill_forms.py").path, blank.path, filled.path, "2024"])
        XCTAssertEqual(fill.status, 0, fill.stderr)
        r = try tonghop(["import", filled.path, "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Old code 03388 in 2024 is the old Phường Quyết Tiến, not the new Phường Đoàn Kết
        // (which has the code since 1 July 2025): the unit of the file's period.
        XCTAssertTrue(r.out.contains("lai-chau-ktxh_03388_2024.xlsx — Phường Quyết Tiến, 2024: đã nhập"), r.out)
        return (db, try JSONSerialization.jsonObject(with: fill.stdout) as! [String: [String: [Any]]])
    }

    func testANewCommunesYearBeforeIsComputedFromItsPredecessorsReports() throws {
        let dir = try TestSupport.tempDir(self)
        let (db, written) = try laiChauStore(dir)
        let p = try previous(db, "lai-chau-ktxh", "2025", ["03388", "03390", "12"])
        let doanKet = p["03388"]
        XCTAssertEqual(doanKet?["quality"] as? String, "computed")
        XCTAssertEqual(Set((doanKet?["sources"] as! [[String: Any]]).map { $0["code"] as! String }), ["03386", "03388", "03389", "03391", "03403"])
        func est(_ code: String) -> [Double] { written.values.map { ($0[code]![2] as! NSNumber).doubleValue } }
        // A sum is the predecessors' sum; a rate is the ratio of their summed parts, never a mean of their rates.
        XCTAssertEqual(figure(doanKet, "KT01")["value"] as! Double, est("KT01").reduce(0, +), accuracy: 1e-9)
        XCTAssertEqual(figure(doanKet, "KT01")["quality"] as? String, "computed")
        let xh07 = est("CS11").reduce(0, +) / est("CS03").reduce(0, +) * 100
        XCTAssertEqual(figure(doanKet, "XH07")["value"] as! Double, xh07, accuracy: 1e-9)
        let meanOfRates = zip(est("CS11"), est("CS03")).map { $0 / $1 * 100 }.reduce(0, +) / 5
        XCTAssertNotEqual(figure(doanKet, "XH07")["value"] as! Double, meanOfRates, accuracy: 1e-6)
        // Bình Lư's predecessors have no report in the store: missing, no figure.
        XCTAssertEqual(p["03390"]?["quality"] as? String, "missing")
        XCTAssertTrue(figure(p["03390"], "KT01")["value"] is NSNull)
        XCTAssertTrue((figure(p["03390"], "KT01")["basis"] as! String).contains("Thị trấn Tam Đường (03390)"))
        // The province (unchanged by the reform) from its 8 old districts and its own part:
        // the same figures as the 2024 summary.
        let province = p["12"]
        XCTAssertEqual(province?["quality"] as? String, "computed")
        XCTAssertEqual(Set((province?["sources"] as! [[String: Any]]).map { $0["how"] as! String }), ["district", "same"])
        let s = try json(try tonghop(["summary", "--db", db, "--period", "2024", "--format", "json"]))
        for ind in s["indicators"] as! [[String: Any]] {
            let code = ind["code"] as! String
            let want = ((ind["values"] as! [String: Any])["estimate"] as! [String: Any])["value"] as? Double
            XCTAssertEqual(figure(province, code)["value"] as? Double, want, code)
        }
    }

    func testAPartMergeIsApproximateAndAMissingReportLeavesNoFigure() throws {
        let dir = try TestSupport.tempDir(self)
        // Xã Quan Sơn (15016) = Xã Trung Thượng (14998, whole) + part of Thị trấn Sơn Lư (15016);
        // Xã Tam Lư (15019) = Sơn Hà (15004) + the other part of Sơn Lư + Tam Lư (15019).
        let out = dir.appendingPathComponent("th")
        let fill = try TestSupport.python([root.appendingPathComponent("fixtures/thanh-hoa/make_thanh_hoa.py").path, TestSupport.tonghop,
                                           "--units", "14998,15016", "--period", "2024", "--out", out.path], cwd: root)
        XCTAssertEqual(fill.status, 0, fill.stderr)
        let written = try JSONSerialization.jsonObject(with: fill.stdout) as! [String: [String: [Any]]]
        let db = dir.appendingPathComponent("th.db").path
        let r = try tonghop(["import", out.path, "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        let p = try previous(db, "thanh-hoa-ktxh", "2025", ["15016", "15019"])
        XCTAssertEqual(p["15016"]?["quality"] as? String, "approximate")
        let sonLu = (p["15016"]?["sources"] as! [[String: Any]]).first { $0["code"] as? String == "15016" }!
        XCTAssertEqual(sonLu["how"] as? String, "part")
        let kt01 = figure(p["15016"], "KT01")
        XCTAssertEqual(kt01["quality"] as? String, "approximate")
        XCTAssertEqual(kt01["value"] as! Double, written.values.map { ($0["KT01"]![2] as! NSNumber).doubleValue }.reduce(0, +), accuracy: 1e-9)
        XCTAssertTrue((kt01["basis"] as! String).hasPrefix("gần đúng"))
        // Tam Lư has one predecessor stored out of three: no partial sum.
        XCTAssertEqual(p["15019"]?["quality"] as? String, "missing")
        XCTAssertTrue(figure(p["15019"], "KT01")["value"] is NSNull)
        // Text output names the approximation.
        let text = try tonghop(["previous", "--db", db, "--template", "thanh-hoa-ktxh", "--period", "2025", "--unit", "15016"])
        XCTAssertTrue(text.out.contains("gần đúng"), text.out)
        XCTAssertTrue(text.out.contains("nhập một phần"), text.out)
    }

    func testThePrefilledFormCarriesTheFiguresForTheOfficerToConfirm() throws {
        let dir = try TestSupport.tempDir(self)
        let (db, written) = try laiChauStore(dir)
        let form = dir.appendingPathComponent("doan-ket-2025.xlsx").path
        let r = try tonghop(["form", "lai-chau-ktxh", "--unit", "03388", "--period", "2025", "--prefill-previous", "--db", db, "-o", form])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("03388 Phường Đoàn Kết: điền sẵn 49/49"), r.stderr)
        let py = try TestSupport.python([TestSupport.support.appendingPathComponent("openpyxl_inspect.py").path, form])
        let book = try JSONSerialization.jsonObject(with: py.stdout) as! [String: Any]
        let sheet = (book["sheets"] as! [[String: Any]]).first { $0["name"] as? String == "Báo cáo" }!
        let cells = sheet["cells"] as! [String: [String: Any]]
        let comments = sheet["comments"] as! [String: String]
        let row = cells.first { $0.key.hasPrefix("B") && $0.value["value"] as? String == "KT01" }!.key.dropFirst()
        // (openpyxl_inspect gives floats as their repr.)
        // (The files' sum in dictionary order: equal up to rounding.)
        let prefilled = try XCTUnwrap((cells["E\(row)"]?["value"] as? String).flatMap(Double.init))
        XCTAssertEqual(prefilled, written.values.map { ($0["KT01"]![2] as! NSNumber).doubleValue }.reduce(0, +), accuracy: 1e-9)
        XCTAssertTrue(comments["E\(row)"]?.contains("Phường Quyết Tiến (03388)") ?? false, "\(comments["E\(row)"] ?? "")")
        XCTAssertTrue((cells["A6"]?["value"] as? String)?.contains("đã điền sẵn") ?? false)
        // The plan and estimate stay for the officer.
        XCTAssertNil(cells["F\(row)"]?["value"])
        XCTAssertNil(cells["G\(row)"]?["value"])
        // A unit whose predecessors' reports are missing gets a blank column and is told so.
        let r2 = try tonghop(["form", "lai-chau-ktxh", "--unit", "03390", "--period", "2025", "--prefill-previous", "--db", db,
                              "-o", dir.appendingPathComponent("binh-lu.xlsx").path])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertTrue(r2.stderr.contains("điền sẵn 0/49"), r2.stderr)
    }

    /// A national template of provinces from the catalogue (`units_from` without a
    /// province): new Tuyên Quang (08) = old Tuyên Quang (08) + Hà Giang (02), so its 2024
    /// figures are their reports' sums; new Lào Cai (15) = old Lào Cai (10) + Yên Bái (15), with
    /// old Lào Cai's report missing, has none (code 15 was Yên Bái in 2024).
    func testANationalTemplateComparesMergedProvincesWithTheirPredecessors() throws {
        let dir = try TestSupport.tempDir(self)
        var yaml = try String(contentsOf: root.appendingPathComponent("templates/lai-chau-ktxh.yaml"), encoding: .utf8)
        yaml = String(yaml[..<yaml.range(of: "\nunits:")!.lowerBound]).replacingOccurrences(of: "id: lai-chau-ktxh", with: "id: quoc-gia")
        let catalogue = root.appendingPathComponent("templates/units/vn-units.csv").path
        yaml += """

        units:
          - {code: "VN", name: Cả nước, level: province}
        units_from:
          - {levels: [province], parent: "VN", catalogue: "\(catalogue)"}

        """
        let template = dir.appendingPathComponent("quoc-gia.yaml").path
        try yaml.write(toFile: template, atomically: true, encoding: .utf8)
        let blank = dir.appendingPathComponent("blank"), filled = dir.appendingPathComponent("filled")
        try FileManager.default.createDirectory(at: blank, withIntermediateDirectories: true)
        var r = try tonghop(["form", template, "--all", "--period", "2024", "-o", dir.appendingPathComponent("all").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("all").path).count, 63)
        for code in ["02", "08", "15"] {
            r = try tonghop(["form", template, "--unit", code, "--period", "2024", "-o", blank.appendingPathComponent("quoc-gia_\(code)_2024.xlsx").path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let fill = try TestSupport.python([TestSupport.support.appendingPathComponent("fill_forms.py").path, blank.path, filled.path, "2024"])
        XCTAssertEqual(fill.status, 0, fill.stderr)
        let written = try JSONSerialization.jsonObject(with: fill.stdout) as! [String: [String: [Any]]]
        let db = dir.appendingPathComponent("vn.db").path
        r = try tonghop(["import", filled.path, "--db", db, "--template", template])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertTrue(r.out.contains("Tỉnh Hà Giang, 2024"), r.out)
        XCTAssertTrue(r.out.contains("quoc-gia_15_2024.xlsx — Tỉnh Yên Bái, 2024"), r.out)
        let p = try previous(db, template, "2025", ["08", "15"])
        XCTAssertEqual(p["08"]?["quality"] as? String, "computed")
        XCTAssertEqual(Set((p["08"]?["sources"] as! [[String: Any]]).map { $0["code"] as! String }), ["02", "08"])
        let est = written.filter { $0.key.contains("_02_") || $0.key.contains("_08_") }.values.map { ($0["KT01"]![2] as! NSNumber).doubleValue }
        XCTAssertEqual(figure(p["08"], "KT01")["value"] as! Double, est.reduce(0, +), accuracy: 1e-9)
        XCTAssertEqual(p["15"]?["quality"] as? String, "missing")
        XCTAssertTrue((figure(p["15"], "KT01")["basis"] as! String).contains("Tỉnh Lào Cai (10)"), "\(figure(p["15"], "KT01"))")
    }

    /// A form made for the new Phường Đoàn Kết (code 03388 since 1 July 2025) whose title
    /// was changed to the old unit with the same code, Phường Quyết Tiến, is a disagreement,
    /// not a match: units are told apart whole, not by code.
    func testATitleNamingTheOldUnitWithTheSameCodeIsFlagged() throws {
        let dir = try TestSupport.tempDir(self)
        let form = dir.appendingPathComponent("f.xlsx").path, edited = dir.appendingPathComponent("lai-chau-ktxh_2026.xlsx").path
        XCTAssertEqual(try tonghop(["form", "lai-chau-ktxh", "--unit", "03388", "--period", "2026", "-o", form]).status, 0)
        let py = try TestSupport.python(["-c", """
        import sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        wb["Báo cáo"]["A5"] = "Đơn vị báo cáo: Phường Quyết Tiến — Kỳ báo cáo: năm 2026"
        wb.save(sys.argv[2])
        """, form, edited])
        XCTAssertEqual(py.status, 0, py.stderr)
        let r = try tonghop(["validate", edited, "--format", "json"])
        let findings = ((try json(r))["files"] as! [[String: Any]])[0]["findings"] as! [[String: Any]]
        let w018 = try XCTUnwrap(findings.first { $0["code"] as? String == "W018" }, "\(findings.map { $0["code"]! })")
        XCTAssertTrue((w018["message"] as! String).contains("Phường Quyết Tiến"), "\(w018)")
        // The template id in the file name names no unit (it once matched Thành phố Lai Châu).
        XCTAssertFalse(findings.contains { $0["code"] as? String == "E012" }, "\(findings.filter { $0["code"] as? String == "E012" })")
    }
}
