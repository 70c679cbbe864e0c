import Foundation
import GRDB
import GRDBSQLite

/// The store's queries for the quality screening, the year-end estimate and the series.
extension Store {
    /// One column's numbers of the current submissions of every period of a template:
    /// period → unit → indicator → number ("-" counts as 0; symbols, ranges and blanks left out).
    public func columnNumbers(template: String, column: String, periods: [Period]) throws -> [Period: [String: [String: Double]]] {
        guard !periods.isEmpty else { return [:] }
        return try pool.read { db in
            var out: [Period: [String: [String: Double]]] = [:]
            let marks = periods.map { _ in "?" }.joined(separator: ",")
            let stmt = try db.makeStatement(sql: """
                SELECT s.period, s.unit_code, v.indicator, v.kind, v.number, v.symbol
                FROM value v JOIN submission s ON s.id = v.submission_id
                WHERE s.template_id = ? AND s.is_current = 1 AND v.column_key = ? AND s.period IN (\(marks))
                ORDER BY s.period, s.unit_code
                """)
            try stmt.setArguments(StatementArguments([template, column] + periods.map(\.description)))
            // Hundreds of thousands of rows over the years: read through SQLite's C API, one
            // unit's table filled at a time (as ``eachCurrentValue``).
            let sp = stmt.sqliteStatement
            defer { sqlite3_reset(sp) }
            func text(_ i: Int32) -> String? { sqlite3_column_text(sp, i).map { String(cString: $0) } }
            var period: Period? = nil, periodText = "", unit = "", table: [String: Double] = [:]
            var units: [String: [String: Double]] = [:]
            func flushUnit() { if !unit.isEmpty { units[unit] = table } }
            func flushPeriod() { flushUnit(); if let period { out[period] = units } }
            while true {
                let rc = sqlite3_step(sp)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let p = text(0) ?? "", u = text(1) ?? ""
                if p != periodText {
                    flushPeriod()
                    periodText = p
                    period = Period(p)
                    units = [:]
                    unit = ""
                }
                if u != unit {
                    flushUnit()
                    unit = u
                    table = [:]
                    table.reserveCapacity(64)
                }
                let kind = text(3) ?? ""
                let x: Double
                if kind == "number", sqlite3_column_type(sp, 4) != SQLITE_NULL { x = sqlite3_column_double(sp, 4) }
                else if kind == "symbol", text(5) == "-" { x = 0 }
                else { continue }
                table[text(2) ?? ""] = x
            }
            flushPeriod()
            return out
        }
    }

    /// One column's numbers of the current submissions of some periods, each handed to
    /// `body` as (index of its period in `periods`, unit, indicator, number), in no
    /// particular order; numbers as ``columnNumbers`` reads them ("-" counts as 0; symbols,
    /// ranges and blanks left out).
    ///
    /// The screening's earlier years are some 800,000 values in a national store (3,321
    /// communes × 49 indicators × 5 years): this is ``columnNumbers`` without the nested
    /// tables, the sort and most of the per-row text. Rows are not ordered (SQLite would
    /// sort them in a temporary B-tree); the join hands them over a submission at a time,
    /// and a row's period and unit are read only when its submission differs from the
    /// previous row's (right in any order, fastest in that one). The kind and symbol are
    /// compared as bytes.
    public func eachColumnNumber(template: String, column: String, periods: [Period],
                                 _ body: (Int, String, String, Double) -> Void) throws {
        guard !periods.isEmpty else { return }
        try pool.read { db in
            let marks = periods.map { _ in "?" }.joined(separator: ",")
            let stmt = try db.makeStatement(sql: """
                SELECT s.id, s.period, s.unit_code, v.indicator, v.kind, v.number, v.symbol
                FROM value v JOIN submission s ON s.id = v.submission_id
                WHERE s.template_id = ? AND s.is_current = 1 AND v.column_key = ? AND s.period IN (\(marks))
                """)
            try stmt.setArguments(StatementArguments([template, column] + periods.map(\.description)))
            let sp = stmt.sqliteStatement
            defer { sqlite3_reset(sp) }
            func text(_ i: Int32) -> String? { sqlite3_column_text(sp, i).map { String(cString: $0) } }
            /// Whether column i holds exactly these bytes (no String made).
            func isText(_ i: Int32, _ s: StaticString) -> Bool {
                guard let p = sqlite3_column_text(sp, i), Int(sqlite3_column_bytes(sp, i)) == s.utf8CodeUnitCount else { return false }
                return memcmp(p, s.utf8Start, s.utf8CodeUnitCount) == 0
            }
            var index: [String: Int] = [:]
            for (k, p) in periods.enumerated() where index[p.description] == nil { index[p.description] = k }
            var submission: Int64? = nil, periodIndex: Int? = nil, unit = ""
            while true {
                let rc = sqlite3_step(sp)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let id = sqlite3_column_int64(sp, 0)
                if id != submission {
                    submission = id
                    periodIndex = text(1).flatMap { index[$0] }
                    unit = text(2) ?? ""
                }
                guard let k = periodIndex else { continue }
                let x: Double
                if isText(4, "number"), sqlite3_column_type(sp, 5) != SQLITE_NULL { x = sqlite3_column_double(sp, 5) }
                else if isText(4, "symbol"), isText(6, "-") { x = 0 }
                else { continue }
                body(k, unit, text(3) ?? "", x)
            }
        }
    }

    /// The given columns' values, as written (numbers, bounds, ranges, symbols), of the current
    /// submissions of some periods of a template, each handed to `body` as (period, unit,
    /// indicator, column, value) — not held as tables (a national period's plans are some
    /// 110,000 values). The screening reads the plan columns of a unit's earlier reports of
    /// the same year with it (a plan "Trên 98" is compared as written, not as a number).
    public func eachColumnValue(template: String, columns: [String], periods: [Period],
                                _ body: (Period, String, String, String, ReportedValue) -> Void) throws {
        guard !periods.isEmpty, !columns.isEmpty else { return }
        try pool.read { db in
            let pMarks = periods.map { _ in "?" }.joined(separator: ","), cMarks = columns.map { _ in "?" }.joined(separator: ",")
            let stmt = try db.makeStatement(sql: """
                SELECT s.period, s.unit_code, v.indicator, v.column_key, v.kind, v.number, v.number2, v.strict, v.symbol
                FROM value v JOIN submission s ON s.id = v.submission_id
                WHERE s.template_id = ? AND s.is_current = 1 AND v.column_key IN (\(cMarks)) AND s.period IN (\(pMarks))
                """)
            try stmt.setArguments(StatementArguments([template] + columns + periods.map(\.description)))
            let sp = stmt.sqliteStatement
            defer { sqlite3_reset(sp) }
            func text(_ i: Int32) -> String? { sqlite3_column_text(sp, i).map { String(cString: $0) } }
            func real(_ i: Int32) -> Double? { sqlite3_column_type(sp, i) == SQLITE_NULL ? nil : sqlite3_column_double(sp, i) }
            var byText: [String: Period] = [:]
            while true {
                let rc = sqlite3_step(sp)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let pt = text(0) ?? ""
                guard let p = byText[pt] ?? Period(pt) else { continue }
                byText[pt] = p
                let strict = sqlite3_column_type(sp, 7) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(sp, 7))
                body(p, text(1) ?? "", text(2) ?? "", text(3) ?? "",
                     Store.decode(kind: text(4) ?? "", number: real(5), number2: real(6), strict: strict, symbol: text(8)))
            }
        }
    }
}
