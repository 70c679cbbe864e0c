import Foundation
import XCTest
import TestSupport

/// `validate --annotate` on an XLSX writes the officer's own file back with the flagged
/// cells filled and commented and a findings sheet linking to them (issue 11, item 4):
/// every other part of the package byte for byte, the cells' own formats kept; files
/// written by our writer, LibreOffice and Gnumeric; a flagged cell absent from the sheet
/// is added; LibreOffice opens every result.
final class AnnotateInPlaceTests: XCTestCase {
    let root = TestSupport.packageRoot

    private func check(_ original: String, _ dir: URL, name: String, status: Int32 = 1) throws -> [String: Any] {
        let out = dir.appendingPathComponent("\(name)_kiem-tra.xlsx").path
        let r = try TestSupport.run(TestSupport.tonghop, ["validate", original, "--annotate", out], cwd: root)
        XCTAssertEqual(r.status, status, "\(r.out) \(r.stderr)")
        XCTAssertTrue(r.stderr.contains(out), "the written file is named: \(r.stderr)")
        let py = try TestSupport.python([TestSupport.support.appendingPathComponent("check_annotated.py").path, original, out], cwd: root)
        XCTAssertEqual(py.status, 0, py.stderr)
        let j = try JSONSerialization.jsonObject(with: py.stdout) as! [String: Any]
        // Only the parts an annotation must touch change; the rest is byte for byte.
        let changed = Set(j["changed"] as! [String])
        XCTAssertTrue(changed.isSubset(of: ["[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]), "\(changed)")
        XCTAssertEqual(j["missing"] as? [String], [])
        XCTAssertGreaterThan((j["identical"] as! [String]).count, 2)
        XCTAssertEqual(j["warnings"] as? [String], [], "openpyxl opens it without complaint")
        let sheets = j["sheets"] as! [String: [String]]
        XCTAssertEqual(sheets["annotated"], sheets["original"]! + ["Kết quả kiểm tra"], "the officer's sheets, then the findings")
        // LibreOffice opens it (a valid package) and prints it.
        let lo = try TestSupport.run("timeout", ["180", "soffice", "--headless", "-env:UserInstallation=file://\(dir.path)/lo-profile",
                                                 "--convert-to", "pdf", "--outdir", dir.path, out])
        XCTAssertEqual(lo.status, 0, lo.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(name)_kiem-tra.pdf").path))
        return j
    }

    private func cells(_ j: [String: Any]) -> [String: [String: Any]] { j["cells"] as! [String: [String: Any]] }

    /// Our form as a unit saves it with openpyxl (fixtures/make_fixtures.py), which declares
    /// the relationships namespace on each <sheet> and not on <workbook>: the findings sheet
    /// added beside them must declare its own (without it the copy did not open).
    func testOurOwnFormIsAnnotatedInPlace() throws {
        let dir = try TestSupport.tempDir(self)
        let j = try check("fixtures/broken/rule-communes-meeting-standard.xlsx", dir, name: "ours")
        let c = try XCTUnwrap(cells(j)["'Báo cáo'!G44"])
        XCTAssertEqual(c["fill"] as? String, "FFFFC7CE", "an error cell is red")
        XCTAssertTrue((c["comment"] as? String)?.contains("R01") ?? false)
        let values = c["value"] as! [Any], formats = c["number_format"] as! [String], fonts = c["font"] as! [String]
        XCTAssertEqual("\(values[0])", "\(values[1])", "the value as the officer wrote it")
        XCTAssertEqual(formats[0], formats[1])
        XCTAssertEqual(fonts[0], fonts[1])
        XCTAssertEqual(Set(j["added"] as! [String]).count, 4, "comments, their drawing, the sheet's relationships, the findings sheet")
    }

    func testLibreOfficeAndGnumericFilesAreAnnotatedInPlace() throws {
        let dir = try TestSupport.tempDir(self)
        // Gnumeric: two errors, an empty styled cell among them.
        var j = try check("fixtures/officer/tan-uyen-2024-loi-gnumeric.xlsx", dir, name: "gnumeric")
        XCTAssertEqual(Set((j["links"] as! [String])), ["'Biểu 01'!G8", "'Biểu 01'!G40"])
        for (_, c) in cells(j) {
            XCTAssertEqual(c["fill"] as? String, "FFFFC7CE")
            XCTAssertNotNil(c["comment"] as? String)
            XCTAssertEqual((c["border"] as! [Any?]).map { "\($0 ?? "")" }.uniqued().count, 1, "the cell's own border kept")
        }
        // LibreOffice: informational findings on the header cells (blue).
        j = try check("fixtures/officer/tp-lai-chau-2024.xlsx", dir, name: "libreoffice", status: 0)
        XCTAssertEqual(Set(cells(j).values.compactMap { $0["fill"] as? String }), ["FFDDEBF7"])
    }

    /// A flagged cell that is not in the sheet at all (an officer's own file may leave
    /// blank cells out) is added to its row, in column order.
    func testAFlaggedCellAbsentFromTheSheetIsAdded() throws {
        let dir = try TestSupport.tempDir(self)
        let stripped = dir.appendingPathComponent("khong-o.xlsx").path
        let py = try TestSupport.python(["-c", """
        import sys, zipfile
        src, dst = sys.argv[1], sys.argv[2]
        with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
            for i in a.infolist():
                data = a.read(i.filename)
                if i.filename == "xl/worksheets/sheet1.xml":
                    assert b'<c r="G8" s="2"/>' in data
                    data = data.replace(b'<c r="G8" s="2"/>', b"")
                b.writestr(i, data)
        """, "fixtures/officer/tan-uyen-2024-loi-gnumeric.xlsx", stripped], cwd: root)
        XCTAssertEqual(py.status, 0, py.stderr)
        let j = try check(stripped, dir, name: "absent")
        let c = try XCTUnwrap(cells(j)["'Biểu 01'!G8"])
        XCTAssertEqual(c["fill"] as? String, "FFFFC7CE")
        XCTAssertTrue((c["comment"] as? String)?.contains("E102") ?? false)
    }
}

private extension Array where Element: Hashable {
    func uniqued() -> [Element] { Array(Set(self)) }
}
