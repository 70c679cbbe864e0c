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

/// A batch of files is stored in one transaction with a savepoint per file
/// (``Store/importBatch(_:now:)``): a file that fails to be written leaves nothing, the
/// files before it stay, and the import stops there saying which file failed.
final class ImportBatchTests: XCTestCase {
    func testAFileThatFailsToBeWrittenLeavesNothingAndTheFilesBeforeItStay() throws {
        let dir = try TestSupport.tempDir(self)
        let store = try Store(path: dir.appendingPathComponent("b.db").path)
        // The store refuses one of Mường Tè's values (as a full disk or a constraint would),
        // after its submission row and its first values, and the two files before it,
        // were written in the same transaction.
        try store.pool.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_107 BEFORE INSERT ON value
                WHEN NEW.indicator = 'XH01' AND (SELECT unit_code FROM submission WHERE id = NEW.submission_id) = '107'
                BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                """)
        }
        let folder = TestSupport.packageRoot.appendingPathComponent("fixtures/submissions/2024")
        let forms = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0).path }
        XCTAssertTrue(forms[2].hasSuffix("107-muong-te_2024.xlsx"))
        let library = TemplateLibrary(directory: TestSupport.packageRoot.appendingPathComponent("templates").path)
        do {
            _ = try Importer(store: store, reader: SubmissionReader(library: library, template: nil)).run(paths: forms)
            XCTFail("the import went through")
        } catch let f as Importer.Failure {
            XCTAssertEqual(f.completed.map(\.file), Array(forms.prefix(2)))
            XCTAssertEqual(f.completed.map(\.status), [.imported, .imported])
            XCTAssertTrue(f.error.message.contains("importing \(forms[2]) failed"), f.error.message)
            XCTAssertTrue(f.error.message.contains("nothing of this file was stored"), f.error.message)
            XCTAssertTrue(f.error.message(.vi).contains("chưa ghi gì của tệp này"), f.error.message(.vi))
        }
        let (units, values, orphans) = try store.pool.read { db in
            (try String.fetchAll(db, sql: "SELECT unit_code FROM submission ORDER BY unit_code"),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM value")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM value v LEFT JOIN submission s ON s.id = v.submission_id WHERE s.id IS NULL")!)
        }
        XCTAssertEqual(units, ["105", "106"], "the files before the failed one are stored, nothing from it or after it")
        XCTAssertGreaterThan(values, 50)
        XCTAssertEqual(orphans, 0)
        // Without the obstacle the same import completes: the two stored files are unchanged.
        try store.pool.write { db in try db.execute(sql: "DROP TRIGGER refuse_107") }
        let outcomes = try Importer(store: store, reader: SubmissionReader(library: library, template: nil)).run(paths: forms)
        XCTAssertEqual(outcomes.map(\.status), [.unchanged, .unchanged] + Array(repeating: .imported, count: forms.count - 2))
    }
}
