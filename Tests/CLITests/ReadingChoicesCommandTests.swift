import Foundation
import XCTest
import TestSupport

/// `validate` and `import` with the officer's choices (`--sheet`, `--column`) and the values
/// listed as they will be stored, run as the built binary on openpyxl files.
final class ReadingChoicesCommandTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot
    var template: String { root.appendingPathComponent("templates/lai-chau-ktxh.yaml").path }

    func cases() throws -> URL {
        let dir = try TestSupport.tempDir(self)
        let r = try TestSupport.python([root.appendingPathComponent("Tests/Support/make_reading_cases.py").path, dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return dir
    }

    func testValidateListsTheValuesAsTheyWillBeStoredBesideTheCellsText() throws {
        let dir = try cases()
        let file = dir.appendingPathComponent("muong-te_2024_don-vi-trong-ten.xlsx").path
        let text = try tonghop(["validate", file, "--template", template])
        XCTAssertTrue(text.out.contains("Ước thực hiện năm 2024: 189,3 tỷ đồng  [F5, ô ghi «189300»]"), text.out)
        let json = try tonghop(["validate", file, "--template", template, "--format", "json"])
        let j = try JSONSerialization.jsonObject(with: json.stdout) as! [String: Any]
        let values = ((j["files"] as! [[String: Any]])[0]["values"] as! [[String: Any]])
        let est = values.first { $0["indicator"] as? String == "KT09" && $0["column"] as? String == "estimate" }
        XCTAssertEqual(est?["number"] as? Double, 189.3)
        XCTAssertEqual(est?["written"] as? String, "189300")
        XCTAssertEqual(est?["cell"] as? String, "F5")
        // A batch lists no values unless asked.
        let two = try tonghop(["validate", file, file, "--template", template])
        XCTAssertFalse(two.out.contains("Số liệu sẽ lưu"))
    }

    func testTheOfficerChoosesTheSheetAndTheColumn() throws {
        let dir = try cases()
        let book = dir.appendingPathComponent("bao-cao-muong-te.xlsx").path
        let chosen = try tonghop(["validate", book, "--template", template, "--sheet", "Năm 2023", "--format", "json"])
        let j = try JSONSerialization.jsonObject(with: chosen.stdout) as! [String: Any]
        XCTAssertEqual((j["files"] as! [[String: Any]])[0]["period"] as? String, "2023")
        let wrong = try tonghop(["validate", book, "--template", template, "--sheet", "Không có"])
        XCTAssertTrue(wrong.out.contains("E007") && wrong.out.contains("«Năm 2023», «Năm 2024»"), wrong.out)
        let cols = dir.appendingPathComponent("muong-te_2024_hai-cot-uoc-khong-ro.xlsx").path
        let refused = try tonghop(["validate", cols, "--template", template])
        XCTAssertTrue(refused.out.contains("E008") && refused.out.contains("--column estimate=H"), refused.out)
        let picked = try tonghop(["validate", cols, "--template", template, "--column", "estimate=H"])
        XCTAssertFalse(picked.out.contains("E008"), picked.out)
        XCTAssertTrue(picked.out.contains("Ước thực hiện năm 2024: 318 tỷ đồng  [H5]"), picked.out)
        let bad = try tonghop(["validate", cols, "--template", template, "--column", "estimate"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--column"), bad.stderr)
    }
}
