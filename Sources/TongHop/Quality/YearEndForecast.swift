import Foundation

/// The year-end estimate of a 6- or 9-month report and whether the year's plan will be met.
///
/// A flow indicator's full-year figure is the cumulative figure divided by the share those
/// months had of the year in earlier years — the unit's own shares when it has at least
/// two earlier years with both figures, else the province's (pooled over its units), else
/// the naive m/12 (×12/6, ×12/9). Stocks, rates and cumulative counts ("lũy kế") are not
/// extrapolated.
public struct YearEndForecast: Sendable {
    public enum Source: String, Sendable, Codable {
        case unit, province, naive

        public func label(_ lang: Language) -> String {
            switch (self, lang) {
            case (.unit, .vi): return "tỷ trọng của đơn vị các năm trước"
            case (.province, .vi): return "tỷ trọng của tỉnh các năm trước"
            case (.naive, .vi): return "ngoại suy theo số tháng"
            case (.unit, .en): return "the unit's share in earlier years"
            case (.province, .en): return "the province's share in earlier years"
            case (.naive, .en): return "naive extrapolation by months"
            }
        }
    }

    /// The call per indicator and plan.
    public enum Call: String, Sendable, Codable {
        case onTrack = "on_track", atRisk = "at_risk", unlikely

        public func label(_ lang: Language) -> String {
            switch (self, lang) {
            case (.onTrack, .vi): return "dự kiến đạt"
            case (.atRisk, .vi): return "có nguy cơ không đạt"
            case (.unlikely, .vi): return "khó đạt"
            case (.onTrack, .en): return "on track"
            case (.atRisk, .en): return "at risk"
            case (.unlikely, .en): return "unlikely"
            }
        }
    }

    public struct Estimate: Sendable {
        public var unit: String
        public var indicator: String
        public var cumulative: Double
        public var estimate: Double
        /// The naive ×12/m figure.
        public var naive: Double
        public var share: Double
        public var source: Source
        /// The estimate's plausible range (from the spread of the shares, at least ±3 %).
        public var low: Double
        public var high: Double
        /// Plan column key → (plan as written, call).
        public var calls: [(plan: String, value: ReportedValue, call: Call)]
    }

    /// Fewest earlier years of its own a unit's share is taken from.
    public static let minimumYears = 2
    /// The least relative uncertainty of an estimate.
    public static let minimumUncertainty = 0.03

    /// The share and its spread from (cumulative, annual) pairs of earlier years.
    public static func share(_ pairs: [(cum: Double, annual: Double)]) -> (share: Double, sd: Double)? {
        let s = pairs.filter { $0.annual > 0 && $0.cum >= 0 && $0.cum <= $0.annual * 1.5 }.map { $0.cum / $0.annual }
        guard !s.isEmpty else { return nil }
        let m = s.reduce(0, +) / Double(s.count)
        let sd = s.count > 1 ? (s.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(s.count - 1)).squareRoot() : 0
        return (m, sd)
    }

    /// The full-year estimate from a cumulative figure of `months` months.
    public static func estimate(cumulative: Double, months: Int, unitPairs: [(cum: Double, annual: Double)],
                                province: (share: Double, sd: Double)?) -> (estimate: Double, share: Double, source: Source, uncertainty: Double) {
        let naive = Double(months) / 12
        if unitPairs.count >= minimumYears, let s = share(unitPairs), s.share > 0 {
            return (cumulative / s.share, s.share, .unit, max(s.sd / s.share, minimumUncertainty))
        }
        if let p = province, p.share > 0 {
            return (cumulative / p.share, p.share, .province, max(p.sd / p.share, minimumUncertainty))
        }
        return (cumulative / naive, naive, .naive, max(0.1, minimumUncertainty))
    }

    /// "dự kiến đạt" when the estimate meets the plan; "có nguy cơ không đạt" when it does
    /// not but the top of its range does; "khó đạt" when even that falls short.
    public static func call(estimate: Double, low: Double, high: Double, plan: ReportedValue, direction: Indicator.Direction) -> Call? {
        guard Attainment.assess(estimate: estimate, plan: plan, direction: direction) != .notAssessed else { return nil }
        if Attainment.assess(estimate: estimate, plan: plan, direction: direction) == .met { return .onTrack }
        let best = direction == .lower ? low : high
        return Attainment.assess(estimate: best, plan: plan, direction: direction) == .met ? .atRisk : .unlikely
    }

    /// Whether an indicator is a flow cumulated from January (extrapolated to the year).
    public static func isFlow(_ ind: Indicator) -> Bool {
        guard case .sum = ind.aggregation, ind.kind != .percent, ind.planned else { return false }
        return !VietFold.loose(ind.name).contains("luy ke")
    }

    public let template: Template
    public let period: Period
    public let months: Int
    /// Per unit, then the province's line (unit "province").
    public let estimates: [Estimate]

    /// Estimates every flow indicator of every unit and of the province for a 6- or
    /// 9-month period. `cumulative[y]` and `annual[y]` hold the earlier years' figures
    /// per unit and indicator; `consolidation` is the period's (the summary passes its own,
    /// so its values are not read twice).
    public init?(template t: Template, period: Period, consolidation: Consolidation,
                 cumulative: [Int: [String: [String: Double]]], annual: [Int: [String: [String: Double]]]) {
        guard case .months(let m) = period.span, m == 6 || m == 9 else { return nil }
        template = t
        self.period = period
        months = m
        let est = t.estimateColumn?.key ?? "estimate"
        let flows = t.indicators.filter(YearEndForecast.isFlow)
        let years = Set(cumulative.keys).intersection(annual.keys).filter { $0 < period.year }.sorted()
        var out: [Estimate] = []
        let grid = consolidation.values
        for ind in flows {
            // The province's share, pooled over units and years.
            var pooledCum: [Int: Double] = [:], pooledAnn: [Int: Double] = [:]
            var unitPairs: [String: [(cum: Double, annual: Double)]] = [:]
            for y in years {
                for (u, inds) in cumulative[y] ?? [:] {
                    guard let c = inds[ind.code], let a = annual[y]?[u]?[ind.code] else { continue }
                    unitPairs[u, default: []].append((c, a))
                    pooledCum[y, default: 0] += c
                    pooledAnn[y, default: 0] += a
                }
            }
            let province = YearEndForecast.share(years.compactMap { y in pooledAnn[y].map { (pooledCum[y] ?? 0, $0) } })
            func make(_ unit: String, cum: Double, pairs: [(cum: Double, annual: Double)], plans: [String: ReportedValue]) -> Estimate {
                let e = YearEndForecast.estimate(cumulative: cum, months: m, unitPairs: pairs, province: province)
                let low = e.estimate * (1 - e.uncertainty), high = e.estimate * (1 + e.uncertainty)
                var calls: [(String, ReportedValue, Call)] = []
                for pc in t.planColumns where t.plan(pc, covers: ind) {
                    guard let pv = plans[pc.key], let c = YearEndForecast.call(estimate: e.estimate, low: low, high: high, plan: pv, direction: ind.direction) else { continue }
                    calls.append((pc.key, pv, c))
                }
                return Estimate(unit: unit, indicator: ind.code, cumulative: cum, estimate: e.estimate, naive: cum * 12 / Double(m),
                                share: e.share, source: e.source, low: low, high: high, calls: calls)
            }
            for u in grid.units.sorted() {
                guard let cum = grid[u, ind.code, est].number else { continue }
                var plans: [String: ReportedValue] = [:]
                for pc in t.planColumns where grid[u, ind.code, pc.key].representative != nil { plans[pc.key] = grid[u, ind.code, pc.key] }
                out.append(make(u, cum: cum, pairs: unitPairs[u] ?? [], plans: plans))
            }
            let a = consolidation.aggregate(ind.code, est)
            if let cum = a.value, !a.partial {
                var plans: [String: ReportedValue] = [:]
                for pc in t.planColumns {
                    let pa = consolidation.aggregate(ind.code, pc.key)
                    if let v = pa.value, !pa.partial { plans[pc.key] = .number(v) }
                }
                // The province's pairs are its pooled figures: its own history.
                let pairs = years.compactMap { y in pooledAnn[y].map { (cum: pooledCum[y] ?? 0, annual: $0) } }
                out.append(make("province", cum: cum, pairs: pairs, plans: plans))
            }
        }
        estimates = out
    }
}
