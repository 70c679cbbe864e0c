import Foundation

/// What the screening looks at: the current values of a period and, from the store, the
/// same period last year and the unit's earlier periods of the same span.
public struct QualityInput: Sendable {
    public var template: Template
    public var period: Period
    /// unit → indicator → column → value (the current submissions of the period).
    public var values: [String: [String: [String: ReportedValue]]]
    /// The estimates of the same period last year and of the earlier periods of the same
    /// span, by unit and indicator slot (see ``EarlierEstimates``).
    var earlier: EarlierEstimates
    /// unit → indicator → the estimate of the same period last year (store), if any.
    /// (A table made on request; the screening reads ``earlier``.)
    public var lastYear: [String: [String: Double]] { earlier.table { earlier.lastYear[$0] } }
    /// unit → indicator → the estimates of earlier periods of the same span, oldest first
    /// (last year's included). (A table made on request; the screening reads ``earlier``.)
    public var history: [String: [String: [Double]]] {
        earlier.table { s in let h = earlier.history(s); return h.isEmpty ? nil : h }
    }
    /// unit → indicator → plan column → the plan the unit gave in its latest earlier report
    /// of the same year (the 9-month one for an annual report, else the 6-month one; the
    /// 6-month one for a 9-month report), as written.
    public var earlierPlans: [String: [String: [String: EarlierPlan]]]

    /// A plan as the unit wrote it in an earlier report of the same year.
    public struct EarlierPlan: Sendable, Equatable {
        public var period: Period
        public var value: ReportedValue
        public init(period: Period, value: ReportedValue) {
            self.period = period
            self.value = value
        }
    }

    public init(template: Template, period: Period, values: [String: [String: [String: ReportedValue]]],
                lastYear: [String: [String: Double]] = [:], history: [String: [String: [Double]]] = [:],
                earlierPlans: [String: [String: [String: EarlierPlan]]] = [:]) {
        self.template = template
        self.period = period
        self.values = values
        self.earlier = EarlierEstimates(template: template, values: values, lastYear: lastYear, history: history)
        self.earlierPlans = earlierPlans
    }

    init(template: Template, period: Period, values: [String: [String: [String: ReportedValue]]], earlier: EarlierEstimates,
         earlierPlans: [String: [String: [String: EarlierPlan]]]) {
        self.template = template
        self.period = period
        self.values = values
        self.earlier = earlier
        self.earlierPlans = earlierPlans
    }

    /// The reports of the same year before `period` whose plan is the year's plan: the 3-, 6-
    /// and 9-month ones (cumulative from January) before an annual or a longer month report.
    /// Quarters are left out: a quarter's plan column may be the quarter's.
    public static func earlierInYear(_ p: Period, than period: Period) -> Bool {
        guard p.year == period.year, case .months(let m) = p.span else { return false }
        switch period.span {
        case .year: return m < 12
        case .months(let n): return m < n
        case .quarter: return false
        }
    }
}

/// The earlier estimates the screening compares a period's values with, held in flat
/// arrays indexed by a slot per (indicator, unit) rather than in nested string-keyed tables.
///
/// A national store holds some 800,000 of them (3,321 communes × 49 indicators × 5 earlier
/// years); as `unit → indicator → [Double]` tables, filling them (two string hashes and an
/// array append a value) and looking them up again for every check was most of the time
/// `anomalies` spent beyond the period's own values (BENCHMARKS.md, issue 24). Only the
/// period's own units (those with values) and the template's indicators get a slot: no
/// other is ever screened. Slots run indicator by indicator, as the screening does.
struct EarlierEstimates: Sendable {
    /// The period's units and the template's indicators, each with its position.
    let units: [String: Int]
    let indicators: [String: Int]
    /// slot → the estimate of the same period last year.
    var lastYear: [Double?]
    /// The earlier periods of the same span, oldest first: each slot → its estimate. A
    /// unit's history is the figures it has among them, in that order.
    var periods: [[Double?]]

    var count: Int { units.count * indicators.count }

    /// No earlier figures, slots for these units and indicators.
    init(units: [String], indicators: [String]) {
        var us: [String: Int] = [:], inds: [String: Int] = [:]
        for u in units where us[u] == nil { us[u] = us.count }
        for i in indicators where inds[i] == nil { inds[i] = inds.count }
        self.units = us
        self.indicators = inds
        lastYear = Array(repeating: nil, count: us.count * inds.count)
        periods = []
    }

    /// The slots of the period's units and the template's indicators.
    init(template: Template, values: [String: [String: [String: ReportedValue]]]) {
        self.init(units: values.keys.sorted(), indicators: template.indicators.map(\.code))
    }

    /// From tables (tests, callers that have them): each unit's history list laid out
    /// oldest first over as many periods as the longest list.
    init(template: Template, values: [String: [String: [String: ReportedValue]]],
         lastYear: [String: [String: Double]], history: [String: [String: [Double]]]) {
        self.init(template: template, values: values)
        for (u, inds) in lastYear { for (i, x) in inds { if let s = slot(u, i) { self.lastYear[s] = x } } }
        let longest = history.values.lazy.flatMap(\.values).map(\.count).max() ?? 0
        periods = Array(repeating: Array(repeating: nil, count: count), count: longest)
        for (u, inds) in history {
            for (i, xs) in inds {
                guard let s = slot(u, i) else { continue }
                for (k, x) in xs.enumerated() { periods[k][s] = x }
            }
        }
    }

    /// The slot of a unit's indicator; nil for a unit or an indicator without one.
    func slot(_ unit: String, _ indicator: String) -> Int? {
        guard let u = units[unit], let i = indicators[indicator] else { return nil }
        return i * units.count + u
    }

    /// The slot of a unit (by position) for an indicator's first slot (``slot(_:_:)`` with
    /// the indicator looked up once).
    func indicatorBase(_ indicator: String) -> Int? { indicators[indicator].map { $0 * units.count } }

    /// The estimates of a slot's earlier periods, oldest first.
    func history(_ slot: Int) -> [Double] { periods.compactMap { $0[slot] } }

    /// unit → indicator → what `get` gives for the slot (nil left out).
    func table<T>(_ get: (Int) -> T?) -> [String: [String: T]] {
        var out: [String: [String: T]] = [:]
        for (u, ui) in units {
            for (i, ii) in indicators {
                if let x = get(ii * units.count + ui) { out[u, default: [:]][i] = x }
            }
        }
        return out
    }
}

/// Screens every stored value of a period against its peers, its past and the other
/// columns of its report, and names the slips officers make (×10ⁿ, % as a fraction, plan
/// and actual swapped, another span's figure, last year's copied).
///
/// Statistics are robust: median and MAD × 1.4826 with a floor (never a z of 0 when the
/// MAD is 0), among units of the same level, on the per-capita (per-household, per-area)
/// form of a level when the template has such a denominator, on a log scale for levels
/// (a slip of ×10 is one unit of log₁₀ whatever the unit's size).
public struct Screening: Sendable {
    public let input: QualityInput
    /// |robust z| above which a check fails (Iglewicz and Hoaglin's 3.5).
    public var threshold = 3.5
    /// Fewest peers a cross-unit statistic is computed from.
    public var minimumPeers = 5
    /// The scaled MAD's floor on the log₁₀ scale (levels): 0.03 ≈ ±7 % per σ.
    public var logFloor = 0.03

    var template: Template { input.template }

    /// Median and scaled MAD with a floor; when the MAD falls below the floor (more than
    /// half the peers share one value: 100 % of villages on the road) the floor is also at
    /// least half the spread of the middle 80 % ((q90 − q10) ÷ 2.5631 estimates σ for
    /// normal data), so the quantiles say how far the others stray.
    /// Only then: an outlier among a handful of peers moves the 90th percentile, not the MAD.
    static func fit(_ xs: [Double], floor: Double) -> RobustStats.Fit? {
        guard let f = RobustStats.fit(xs, floor: floor) else { return nil }
        guard f.mad * RobustStats.madScale < floor, let lo = RobustStats.quantile(xs, 0.1), let hi = RobustStats.quantile(xs, 0.9) else { return f }
        return RobustStats.fit(xs, floor: max(floor, 0.5 * (hi - lo) / 2.5631))
    }

    /// Only these units' values are judged (every unit still counts among the peers): the
    /// units of the files an import has just stored.
    public var only: Set<String>? = nil

    public init(input: QualityInput) { self.input = input }

    /// How an indicator is screened.
    struct Profile {
        var indicator: Indicator
        /// Levels (sums) are screened on log₁₀ of the value (per denominator); rates linearly.
        var logScale: Bool
        /// The indicator the level is divided by (population, households, area).
        var denominator: String?
        /// A flow cumulated from January (6 and 9 months are parts of the year).
        var isFlow: Bool
        /// The scale floor for linear screening (rates).
        var linearFloor: Double
    }

    /// A check's verdict on one value.
    struct Check {
        var method: Anomaly.Method
        var z: Double
        var low: Double?
        var high: Double?
        /// The other column of a relation.
        var partner: String?
    }

    // MARK: - Profiles

    /// The size denominators the template uses: indicators that are a ratio's denominator
    /// or a weighted mean's weight, by kind (people, households, area); of each kind the
    /// one with the largest median estimate (total population, not labour force).
    func sizeDenominators() -> [String: String] {
        var used = Set<String>()
        for ind in template.indicators {
            switch ind.aggregation {
            case .ratio(_, let d, _): used.insert(d)
            case .weightedMean(let w): used.insert(w)
            default: break
            }
        }
        let est = template.estimateColumn?.key ?? "estimate"
        var best: [String: (String, Double)] = [:]
        for code in used.sorted() {
            guard let ind = template.indicator(code) else { continue }
            let kind: String
            switch VietFold.loose(ind.unitText) {
            case "nguoi": kind = "people"
            case "ho": kind = "households"
            case "ha": kind = "area"
            default: continue
            }
            let xs = input.values.values.compactMap { $0[code]?[est]?.number }.filter { $0 > 0 }
            let m = RobustStats.median(xs) ?? 0
            if best[kind].map({ m > $0.1 }) ?? true { best[kind] = (code, m) }
        }
        return best.mapValues(\.0)
    }

    func profiles() -> [Profile] {
        let dens = sizeDenominators()
        let denCodes = Set(dens.values)
        var out: [Profile] = []
        for ind in template.indicators {
            if case .provinceOnly = ind.aggregation { continue }
            let isPercent = ind.kind == .percent || ind.unitText.contains("%")
            var isLevel = false
            if case .sum = ind.aggregation, !isPercent { isLevel = true }
            var den: String? = nil
            if isLevel && denCodes.contains(ind.code) && ind.code != dens["people"] {
                den = dens["people"]
            } else if isLevel && !denCodes.contains(ind.code) {
                switch VietFold.loose(ind.unitText) {
                case "ha": den = dens["area"] ?? dens["people"]
                case "ho": den = dens["households"] ?? dens["people"]
                default: den = dens["people"]
                }
            }
            let name = VietFold.loose(ind.name)
            let flow = isLevel && ind.planned && !name.contains("luy ke")
            let width = [ind.soft, ind.hard].compactMap { b -> Double? in
                guard let a = b?.min, let z = b?.max else { return nil }
                return z - a
            }.first
            let floor = max(pow(10, -Double(ind.decimals)) * 0.5, (width ?? 0) * 0.01, 1e-6)
            out.append(Profile(indicator: ind, logScale: isLevel, denominator: den, isFlow: flow, linearFloor: floor))
        }
        return out
    }

    // MARK: - Screening

    /// Units compared with each other: the reporting units of the period, grouped by level
    /// (the province-managed part is not a peer of anything).
    func peerGroups() -> [[String]] {
        var byLevel: [ReportingUnit.Level: [String]] = [:]
        for u in template.reportingUnits(for: input.period) where u.level == .district || u.level == .commune {
            if input.values[u.code] != nil { byLevel[u.level, default: []].append(u.code) }
        }
        let groups = byLevel.keys.sorted { $0.rawValue < $1.rawValue }.map { byLevel[$0]!.sorted() }
        guard template.screeningPeers == .urbanRural else { return groups }
        // Wards, towns and cities apart from communes and rural districts, when each side
        // has enough units to be compared among themselves.
        return groups.flatMap { codes -> [[String]] in
            let (urban, rural) = codes.reduce(into: ([String](), [String]())) { acc, c in
                if let u = template.unit(c, for: input.period), Screening.isUrban(u) { acc.0.append(c) } else { acc.1.append(c) }
            }
            return urban.count >= minimumPeers && rural.count >= minimumPeers ? [urban, rural] : [codes]
        }
    }

    /// A ward, a town (thị trấn), a city or a town of a province (thị xã).
    static func isUrban(_ u: ReportingUnit) -> Bool {
        let l = VietFold.loose(FormBuilder.unitTitle(u))
        return ["phuong", "thi tran", "thanh pho", "thi xa", "quan"].contains { l.hasPrefix($0) }
    }

    /// The size of the largest group of comparable units (below ``minimumPeers`` nothing
    /// is compared across units or columns; only the store's own history is).
    public var largestPeerGroup: Int { peerGroups().map(\.count).max() ?? 0 }

    /// Every anomaly of the period, the strongest first.
    public func run() -> [Anomaly] {
        var out: [Anomaly] = []
        let ps = profiles()
        for codes in peerGroups() {
            let g = group(codes)
            for p in ps { out += screen(p, g) }
        }
        out.sort { $0.score != $1.score ? $0.score > $1.score : ($0.unit, $0.indicator, $0.column) < ($1.unit, $1.indicator, $1.column) }
        return out
    }

    /// The columns a unit's value is screened in, the estimate first.
    var screenedColumns: [String] {
        let order: [ValueColumn.Role] = [.estimate, .plan, .previous]
        return order.flatMap { r in template.columns.filter { $0.role == r }.map(\.key) }
    }

    /// A group of comparable units with what screening them needs once, whatever the
    /// indicator: their names (``Template/unit(_:for:)`` looks up the unit's eras by date)
    /// and their positions among the earlier estimates' units.
    struct Group {
        var codes: [String]
        var names: [String]
        /// Each unit's position among ``EarlierEstimates/units`` (nil: none).
        var slots: [Int?]
        /// Each unit's values (indicator → column → value) and earlier plans.
        var values: [[String: [String: ReportedValue]]?]
        var earlierPlans: [[String: [String: QualityInput.EarlierPlan]]?]
    }

    func group(_ codes: [String]) -> Group {
        Group(codes: codes, names: codes.map { template.unit($0, for: input.period)?.name ?? $0 },
              slots: codes.map { input.earlier.units[$0] }, values: codes.map { input.values[$0] },
              earlierPlans: codes.map { input.earlierPlans[$0] })
    }

    /// A unit's numbers in the screened columns, by column key: what a `[String: Double]`
    /// would hold, kept as an array in `cols` order. The checks read and rewrite these some
    /// tens of millions of times in a national period (each slip undone is tried through
    /// every check), and a key is found among the three or four columns faster than hashed.
    /// Keys iterate in column order (no check depends on the order).
    struct ColumnValues {
        let cols: [String]
        var xs: [Double?]

        init(_ cols: [String]) {
            self.cols = cols
            xs = Array(repeating: nil, count: cols.count)
        }

        subscript(_ c: String) -> Double? {
            get {
                for i in cols.indices where cols[i] == c { return xs[i] }
                return nil
            }
            set {
                for i in cols.indices where cols[i] == c { xs[i] = newValue; return }
                preconditionFailure("not a screened column: \(c)")
            }
        }
        /// The columns with a number, in column order.
        var keys: [String] { cols.indices.compactMap { xs[$0] == nil ? nil : cols[$0] } }
        var values: [Double] { xs.compactMap { $0 } }
        var count: Int { xs.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
        var isEmpty: Bool { xs.allSatisfy { $0 == nil } }
        func mapValues(_ f: (Double) -> Double) -> ColumnValues {
            var out = self
            out.xs = xs.map { $0.map(f) }
            return out
        }
    }

    /// Screens one indicator in one group of units. Units are referred to by their position
    /// `k` in the group: every figure a check needs (the unit's columns, denominators, last
    /// year's estimate, its own history's fit, its earlier plans) is read once per unit into
    /// arrays before the checks run, and fits are held per column position — the national
    /// period runs the checks some millions of times (recognisers retry them with each
    /// slip undone), and string-keyed lookups there were most of the screening's time.
    func screen(_ p: Profile, _ g: Group) -> [Anomaly] {
        let units = g.codes
        let n = units.count
        let code = p.indicator.code
        let cols = screenedColumns
        let est = template.estimateColumn?.key ?? "estimate"
        let plans = Set(template.planColumns.map(\.key))
        func colIndex(_ c: String) -> Int? { cols.firstIndex(of: c) }
        let isPlan = cols.map { plans.contains($0) }
        // Each unit's figures, by its position: the indicator's row as written, its numbers and
        // denominators per column (in `cols` order), last year's estimate, its earlier plans.
        var rows: [[String: ReportedValue]?] = [], numbers: [[Double?]] = [], denominators: [[Double?]] = []
        var lastYears: [Double?] = [], earlierRows: [[String: QualityInput.EarlierPlan]?] = []
        rows.reserveCapacity(n)
        numbers.reserveCapacity(n)
        lastYears.reserveCapacity(n)
        earlierRows.reserveCapacity(n)
        let base = input.earlier.indicatorBase(code)
        // (A row's few columns are walked rather than each looked up by key.)
        for k in 0..<n {
            let values = g.values[k]
            let row = values?[code]
            rows.append(row)
            var xs = [Double?](repeating: nil, count: cols.count)
            for (c, v) in row ?? [:] { if case .number(let x) = v, let i = colIndex(c) { xs[i] = x } }
            numbers.append(xs)
            if let d = p.denominator {
                // A denominator column missing or not positive falls back to the estimate's.
                let drow = values?[d]
                var ds = [Double?](repeating: nil, count: cols.count)
                var fallback: Double? = nil
                for (c, v) in drow ?? [:] {
                    guard let x = v.number, x > 0 else { continue }
                    if let i = colIndex(c) { ds[i] = x }
                    if c == est { fallback = x }
                }
                if let fallback { for i in ds.indices where ds[i] == nil { ds[i] = fallback } }
                denominators.append(ds)
            }
            if let base, let slot = g.slots[k] { lastYears.append(input.earlier.lastYear[base + slot]) } else { lastYears.append(nil) }
            earlierRows.append(g.earlierPlans[k]?[code])
        }
        func raw(_ k: Int, _ c: String) -> Double? {
            guard let i = colIndex(c) else { return nil }
            return numbers[k][i]
        }
        func denom(_ k: Int, _ c: String) -> Double? {
            guard p.denominator != nil else { return 1 }
            guard let i = colIndex(c) else { return nil }
            return denominators[k][i]
        }
        /// The screened form of a value: log₁₀ of the value per denominator for levels.
        func form(_ k: Int, _ c: String, _ x: Double) -> Double? {
            guard p.logScale else { return x }
            guard x > 0, let d = denom(k, c) else { return nil }
            return log10(x / d)
        }
        func unform(_ k: Int, _ c: String, _ t: Double) -> Double? {
            guard p.logScale else { return t }
            guard let d = denom(k, c) else { return nil }
            return pow(10, t) * d
        }
        func rel(_ a: Double, _ b: Double) -> Double? {
            if p.logScale { return a > 0 && b > 0 ? log10(a / b) : nil }
            return a - b
        }
        /// The value of `c` that gives relation r with partner value b (a = c's value).
        func fromRel(_ r: Double, partner b: Double) -> Double { p.logScale ? b * pow(10, r) : b + r }

        // Cross-unit fits, per column, and relation fits per pair of columns (by position in
        // `cols`: relFit[i][j] for i < j).
        var crossFit = [RobustStats.Fit?](repeating: nil, count: cols.count)
        var scaleFloor = [Double?](repeating: nil, count: cols.count)
        for (i, c) in cols.enumerated() {
            let xs = (0..<n).compactMap { k in raw(k, c).flatMap { form(k, c, $0) } }
            guard xs.count >= minimumPeers else { continue }
            let floor = p.logScale ? logFloor : max(p.linearFloor, 0.02 * abs(RobustStats.median(xs) ?? 0))
            scaleFloor[i] = floor
            crossFit[i] = Screening.fit(xs, floor: floor)
        }
        let estIndex = colIndex(est)
        let linFloor = estIndex.flatMap { scaleFloor[$0] } ?? p.linearFloor
        var relFit = [[RobustStats.Fit?]](repeating: [RobustStats.Fit?](repeating: nil, count: cols.count), count: cols.count)
        for (i, a) in cols.enumerated() {
            for (j, b) in cols.enumerated() where j > i {
                let xs = (0..<n).compactMap { k -> Double? in
                    guard let x = raw(k, a), let y = raw(k, b) else { return nil }
                    return rel(x, y)
                }
                guard xs.count >= minimumPeers else { continue }
                relFit[i][j] = Screening.fit(xs, floor: p.logScale ? logFloor : linFloor)
            }
        }
        // The report's columns against the store's figure for the same period last year.
        var lastYearFit = [RobustStats.Fit?](repeating: nil, count: cols.count)
        for (i, c) in cols.enumerated() where !isPlan[i] {
            let xs = (0..<n).compactMap { k -> Double? in
                guard let x = raw(k, c), let y = lastYears[k] else { return nil }
                return rel(x, y)
            }
            guard xs.count >= minimumPeers else { continue }
            lastYearFit[i] = Screening.fit(xs, floor: p.logScale ? logFloor : linFloor)
        }
        // The unit's own earlier periods: its estimate only (the other columns are plans
        // or last year's figure, checked above). A few values of one unit say little about
        // its spread: at least 4 of them, and a floor no finer than the peers' spread (rates)
        // or ±19 % per σ (levels). Fitted once per unit (the checks are run many times).
        let historyFloor = p.logScale ? 0.075 : max(2 * linFloor, estIndex.flatMap { crossFit[$0]?.scale } ?? 0)
        let ownFit: [RobustStats.Fit?] = (0..<n).map { k in
            guard only?.contains(units[k]) ?? true, let base, let slot = g.slots[k] else { return nil }
            let h = input.earlier.history(base + slot)
            guard h.count >= 4 else { return nil }
            let ts = h.compactMap { p.logScale ? ($0 > 0 ? log10($0) : nil) : $0 }
            guard ts.count >= 4 else { return nil }
            return RobustStats.fit(ts, floor: historyFloor)
        }

        /// Every check of column `c` of unit `k` with its value (or values, for a swap) replaced.
        func checks(_ k: Int, _ c: String, _ vals: ColumnValues) -> [Check] {
            guard let x = vals[c], let ci = colIndex(c) else { return [] }
            var out: [Check] = []
            // Small counts (2 schools, 3 enterprises) move by whole units: their changes and
            // ratios are chance, so only the peers judge them.
            let smallCount = p.indicator.kind == .integer && p.logScale && abs(x) < 20
            if let f = crossFit[ci], let t = form(k, c, x) {
                let (lo, hi) = f.interval(threshold)
                out.append(Check(method: .crossUnit, z: f.z(t), low: unform(k, c, lo), high: unform(k, c, hi)))
            }
            for (oi, other) in cols.enumerated() where oi != ci {
                guard let y = vals[other], !(smallCount && abs(y) < 20) else { continue }
                let flip = oi < ci
                guard let f = flip ? relFit[oi][ci] : relFit[ci][oi], let r = flip ? rel(y, x) : rel(x, y) else { continue }
                let (lo, hi) = f.interval(threshold)
                // The interval for c's value given the partner as it stands.
                let bounds = flip ? (p.logScale ? [y / pow(10, hi), y / pow(10, lo)] : [y - hi, y - lo])
                                  : [fromRel(lo, partner: y), fromRel(hi, partner: y)]
                out.append(Check(method: .columnRelation, z: f.z(r), low: bounds.min(), high: bounds.max(), partner: other))
            }
            if !smallCount, let ly = lastYears[k], let f = lastYearFit[ci], let r = rel(x, ly) {
                let (lo, hi) = f.interval(threshold)
                out.append(Check(method: .lastYear, z: f.z(r), low: fromRel(lo, partner: ly), high: fromRel(hi, partner: ly)))
            }
            if c == est, !smallCount, let f = ownFit[k], let t = p.logScale ? (x > 0 ? log10(x) : nil) : x {
                let (lo, hi) = f.interval(threshold)
                out.append(Check(method: .ownHistory, z: f.z(t), low: p.logScale ? pow(10, lo) : lo, high: p.logScale ? pow(10, hi) : hi))
            }
            return out
        }
        func fails(_ cs: [Check]) -> [Check] { cs.filter { abs($0.z) > threshold } }
        /// The plan the unit gave for the year in its latest earlier report of the year.
        func earlierPlan(_ k: Int, _ c: String) -> QualityInput.EarlierPlan? {
            guard let i = colIndex(c), isPlan[i] else { return nil }
            return earlierRows[k]?[c]
        }
        let decimals = p.indicator.kind == .integer ? 0 : p.indicator.decimals
        /// Whether values fit every check of the given columns (at least one check each);
        /// a plan column must also be the plan the unit gave in its earlier report of the
        /// year, when there is one.
        func fits(_ k: Int, _ vals: ColumnValues, columns: [String]) -> (Bool, Double) {
            var worst = 0.0
            for c in columns {
                if let e = earlierPlan(k, c), let x = vals[c], !Screening.samePlan(.number(x), e.value, decimals: decimals) { return (false, .infinity) }
                let cs = checks(k, c, vals)
                guard !cs.isEmpty else { return (false, .infinity) }
                for ch in cs { worst = max(worst, abs(ch.z)) }
            }
            return (worst <= threshold, worst)
        }

        var found: [Anomaly] = []
        let ind = p.indicator
        let per = Screening.perText(p.denominator.flatMap { template.indicator($0) })
        let periodMonths: Int = {
            switch input.period.span {
            case .year: return 12
            case .months(let m): return m
            case .quarter: return 3
            }
        }()
        // How often the other units' estimate repeats last year's figure exactly.
        let repeatShare: (same: Int, both: Int) = {
            guard let prevKey = template.previousColumn?.key else { return (0, 0) }
            var same = 0, both = 0
            for k in 0..<n {
                guard let e = raw(k, est), let q = raw(k, prevKey) else { continue }
                both += 1
                if e == q { same += 1 }
            }
            return (same, both)
        }()
        /// Last year's figure copied unchanged into the estimate: plausible on its own, so not
        /// caught by the statistics; named when the peers almost never repeat it.
        func copied(_ u: String, _ unitName: String, _ vals: ColumnValues, _ all: [String: [Check]]) -> Anomaly? {
            // A figure with three significant digits or more (a repeat of "2" is chance), not at
            // a bound (100 % stays 100 %).
            guard let x = vals[est], abs(x) >= 100 * pow(10, -Double(ind.decimals)), let prevKey = template.previousColumn?.key,
                  let prev = vals[prevKey], prev == x, p.isFlow || !p.logScale,
                  ind.hard?.max != x, ind.soft?.max != x else { return nil }
                // The other units (this one repeats its figure by the guard above).
                let others = repeatShare.both - 1, repeats = repeatShare.same - 1
                if others >= minimumPeers, Double(repeats) / Double(others) < 0.05 {
                    let rel = (all[est] ?? []).first { $0.method == .columnRelation && $0.partner == prevKey }
                    var a = Anomaly(unit: u, unitName: unitName, indicator: code, indicatorName: ind.name, column: est, value: x,
                                    expectedLow: rel?.low, expectedHigh: rel?.high, method: .copiedLastYear, reasonVI: "", reasonEN: "",
                                    score: max(abs(rel?.z ?? 0), threshold), suggested: nil)
                    (a.reasonVI, a.reasonEN) = Screening.reason(a, ind, template, input.period,
                                                                Recognised(method: .copiedLastYear, value: nil, factor: 1, swappedWith: prevKey), column: est)
                    return a
                }
            return nil
        }
        for (k, u) in units.enumerated() where only?.contains(u) ?? true {
            var vals = ColumnValues(cols)
            for c in cols { if let x = raw(k, c) { vals[c] = x } }
            guard !vals.isEmpty else { continue }
            var all: [String: [Check]] = [:]
            for c in vals.keys { all[c] = checks(k, c, vals) }
            // Which columns are to blame: a column failing among its peers; for a failing
            // relation whose two columns both pass among peers, the one with more failing
            // and fewer passing relations, else the newest (estimate, plan, last year's).
            var blamed: [String: [Check]] = [:]
            for (c, cs) in all {
                let f = fails(cs).filter { $0.method != .columnRelation }
                if !f.isEmpty { blamed[c, default: []] += f }
            }
            for (c, cs) in all {
                for ch in fails(cs) where ch.method == .columnRelation {
                    guard let o = ch.partner else { continue }
                    func weight(_ k: String) -> Double {
                        let ks = all[k] ?? []
                        let crossBad = ks.contains { $0.method != .columnRelation && abs($0.z) > threshold } ? 10.0 : 0
                        let relBad = Double(ks.filter { $0.method == .columnRelation && abs($0.z) > threshold }.count)
                        let relGood = Double(ks.filter { $0.method == .columnRelation && abs($0.z) <= threshold }.count)
                        let crossGood = ks.contains { $0.method == .crossUnit && abs($0.z) <= threshold } ? 1.0 : 0
                        return crossBad + relBad - 0.5 * relGood - 0.75 * crossGood
                    }
                    let wc = weight(c), wo = weight(o)
                    let culprit = wc != wo ? (wc > wo ? c : o) : (cols.firstIndex(of: c)! < cols.firstIndex(of: o)! ? c : o)
                    if culprit == c { blamed[c, default: []].append(ch) }
                }
            }
            let unitName = g.names[k]
            var done = Set<String>()
            // The year's plan as the unit gave it in an earlier report of the year (6 or 9
            // months), where this report's plan differs from it beyond rounding.
            var changed: [String: QualityInput.EarlierPlan] = [:]
            for c in cols {
                guard let e = earlierPlan(k, c), let now = rows[k]?[c], Screening.isWrittenPlan(now),
                      !Screening.samePlan(now, e.value, decimals: decimals) else { continue }
                changed[c] = e
            }
            // Unusual among the peers in every column, yet consistent with itself (its
            // columns agree with each other and with last year as they do elsewhere): a real
            // difference (a city among rural districts) or a unit of measure mistaken in
            // every column. One finding, not one per column; named a slip only when a
            // whole scale (nghìn/triệu/tỷ, % as fraction) undone in every column fits.
            // A plan that differs from the unit's earlier report of the year is not consistent
            // with itself either: each column is then judged on its own (below).
            let ownFail = !changed.isEmpty || all.values.contains { cs in cs.contains { $0.method != .crossUnit && abs($0.z) > threshold } }
            let crossFailing = cols.filter { c in (all[c] ?? []).contains { $0.method == .crossUnit && abs($0.z) > threshold } }
            if !ownFail && vals.count >= 2 && !crossFailing.isEmpty {
                if let a = copied(u, unitName, vals, all) { found.append(a); continue }
                // A rate inside its plausible (soft) range in every column, consistent with
                // itself: the unit's own situation, not a mistake.
                if !p.logScale, let soft = ind.soft, vals.values.allSatisfy(soft.contains) { continue }
                let c = crossFailing[0]
                let worst = (all[c] ?? []).filter { $0.method == .crossUnit }.max { abs($0.z) < abs($1.z) }!
                var a = Anomaly(unit: u, unitName: unitName, indicator: code, indicatorName: ind.name, column: c, value: vals[c]!,
                                expectedLow: worst.low, expectedHigh: worst.high, method: .crossUnit, reasonVI: "", reasonEN: "",
                                score: abs(worst.z), suggested: nil)
                func scaled(_ f: Double) -> ColumnValues { vals.mapValues { $0 / f } }
                var r: Recognised? = nil
                if ind.kind == .percent, vals.values.allSatisfy({ abs($0) <= 1.5 }), fits(k, scaled(0.01), columns: Array(vals.keys)).0 {
                    r = Recognised(method: .percentAsFraction, value: vals[c]! * 100, factor: 0.01)
                }
                for power in [3, -3, 6, -6] where r == nil {
                    let f = pow(10, Double(power))
                    if fits(k, scaled(f), columns: Array(vals.keys)).0 { r = Recognised(method: .powerOfTen, value: vals[c]! / f, factor: f) }
                }
                if let r { a.method = r.method; a.suggested = r.value }
                (a.reasonVI, a.reasonEN) = Screening.reason(a, ind, template, input.period, r, column: c, per: per, consistent: true)
                found.append(a)
                continue
            }
            // Plan and estimate (or last year's actual) swapped, seen against the plan the unit
            // gave earlier in the year: the other column holds that plan, and swapped back both
            // pass every check (the plan then being the earlier one). A swap of a plan and an
            // estimate a few per cent apart looks as plausible as the truth to the statistics;
            // this needs no statistic to fail first.
            for c in cols where changed[c] != nil && !done.contains(c) {
                guard let e = changed[c], let x = vals[c] else { continue }
                for o in [est, template.previousColumn?.key].compactMap({ $0 }) where !done.contains(o) {
                    guard let y = vals[o], y != x, Screening.samePlan(.number(y), e.value, decimals: decimals) else { continue }
                    var d = vals
                    d[c] = y
                    d[o] = x
                    guard fits(k, d, columns: [c, o]).0 else { continue }
                    let worst = fails((all[c] ?? []) + (all[o] ?? [])).map { abs($0.z) }.max() ?? 0
                    let (lo, hi) = Screening.expectedRange(e.value)
                    var a = Anomaly(unit: u, unitName: unitName, indicator: code, indicatorName: ind.name, column: c, value: x,
                                    expectedLow: lo, expectedHigh: hi, method: .planActualSwap, reasonVI: "", reasonEN: "",
                                    score: max(worst, threshold), suggested: y)
                    (a.reasonVI, a.reasonEN) = Screening.reason(a, ind, template, input.period,
                                                                Recognised(method: .planActualSwap, value: y, factor: y / x, swappedWith: o, earlier: e), column: c, per: per)
                    found.append(a)
                    done.formUnion([c, o])
                    break
                }
            }
            for c in cols {
                guard !done.contains(c) else { continue }
                let bad = blamed[c] ?? []
                // A changed plan is a finding even when every statistic passes (an adjusted plan
                // is to be confirmed); a plan written as a bound has no number of its own.
                if let e = changed[c], bad.isEmpty || vals[c] == nil {
                    let now = rows[k]?[c] ?? .empty
                    guard let x = vals[c] ?? now.representative else { continue }
                    let worst = fails(bad).map { abs($0.z) }.max() ?? 0
                    let (lo, hi) = Screening.expectedRange(e.value)
                    var a = Anomaly(unit: u, unitName: unitName, indicator: code, indicatorName: ind.name, column: c, value: x,
                                    expectedLow: lo, expectedHigh: hi, method: .planChanged, reasonVI: "", reasonEN: "",
                                    score: max(worst, threshold), suggested: nil)
                    (a.reasonVI, a.reasonEN) = Screening.reason(a, ind, template, input.period,
                                                                Recognised(method: .planChanged, value: nil, factor: 1, earlier: e, written: now), column: c)
                    done.insert(c)
                    found.append(a)
                    continue
                }
                guard let x = vals[c], !bad.isEmpty else { continue }
                let worst = bad.max { abs($0.z) < abs($1.z) }!
                var a = Anomaly(unit: u, unitName: unitName, indicator: code, indicatorName: ind.name, column: c, value: x,
                                expectedLow: worst.low, expectedHigh: worst.high, method: worst.method, reasonVI: "", reasonEN: "",
                                score: abs(worst.z), suggested: nil)
                if let r = recognise(k, c, x, vals, p, periodMonths: periodMonths, fits: fits) {
                    a.method = r.method
                    a.suggested = r.value
                    if let other = r.swappedWith { done.insert(other) }
                    (a.reasonVI, a.reasonEN) = Screening.reason(a, ind, template, input.period, r, column: c, per: per)
                } else if let e = changed[c] {
                    // Unusual and not the plan given earlier in the year, no slip undoing it.
                    (a.expectedLow, a.expectedHigh) = Screening.expectedRange(e.value)
                    a.method = .planChanged
                    (a.reasonVI, a.reasonEN) = Screening.reason(a, ind, template, input.period,
                                                                Recognised(method: .planChanged, value: nil, factor: 1, earlier: e), column: c)
                } else {
                    (a.reasonVI, a.reasonEN) = Screening.reason(a, ind, template, input.period, nil, column: c, partner: worst.partner, per: per)
                }
                done.insert(c)
                found.append(a)
            }
            if !done.contains(est), let a = copied(u, unitName, vals, all) { found.append(a) }
        }
        return found
    }
}
