import Foundation

extension QualityInput {
    /// The period's current values, the same period last year and the earlier periods of
    /// the same span, from the store.
    public static func load(template: Template, period: Period, store: Store) throws -> QualityInput {
        let values = try store.currentReportedValues(template: template.id, period: period)
        let earlier = try store.periods(template: template.id).filter { $0.span == period.span && $0.year < period.year }
        let est = template.estimateColumn?.key ?? "estimate"
        let byPeriod = try store.columnNumbers(template: template.id, column: est, periods: earlier)
        var history: [String: [String: [Double]]] = [:]
        for p in earlier.sorted() {
            for (u, inds) in byPeriod[p] ?? [:] { for (i, x) in inds { history[u, default: [:]][i, default: []].append(x) } }
        }
        return QualityInput(template: template, period: period, values: values, lastYear: byPeriod[period.previous] ?? [:], history: history)
    }
}
