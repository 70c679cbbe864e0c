import Foundation
import TongHop

/// The year-end estimate and on-track call added to `scorecard` for 6- and 9-month periods
/// (``YearEndForecast``): a text section after the scorecard, a `year_end` member in its JSON.
enum ScorecardYearEnd {
    static func forecast(_ d: SummaryData, _ q: ReportQuery) -> YearEndForecast? {
        guard case .months(let m) = d.period.span, m == 6 || m == 9,
              let s = try? Store(path: q.store.db, mode: .readOnly) else { return nil }
        return try? YearEndForecast.load(template: d.template, period: d.period, store: s)
    }

    static func text(_ d: SummaryData, _ q: ReportQuery, _ lang: Language) -> String {
        forecast(d, q)?.text(lang) ?? ""
    }

    /// The scorecard's JSON object with `"year_end"` added as its last member.
    static func json(_ scorecard: String, _ d: SummaryData, _ q: ReportQuery) -> String {
        guard let f = forecast(d, q) else { return scorecard }
        var s = scorecard
        while let last = s.last, last.isWhitespace { s.removeLast() }
        guard s.last == "}" else { return scorecard }
        s.removeLast()
        return s + ",\n" + f.jsonMember(q.common.language) + "}\n"
    }
}
