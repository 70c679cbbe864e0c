import Foundation
import GRDB
import SheetIO

/// An account of the web service: a unit's officer (sees and submits only that unit's
/// files) or the province (sees everything).
public struct Account: Sendable, Equatable {
    public enum Role: String, Sendable { case unit, province }
    public var id: Int64
    public var name: String
    public var passwordHash: String
    public var role: Role
    public var unitCode: String?
    public var disabled: Bool
    /// When the password was last set (with a random tail); a session made before is over.
    public var passwordStamp: String
    /// The password was handed out (import, reset): the officer must set their own first.
    public var mustChangePassword = false
}

/// A file a unit uploaded through the web page: kept whole with the findings shown.
public struct Upload: Sendable {
    public var id: Int64
    public var accountID: Int64
    public var unitCode: String
    public var templateID: String
    public var period: String?
    public var fileName: String
    public var kind: String
    public var sha256: String
    public var size: Int
    public var uploadedAt: String
    public var errors: Int
    public var warnings: Int
    public var infos: Int
    public var findings: [Finding]
    public var submissionID: Int64?
    public var submittedAt: String?
}

/// One stored submission (any revision), for a unit's history.
public struct SubmissionRecord: Sendable {
    public var id: Int64
    public var unitCode: String
    public var period: String
    public var fileName: String
    public var importedAt: String
    public var revision: Int
    public var current: Bool
    public var warnings: Int
    public var returned: [(account: String, at: String, comment: String)]
}

extension Store {
    /// A database failure as the store's error, in both languages.
    func explained<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as DatabaseError {
            let (en, vi) = Store.explain(e)
            throw StoreError(path: path, message: en, messageVI: vi)
        }
    }

    /// "2026-11-26T04:38:22Z" (UTC, whole seconds), as `ISO8601DateFormatter` writes it,
    /// without making a formatter each time (a formatter per file was a twentieth of
    /// importing a national batch). Dates outside years 1–9999 go through the formatter.
    static func stamp(_ d: Date = Date()) -> String {
        let t = d.timeIntervalSince1970.rounded(.down)
        guard t.isFinite, abs(t) < 2.5e11 else { return ISO8601DateFormatter().string(from: d) }
        let secs = Int(t)
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = secs - days * 86_400
        let (y, m, day) = UnitStatus.civil(days)
        guard (1...9999).contains(y) else { return ISO8601DateFormatter().string(from: d) }
        return "\(y.zeroPadded(4))-\(m.zeroPadded(2))-\(day.zeroPadded(2))T\((rem / 3600).zeroPadded(2)):\((rem / 60 % 60).zeroPadded(2)):\((rem % 60).zeroPadded(2))Z"
    }

    /// When a password was set, with a random tail: two changes in the same second still
    /// differ, so a session begun before the second one ends.
    static func passwordStamp() -> String { stamp() + " " + String(UInt64.random(in: 0...UInt64.max), radix: 16) }

    // MARK: accounts

    /// Adds an account; the name is unique whatever its case.
    @discardableResult
    public func addAccount(name: String, passwordHash: String, role: Account.Role, unitCode: String?, mustChange: Bool = false) throws -> Int64 {
        try explained {
            try pool.write { db in
                if try Int.fetchOne(db, sql: "SELECT 1 FROM account WHERE name = ?", arguments: [name]) != nil {
                    throw StoreError(path: path, message: "an account named \(name) exists", messageVI: "đã có tài khoản tên \(name)")
                }
                let now = Store.stamp()
                try db.execute(sql: """
                    INSERT INTO account (name, password_hash, role, unit_code, created_at, password_changed_at, must_change_password)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [name, passwordHash, role.rawValue, unitCode, now, Store.passwordStamp(), mustChange ? 1 : 0])
                return db.lastInsertedRowID
            }
        }
    }

    static func accountFrom(_ r: GRDB.Row) -> Account {
        Account(id: r["id"], name: r["name"], passwordHash: r["password_hash"], role: Account.Role(rawValue: r["role"]) ?? .unit,
                unitCode: r["unit_code"], disabled: (r["disabled"] as Int) != 0, passwordStamp: r["password_changed_at"],
                mustChangePassword: ((r["must_change_password"] as Int?) ?? 0) != 0)
    }

    public func account(named name: String) throws -> Account? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM account WHERE name = ?", arguments: [name]).map(Store.accountFrom) }
    }

    public func account(id: Int64) throws -> Account? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [id]).map(Store.accountFrom) }
    }

    public func accounts() throws -> [Account] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY role DESC, unit_code, name").map(Store.accountFrom) }
    }

    /// Sets an account's password. Its open sessions end: each session carries the time
    /// the password was set, and the web service refuses a session whose time differs.
    public func setPassword(name: String, passwordHash: String, mustChange: Bool = false) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE account SET password_hash = ?, password_changed_at = ?, must_change_password = ? WHERE name = ?",
                           arguments: [passwordHash, Store.passwordStamp(), mustChange ? 1 : 0, name])
            return db.changesCount == 1
        }
    }

    /// Disables (or enables) an account; a disabled account cannot log in and its open
    /// sessions are refused on their next request.
    public func setDisabled(name: String, _ disabled: Bool) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE account SET disabled = ? WHERE name = ?", arguments: [disabled ? 1 : 0, name])
            return db.changesCount == 1
        }
    }

    // MARK: failed logins

    /// The failures counted under each key (with the time of the last), for the keys given.
    public func loginFailures(keys: [String]) throws -> [String: (failures: Int, last: Date)] {
        try pool.read { db in
            var out: [String: (failures: Int, last: Date)] = [:]
            for k in keys {
                if let r = try Row.fetchOne(db, sql: "SELECT failures, last_at FROM login_failure WHERE key = ?", arguments: [k]) {
                    out[k] = (r[0], Date(timeIntervalSince1970: r[1]))
                }
            }
            return out
        }
    }

    /// One more failure under each key; a count whose last failure is older than `forget`
    /// starts again from one.
    public func addLoginFailure(keys: [(key: String, name: String?)], now: Date = Date(), forget: TimeInterval) throws {
        try pool.write { db in
            let t = now.timeIntervalSince1970
            for (k, name) in keys {
                try db.execute(sql: """
                    INSERT INTO login_failure (key, name, failures, last_at) VALUES (?, ?, 1, ?)
                    ON CONFLICT(key) DO UPDATE SET failures = CASE WHEN ? - last_at > ? THEN 1 ELSE failures + 1 END, last_at = excluded.last_at
                    """, arguments: [k, name, t, t, forget])
            }
        }
    }

    /// An account name as failed logins are counted under it: composed (NFC), lower-cased
    /// ("Đ" and "đ" alike, which SQLite's NOCASE does not do), at most 100 characters.
    public static func loginName(_ name: String) -> String {
        String(name.precomposedStringWithCanonicalMapping.lowercased().prefix(100))
    }

    public func clearLoginFailures(keys: [String]) throws {
        try pool.write { db in
            for k in keys { try db.execute(sql: "DELETE FROM login_failure WHERE key = ?", arguments: [k]) }
        }
    }

    /// Forgets every failed login counted against an account name (`tonghop user unlock`);
    /// the number of entries removed. Names are counted composed (NFC) and lower-cased,
    /// as `Store.loginName` makes them.
    public func unlockLogin(name: String) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM login_failure WHERE name = ?", arguments: [Store.loginName(name)])
            return db.changesCount
        }
    }

    // MARK: sessions (the key/value table behind the web service's session cookies)

    public func sessionSet(key: String, value: Data, expires: Date?) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO web_session (key_hash, value, expires) VALUES (?, ?, ?)",
                           arguments: [Store.sha256(Data(key.utf8)), value, expires?.timeIntervalSince1970])
        }
    }

    public func sessionCreate(key: String, value: Data, expires: Date?) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO web_session (key_hash, value, expires) VALUES (?, ?, ?)",
                           arguments: [Store.sha256(Data(key.utf8)), value, expires?.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    /// The value and its expiry; an expired entry is gone.
    public func sessionGet(key: String, now: Date = Date()) throws -> (Data, Date?)? {
        try pool.read { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT value, expires FROM web_session WHERE key_hash = ?",
                                           arguments: [Store.sha256(Data(key.utf8))]) else { return nil }
            let exp = (r["expires"] as Double?).map { Date(timeIntervalSince1970: $0) }
            if let exp, exp <= now { return nil }
            return (r["value"], exp)
        }
    }

    public func sessionRemove(key: String) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE key_hash = ?", arguments: [Store.sha256(Data(key.utf8))])
        }
    }

    public func sessionPurge(now: Date = Date()) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE expires IS NOT NULL AND expires <= ?", arguments: [now.timeIntervalSince1970])
        }
    }

    // MARK: uploads

    static let findingsEncoder: JSONEncoder = { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }()

    /// Keeps an uploaded file with the findings it was shown with.
    public func addUpload(account: Int64, unitCode: String, templateID: String, period: String?, fileName: String, kind: String,
                          content: Data, findings: [Finding]) throws -> Int64 {
        let json = String(decoding: try Store.findingsEncoder.encode(findings), as: UTF8.self)
        return try explained {
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO upload (account_id, unit_code, template_id, period, file_name, kind, sha256, size, content, uploaded_at,
                                        errors, warnings, infos, findings_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [account, unitCode, templateID, period, fileName, kind, Store.sha256(content), content.count, content,
                                     Store.stamp(), findings.filter { $0.severity == .error }.count,
                                     findings.filter { $0.severity == .warning }.count, findings.filter { $0.severity == .info }.count, json])
                return db.lastInsertedRowID
            }
        }
    }

    static func uploadFrom(_ r: GRDB.Row) -> Upload {
        let findings = (r["findings_json"] as String?).flatMap { try? JSONDecoder().decode([Finding].self, from: Data($0.utf8)) } ?? []
        return Upload(id: r["id"], accountID: r["account_id"], unitCode: r["unit_code"], templateID: r["template_id"], period: r["period"],
                      fileName: r["file_name"], kind: r["kind"], sha256: r["sha256"], size: r["size"], uploadedAt: r["uploaded_at"],
                      errors: r["errors"], warnings: r["warnings"], infos: r["infos"], findings: findings,
                      submissionID: r["submission_id"], submittedAt: r["submitted_at"])
    }

    public func upload(id: Int64) throws -> Upload? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM upload WHERE id = ?", arguments: [id]).map(Store.uploadFrom) }
    }

    public func uploadContent(id: Int64) throws -> Data? {
        try pool.read { db in try Data.fetchOne(db, sql: "SELECT content FROM upload WHERE id = ?", arguments: [id]) }
    }

    /// A unit's uploads, newest first (without their findings' text).
    public func uploads(unit: String, template: String, limit: Int = 50) throws -> [Upload] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, account_id, unit_code, template_id, period, file_name, kind, sha256, size, uploaded_at, errors, warnings, infos,
                       NULL AS findings_json, submission_id, submitted_at
                FROM upload WHERE unit_code = ? AND template_id = ? ORDER BY id DESC LIMIT ?
                """, arguments: [unit, template, limit]).map(Store.uploadFrom)
        }
    }

    /// Bytes of uploaded files kept and not submitted: one unit's, or everyone's (nil).
    /// A submitted file's figures are in the store; what fills a quota is what was not.
    public func pendingUploadBytes(unit: String?) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT coalesce(sum(length(content)), 0) FROM upload WHERE submitted_at IS NULL AND (? IS NULL OR unit_code = ?)",
                             arguments: [unit, unit]) ?? 0
        }
    }

    /// Bytes of every uploaded file kept.
    public func keptUploadBytes() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT coalesce(sum(length(content)), 0) FROM upload") ?? 0 }
    }

    /// Uploads older than `before`: one never submitted is removed; a submitted one keeps
    /// its record (what was submitted, when, its findings) without the file's bytes.
    /// Returns how many were removed and how many emptied.
    @discardableResult
    public func purgeUploads(before: Date) throws -> (removed: Int, emptied: Int) {
        let cutoff = Store.stamp(before)
        return try pool.write { db in
            try db.execute(sql: "DELETE FROM upload WHERE submitted_at IS NULL AND uploaded_at < ?", arguments: [cutoff])
            let removed = db.changesCount
            try db.execute(sql: "UPDATE upload SET content = X'' WHERE submitted_at IS NOT NULL AND uploaded_at < ? AND length(content) > 0",
                           arguments: [cutoff])
            return (removed, db.changesCount)
        }
    }

    public func uploadCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM upload") ?? 0 }
    }

    public func markSubmitted(upload: Int64, submission: Int64?) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE upload SET submission_id = ?, submitted_at = ? WHERE id = ?",
                           arguments: [submission, Store.stamp(), upload])
        }
    }

    /// The id of the current submission of a unit and period.
    public func currentSubmissionID(template: String, unit: String, period: String) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM submission WHERE template_id = ? AND unit_code = ? AND period = ? AND is_current = 1",
                               arguments: [template, unit, period])
        }
    }

    // MARK: history and returns

    /// Every revision of a unit's submissions (all periods, or one), newest first, with the
    /// province's returns.
    public func history(template: String, unit: String, period: String? = nil) throws -> [SubmissionRecord] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, unit_code, period, file_name, imported_at, revision, is_current, warnings FROM submission
                WHERE template_id = ? AND unit_code = ? AND (? IS NULL OR period = ?) ORDER BY period DESC, revision DESC
                """, arguments: [template, unit, period, period])
            var returns: [Int64: [(String, String, String)]] = [:]
            if try db.tableExists("submission_return") {
                for r in try Row.fetchAll(db, sql: """
                    SELECT r.submission_id, r.account, r.at, r.comment FROM submission_return r JOIN submission s ON s.id = r.submission_id
                    WHERE s.template_id = ? AND s.unit_code = ? ORDER BY r.id
                    """, arguments: [template, unit]) {
                    returns[r[0], default: []].append((r[1], r[2], r[3]))
                }
            }
            return rows.map { r in
                SubmissionRecord(id: r["id"], unitCode: r["unit_code"], period: r["period"], fileName: r["file_name"], importedAt: r["imported_at"],
                                 revision: r["revision"], current: (r["is_current"] as Int) == 1, warnings: r["warnings"],
                                 returned: (returns[r["id"]] ?? []).map { (account: $0.0, at: $0.1, comment: $0.2) })
            }
        }
    }

    /// The values of one stored submission (any revision), in the order stored.
    public func values(submission id: Int64) throws -> [(indicator: String, column: String, value: StoredValue)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.indicator, v.column_key, v.kind, v.number, v.number2, v.strict, v.symbol, v.written, v.sheet, v.cell
                FROM value v WHERE v.submission_id = ?
                """, arguments: [id]).map { r in
                (r[0], r[1], StoredValue(value: Store.decode(kind: r[2], number: r[3], number2: r[4], strict: r[5], symbol: r[6]),
                                         written: r[7], sheet: r[8], cell: r[9]))
            }
        }
    }

    public func submissionUnit(id: Int64) throws -> (template: String, unit: String, period: String, current: Bool)? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT template_id, unit_code, period, is_current FROM submission WHERE id = ?", arguments: [id])
                .map { ($0[0], $0[1], $0[2], ($0[3] as Int) == 1) }
        }
    }

    /// The province returns a submission to its unit with a comment: the figures stay
    /// (they are the unit's latest) until the unit submits a new revision.
    public func returnSubmission(id: Int64, account: String, comment: String) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO submission_return (submission_id, account, at, comment) VALUES (?, ?, ?, ?)",
                           arguments: [id, account, Store.stamp(), comment])
        }
    }

    /// The latest return of each unit's current submission for a period.
    public func openReturns(template: String, period: String) throws -> [String: (account: String, at: String, comment: String)] {
        try pool.read { db in
            guard try db.tableExists("submission_return") else { return [:] }
            var out: [String: (account: String, at: String, comment: String)] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT s.unit_code, r.account, r.at, r.comment FROM submission_return r JOIN submission s ON s.id = r.submission_id
                WHERE s.template_id = ? AND s.period = ? AND s.is_current = 1 ORDER BY r.id
                """, arguments: [template, period]) {
                out[r[0] as String] = (r[1], r[2], r[3])
            }
            return out
        }
    }

    // MARK: audit

    public func audit(account: String?, action: String, detail: String? = nil, remote: String? = nil) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO audit (at, account, action, detail, remote) VALUES (?, ?, ?, ?, ?)",
                           arguments: [Store.stamp(), account, action, detail, remote])
        }
    }

    public func auditLog(limit: Int = 200) throws -> [(at: String, account: String?, action: String, detail: String?, remote: String?)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT at, account, action, detail, remote FROM audit ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map { ($0[0], $0[1], $0[2], $0[3], $0[4]) }
        }
    }

    /// A page of the audit log, newest first, filtered by account name (exact, any case)
    /// and action; and the number of entries the filter matches.
    public func auditEntries(account: String? = nil, action: String? = nil, limit: Int = 50, offset: Int = 0) throws
        -> (entries: [(at: String, account: String?, action: String, detail: String?, remote: String?)], total: Int) {
        try pool.read { db in
            let filter = "WHERE (? IS NULL OR account = ? COLLATE NOCASE) AND (? IS NULL OR action = ?)"
            let args: StatementArguments = [account, account, action, action]
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit \(filter)", arguments: args) ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT at, account, action, detail, remote FROM audit \(filter) ORDER BY id DESC LIMIT ? OFFSET ?",
                                        arguments: args + [limit, offset])
            return (rows.map { ($0[0], $0[1], $0[2], $0[3], $0[4]) }, total)
        }
    }

    /// The actions the audit log holds, for a filter's choices.
    public func auditActions() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT action FROM audit ORDER BY action") }
    }

    // MARK: backup

    /// A consistent copy of the store while it is in use (SQLite's online backup), written
    /// to a temporary file beside the destination and renamed over it.
    public func backup(to destination: String) throws {
        let tmp = destination + ".tmp-\(getpid())"
        unlink(tmp)
        do {
            let target = try DatabaseQueue(path: tmp)
            try pool.backup(to: target)
            let check = try target.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
            try target.close()
            guard check == "ok" else {
                unlink(tmp)
                throw StoreError(path: destination, message: "the copy failed its integrity check (\(check))",
                                 messageVI: "bản sao không qua kiểm tra toàn vẹn (\(check))")
            }
            guard rename(tmp, destination) == 0 else {
                let err = String(cString: strerror(errno))
                unlink(tmp)
                throw StoreError(path: destination, message: "cannot write the copy: \(err)", messageVI: "không ghi được bản sao: \(err)")
            }
        } catch let e as DatabaseError {
            unlink(tmp)
            let (en, vi) = Store.explain(e)
            throw StoreError(path: destination, message: "backup failed: \(en)", messageVI: "sao lưu không thành công: \(vi)")
        }
    }
}
