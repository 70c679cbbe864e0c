import Foundation
import GRDB

/// The store's queries for the quality screening, the year-end estimate and the series.
extension Store {
    /// One column's numbers of the current submissions of every period of a template:
    /// period → unit → indicator → number ("-" counts as 0; symbols, ranges and blanks left out).
    public func columnNumbers(template: String, column: String, periods: [Period]) throws -> [Period: [String: [String: Double]]] {
        guard !periods.isEmpty else { return [:] }
        return try pool.read { db in
            var out: [Period: [String: [String: Double]]] = [:]
            let marks = periods.map { _ in "?" }.joined(separator: ",")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.period, s.unit_code, v.indicator, v.kind, v.number, v.symbol
                FROM value v JOIN submission s ON s.id = v.submission_id
                WHERE s.template_id = ? AND s.is_current = 1 AND v.column_key = ? AND s.period IN (\(marks))
                """, arguments: StatementArguments([template, column] + periods.map(\.description)))
            while let r = try rows.next() {
                guard let p = Period(r[0] as String) else { continue }
                let kind: String = r[3]
                let x: Double?
                if kind == "number" { x = r[4] } else if kind == "symbol", (r[5] as String?) == "-" { x = 0 } else { x = nil }
                guard let x else { continue }
                out[p, default: [:]][r[1] as String, default: [:]][r[2] as String] = x
            }
            return out
        }
    }
}
