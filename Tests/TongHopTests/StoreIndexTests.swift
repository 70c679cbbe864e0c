import Foundation
import GRDB
import GRDBSQLite
import XCTest
@testable import TongHop
import TestSupport

/// The store's lookups that run once per imported file go by index, not by walking the
/// period's submissions (quadratic in the number of units: 3,321 national forms).
final class StoreIndexTests: XCTestCase {
    func testFindingAUnitsCurrentSubmissionGoesStraightToTheUnit() throws {
        let dir = try TestSupport.tempDir(self)
        let store = try Store(path: dir.appendingPathComponent("i.db").path)
        let plan = try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT id, revision, sha256 FROM submission
                WHERE template_id = ? AND unit_code = ? AND period = ? AND is_current = 1
                """, arguments: ["t", "u", "2024"]).map { $0["detail"] as String }
        }
        XCTAssertEqual(plan.count, 1, "\(plan)")
        XCTAssertTrue(plan[0].contains("submission_unit_current (template_id=? AND unit_code=? AND period=? AND is_current=?)"), "\(plan)")
    }
}

/// SQLite is set up before the store's first connection: no global allocation statistics
/// (a global mutex on every allocation).
final class StoreSQLiteSetupTests: XCTestCase {
    func testAllocationsAreNotCounted() throws {
        let dir = try TestSupport.tempDir(self)
        let store = try Store(path: dir.appendingPathComponent("m.db").path)
        XCTAssertEqual(Store.sqliteConfigured, 0, "configured before SQLite's first use")
        try store.pool.write { db in
            try db.execute(sql: "CREATE TEMP TABLE t(x); INSERT INTO t VALUES (randomblob(100000))")
        }
        var current: Int64 = 0, peak: Int64 = 0
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &peak, 0)
        XCTAssertEqual(peak, 0, "allocations are not counted")
    }
}
