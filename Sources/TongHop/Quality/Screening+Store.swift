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
        let sameYear = stored.filter { QualityInput.earlierInYear($0, than: period) }
        var earlierPlans: [String: [String: [String: EarlierPlan]]] = [:]
        try store.eachColumnValue(template: template.id, columns: template.planColumns.map(\.key), periods: sameYear) { p, u, i, c, v in
            guard Screening.isWrittenPlan(v), values[u] != nil else { return }
            if let held = earlierPlans[u]?[i]?[c], held.period > p { return }
            earlierPlans[u, default: [:]][i, default: [:]][c] = EarlierPlan(period: p, value: v)
        }
        // The earlier years' estimates straight into slot arrays, oldest year first (see
        // ``EarlierEstimates``: the national store's 800,000 of them as nested tables were
        // most of the load).
        let est = template.estimateColumn?.key ?? "estimate"
        let ordered = earlier.sorted()
        var past = EarlierEstimates(template: template, values: values)
        past.periods = Array(repeating: Array(repeating: nil, count: past.count), count: ordered.count)
        try store.eachColumnNumber(template: template.id, column: est, periods: ordered) { k, u, i, x in
            if let s = past.slot(u, i) { past.periods[k][s] = x }
        }
        if let k = ordered.firstIndex(of: period.previous) { past.lastYear = past.periods[k] }
        return QualityInput(template: template, period: period, values: values, earlier: past, earlierPlans: earlierPlans)
    }
}
