import Foundation
import XCTest
import TestSupport

/// `tonghop targets` and `form --plan-from` (issue 13), run as an officer would.
final class TargetsCommandTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot

    func testTargetsFromTextFillThePlanColumnThatValidateReadsBack() throws {
        let dir = try TestSupport.tempDir(self)
        let json = dir.appendingPathComponent("targets.json").path
        var r = try tonghop(["targets", "fixtures/targets/04-ngoc-lac-2025.txt", "--template", "thanh-hoa-ktxh", "--format", "json", "-o", json])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let targets = j["targets"] as! [[String: Any]]
        XCTAssertEqual(targets.compactMap { $0["indicator"] as? String }.sorted(), ["KT02", "KT03", "KT09", "XH02"])
        XCTAssertEqual((j["unplaced"] as! [[String: Any]]).count, 1, "the count of communes reaching 15-18 criteria fits no indicator")
        let kt02 = targets.first { $0["indicator"] as? String == "KT02" }!
        XCTAssertEqual(kt02["plan_text"] as? String, "10-11")
        XCTAssertEqual(kt02["qualifier"] as? String, "range")
        XCTAssertNotNil(kt02["span"] as? [Int])
        // The form takes them, each plan cell with a comment quoting its phrase.
        let form = dir.appendingPathComponent("ngoc-lac.xlsx").path
        r = try tonghop(["form", "thanh-hoa-ktxh", "--unit", "389", "--period", "2025", "--plan-from", json, "-o", form])
        XCTAssertEqual(r.status, 2, "Ngọc Lặc is a district: it does not report for 2025")
        r = try tonghop(["form", "thanh-hoa-ktxh", "--unit", "389", "--period", "2024", "--plan-from", json, "-o", form])
        XCTAssertEqual(r.status, 0, r.stderr)
        let dump = try tonghop(["dump", form, "--sheet", "Báo cáo"]).out
        XCTAssertTrue(dump.contains("KT02,Tốc độ tăng giá trị sản xuất,%,,10-11,"), dump)
        XCTAssertTrue(dump.contains("KT03,Thu nhập bình quân đầu người,triệu đồng/người,,Trên 55,"), dump)
        let inspect = try TestSupport.python([root.appendingPathComponent("Tests/Support/openpyxl_inspect.py").path, form])
        let sheets = (try JSONSerialization.jsonObject(with: inspect.stdout) as! [String: Any])["sheets"] as! [[String: Any]]
        let comments = (sheets.first { $0["name"] as? String == "Báo cáo" }!["comments"] as! [String: String]).values
        XCTAssertTrue(comments.contains { $0.contains("Tốc độ tăng giá trị sản xuất từ 10-11%") }, "\(comments)")
        // validate reads the plans as targets (no "not a number", no "range not allowed").
        let v = try tonghop(["validate", form, "--format", "json"])
        let findings = ((try JSONSerialization.jsonObject(with: v.stdout) as! [String: Any])["files"] as! [[String: Any]])[0]["findings"] as! [[String: Any]]
        XCTAssertFalse(findings.contains { ["E110", "E113"].contains($0["code"] as? String ?? "") && $0["column"] as? String == "plan" }, "\(findings.prefix(3))")
    }

    func testAReviewWorkbookListsPlacedAndUnplacedStatements() throws {
        let dir = try TestSupport.tempDir(self)
        let book = dir.appendingPathComponent("chi-tieu.xlsx").path
        let r = try tonghop(["targets", "fixtures/targets/06-muong-te-2024.txt", "--template", "lai-chau-ktxh", "--format", "xlsx", "-o", book])
        XCTAssertEqual(r.status, 0, r.stderr)
        let dump = try tonghop(["dump", book]).out
        XCTAssertTrue(dump.contains("XH02,Mức giảm tỷ lệ hộ nghèo,\"3,6\",điểm %,mức,"), dump)
        let rest = try tonghop(["dump", book, "--sheet", "Chưa xếp được"]).out
        XCTAssertTrue(rest.contains("riêng các xã biên giới giảm 5,1%"), rest)
    }

    func testTextOutputNamesWhatItCouldNotPlace() throws {
        let r = try tonghop(["targets", "fixtures/targets/06-muong-te-2024.txt", "--template", "lai-chau-ktxh"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.out.contains("XH02 Mức giảm tỷ lệ hộ nghèo: 3,6 điểm %"), r.out)
        XCTAssertTrue(r.out.contains("«riêng các xã biên giới giảm 5,1%»"), "a sub-target is listed, not placed: \(r.out)")
    }

    func testADocxAndALegacyEncodedTextAreRead() throws {
        let dir = try TestSupport.tempDir(self)
        let docx = dir.appendingPathComponent("nghi-quyet.docx").path
        let py = try TestSupport.python(["-c", """
        import zipfile, sys
        body = ''.join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % t for t in [
            'Năm 2024 phấn đấu: thu nhập bình quân đầu người đạt 40 triệu đồng;', 'tỷ lệ đô thị hóa 16%.'])
        with zipfile.ZipFile(sys.argv[1], 'w') as z:
            z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
            z.writestr('word/document.xml', '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body + '</w:body></w:document>')
        open(sys.argv[2], 'wb').write('Tỷ lệ đường giao thông được cứng hóa đạt 82%.'.encode('utf-16'))
        """, docx, dir.appendingPathComponent("utf16.txt").path])
        XCTAssertEqual(py.status, 0, py.stderr)
        let r = try tonghop(["targets", docx, dir.appendingPathComponent("utf16.txt").path, "--template", "thanh-hoa-ktxh", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        let got = (j["targets"] as! [[String: Any]]).map { "\($0["indicator"] as! String)=\($0["value_in_unit"] as! Double)" }.sorted()
        XCTAssertEqual(got, ["KT03=40.0", "XH01=16.0", "XH02=82.0"])
    }
}
