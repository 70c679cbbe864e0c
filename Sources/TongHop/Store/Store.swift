import CSQLiteConfig
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

    /// How a command uses the store.
    public enum Mode: Sendable {
        /// `import`: creates the store when the file is missing or empty, migrates it.
        case readWrite
        /// `status`, `summary`, `scorecard`: opens an existing store read-only (SQLite's
        /// `SQLITE_OPEN_READONLY`); never creates, migrates or switches the journal.
        case readOnly
    }

    /// `PRAGMA application_id` of a tonghop store: "THOP".
    public static let applicationID: Int32 = 0x5448_4F50

    /// SQLite set up once, before its first connection (``tonghop_sqlite_configure``): no
    /// global allocation statistics, whose mutex was taken on every allocation and free,
    /// some 8 % of an import's writing thread (perf, 418,446 values; the national import
    /// 2.04 → 1.92 s). The result code is kept for tests: 0, or SQLITE_MISUSE when SQLite
    /// was already in use (nothing changed then).
    static let sqliteConfigured: Int32 = tonghop_sqlite_configure()

    /// Opens the store at `path`. Before anything is written the file is recognised: a
    /// missing or empty file (read-write only), an SQLite database with no tables, or a
    /// store of ours (our application id, or the first version's tables). Any other
    /// file — another program's database, a workbook, a damaged store — is refused
    /// untouched.
    public init(path: String, mode: Mode = .readWrite) throws {
        self.path = path
        _ = Store.sqliteConfigured
        var config = Configuration()
        config.busyMode = .timeout(60)
        config.readonly = mode == .readOnly
        config.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        if mode == .readOnly {
            try Store.recognise(path: path, mode: mode)
            do {
                pool = try DatabasePool(path: path, configuration: config)
                let version = try pool.read { try Store.migrator.appliedMigrations($0) }
                guard version.contains("v1") else { throw StoreError(path: path, message: "not a tonghop store") }
            } catch let e as DatabaseError {
                throw StoreError(path: path, message: e.message ?? "\(e)")
            }
            return
        }
        // Creating the file, switching it to WAL and migrating are serialised between
        // processes with a lock file: SQLite's busy handler does not cover a store that
        // two imports create at the same moment.
        let lockFD = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        if lockFD >= 0 { flock(lockFD, LOCK_EX) }
        defer { if lockFD >= 0 { flock(lockFD, LOCK_UN); close(lockFD) } }
        try Store.recognise(path: path, mode: mode)
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Store.migrator.migrate(pool)
        } catch let e as DatabaseError {
            throw StoreError(path: path, message: e.message ?? "\(e)")
        }
    }

    /// Checks what `path` holds before a database connection may write to it.
    static func recognise(path: String, mode: Mode) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if mode == .readOnly {
                throw StoreError(path: path, message: "no store here (check --db, or run tonghop import first)",
                                 messageVI: "không có kho số liệu ở đây (kiểm tra --db, hoặc chạy tonghop import trước)")
            }
            return
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw StoreError(path: path, message: "not a regular file", messageVI: "không phải tệp thông thường")
        }
        if st.st_size == 0 {
            if mode == .readOnly {
                throw StoreError(path: path, message: "the store is empty (run tonghop import first)",
                                 messageVI: "kho số liệu trống (hãy chạy tonghop import trước)")
            }
            return
        }
        let file = try? InputFile(path: path, limits: ReadLimits())
        let head = file?.read(at: 0, count: 16) ?? []
        guard head == Array("SQLite format 3\0".utf8) else {
            throw StoreError(path: path, message: "not a tonghop store (not an SQLite database); nothing was changed",
                             messageVI: "không phải kho số liệu tonghop (không phải cơ sở dữ liệu SQLite); tệp không bị thay đổi")
        }
        // Read the header and schema through a read-only connection: nothing is written.
        var ro = Configuration()
        ro.readonly = true
        ro.busyMode = .timeout(60)
        do {
            let q = try DatabaseQueue(path: path, configuration: ro)
            defer { try? q.close() }
            let (appID, tables, check): (Int32, [String], String) = try q.read { db in
                (try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                 try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"),
                 try String.fetchOne(db, sql: "PRAGMA quick_check(1)") ?? "")
            }
            let ours = appID == Store.applicationID
                || (appID == 0 && Set(["grdb_migrations", "submission", "value", "finding"]).isSubset(of: tables))
            guard ours || (appID == 0 && tables.isEmpty) else {
                let what = tables.prefix(5).joined(separator: ", ")
                throw StoreError(path: path, message: "not a tonghop store (another program's database: \(what)); nothing was changed",
                                 messageVI: "không phải kho số liệu tonghop (cơ sở dữ liệu của chương trình khác: \(what)); tệp không bị thay đổi")
            }
            guard check == "ok" else {
                throw StoreError(path: path, message: "the store is damaged (\(check)); nothing was written. Restore it from a backup",
                                 messageVI: "kho số liệu bị hỏng (\(check)); không ghi gì vào kho. Hãy khôi phục từ bản sao lưu")
            }
        } catch let e as DatabaseError {
            throw StoreError(path: path, message: "the store cannot be read (\(e.message ?? "\(e)")); nothing was written",
                             messageVI: "không đọc được kho số liệu (\(e.message ?? "\(e)")); không ghi gì vào kho")
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
        // The store's own id in the header, and values that can only be finite numbers.
        m.registerMigration("v2") { db in
            try db.execute(sql: """
            PRAGMA application_id = \(Store.applicationID);
            CREATE TABLE value_v2 (
                submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
                indicator TEXT NOT NULL,
                column_key TEXT NOT NULL,
                kind TEXT NOT NULL,
                number REAL CHECK (number IS NULL OR number BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308),
                number2 REAL CHECK (number2 IS NULL OR number2 BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308),
                strict INTEGER,
                symbol TEXT,
                written TEXT NOT NULL,
                sheet TEXT,
                cell TEXT NOT NULL,
                unit_written TEXT,
                conversion REAL CHECK (conversion IS NULL OR conversion BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308),
                PRIMARY KEY (submission_id, indicator, column_key)
            ) WITHOUT ROWID;
            INSERT INTO value_v2 SELECT * FROM value;
            DROP TABLE value;
            ALTER TABLE value_v2 RENAME TO value;
            """)
        }
        // Files refused at import, so a unit that sent a file is never shown as not having sent one.
        m.registerMigration("v3") { db in
            try db.execute(sql: """
            CREATE TABLE rejection (
                id INTEGER PRIMARY KEY,
                template_id TEXT NOT NULL,
                unit_code TEXT,
                period TEXT,
                file_name TEXT NOT NULL,
                sha256 TEXT,
                rejected_at TEXT NOT NULL,
                errors INTEGER NOT NULL,
                first_error TEXT NOT NULL,
                first_error_en TEXT NOT NULL
            );
            CREATE INDEX rejection_unit ON rejection(template_id, period, unit_code);
            """)
        }
        // The web service (`tonghop serve`): accounts, sessions, the files units upload
        // (kept whole, checked or submitted), submissions returned to a unit, and who did what.
        m.registerMigration("v4") { db in
            try db.execute(sql: """
            CREATE TABLE account (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('unit', 'province')),
                unit_code TEXT,
                disabled INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                password_changed_at TEXT NOT NULL,
                CHECK ((role = 'unit') = (unit_code IS NOT NULL))
            );
            CREATE TABLE web_session (
                key_hash TEXT PRIMARY KEY,      -- SHA-256 of the cookie's id: a copy of the store opens no session
                value BLOB NOT NULL,
                expires REAL
            ) WITHOUT ROWID;
            CREATE TABLE upload (
                id INTEGER PRIMARY KEY,
                account_id INTEGER NOT NULL REFERENCES account(id),
                unit_code TEXT NOT NULL,
                template_id TEXT NOT NULL,
                period TEXT,
                file_name TEXT NOT NULL,
                kind TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                size INTEGER NOT NULL,
                content BLOB NOT NULL,
                uploaded_at TEXT NOT NULL,
                errors INTEGER NOT NULL,
                warnings INTEGER NOT NULL,
                infos INTEGER NOT NULL,
                findings_json TEXT NOT NULL,
                submission_id INTEGER REFERENCES submission(id),
                submitted_at TEXT
            );
            CREATE INDEX upload_unit ON upload(unit_code, id);
            CREATE TABLE submission_return (
                id INTEGER PRIMARY KEY,
                submission_id INTEGER NOT NULL REFERENCES submission(id),
                account TEXT NOT NULL,
                at TEXT NOT NULL,
                comment TEXT NOT NULL
            );
            CREATE INDEX submission_return_sub ON submission_return(submission_id);
            CREATE TABLE audit (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                account TEXT,
                action TEXT NOT NULL,
                detail TEXT,
                remote TEXT
            );
            """)
        }
        // Finding a unit's current submission at import: the index on (template, period,
        // current) made SQLite walk every current submission of the period for each file
        // (3,321 national forms: some 5.5 million rows visited, a third of the import's
        // writing); this one goes straight to the unit.
        m.registerMigration("v5") { db in
            try db.execute(sql: "CREATE INDEX submission_unit_current ON submission(template_id, unit_code, period, is_current)")
        }
        // The web service's failed logins (growing delays, per account and address and per
        // address), kept across restarts and cleared by `tonghop user unlock`.
        m.registerMigration("web-login-failure") { db in
            try db.execute(sql: """
            CREATE TABLE login_failure (
                key TEXT PRIMARY KEY,
                name TEXT,                      -- the account name tried, NFC lower-case (NULL for an address's own count)
                failures INTEGER NOT NULL,
                last_at REAL NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX login_failure_name ON login_failure(name);
            -- A password handed out (user import, the province's reset) is for one login:
            -- the officer sets their own before anything else.
            ALTER TABLE account ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
            """)
        }
        // The province's follow-up of anomalies (issue 24): one row per step, never updated.
        m.registerMigration("followup") { db in
            try db.execute(sql: """
            CREATE TABLE followup (
                id INTEGER PRIMARY KEY,
                template_id TEXT NOT NULL,
                period TEXT NOT NULL,
                unit_code TEXT NOT NULL,
                indicator TEXT NOT NULL,
                column_key TEXT NOT NULL,
                value REAL,                  -- the value the step is about
                state TEXT NOT NULL CHECK (state IN ('confirmed', 'asked', 'corrected', 'answered')),
                note TEXT NOT NULL,
                account TEXT,
                at TEXT NOT NULL
            );
            CREATE INDEX followup_period ON followup(template_id, period, unit_code);
            """)
        }
        return m
    }
}

/// A store that cannot be opened or written.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String
    public var messageVI: String?

    public init(path: String, message: String, messageVI: String? = nil) {
        self.path = path
        self.message = message
        self.messageVI = messageVI
    }

    public var description: String { "\(path): \(message)" }

    public func message(_ lang: Language) -> String { "\(path): \(lang == .vi ? messageVI ?? message : message)" }
}
