import Foundation
import GRDB
import SheetIO

/// The SQLite store (GRDB): submissions with their revisions, every value with the file
/// and cell it came from, and the findings shown when it was imported.
///
/// WAL journal and a busy timeout let two imports run at once; each file is one
/// IMMEDIATE transaction, so a process killed mid-import leaves the store as it was.
public final class Store: @unchecked Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating and migrating) the store at `path`.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(60)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        // Creating the file, switching it to WAL and migrating are serialised between
        // processes with a lock file: SQLite's busy handler does not cover a store that
        // two imports create at the same moment.
        let lockFD = open(path + ".lock", O_CREAT | O_RDWR, 0o644)
        if lockFD >= 0 { flock(lockFD, LOCK_EX) }
        defer { if lockFD >= 0 { flock(lockFD, LOCK_UN); close(lockFD) } }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Store.migrator.migrate(pool)
        } catch let e as DatabaseError {
            throw StoreError(path: path, message: e.message ?? "\(e)")
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
            CREATE TABLE submission (
                id INTEGER PRIMARY KEY,
                unit_code TEXT NOT NULL,
                period TEXT NOT NULL,
                template_id TEXT NOT NULL,
                template_version INTEGER NOT NULL,
                file_name TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                imported_at TEXT NOT NULL,
                revision INTEGER NOT NULL,
                supersedes INTEGER REFERENCES submission(id),
                is_current INTEGER NOT NULL DEFAULT 1,
                errors INTEGER NOT NULL DEFAULT 0,
                warnings INTEGER NOT NULL DEFAULT 0,
                infos INTEGER NOT NULL DEFAULT 0,
                number_convention TEXT,
                UNIQUE (template_id, unit_code, period, revision)
            );
            CREATE INDEX submission_current ON submission(template_id, period, is_current);
            CREATE TABLE value (
                submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
                indicator TEXT NOT NULL,
                column_key TEXT NOT NULL,
                kind TEXT NOT NULL,          -- number, symbol, range, at_least, at_most, empty
                number REAL,
                number2 REAL,                -- a range's upper end
                strict INTEGER,
                symbol TEXT,
                written TEXT NOT NULL,       -- the text as written in the file
                sheet TEXT,
                cell TEXT NOT NULL,          -- A1 address in the file
                unit_written TEXT,           -- the unit written, when converted
                conversion REAL,             -- the factor applied
                PRIMARY KEY (submission_id, indicator, column_key)
            ) WITHOUT ROWID;
            CREATE TABLE finding (
                submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
                code TEXT NOT NULL,
                severity TEXT NOT NULL,
                sheet TEXT, cell TEXT, indicator TEXT, column_key TEXT,
                value TEXT, expected TEXT,
                message TEXT NOT NULL,
                message_en TEXT NOT NULL
            );
            CREATE INDEX finding_submission ON finding(submission_id);
            """)
        }
        return m
    }
}

/// A store that cannot be opened or written.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
