import Foundation
import GRDB

/// The province's follow-up of an anomaly (issue 24): confirmed correct (with a reason),
/// asked the unit (the question), corrected; and the unit's answer. Every step is a row
/// (nothing is overwritten: the rows are the history), keyed by unit, indicator and
/// column, and by the value it is about: a later revision with the same value keeps the
/// mark, a different value leaves it behind.
public struct FollowUp: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case confirmed, asked, corrected, answered

        public func label(_ lang: Language) -> String {
            switch (self, lang) {
            case (.confirmed, .vi): return "Đã xác nhận đúng"
            case (.asked, .vi): return "Đã hỏi đơn vị"
            case (.corrected, .vi): return "Đã sửa"
            case (.answered, .vi): return "Đơn vị đã trả lời"
            case (.confirmed, .en): return "Confirmed correct"
            case (.asked, .en): return "Asked the unit"
            case (.corrected, .en): return "Corrected"
            case (.answered, .en): return "The unit answered"
            }
        }
    }

    public var id: Int64
    public var unit: String
    public var indicator: String
    public var column: String
    /// The value the step is about (nil: a symbol or no number).
    public var value: Double?
    public var state: State
    /// The reason, the question, or the answer.
    public var note: String
    public var account: String?
    public var at: String

    /// Whether the step is about this value (to a billionth: a value read again from the
    /// same file, or the same figure in a new revision).
    public func isAbout(_ v: Double?) -> Bool {
        switch (value, v) {
        case (nil, nil): return true
        case let (a?, b?): return a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b))
        default: return false
        }
    }

    public static func key(_ unit: String, _ indicator: String, _ column: String) -> String { unit + "|" + indicator + "|" + column }
}

extension Store {
    /// Records a follow-up step; returns its id.
    @discardableResult
    public func addFollowUp(template: String, period: Period, unit: String, indicator: String, column: String, value: Double?,
                            state: FollowUp.State, note: String, account: String?) throws -> Int64 {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO followup (template_id, period, unit_code, indicator, column_key, value, state, note, account, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [template, period.description, unit, indicator, column, value, state.rawValue, note, account, Store.stamp()])
            return db.lastInsertedRowID
        }
    }

    /// Every follow-up step of a period, oldest first (none in a store made before them).
    public func followUps(template: String, period: Period, unit: String? = nil) throws -> [FollowUp] {
        try pool.read { db in
            guard try db.tableExists("followup") else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT id, unit_code, indicator, column_key, value, state, note, account, at FROM followup
                WHERE template_id = ? AND period = ? AND (? IS NULL OR unit_code = ?) ORDER BY id
                """, arguments: [template, period.description, unit, unit]).compactMap { r in
                guard let state = FollowUp.State(rawValue: r[5]) else { return nil }
                return FollowUp(id: r[0], unit: r[1], indicator: r[2], column: r[3], value: r[4], state: state, note: r[6], account: r[7], at: r[8])
            }
        }
    }

    /// The follow-up that holds now for each (unit, indicator, column): the latest step
    /// about the value stored now (`current` gives it; a key whose value changed since its
    /// last step has none), with the steps before it.
    public func currentFollowUps(template: Template, period: Period) throws -> [String: (latest: FollowUp, history: [FollowUp])] {
        let steps = try followUps(template: template.id, period: period)
        guard !steps.isEmpty else { return [:] }
        let values = try currentReportedValues(template: template.id, period: period)
        var out: [String: (latest: FollowUp, history: [FollowUp])] = [:]
        var byKey: [String: [FollowUp]] = [:]
        for s in steps { byKey[FollowUp.key(s.unit, s.indicator, s.column), default: []].append(s) }
        for (k, list) in byKey {
            let s = list.last!
            let now = values[s.unit]?[s.indicator]?[s.column]?.number
            guard s.isAbout(now) else { continue }
            out[k] = (s, list.filter { $0.isAbout(now) })
        }
        return out
    }
}
