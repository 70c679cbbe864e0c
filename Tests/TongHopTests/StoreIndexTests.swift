import Foundation
import GRDB
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
