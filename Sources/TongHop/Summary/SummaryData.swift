import Foundation
import SheetIO

/// Who reported for a period, against who should have.
public struct UnitStatus: Sendable {
    public var unit: ReportingUnit
    public var submission: StoredSubmission?
    /// The latest file of the unit refused at import, when it came after the current
    /// submission (or there is none): the unit did send something.
    public var rejection: Store.Rejection?
    public var received: Bool { submission != nil }
    /// The period's deadline ("YYYY-MM-DD"), when the template sets one.
    public var deadline: String? = nil
    /// Days past the deadline: of the accepted file's import (local date), or of today
    /// for a unit that has not reported; nil when on time or without a deadline.
    public var daysLate: Int? = nil

    /// Days from the deadline to a local date (both "YYYY-MM-DD"); positive: late.
    /// Calendar arithmetic on the numbers (no formatter per unit: 3,321 units a summary).
    static func days(from deadline: String, to day: String) -> Int? {
        guard let a = dayNumber(deadline), let b = dayNumber(day) else { return nil }
        return b - a
    }

    /// Days since 1970-01-01 of a "YYYY-MM-DD" date (proleptic Gregorian).
    static func dayNumber(_ ymd: String) -> Int? {
        let p = ymd.split(separator: "-")
        guard p.count == 3, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]) else { return nil }
        return dayNumber(y: y, m: m, d: d)
    }

    /// Days since 1970-01-01 of a year, month and day (nil for a month or day out of range).
    static func dayNumber(y y0: Int, m: Int, d: Int) -> Int? {
        guard (1...12).contains(m), (1...31).contains(d) else { return nil }
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// "2024-12-15" → "15/12/2024".
    public static func vietDate(_ ymd: String) -> String {
        let p = ymd.split(separator: "-")
        return p.count == 3 ? "\(p[2])/\(p[1])/\(p[0])" : ymd
    }

    /// The local date ("YYYY-MM-DD", Asia/Ho_Chi_Minh, UTC+7 all year) of a stored ISO
    /// 8601 UTC time ("2026-11-26T02:34:12Z"), or of now.
    static func localDay(_ iso: String?) -> String {
        let utc = iso ?? Store.stamp()
        let dayPart = String(utc.prefix(10))
        guard utc.count >= 13, let hour = Int(utc.dropFirst(11).prefix(2)), let n = dayNumber(dayPart) else { return dayPart }
        return hour + 7 >= 24 ? date(fromDayNumber: n + 1) : dayPart
    }

    static func date(fromDayNumber n: Int) -> String {
        let (y, m, d) = civil(n)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// Year, month and day of a day number (Howard Hinnant's algorithm).
    static func civil(_ n: Int) -> (Int, Int, Int) {
        let z = n + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// "26/11/2026 09:14" in Asia/Ho_Chi_Minh, from a stored ISO 8601 UTC time.
    public static func localTime(_ iso: String) -> String {
        fastLocalTime(iso) ?? foundationLocalTime(iso) ?? iso
    }
}

extension UnitStatus {
    /// The stored form ("2026-11-26T02:14:05Z", what `ISO8601DateFormatter` writes) read
    /// by hand: Vietnam has kept UTC+7 without summer time since 1975, and a formatter
    /// per call was a tenth of writing the national summary's status sheet. Anything else
    /// (another form, an earlier year, an impossible date) takes Foundation's way.
    static func fastLocalTime(_ iso: String) -> String? {
        let b = Array(iso.utf8)
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard b[i] >= 48 && b[i] <= 57 else { return nil }; v = v * 10 + Int(b[i] - 48) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), let h = num(11..<13), let mi = num(14..<16), let s = num(17..<19),
              y >= 1976, y <= 9000, h < 24, mi < 60, s < 60 else { return nil }
        guard var days = dayNumber(y: y, m: m, d: d), civil(days) == (y, m, d) else { return nil }   // 30 February and the like
        var hour = h + 7
        if hour >= 24 { hour -= 24; days += 1 }
        let (ly, lm, ld) = civil(days)
        return "\(ld.zeroPadded(2))/\(lm.zeroPadded(2))/\(ly) \(hour.zeroPadded(2)):\(mi.zeroPadded(2))"
    }

    /// Foundation's reading (any ISO 8601 form; the test checks the two agree).
    static func foundationLocalTime(_ iso: String) -> String? {
        guard let d = ISO8601DateFormatter().date(from: iso) else { return nil }
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Ho_Chi_Minh")!, from: d)
        return String(format: "%02d/%02d/%04d %02d:%02d", c.day!, c.month!, c.year!, c.hour!, c.minute!)
    }
}

/// Attainment against one plan.
public struct PlanScore: Sendable {
    public var key: String
    /// "KH tỉnh giao", "NQ HĐND".
    public var name: String
    public var assessed: Int = 0
    public var met: Int = 0
    public var lagging: [Indicator] = []
}

/// One unit's plan attainment: against the primary plan (the province's assignment), and
/// against each plan when the template has several.
public struct Scorecard: Sendable {
    public var unit: ReportingUnit?   // nil: the province
    public var assessed: Int
    public var met: Int
    public var lagging: [Indicator]
    public var rank: Int = 0
    /// Every plan, the primary first (its figures are those above).
    public var plans: [PlanScore] = []
    public var share: Double { assessed == 0 ? 0 : Double(met) / Double(assessed) }

    /// "16/33 chỉ tiêu đạt và vượt kế hoạch"; with several plans "16/33 chỉ tiêu đạt và
    /// vượt KH tỉnh giao; 15/35 đạt và vượt NQ HĐND" — each with its own denominator.
    public func headline(_ lang: Language) -> String {
        guard plans.count > 1 else {
            return lang == .vi ? "\(met)/\(assessed) chỉ tiêu đạt và vượt kế hoạch" : "\(met)/\(assessed) indicators met or beat the plan"
        }
        return plans.enumerated().map { i, p in
            lang == .vi ? "\(p.met)/\(p.assessed) \(i == 0 ? "chỉ tiêu " : "")đạt và vượt \(p.name)"
                        : "\(p.met)/\(p.assessed) \(i == 0 ? "indicators " : "")met or beat \(p.name)"
        }.joined(separator: "; ")
    }
}

/// Everything the summary outputs show, computed once.
public struct SummaryData: Sendable {
    public let template: Template
    public let period: Period
    public let consolidation: Consolidation
    public let status: [UnitStatus]
    public let scorecards: [Scorecard]
    public let provinceScore: Scorecard
    public let findings: [(unit: String, file: String, finding: Finding)]
    /// The anomaly follow-ups that hold for the values stored now (issue 24), by unit.
    public var followUps: [FollowUp] = []
    /// The headline indicators over the store's periods of this span (the "Diễn biến" sheet).
    public var trends: Trends? = nil
    /// For a 6- or 9-month period: the year-end estimate and on-track call (the "Ước cả năm" sheet).
    public var yearEnd: YearEndForecast? = nil
    public let generatedAt: Date

    /// The units that report, in order: leaves, then the province part.
    public var reportingUnits: [ReportingUnit] { consolidation.leaves + (consolidation.provincePart.map { [$0] } ?? []) }

    public var completeness: Double {
        status.isEmpty ? 0 : Double(status.filter(\.received).count) / Double(status.count)
    }

    public static func load(template t: Template, period p: Period, store: Store, now: Date = Date()) throws -> SummaryData {
        let subs = try store.currentSubmissions(template: t.id, period: p)
        let grid = try store.currentValueGrid(template: t, period: p)
        var d = SummaryData(template: t, period: p, grid: grid, submissions: subs,
                            findings: try store.currentFindings(template: t.id, period: p),
                            rejections: try store.latestRejections(template: t.id, period: p), now: now)
        d.followUps = try store.currentFollowUps(template: t, period: p).values.map(\.latest)
            .sorted { ($0.unit, t.indicatorIndex[$0.indicator] ?? 0, $0.column) < ($1.unit, t.indicatorIndex[$1.indicator] ?? 0, $1.column) }
        d.trends = try Trends.load(template: t, period: p, current: d.consolidation, store: store)
        d.yearEnd = try YearEndForecast.load(template: t, period: p, store: store, current: d.consolidation)
        return d
    }

    public init(template t: Template, period p: Period, grid: ValueGrid,
                submissions: [StoredSubmission], findings: [(unit: String, file: String, finding: Finding)],
                rejections: [String: Store.Rejection] = [:], now: Date = Date()) {
        template = t
        period = p
        generatedAt = now
        let c = Consolidation(template: t, period: p, grid: grid)
        consolidation = c
        let byUnit = Dictionary(submissions.map { ($0.unitCode, $0) }, uniquingKeysWith: { a, _ in a })
        var expected = c.leaves
        if let part = c.provincePart, !t.indicators(for: part).isEmpty { expected.append(part) }
        status = expected.map { u in
            let sub = byUnit[u.code], rej = rejections[u.code]
            let later = rej.map { r in sub.map { r.rejectedAt > $0.importedAt } ?? true } ?? false
            var st = UnitStatus(unit: u, submission: sub, rejection: later ? rej : nil)
            if let due = t.deadline(for: p) {
                st.deadline = due
                let late = UnitStatus.days(from: due, to: UnitStatus.localDay(sub?.importedAt)) ?? 0
                st.daysLate = late > 0 ? late : nil
            }
            return st
        }
        self.findings = findings
        // Scorecards: each unit's own estimate against its own plan.
        let est = t.estimateColumn?.key ?? ""
        var cards: [Scorecard] = []
        for u in expected where byUnit[u.code] != nil {
            var card = Scorecard(unit: u, assessed: 0, met: 0, lagging: [])
            for pc in t.planColumns {
                var ps = PlanScore(key: pc.key, name: pc.planName)
                for ind in t.indicators(for: u) where t.plan(pc, covers: ind) {
                    let e = grid[u.code, ind.code, est].number
                    let pl = grid[u.code, ind.code, pc.key]
                    switch Attainment.assess(estimate: e, plan: pl, direction: ind.direction) {
                    case .met: ps.assessed += 1; ps.met += 1
                    case .notMet: ps.assessed += 1; ps.lagging.append(ind)
                    case .notAssessed: break
                    }
                }
                card.plans.append(ps)
            }
            if let primary = card.plans.first { card.assessed = primary.assessed; card.met = primary.met; card.lagging = primary.lagging }
            cards.append(card)
        }
        // Rank by share met, then by count; equal results share a rank. The province-managed
        // part is shown apart and never ranked among the units (rank 0).
        let ranked = cards.indices.filter { cards[$0].unit?.level != .provincePart }.sorted { cards[$0].share != cards[$1].share ? cards[$0].share > cards[$1].share : cards[$0].met > cards[$1].met }
        for (position, i) in ranked.enumerated() {
            if position > 0, case let before = cards[ranked[position - 1]], before.share == cards[i].share && before.met == cards[i].met {
                cards[i].rank = before.rank
            } else {
                cards[i].rank = position + 1
            }
        }
        scorecards = cards
        // The province: aggregated estimate against aggregated plan.
        var prov = Scorecard(unit: nil, assessed: 0, met: 0, lagging: [])
        for pc in t.planColumns {
            var ps = PlanScore(key: pc.key, name: pc.planName)
            for ind in t.indicators where t.plan(pc, covers: ind) {
                let e = c.aggregate(ind.code, est).value
                let pv = c.aggregate(ind.code, pc.key).value
                switch Attainment.assess(estimate: e, plan: pv.map { .number($0) } ?? .empty, direction: ind.direction) {
                case .met: ps.assessed += 1; ps.met += 1
                case .notMet: ps.assessed += 1; ps.lagging.append(ind)
                case .notAssessed: break
                }
            }
            prov.plans.append(ps)
        }
        if let primary = prov.plans.first { prov.assessed = primary.assessed; prov.met = primary.met; prov.lagging = primary.lagging }
        provinceScore = prov
    }
}
