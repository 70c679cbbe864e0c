import Foundation
import GRDB
import GRDBSQLite
import SheetIO

/// A current submission as stored.
public struct StoredSubmission: Sendable {
    public var id: Int64
    public var unitCode: String
    public var period: String
    public var templateVersion: Int
    public var fileName: String
    public var importedAt: String
    public var revision: Int
    public var warnings: Int
    public var infos: Int
}

/// One stored value with where it came from.
public struct StoredValue: Sendable {
    public var value: ReportedValue
    public var written: String
    public var sheet: String?
    public var cell: String
}

extension Store {
    /// The current submissions of a template and period.
    public func currentSubmissions(template: String, period: Period) throws -> [StoredSubmission] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, unit_code, period, template_version, file_name, imported_at, revision, warnings, infos
                FROM submission WHERE template_id = ? AND period = ? AND is_current = 1 ORDER BY unit_code
                """, arguments: [template, period.description]).map {
                StoredSubmission(id: $0["id"], unitCode: $0["unit_code"], period: $0["period"], templateVersion: $0["template_version"],
                                 fileName: $0["file_name"], importedAt: $0["imported_at"], revision: $0["revision"],
                                 warnings: $0["warnings"], infos: $0["infos"])
            }
        }
    }

    /// Every value of the current submissions: unit → indicator → column → value.
    public func currentValues(template: String, period: Period) throws -> [String: [String: [String: StoredValue]]] {
        try pool.read { db in
            var out: [String: [String: [String: StoredValue]]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.unit_code, v.indicator, v.column_key, v.kind, v.number, v.number2, v.strict, v.symbol, v.written, v.sheet, v.cell
                FROM value v JOIN submission s ON s.id = v.submission_id
                WHERE s.template_id = ? AND s.period = ? AND s.is_current = 1
                """, arguments: [template, period.description])
            while let r = try rows.next() {
                let v = Store.decode(kind: r[3], number: r[4], number2: r[5], strict: r[6], symbol: r[7])
                out[r[0] as String, default: [:]][r[1] as String, default: [:]][r[2] as String] =
                    StoredValue(value: v, written: r[8], sheet: r[9], cell: r[10])
            }
            return out
        }
    }

    /// The values of the current submissions for consolidation: unit → indicator → column.
    public func currentReportedValues(template: String, period: Period) throws -> [String: [String: [String: ReportedValue]]] {
        var out: [String: [String: [String: ReportedValue]]] = [:]
        // Rows come grouped by unit and indicator: fill one unit's table at a time.
        var unit = "", table: [String: [String: ReportedValue]] = [:]
        try eachCurrentValue(template: template, period: period) { u, ind, col, v in
            if u != unit {
                if !unit.isEmpty { out[unit] = table }
                unit = u
                table = [:]
                table.reserveCapacity(64)
            }
            table[ind, default: [:]][col] = v
        }
        if !unit.isEmpty { out[unit] = table }
        return out
    }

    /// The same values straight into a ``ValueGrid`` (the summary's way: no nested tables
    /// of 420,000 values held beside the grid).
    public func currentValueGrid(template: Template, period: Period, columns: Set<String>? = nil, indicators: Set<String>? = nil) throws -> ValueGrid {
        var grid = ValueGrid(template: template)
        try eachCurrentValue(template: template.id, period: period, columns: columns, indicators: indicators) { grid.set($0, $1, $2, $3) }
        return grid
    }

    /// Every current value of a template and period (unit, indicator, column, value),
    /// grouped by unit and indicator.
    func eachCurrentValue(template: String, period: Period, columns: Set<String>? = nil, indicators: Set<String>? = nil,
                          _ body: (String, String, String, ReportedValue) -> Void) throws {
        try pool.read { db in
            let only = columns.map { $0.sorted() } ?? [], inds = indicators.map { $0.sorted() } ?? []
            let filter = (columns == nil ? "" : " AND v.column_key IN (\(only.map { _ in "?" }.joined(separator: ",")))")
                + (indicators == nil ? "" : " AND v.indicator IN (\(inds.map { _ in "?" }.joined(separator: ",")))")
            let stmt = try db.makeStatement(sql: """
                SELECT s.unit_code, v.indicator, v.column_key, v.kind, v.number, v.number2, v.strict, v.symbol
                FROM value v JOIN submission s ON s.id = v.submission_id
                WHERE s.template_id = ? AND s.period = ? AND s.is_current = 1\(filter)
                ORDER BY s.unit_code, v.indicator
                """)
            try stmt.setArguments(StatementArguments([template, period.description] + only + inds))
            // Half a million rows in a national summary: read through SQLite's C API (GRDB's
            // row subscripts were most of loading them).
            let sp = stmt.sqliteStatement
            defer { sqlite3_reset(sp) }
            func text(_ i: Int32) -> String? { sqlite3_column_text(sp, i).map { String(cString: $0) } }
            func real(_ i: Int32) -> Double? { sqlite3_column_type(sp, i) == SQLITE_NULL ? nil : sqlite3_column_double(sp, i) }
            while true {
                let rc = sqlite3_step(sp)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let strict = sqlite3_column_type(sp, 6) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(sp, 6))
                body(text(0) ?? "", text(1) ?? "", text(2) ?? "",
                     Store.decode(kind: text(3) ?? "", number: real(4), number2: real(5), strict: strict, symbol: text(7)))
            }
        }
    }

    /// Where each current value of a period was read: "unit|indicator|column" →
    /// "[file]sheet!cell" (Excel's own notation), and the current submissions as
    /// (unit, revision, sha256 of the file), for an export to name its sources.
    public func currentValueSources(template: String, period: Period) throws -> (cells: [String: String], revisions: [(unit: String, revision: Int, sha256: String)]) {
        try pool.read { db in
            var cells: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.unit_code, v.indicator, v.column_key, s.file_name, v.sheet, v.cell
                FROM value v JOIN submission s ON s.id = v.submission_id
                WHERE s.template_id = ? AND s.period = ? AND s.is_current = 1
                """, arguments: [template, period.description])
            while let r = try rows.next() {
                let sheet: String = r[4] ?? ""
                let file: String = r[3], cell: String = r[5]
                cells[ExchangeExport.Provenance.key(r[0], r[1], r[2])] = "[\(file)]" + (sheet.isEmpty ? "" : sheet + "!") + cell
            }
            let revisions = try Row.fetchAll(db, sql: """
                SELECT unit_code, revision, sha256 FROM submission WHERE template_id = ? AND period = ? AND is_current = 1 ORDER BY unit_code
                """, arguments: [template, period.description]).map { (unit: $0[0] as String, revision: $0[1] as Int, sha256: $0[2] as String) }
            return (cells, revisions)
        }
    }

    /// Warnings and info kept with the current submissions (errors block an import).
    public func currentFindings(template: String, period: Period) throws -> [(unit: String, file: String, finding: Finding)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.unit_code, s.file_name, f.code, f.severity, f.sheet, f.cell, f.indicator, f.column_key, f.value, f.expected, f.message, f.message_en
                FROM finding f JOIN submission s ON s.id = f.submission_id
                WHERE s.template_id = ? AND s.period = ? AND s.is_current = 1 ORDER BY s.unit_code, f.rowid
                """, arguments: [template, period.description]).map { r in
                var f = Finding(FindingCode(rawValue: r[2]) ?? .unknownCode, file: r[1], sheet: r[4], cell: (r[5] as String?).flatMap { CellRef(a1: $0) },
                                indicator: r[6], column: r[7], value: r[8], expected: r[9], vi: r[10], en: r[11])
                f.code = r[2]
                f.severity = Rule.Severity(rawValue: r[3]) ?? .warning
                return (r[0], r[1], f)
            }
        }
    }

    /// A file refused at import.
    public struct Rejection: Sendable {
        public var unitCode: String
        public var fileName: String
        public var rejectedAt: String
        public var errors: Int
        public var firstError: String
        public var firstErrorEN: String
    }

    /// The latest rejected file of each unit for a template and period (none in a store
    /// made before rejections were recorded).
    public func latestRejections(template: String, period: Period) throws -> [String: Rejection] {
        try pool.read { db in
            guard try db.tableExists("rejection") else { return [:] }
            var out: [String: Rejection] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT unit_code, file_name, rejected_at, errors, first_error, first_error_en FROM rejection
                WHERE template_id = ? AND period = ? AND unit_code IS NOT NULL ORDER BY id
                """, arguments: [template, period.description]) {
                out[r[0] as String] = Rejection(unitCode: r[0], fileName: r[1], rejectedAt: r[2], errors: r[3], firstError: r[4], firstErrorEN: r[5])
            }
            return out
        }
    }

    /// Periods that have submissions for a template, newest first.
    public func periods(template: String) throws -> [Period] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT period FROM submission WHERE template_id = ?", arguments: [template])
        }.compactMap(Period.init).sorted(by: >)
    }

    /// Counts for tests and the status report: all revisions of a unit and period.
    public func revisions(template: String, unit: String, period: Period) throws -> [(revision: Int, current: Bool, supersedes: Int64?)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT revision, is_current, supersedes FROM submission WHERE template_id = ? AND unit_code = ? AND period = ? ORDER BY revision
                """, arguments: [template, unit, period.description]).map { ($0[0], ($0[1] as Int) == 1, $0[2]) }
        }
    }

    /// Runs SQLite's integrity check; returns its report ("ok" when sound).
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }
}

extension Store {
    /// The templates the store has submissions of.
    public func templateIDs() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT template_id FROM submission ORDER BY template_id") }
    }
}
