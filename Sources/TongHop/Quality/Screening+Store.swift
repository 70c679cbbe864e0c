import Foundation

extension QualityInput {
    /// The period's current values, the same period last year, the earlier periods of
    /// the same span and the plans of the unit's earlier reports of the same year, from
    /// the store.
    public static func load(template: Template, period: Period, store: Store) throws -> QualityInput {
        let values = try store.currentReportedValues(template: template.id, period: period)
        let stored = try store.periods(template: template.id)
        let earlier = stored.filter { $0.span == period.span && $0.year < period.year }
        // The year's plan in the same unit's earlier reports of the year: the latest report
        // that gave one wins (a plan adjusted at 6 months and repeated at 9 is the 9-month one).
        let sameYear = stored.filter { QualityInput.earlierInYear($0, than: period) }.sorted()
        var earlierPlans: [String: [String: [String: EarlierPlan]]] = [:]
        let planKeys = template.planColumns.map(\.key)
        let planValues = try store.columnValues(template: template.id, columns: planKeys, periods: sameYear)
        for p in sameYear {
            for (u, inds) in planValues[p] ?? [:] {
                for (i, cols) in inds {
                    for (c, v) in cols where Screening.isWrittenPlan(v) {
                        earlierPlans[u, default: [:]][i, default: [:]][c] = EarlierPlan(period: p, value: v)
                    }
                }
            }
        }
        let est = template.estimateColumn?.key ?? "estimate"
        let byPeriod = try store.columnNumbers(template: template.id, column: est, periods: earlier)
        var history: [String: [String: [Double]]] = [:]
        for p in earlier.sorted() {
            for (u, inds) in byPeriod[p] ?? [:] { for (i, x) in inds { history[u, default: [:]][i, default: []].append(x) } }
        }
        return QualityInput(template: template, period: period, values: values, lastYear: byPeriod[period.previous] ?? [:], history: history,
                            earlierPlans: earlierPlans)
    }
}
