import Foundation
import XCTest
import TestSupport

/// The anomaly worklist (issue 24, item 2): a step recorded for a flagged value (asked,
/// confirmed, corrected, answered) holds across a revision with the same figure, is left
/// behind by a new figure, shows in `anomalies`, in `followup` and in the summary's
/// findings sheet, and is audited.
final class FollowUpTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot

    /// The 2024 district files copied, with Tam Đường's (106) industrial output KT01
    /// estimate typed a thousand times too large; `extra` edits another cell (a new revision).
    func files(_ dir: URL, name: String, kt01: String, extra: String = "") throws -> URL {
        let out = dir.appendingPathComponent(name)
        let r = try TestSupport.python(["-c", """
        import openpyxl, os, shutil, sys
        src, out = sys.argv[1], sys.argv[2]
        os.makedirs(out)
        f = next(x for x in sorted(os.listdir(src)) if "_106-" in x)
        wb = openpyxl.load_workbook(os.path.join(src, f))
        ws = wb["Báo cáo"]
        def row(code): return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == code)
        v = ws["G%d" % row("KT01")].value
        ws["G%d" % row("KT01")] = \(kt01)
        \(extra.isEmpty ? "pass" : extra)
        wb.save(os.path.join(out, f))
        """, root.appendingPathComponent("fixtures/submissions/2024").path, out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return out
    }

    func followUp(_ db: String, _ args: [String]) throws -> TestSupport.ProcessResult {
        try tonghop(["followup", "--db", db, "--period", "2024"] + args)
    }

    func kt01(_ db: String) throws -> [String: Any]? {
        let r = try tonghop(["anomalies", "--db", db, "--period", "2024", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return (try json(r)["anomalies"] as! [[String: Any]]).first { $0["unit"] as? String == "106" && $0["indicator"] as? String == "KT01" && $0["column"] as? String == "estimate" }
    }

    func testAStepHoldsForItsValueAcrossRevisionsAndShowsEverywhere() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        XCTAssertEqual(try tonghop(["import", "fixtures/submissions/2024", "--db", db]).status, 0)
        var r = try tonghop(["import", try files(dir, name: "slip", kt01: "v * 1000").path, "--db", db, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        // Screened at import against the eight other units: the slip is a warning of the stored report.
        let outcome = try XCTUnwrap((try json(r)["files"] as? [[String: Any]])?.first)
        XCTAssertGreaterThanOrEqual(outcome["screened"] as? Int ?? 0, 1, r.out)
        let w160 = try TestSupport.python(["-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT f.code, f.message FROM finding f JOIN submission s ON s.id = f.submission_id WHERE s.unit_code = '106' AND s.is_current = 1 AND f.indicator = 'KT01' AND f.code LIKE 'W16%'\").fetchall())", db])
        XCTAssertTrue(w160.out.contains("'W160'") && w160.out.contains("rà soát khi nhập: nhầm bậc 10ⁿ"), w160.out + w160.stderr)
        let quiet = dir.appendingPathComponent("quiet.db").path
        XCTAssertEqual(try tonghop(["import", "fixtures/submissions/2024", "--db", quiet]).status, 0)
        r = try tonghop(["import", try files(dir, name: "slip-quiet", kt01: "v * 1000").path, "--db", quiet, "--no-screen", "--format", "json"])
        XCTAssertEqual((try json(r)["files"] as? [[String: Any]])?.first?["screened"] as? Int, 0, "--no-screen")
        let flagged = try XCTUnwrap(try kt01(db), "the ×1000 slip is flagged")
        XCTAssertTrue(flagged["follow_up"] is NSNull)
        var list = try followUp(db, []).out
        XCTAssertTrue(list.contains("106 KT01 estimate"), list)
        XCTAssertTrue(list.contains("Chưa xử lý"), list)

        // Refused: no note, an unknown state, a value the store does not hold.
        XCTAssertEqual(try followUp(db, ["--unit", "106", "--indicator", "KT01", "--column", "estimate", "--state", "asked"]).status, 2)
        XCTAssertEqual(try followUp(db, ["--unit", "106", "--indicator", "KT01", "--column", "estimate", "--state", "maybe", "--note", "?"]).status, 2)
        r = try followUp(db, ["--unit", "999", "--indicator", "KT01", "--column", "estimate", "--state", "asked", "--note", "?"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("kho không có giá trị 999 KT01 estimate"), r.stderr)

        r = try followUp(db, ["--unit", "106", "--indicator", "kt01", "--column", "estimate", "--state", "asked",
                              "--note", "Giá trị sản xuất gấp khoảng 1.000 lần năm trước: đơn vị tính là tỷ đồng?", "--account", "tinh"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var mark = try XCTUnwrap(try kt01(db)?["follow_up"] as? [String: Any])
        XCTAssertEqual(mark["state"] as? String, "asked")
        XCTAssertEqual(mark["account"] as? String, "tinh")
        XCTAssertEqual(mark["label"] as? String, "Đã hỏi đơn vị")

        // The unit answers; a new revision with the same figure (another cell changed) keeps the step.
        XCTAssertEqual(try followUp(db, ["--unit", "106", "--indicator", "KT01", "--column", "estimate", "--state", "answered",
                                         "--note", "Số đúng: nhà máy thủy điện mới", "--account", "tamduong"]).status, 0)
        r = try tonghop(["import", try files(dir, name: "rev2", kt01: "v * 1000", extra: "ws['G%d' % row('KT11')] = (ws['G%d' % row('KT11')].value or 0) + 1").path, "--db", db])
        XCTAssertTrue(r.out.contains("cập nhật 1"), r.out)
        mark = try XCTUnwrap(try kt01(db)?["follow_up"] as? [String: Any], "the same figure in revision 3: the step holds")
        XCTAssertEqual(mark["state"] as? String, "answered")
        XCTAssertEqual((mark["history"] as? [[String: Any]])?.map { $0["state"] as! String }, ["asked", "answered"])
        let text = try tonghop(["anomalies", "--db", db, "--period", "2024"]).out
        XCTAssertTrue(text.contains("→ Đơn vị đã trả lời (tamduong, "), text)
        XCTAssertTrue(text.contains("«Số đúng: nhà máy thủy điện mới»"), text)

        // The province confirms it; the summary's findings sheet says so, in both languages.
        XCTAssertEqual(try followUp(db, ["--unit", "106", "--indicator", "KT01", "--column", "estimate", "--state", "confirmed",
                                         "--note", "Đã kiểm tra với Cục Thống kê", "--account", "tinh"]).status, 0)
        for (lang, tab, heading, label) in [("vi", "Kết quả kiểm tra", "THEO DÕI SỐ LIỆU BẤT THƯỜNG (1 giá trị)", "Đã xác nhận đúng"),
                                            ("en", "Findings", "FOLLOW-UP OF ANOMALIES (1 values)", "Confirmed correct")] {
            let book = dir.appendingPathComponent("s-\(lang).xlsx").path
            r = try tonghop(["summary", "--db", db, "--period", "2024", "-o", book, "--lang", lang])
            XCTAssertEqual(r.status, 0, r.stderr)
            let sheet = try tonghop(["dump", book, "--sheet", tab]).out
            XCTAssertTrue(sheet.contains(heading), sheet)
            XCTAssertTrue(sheet.contains(label) && sheet.contains("Đã kiểm tra với Cục Thống kê") && sheet.contains("KT01"), sheet)
        }
        list = try followUp(db, ["--format", "json"]).out
        XCTAssertTrue(list.contains("\"state\":\"confirmed\""), list)

        // Every step is in the audit log.
        let audit = try TestSupport.python(["-c", "import sqlite3, sys; print([r[0] for r in sqlite3.connect(sys.argv[1]).execute(\"SELECT detail FROM audit WHERE action = 'followup' ORDER BY id\")])", db])
        XCTAssertTrue(audit.out.contains("2024 106 KT01 estimate asked: Giá trị sản xuất"), audit.out)
        XCTAssertTrue(audit.out.contains("answered") && audit.out.contains("confirmed"), audit.out)

        // The unit sends the right figure: the steps were about the old value and no longer hold.
        r = try tonghop(["import", try files(dir, name: "fixed", kt01: "v").path, "--db", db])
        XCTAssertTrue(r.out.contains("cập nhật 1"), r.out)
        if let still = try kt01(db) { XCTAssertTrue(still["follow_up"] is NSNull, "\(still)") }
        let book = dir.appendingPathComponent("s-fixed.xlsx").path
        XCTAssertEqual(try tonghop(["summary", "--db", db, "--period", "2024", "-o", book]).status, 0)
        XCTAssertFalse(try tonghop(["dump", book, "--sheet", "Kết quả kiểm tra"]).out.contains("THEO DÕI SỐ LIỆU BẤT THƯỜNG"))
    }
}
