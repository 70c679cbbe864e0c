import Crypto
import Foundation
import GRDB
import GRDBSQLite
import SheetIO

/// What happened to one submission of an import.
public struct ImportOutcome: Sendable {
    public enum Status: String, Sendable, Codable { case imported, updated, unchanged, rejected }
    public var file: String
    public var status: Status
    public var unit: String?
    public var unitName: String?
    public var period: String?
    public var revision: Int?
    /// For rejections: the error findings (and any reading failure).
    public var reasons: [Finding]
    public var warnings: Int
    /// Of the warnings, those the screening at import added (W160, W161).
    public var screened = 0
}

extension Store {
    /// `TONGHOP_TEST_HOLD_IMPORT` (the crash-consistency tests' hook), read once: reading
    /// the environment builds a dictionary of it, and this was asked once per file.
    static let testHoldImport = ProcessInfo.processInfo.environment["TONGHOP_TEST_HOLD_IMPORT"]

    /// Imports validated submissions of one file in one IMMEDIATE transaction: a file
    /// with any error imports nothing; the same content again is "unchanged"; new
    /// content for a unit and period becomes a new revision superseding the old one,
    /// which is kept for audit.
    public func importFile(path: String, displayName: String, template: Template, submissions: [(Submission, [Finding])],
                           contentHash: String, now: Date = Date()) throws -> [ImportOutcome] {
        if let rejected = Store.rejected(displayName: displayName, submissions: submissions) { return rejected }
        var outcomes: [ImportOutcome] = []
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    outcomes = try store(db, displayName: displayName, template: template, submissions: submissions,
                                         contentHash: contentHash, stamp: Store.stamp(now))
                    return .commit
                }
            }
        } catch let e as DatabaseError {
            throw importFailure(displayName, e)
        }
        return outcomes
    }

    /// "importing F failed: the disk is full (…); nothing of this file was stored".
    func importFailure(_ displayName: String, _ e: DatabaseError) -> StoreError {
        let (en, vi) = Store.explain(e)
        return StoreError(path: path, message: "importing \(displayName) failed: \(en); nothing of this file was stored",
                          messageVI: "nhập \(displayName) không thành công: \(vi); chưa ghi gì của tệp này vào kho")
    }

    /// A file read and checked, waiting to be stored (``importBatch(_:now:)``).
    public struct CheckedFile: Sendable {
        public var displayName: String
        public var template: Template
        public var submissions: [(Submission, [Finding])]
        public var contentHash: String
        public init(displayName: String, template: Template, submissions: [(Submission, [Finding])], contentHash: String) {
            self.displayName = displayName
            self.template = template
            self.submissions = submissions
            self.contentHash = contentHash
        }
    }

    /// Stores a batch of files in one IMMEDIATE transaction, each file within its own
    /// savepoint: a file is stored whole or not at all, exactly as ``importFile`` stores
    /// it (rejections recorded as ``recordRejections`` records them). One transaction per
    /// file rewrote the B-tree's upper pages into the write-ahead log for every file (a
    /// national import: 3,321 commits, some 13 % of the writing thread in the kernel).
    ///
    /// Returns each stored file's outcomes, in order. When a file fails, its savepoint is
    /// rolled back, the files before it are committed and returned, and the failure is
    /// returned beside them; when the commit itself fails, nothing of the batch is stored
    /// and no outcome is returned (``Importer`` then stores the rest one file at a time).
    /// Nothing is committed before the batch ends, so a killed import loses the batch it
    /// was storing (none of which had been reported).
    public func importBatch(_ files: [CheckedFile], now: Date = Date()) -> (stored: [[ImportOutcome]], failure: StoreError?) {
        guard !files.isEmpty else { return ([], nil) }
        let stamp = Store.stamp(now)
        var stored: [[ImportOutcome]] = []
        var failed: (name: String, error: DatabaseError)? = nil
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for f in files {
                        var outcomes: [ImportOutcome] = []
                        do {
                            try db.inSavepoint {
                                if let rejected = Store.rejected(displayName: f.displayName, submissions: f.submissions) {
                                    outcomes = rejected
                                    try recordRejections(db, rejected, template: f.template.id, contentHash: f.contentHash, stamp: stamp)
                                } else {
                                    outcomes = try store(db, displayName: f.displayName, template: f.template, submissions: f.submissions,
                                                         contentHash: f.contentHash, stamp: stamp)
                                }
                                return .commit
                            }
                        } catch let e as DatabaseError {
                            failed = (f.displayName, e)
                            break
                        }
                        stored.append(outcomes)
                    }
                    // SQLite ends the whole transaction itself on some errors (a full disk, an
                    // I/O error): then the files before the failed one are not stored either.
                    if let failed, !db.isInsideTransaction { throw failed.error }
                    return .commit
                }
            }
        } catch {
            let e = error as? DatabaseError ?? failed?.error
            let (en, vi) = e.map(Store.explain) ?? ("\(error)", "\(error)")
            let what = files.count == 1 ? files[0].displayName : "\(files[0].displayName) … \(files[files.count - 1].displayName) (\(files.count) files)"
            return ([], StoreError(path: path, message: "importing \(what) failed: \(en); nothing of these files was stored",
                                   messageVI: "nhập \(what) không thành công: \(vi); chưa ghi gì của các tệp này vào kho"))
        }
        return (stored, failed.map { importFailure($0.name, $0.error) })
    }

    /// The outcomes of a file that imports nothing (an error anywhere, or no submission);
    /// nil when it can be stored.
    static func rejected(displayName: String, submissions: [(Submission, [Finding])]) -> [ImportOutcome]? {
        let errors = submissions.flatMap { $0.1.filter { $0.severity == .error } }
        guard !errors.isEmpty || submissions.isEmpty else { return nil }
        return submissions.map { s, f in
            ImportOutcome(file: displayName, status: .rejected, unit: s.unit?.code, unitName: s.unit?.name, period: s.period?.description,
                          revision: nil, reasons: f.filter { $0.severity == .error }.isEmpty ? errors : f.filter { $0.severity == .error },
                          warnings: f.filter { $0.severity == .warning }.count)
        }
    }

    /// Writes one file's submissions inside the caller's transaction or savepoint.
    private func store(_ db: Database, displayName: String, template: Template, submissions: [(Submission, [Finding])],
                       contentHash: String, stamp: String) throws -> [ImportOutcome] {
        var outcomes: [ImportOutcome] = []
        for (s, findings) in submissions {
            guard let unit = s.unit, let period = s.period else { continue }
            // Several submissions in one file (a long CSV) share the file's hash, told apart by unit and period.
            let hash = submissions.count == 1 ? contentHash : Store.sha256(Data((contentHash + unit.code + period.description).utf8))
            let current = try Row.fetchOne(db, sql: """
                SELECT id, revision, sha256 FROM submission
                WHERE template_id = ? AND unit_code = ? AND period = ? AND is_current = 1
                """, arguments: [template.id, unit.code, period.description])
            let warnings = findings.filter { $0.severity == .warning }.count
            if let current, (current["sha256"] as String) == hash {
                outcomes.append(ImportOutcome(file: displayName, status: .unchanged, unit: unit.code, unitName: unit.name,
                                              period: period.description, revision: current["revision"], reasons: [], warnings: warnings))
                continue
            }
            let revision = ((current?["revision"] as Int?) ?? 0) + 1
            if let current {
                try db.execute(sql: "UPDATE submission SET is_current = 0 WHERE id = ?", arguments: [current["id"] as Int64])
            }
            try db.execute(sql: """
                INSERT INTO submission (unit_code, period, template_id, template_version, file_name, sha256, imported_at,
                                        revision, supersedes, is_current, errors, warnings, infos, number_convention)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
                """, arguments: [unit.code, period.description, template.id, template.version, displayName, hash, stamp,
                                 revision, current?["id"] as Int64?, 0, warnings,
                                 findings.filter { $0.severity == .info }.count, s.convention.rawValue])
            let id = db.lastInsertedRowID
            let insertValue = try db.cachedStatement(sql: """
                INSERT INTO value (submission_id, indicator, column_key, kind, number, number2, strict, symbol, written,
                                   sheet, cell, unit_written, conversion)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            // Half a million values in a national batch: bound straight through SQLite's
            // C API (GRDB's argument arrays cost about 5 µs a row here).
            let stmt = insertValue.sqliteStatement
            for row in s.rows {
                guard let ind = row.indicator else { continue }
                for (col, v) in row.values {
                    let (kind, n1, n2, strict, symbol) = Store.encode(v.value)
                    sqlite3_reset(stmt)
                    sqlite3_bind_int64(stmt, 1, id)
                    Store.bind(stmt, 2, ind.code); Store.bind(stmt, 3, col); Store.bind(stmt, 4, kind)
                    if let n1 { sqlite3_bind_double(stmt, 5, n1) } else { sqlite3_bind_null(stmt, 5) }
                    if let n2 { sqlite3_bind_double(stmt, 6, n2) } else { sqlite3_bind_null(stmt, 6) }
                    if let strict { sqlite3_bind_int64(stmt, 7, Int64(strict)) } else { sqlite3_bind_null(stmt, 7) }
                    Store.bind(stmt, 8, symbol); Store.bind(stmt, 9, v.written); Store.bind(stmt, 10, s.sheet)
                    Store.bind(stmt, 11, v.ref.a1); Store.bind(stmt, 12, v.writtenUnit)
                    if let c = v.conversion { sqlite3_bind_double(stmt, 13, c) } else { sqlite3_bind_null(stmt, 13) }
                    let rc = sqlite3_step(stmt)
                    guard rc == SQLITE_DONE else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                    }
                }
            }
            sqlite3_reset(stmt)
            let insertFinding = try db.cachedStatement(sql: """
                INSERT INTO finding (submission_id, code, severity, sheet, cell, indicator, column_key, value, expected, message, message_en)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for f in findings {
                try insertFinding.execute(arguments: [id, f.code, f.severity.rawValue, f.sheet, f.cell, f.indicator, f.column,
                                                      f.value, f.expected, f.message, f.messageEN])
            }
            if let hold = Store.testHoldImport, !hold.isEmpty {
                // Test hook (store crash-consistency tests): say so, then wait inside the transaction.
                FileManager.default.createFile(atPath: hold, contents: Data("holding\n".utf8))
                Thread.sleep(forTimeInterval: 30)
            }
            outcomes.append(ImportOutcome(file: displayName, status: current == nil ? .imported : .updated, unit: unit.code,
                                          unitName: unit.name, period: period.description, revision: revision, reasons: [], warnings: warnings))
        }
        return outcomes
    }

    /// Records files refused at import (one row per rejected submission), so status can
    /// say "rejected" with the first error instead of "not sent".
    /// Warnings found after a file was stored (the screening at import, issue 24): kept
    /// with the unit's current submission and counted in its warnings.
    public func addFindings(template: String, period: Period, unit: String, _ findings: [Finding]) throws {
        guard !findings.isEmpty else { return }
        try pool.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM submission WHERE template_id = ? AND period = ? AND unit_code = ? AND is_current = 1",
                                               arguments: [template, period.description, unit]) else { return }
            for f in findings {
                try db.execute(sql: """
                    INSERT INTO finding (submission_id, code, severity, sheet, cell, indicator, column_key, value, expected, message, message_en)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, f.code, f.severity.rawValue, f.sheet, f.cell, f.indicator, f.column, f.value, f.expected, f.message, f.messageEN])
            }
            try db.execute(sql: "UPDATE submission SET warnings = warnings + ? WHERE id = ?", arguments: [findings.count, id])
        }
    }

    public func recordRejections(_ outcomes: [ImportOutcome], template: String, contentHash: String, now: Date = Date()) throws {
        let rejected = outcomes.filter { $0.status == .rejected }
        guard !rejected.isEmpty else { return }
        do {
            try pool.write { db in try recordRejections(db, rejected, template: template, contentHash: contentHash, stamp: Store.stamp(now)) }
        } catch let e as DatabaseError {
            let (en, vi) = Store.explain(e)
            throw StoreError(path: path, message: "recording the rejection of \(rejected[0].file) failed: \(en)",
                             messageVI: "không ghi được việc từ chối tệp \(rejected[0].file): \(vi)")
        }
    }

    /// The rejection rows, inside the caller's transaction or savepoint.
    private func recordRejections(_ db: Database, _ outcomes: [ImportOutcome], template: String, contentHash: String, stamp: String) throws {
        for o in outcomes where o.status == .rejected {
            let first = o.reasons.first
            try db.execute(sql: """
                INSERT INTO rejection (template_id, unit_code, period, file_name, sha256, rejected_at, errors, first_error, first_error_en)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [template, o.unit, o.period, o.file, contentHash, stamp, o.reasons.count,
                                 first.map { "\($0.code) \($0.cell.map { "\($0): " } ?? "")\($0.message)" } ?? "",
                                 first.map { "\($0.code) \($0.cell.map { "\($0): " } ?? "")\($0.messageEN)" } ?? ""])
        }
    }

    /// What an SQLite failure means to the person at the keyboard.
    static func explain(_ e: DatabaseError) -> (String, String) {
        let detail = e.message ?? "\(e.resultCode)"
        switch e.resultCode.primaryResultCode {
        case .SQLITE_FULL: return ("the disk is full (\(detail))", "ổ đĩa đã đầy (\(detail))")
        case .SQLITE_READONLY: return ("the store is read-only (\(detail))", "kho số liệu chỉ đọc (\(detail))")
        case .SQLITE_PERM, .SQLITE_CANTOPEN, .SQLITE_AUTH: return ("permission denied (\(detail))", "không có quyền ghi (\(detail))")
        case .SQLITE_IOERR: return ("a disk read/write error (\(detail))", "lỗi đọc/ghi đĩa (\(detail))")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return ("the store is damaged (\(detail))", "kho số liệu bị hỏng (\(detail))")
        case .SQLITE_BUSY, .SQLITE_LOCKED: return ("the store stayed locked by another program (\(detail))", "kho số liệu bị chương trình khác khoá quá lâu (\(detail))")
        case .SQLITE_CONSTRAINT: return ("a value the store refuses (\(detail))", "giá trị bị kho từ chối (\(detail))")
        default: return (detail, detail)
        }
    }

    /// Binds text (or NULL), copied by SQLite.
    static func bind(_ stmt: OpaquePointer?, _ i: Int32, _ s: String?) {
        guard let s else { sqlite3_bind_null(stmt, i); return }
        // SQLITE_TRANSIENT: SQLite takes its own copy.
        _ = s.withCString { sqlite3_bind_text(stmt, i, $0, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self)) }
    }

    static func encode(_ v: ReportedValue) -> (String, Double?, Double?, Int?, String?) {
        switch v {
        case .empty: return ("empty", nil, nil, nil, nil)
        case .number(let d): return ("number", d, nil, nil, nil)
        case .symbol(let s): return ("symbol", nil, nil, nil, s.rawValue)
        case .range(let a, let b): return ("range", a, b, nil, nil)
        case .atLeast(let a, let s): return ("at_least", a, nil, s ? 1 : 0, nil)
        case .atMost(let a, let s): return ("at_most", a, nil, s ? 1 : 0, nil)
        }
    }

    static func decode(kind: String, number: Double?, number2: Double?, strict: Int?, symbol: String?) -> ReportedValue {
        switch kind {
        case "number": return number.map { .number($0) } ?? .empty
        case "symbol": return symbol.flatMap(StatSymbol.init(rawValue:)).map { .symbol($0) } ?? .empty
        case "range": if let a = number, let b = number2 { return .range(a, b) }
        case "at_least": if let a = number { return .atLeast(a, strict: strict == 1) }
        case "at_most": if let a = number { return .atMost(a, strict: strict == 1) }
        default: break
        }
        return .empty
    }

    /// Hex SHA-256 (swift-crypto).
    public static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// The SHA-256 of a regular file within the size cap, read in 1 MiB chunks (nil when
    /// it cannot be read).
    public static func sha256(path: String, limits: ReadLimits) -> String? {
        guard let file = try? InputFile(path: path, limits: limits) else { return nil }
        var hasher = SHA256()
        var offset: Int64 = 0
        while offset < file.size {
            let chunk = file.read(at: offset, count: Int(min(1 << 20, file.size - offset)))
            if chunk.isEmpty { return nil }
            hasher.update(data: chunk)
            offset += Int64(chunk.count)
        }
        return hex(hasher.finalize())
    }

    public static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
