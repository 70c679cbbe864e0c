import Foundation

/// The province's headline indicators over the periods of the store with the summary's
/// span (the summary workbook's "Diễn biến" sheet, issue 24).
///
/// A period's figure is the final one where the store has it: the actual the next
/// period's reports give in their previous-year column ("Thực hiện 2024" in the 2025
/// report), consolidated like any column; else the period's own estimate. A figure that
/// some expected unit left out is no figure (never a partial sum). The province is the
/// same area before and after the 2025 reform, so its line runs across it; a unit's
/// line across the reform is `tonghop series --by-area` (comparable areas).
public struct Trends: Sendable {
    public enum Source: Sendable, Equatable {
        /// The actual in the previous-year column of this later period's reports.
        case final(Period)
        /// The period's own estimate ("ước thực hiện").
        case estimate
        /// The summary's own period (linked to its Tổng hợp sheet).
        case current
    }

    public struct Point: Sendable {
        public var period: Period
        public var value: Double?
        public var source: Source
        /// Expected units without a figure (when `value` is nil for that reason).
        public var missing: Int
    }

    public struct Row: Sendable {
        public var indicator: Indicator
        public var points: [Point]
    }

    public let periods: [Period]
    public let rows: [Row]
    /// Whether the periods straddle a change of the reporting units.
    public let acrossReform: Bool

    /// The periods shown at most (the latest ones).
    public static let maxPeriods = 10
    /// Without `headline: true` in the template: its first planned indicators, at most this many.
    public static let defaultHeadlines = 12

    /// The indicators the sheet charts: those the template marks `headline: true`, else
    /// its first planned indicators.
    public static func headlines(_ t: Template) -> [Indicator] {
        let marked = t.indicators.filter(\.headline)
        return marked.isEmpty ? Array(t.indicators.filter(\.planned).prefix(defaultHeadlines)) : marked
    }

    /// The trends of the summary's headline indicators, or nil when the store holds fewer
    /// than two periods of the span up to `period`. `current` is the summary's own
    /// consolidation (not read again).
    public static func load(template t: Template, period: Period, current: Consolidation, store: Store) throws -> Trends? {
        let all = try store.periods(template: t.id).filter { $0.span == period.span && $0 < period }.sorted()
        let periods = Array(all.suffix(maxPeriods - 1)) + [period]
        guard periods.count >= 2 else { return nil }
        let est = t.estimateColumn?.key ?? "estimate", prev = t.previousColumn?.key
        // Only the two columns and the headline indicators with what they are computed from
        // (a ratio's parts, a growth's level, a mean's weights): a national store holds half
        // a million values a period.
        var needed = Set(headlines(t).map(\.code)), frontier = Array(needed)
        while let code = frontier.popLast() {
            for input in t.indicator(code)?.aggregation.inputs ?? [] where needed.insert(input).inserted { frontier.append(input) }
        }
        var consolidations: [Period: Consolidation] = [period: current]
        for p in periods where p != period {
            let grid = try store.currentValueGrid(template: t, period: p, columns: Set([est] + (prev.map { [$0] } ?? [])), indicators: needed)
            consolidations[p] = Consolidation(template: t, period: p, grid: grid)
        }
        let units = Set(periods.map { p in Set(t.reportingUnits(for: p).map(\.code)) })
        var rows: [Row] = []
        for ind in headlines(t) {
            var points: [Point] = []
            for (i, p) in periods.enumerated() {
                if p == period {
                    let a = current.aggregate(ind.code, est)
                    points.append(Point(period: p, value: a.partial ? nil : a.value, source: .current, missing: a.missing.count))
                    continue
                }
                let next = periods[i + 1]
                if let prev, next.year == p.year + 1, let c = consolidations[next] {
                    let a = c.aggregate(ind.code, prev)
                    if let v = a.value, !a.partial {
                        points.append(Point(period: p, value: v, source: .final(next), missing: 0))
                        continue
                    }
                }
                let a = consolidations[p]!.aggregate(ind.code, est)
                points.append(Point(period: p, value: a.partial ? nil : a.value, source: .estimate, missing: a.missing.count))
            }
            rows.append(Row(indicator: ind, points: points))
        }
        return Trends(periods: periods, rows: rows, acrossReform: units.count > 1)
    }
}
