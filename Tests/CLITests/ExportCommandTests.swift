import Foundation
import XCTest
import TestSupport

/// `tonghop export` (issue 27): SDMX-CSV 2.0 and DHIS2 dataValueSets, checked by an
/// independent reader (pysdmx and Python's csv/json) against the store's own values.
final class ExportCommandTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot

    func store() throws -> (URL, String) {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        let r = try tonghop(["import", "fixtures/submissions/2024", "fixtures/submissions/2024-6T", "--db", db])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        return (dir, db)
    }

    func check(_ db: String, _ period: String, _ csv: String, _ dhis2: String? = nil) throws -> [String: Any] {
        let r = try TestSupport.python([root.appendingPathComponent("Tests/Support/check_export.py").path, db, period, csv] + (dhis2.map { [$0] } ?? []))
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
    }

    func testSDMXCSVHoldsEveryStoredValueAndIsDeterministic() throws {
        let (dir, db) = try store()
        // Symbols: put "-", "..." and "x" into three stored values (a copy of the store).
        let q = try TestSupport.python(["-c", """
        import sqlite3
        c = sqlite3.connect(r"\(db)")
        keys = c.execute("SELECT v.submission_id, v.indicator, v.column_key FROM value v JOIN submission s ON s.id=v.submission_id WHERE s.period='2024' AND s.is_current=1 AND v.kind='number' ORDER BY 1, 2, 3 LIMIT 3").fetchall()
        assert len(keys) == 3
        for k, sym in zip(keys, ["-", "...", "x"]):
            c.execute("UPDATE value SET kind='symbol', number=NULL, symbol=? WHERE submission_id=? AND indicator=? AND column_key=?", (sym,) + tuple(k))
        c.commit()
        """])
        XCTAssertEqual(q.status, 0, q.stderr)
        let a = dir.appendingPathComponent("a.csv").path, b = dir.appendingPathComponent("b.csv").path
        var r = try tonghop(["export", "--db", db, "--period", "2024", "--format", "sdmx-csv", "-o", a])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try tonghop(["export", "--db", db, "--period", "2024", "--format", "sdmx-csv", "-o", b])
        XCTAssertEqual(r.status, 0, r.stderr)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: a))
        XCTAssertEqual(bytes, try Data(contentsOf: URL(fileURLWithPath: b)))
        // Printed and written are the same bytes.
        r = try tonghop(["export", "--db", db, "--period", "2024", "--format", "sdmx-csv"])
        XCTAssertEqual(r.stdout, bytes)
        XCTAssertTrue(r.out.hasPrefix("STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,VALUE_TYPE,OBS_VALUE,UNIT_MEASURE,UNIT_MULT,OBS_STATUS,"
                                      + "LOWER_BOUND,UPPER_BOUND,BOUND_STRICT,AREA_LEVEL,AREA_ERA,APPROXIMATE,SOURCE_CELL,PARTIAL,DATA_SOURCE\r\n"))
        let j = try check(db, "2024", a)
        XCTAssertEqual(j["mismatches"] as? [String], [])
        XCTAssertEqual(j["not_exported"] as? Int, 0)
        let n = j["sdmx_rows"] as! Int
        XCTAssertGreaterThan(n, 500)
        XCTAssertEqual(j["store"] as? Int, n)
        XCTAssertEqual(j["time_periods"] as? [String], ["2024"])
        XCTAssertEqual((j["structure_ids"] as? [String])?.count, 1)
        XCTAssertTrue((j["structure_ids"] as! [String])[0].hasPrefix("VN_TONGHOP:lai-chau-ktxh("))
        if let p = j["pysdmx_rows"] as? Int { XCTAssertEqual(p, n) }
        // OBS_STATUS, then no bounds: "-" as N (with 0), "..." as L, "x" as M.
        for status in [",N,,,,", ",L,,,,", ",M,,,,"] { XCTAssertTrue(r.out.contains(status), status) }
        // Scale: money in tỷ đồng is UNIT_MULT 9.
        XCTAssertTrue(r.out.contains(",DONG,9,"))
        // Targets written as ranges and bounds go out as LOWER_BOUND/UPPER_BOUND.
        XCTAssertGreaterThan(j["bounds"] as? Int ?? 0, 0)
    }

    func testPXReadByPyaxisWithSymbols() throws {
        let (dir, db) = try store()
        let q = try TestSupport.python(["-c", """
        import sqlite3
        c = sqlite3.connect(r"\(db)")
        keys = c.execute("SELECT v.submission_id, v.indicator, v.column_key FROM value v JOIN submission s ON s.id=v.submission_id WHERE s.period='2024' AND s.is_current=1 AND v.kind='number' ORDER BY 1, 2, 3 LIMIT 3").fetchall()
        assert len(keys) == 3
        for k, sym in zip(keys, ["-", "...", "x"]):
            c.execute("UPDATE value SET kind='symbol', number=NULL, symbol=? WHERE submission_id=? AND indicator=? AND column_key=?", (sym,) + tuple(k))
        c.commit()
        """])
        XCTAssertEqual(q.status, 0, q.stderr)
        let a = dir.appendingPathComponent("a.px").path
        var r = try tonghop(["export", "--db", db, "--period", "2024", "--format", "px", "-o", a])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try tonghop(["export", "--db", db, "--period", "2024", "--format", "px"])
        XCTAssertEqual(r.stdout, try Data(contentsOf: URL(fileURLWithPath: a)))
        XCTAssertTrue(r.out.contains("STUB=\"Đơn vị\";\r\nHEADING=\"Chỉ tiêu\",\"Cột\";"))
        XCTAssertTrue(r.out.contains(" \"-\"") || r.out.contains("\n\"-\""))
        XCTAssertTrue(r.out.contains("\"...\""))
        XCTAssertTrue(r.out.contains("NOTE=\"tonghop template=lai-chau-ktxh version=3 store=t.db reports=9 revisions="), "the store and revisions it comes from")
        let c = try TestSupport.python([root.appendingPathComponent("Tests/Support/check_px_export.py").path, db, "2024", a])
        XCTAssertEqual(c.status, 0, c.stderr)
        let j = try JSONSerialization.jsonObject(with: c.stdout) as! [String: Any]
        XCTAssertEqual(j["mismatches"] as? [String], [])
        XCTAssertEqual(j["compared"] as? Int, j["numbers_in_store"] as? Int)
        XCTAssertGreaterThan(j["compared"] as! Int, 500)
        XCTAssertEqual((j["units"] as? [String])?.count, 9)
    }

    func testSixMonthsAsCumulativePeriodAndDHIS2() throws {
        let (dir, db) = try store()
        let csv = dir.appendingPathComponent("e.csv").path, js = dir.appendingPathComponent("e.json").path
        var r = try tonghop(["export", "--db", db, "--period", "2024-6T", "--format", "sdmx-csv", "-o", csv])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try tonghop(["export", "--db", db, "--period", "2024-6T", "--format", "dhis2-json", "-o", js])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try check(db, "2024-6T", csv, js)
        XCTAssertEqual(j["mismatches"] as? [String], [])
        XCTAssertEqual(j["time_periods"] as? [String], ["2024-01-01/P6M"])
        XCTAssertEqual(j["dhis2_periods"] as? [String], ["2024S1"])
        XCTAssertEqual(j["dhis2_values"] as? Int, j["dhis2_expected"] as? Int)
        XCTAssertEqual((j["dhis2_values"] as? Int).map { $0 + (j["bounds"] as? Int ?? 0) }, j["sdmx_rows"] as? Int, "all but the targets' bounds")
        let again = try tonghop(["export", "--db", db, "--period", "2024-6T", "--format", "dhis2-json"])
        XCTAssertEqual(again.stdout, try Data(contentsOf: URL(fileURLWithPath: js)))
        // A mapping renames codes to DHIS2 ids.
        let map = dir.appendingPathComponent("map.json")
        try Data(#"{"orgUnits":{"105":"OU105abcdef"},"categoryOptionCombos":{"estimate":"COCestimate"}}"#.utf8).write(to: map)
        r = try tonghop(["export", "--db", db, "--period", "2024-6T", "--format", "dhis2-json", "--mapping", map.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let dv = try json(r)["dataValues"] as! [[String: String]]
        XCTAssertTrue(dv.contains { $0["orgUnit"] == "OU105abcdef" && $0["categoryOptionCombo"] == "COCestimate" })
        XCTAssertFalse(dv.contains { $0["orgUnit"] == "105" })
    }

    func testNineMonthsRefusedForDHIS2() throws {
        let (_, db) = try store()
        var r = try tonghop(["export", "--db", db, "--period", "2024-9T", "--format", "dhis2-json"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("DHIS2 không có loại kỳ"), r.stderr)
        XCTAssertTrue(r.out.isEmpty)
        r = try tonghop(["export", "--db", db, "--period", "2024-9T", "--format", "dhis2-json", "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("DHIS2 has no period type"), r.stderr)
        r = try tonghop(["export", "--db", db, "--period", "2024", "--format", "pdf"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--format"), r.stderr)
    }
}
