import SheetIO
/// A province's report, described once: its value columns, indicators, cross-indicator
/// rules and reporting units. Loaded from YAML (``Template/load(path:)``).
public struct Template: Sendable {
    public var id: String
    public var version: Int
    public var title: String
    /// The form code shown top right, e.g. "Biểu 001.N/BCC-KHĐT".
    public var formCode: String?
    /// Who receives the reports ("Sở Kế hoạch và Đầu tư tỉnh Lai Châu").
    public var receiver: String?
    /// Who receives them from a date on (`receiver_from: {"2025-03-01": "Sở Tài chính tỉnh
    /// Lai Châu"}`: the 2025 reorganisation merged the Sở Kế hoạch và Đầu tư into the Sở
    /// Tài chính), date "YYYY-MM-DD" → name.
    public var receiverChanges: [(from: String, name: String)] = []

    /// The receiving unit of a period's reports: the latest change on or before the
    /// period's end, else `receiver`.
    public func receiver(for period: Period) -> String? {
        receiverChanges.filter { $0.from <= period.referenceDate }.max { $0.from < $1.from }?.name ?? receiver
    }
    public var columns: [ValueColumn]
    public var comparisons: [ComparisonColumn]
    public var indicators: [Indicator]
    public var rules: [Rule]
    public var units: [ReportingUnit] {
        didSet { indexUnits() }
    }
    /// Where it was loaded from.
    public var sourcePath: String?
    /// The official units catalogue its `units_from` took units from (for the units'
    /// predecessors across the 2025 reform).
    public var cataloguePath: String?
    /// Submission deadlines: by period ("2025" → "2025-12-10") or by span ("year",
    /// "6T", "9T", "Q1"… → "MM-DD" in the period's year). See ``deadline(for:)``.
    public var deadlines: [String: String] = [:]
    /// Which units the screening compares (`screening_peers:`): `level` (units of one
    /// level) or `urban_rural` (wards, towns and cities apart from communes and rural
    /// districts, each group kept only with at least 5 units).
    public var screeningPeers: ScreeningPeers = .level
    public enum ScreeningPeers: String, Sendable { case level, urbanRural = "urban_rural" }

    /// The date ("YYYY-MM-DD") a period's reports are due, if the template sets one.
    public func deadline(for period: Period) -> String? {
        if let d = deadlines[period.description] { return d }
        let span: String
        switch period.span {
        case .year: span = "year"
        case .months(let m): span = "\(m)T"
        case .quarter(let q): span = "Q\(q)"
        }
        return deadlines[span].map { "\(period.year)-\($0)" }
    }
    /// What the official papers print (agency lines, place, signatures).
    public var official = Official()

    /// The lines of an official paper (Nghị định 30/2020/NĐ-CP layout): the governing
    /// body and the issuing office top left, the national motto top right, the place
    /// and date, and the signature block.
    public struct Official: Sendable {
        /// "UBND TỈNH LAI CHÂU".
        public var governingBody: String?
        /// "SỞ TÀI CHÍNH".
        public var issuingOffice: String?
        /// "Lai Châu" (for "Lai Châu, ngày … tháng … năm …").
        public var place: String?
        /// The act the form is issued with, printed under the form code ("Ban hành kèm theo
        /// Quyết định số …/QĐ-UBND ngày … của UBND tỉnh Lai Châu").
        public var issuedWith: String?
        /// Left to right: a title ("NGƯỜI LẬP BIỂU", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC") and a name.
        public var signatures: [(title: String, name: String)] = [("NGƯỜI LẬP BIỂU", ""), ("THỦ TRƯỞNG ĐƠN VỊ", "")]

        public init() {}
    }

    public func indicator(_ code: String) -> Indicator? { indicatorIndex[code.uppercased()].map { indicators[$0] } }
    public func column(_ key: String) -> ValueColumn? { columns.first { $0.key == key } }
    /// The unit with this code (the first declared when the code names a unit in each era:
    /// new communes reuse a predecessor's code; use ``unit(_:on:)`` when the date is known).
    public func unit(_ code: String) -> ReportingUnit? { unitIndex[code]?.first.map { units[$0] } }
    /// The unit with this code valid on a date ("YYYY-MM-DD").
    public func unit(_ code: String, on date: String) -> ReportingUnit? {
        unitIndex[code]?.lazy.map { units[$0] }.first { $0.isValid(on: date) }
    }
    /// The unit with this code for a period (the province and its part are always valid).
    public func unit(_ code: String, for period: Period) -> ReportingUnit? {
        unit(code, on: period.referenceDate) ?? unit(code)
    }

    var indicatorIndex: [String: Int] = [:]
    /// Code → the units with that code, one per era, in declaration order.
    var unitIndex: [String: [Int]] = [:]

    mutating func indexUnits() {
        unitIndex = [:]
        for (i, u) in units.enumerated() { unitIndex[u.code, default: []].append(i) }
    }

    public init(id: String, version: Int, title: String, formCode: String?, receiver: String?, columns: [ValueColumn],
                comparisons: [ComparisonColumn], indicators: [Indicator], rules: [Rule], units: [ReportingUnit]) {
        self.id = id
        self.version = version
        self.title = title
        self.formCode = formCode
        self.receiver = receiver
        self.columns = columns
        self.comparisons = comparisons
        self.indicators = indicators
        self.rules = rules
        self.units = units
        for (i, ind) in indicators.enumerated() { indicatorIndex[ind.code.uppercased()] = i }
        indexUnits()
    }

    /// The column that holds the period's estimate or actual (the one checked hardest).
    public var estimateColumn: ValueColumn? { columns.first { $0.role == .estimate } ?? columns.last }
    public var planColumn: ValueColumn? { columns.first { $0.role == .plan } }
    /// Every plan column, the primary (the province's assignment) first.
    public var planColumns: [ValueColumn] { columns.filter { $0.role == .plan } }

    /// Whether a plan column sets a target for an indicator.
    public func plan(_ col: ValueColumn, covers ind: Indicator) -> Bool {
        ind.planned && (col.covers?.contains(ind.code) ?? true)
    }
    public var previousColumn: ValueColumn? { columns.first { $0.role == .previous } }

    /// Units that report for a period: valid on its reference date, not the province, and
    /// not a unit whose own lower units report (a district over reporting communes).
    public func reportingUnits(for period: Period) -> [ReportingUnit] {
        let valid = units.filter { $0.reports && $0.isValid(on: period.referenceDate) }
        let parents = Set(valid.filter { $0.level == .district || $0.level == .commune }.compactMap(\.parent))
        return valid.filter { $0.level != .province && !parents.contains($0.code) }
    }

    /// The indicators a unit reports: the province-managed part reports the indicators
    /// it adds to (``Indicator/addsProvincePart``) and the province-only ones; lower units
    /// report everything but the province-only ones.
    public func indicators(for unit: ReportingUnit?) -> [Indicator] {
        guard unit != nil else { return indicators }
        return indicators.filter { reports($0, unit: unit) }
    }

    /// Whether a unit reports an indicator (``indicators(for:)``, one at a time).
    public func reports(_ ind: Indicator, unit: ReportingUnit?) -> Bool {
        guard let unit else { return true }
        switch unit.level {
        case .provincePart, .province: return ind.addsProvincePart || ind.aggregation == .provinceOnly
        case .district, .commune: return ind.aggregation != .provinceOnly
        }
    }

    /// The province (the root of the hierarchy).
    public var province: ReportingUnit? { units.first { $0.level == .province } }
}

/// A value column of the form ("Kế hoạch năm", "Ước thực hiện").
public struct ValueColumn: Sendable, Hashable {
    public enum Role: String, Sendable { case previous, plan, estimate, other }
    public var key: String
    /// The header shown on the form; "{year}" and "{prev_year}" are filled from the period.
    public var label: String
    /// Other headers that mean this column in a submission ("KH", "Kế hoạch {year}").
    public var aliases: [String]
    public var role: Role
    /// Whether targets may be ranges or bounds ("6,6-6,8", "Trên 97").
    public var acceptsTargets: Bool
    /// For a plan: who set it ("tỉnh giao", "NQ HĐND", "KH huyện giao") — the words that
    /// tell two plan columns apart in a file, and the name reports give it.
    public var source: String?
    /// For a plan: the indicators it sets (nil: every planned indicator).
    public var covers: Set<String>?
    /// For a plan: whether the province figure consolidates the units' values. The plan
    /// the province assigns does; a unit's own council resolution does not (the province's
    /// own targets stay the province's), unless the template says so.
    public var consolidates: Bool

    public init(key: String, label: String, aliases: [String] = [], role: Role, acceptsTargets: Bool = false,
                source: String? = nil, covers: Set<String>? = nil, consolidates: Bool = true) {
        self.key = key
        self.label = label
        self.aliases = aliases
        self.role = role
        self.acceptsTargets = acceptsTargets
        self.source = source
        self.covers = covers
        self.consolidates = consolidates
    }

    /// "KH tỉnh giao", "NQ HĐND": how scorecards name the plan.
    public var planName: String { source.map { $0.hasPrefix("KH") || $0.hasPrefix("NQ") || $0.hasPrefix("Nghị") ? $0 : "KH \($0)" } ?? "kế hoạch" }

    public func label(for period: Period) -> String { period.fill(label) }

    /// The header in the reader's language: the template's (Vietnamese) label, or in
    /// English by role ("Actual 2023", "Plan 2024 (NQ HĐND)", "Estimate 2024").
    public func label(for period: Period, _ lang: Language) -> String {
        guard lang == .en else { return label(for: period) }
        func name(_ p: Period) -> String { p.span == .year ? String(p.year) : p.label(.en) }
        switch role {
        case .previous: return "Actual \(name(Period(year: period.year - 1, span: period.span)))"
        case .plan: return "Plan \(period.year)" + (source.map { " (\($0))" } ?? "")
        case .estimate: return "Estimate \(name(period))"
        case .other: return key
        }
    }
}

/// A computed comparison column: numerator ÷ denominator × 100 (%).
public struct ComparisonColumn: Sendable, Hashable {
    public var key: String
    public var label: String
    public var aliases: [String]
    public var numerator: String
    public var denominator: String

    public init(key: String, label: String, aliases: [String] = [], numerator: String, denominator: String) {
        self.key = key
        self.label = label
        self.aliases = aliases
        self.numerator = numerator
        self.denominator = denominator
    }
}

/// One indicator (chỉ tiêu).
public struct Indicator: Sendable, Hashable {
    public enum Kind: String, Sendable { case number, integer, percent }
    public enum Direction: String, Sendable { case higher, lower, none }

    public var code: String
    public var name: String
    public var aliases: [String]
    /// The unit of measure as shown ("nghìn tấn").
    public var unitText: String
    public var unit: MeasureUnit?
    public var kind: Kind
    public var decimals: Int
    public var direction: Direction
    /// Definitional bounds: outside is an error.
    public var hard: Bounds?
    /// Plausible bounds: outside is a warning.
    public var soft: Bounds?
    /// Largest plausible relative change against the previous year's actual (0.25 = ±25%).
    public var yoyBound: Double?
    public var required: Bool
    /// Whether the indicator has a plan (base data such as natural area has none).
    public var planned: Bool = true
    /// Whether the summary's "Diễn biến" sheet charts it (`headline: true`).
    public var headline: Bool = false
    public var aggregation: Aggregation
    /// Whether the province total adds the province-managed part ("khối tỉnh").
    public var addsProvincePart: Bool
    /// The section heading it sits under ("I. KINH TẾ").
    public var group: String?
    /// The YAML line it was defined on.
    public var line: Int

    public init(code: String, name: String, aliases: [String] = [], unitText: String, kind: Kind = .number, decimals: Int = 1,
                direction: Direction = .higher, hard: Bounds? = nil, soft: Bounds? = nil, yoyBound: Double? = nil,
                required: Bool = true, aggregation: Aggregation = .sum, addsProvincePart: Bool = false, group: String? = nil, line: Int = 0) {
        self.code = code
        self.name = name
        self.aliases = aliases
        self.unitText = unitText
        self.unit = MeasureUnit(unitText)
        self.kind = kind
        self.decimals = decimals
        self.direction = direction
        self.hard = hard
        self.soft = soft
        self.yoyBound = yoyBound
        self.required = required
        self.aggregation = aggregation
        self.addsProvincePart = addsProvincePart
        self.group = group
        self.line = line
    }
}

/// A closed interval, open on a side that is nil.
public struct Bounds: Sendable, Hashable {
    public var min: Double?
    public var max: Double?

    public init(min: Double? = nil, max: Double? = nil) {
        self.min = min
        self.max = max
    }

    public func contains(_ v: Double) -> Bool {
        if let min, v < min - 1e-9 { return false }
        if let max, v > max + 1e-9 { return false }
        return true
    }

    /// "từ 0 đến 100", "từ 0 trở lên", "không quá 19".
    public func text(_ lang: Language, decimals: Int = 2) -> String {
        let f = { (d: Double) in VietNumber.format(d, decimals: decimals, lang) }
        switch (min, max) {
        case let (a?, b?): return lang == .vi ? "từ \(f(a)) đến \(f(b))" : "from \(f(a)) to \(f(b))"
        case let (a?, nil): return lang == .vi ? "từ \(f(a)) trở lên" : "\(f(a)) or more"
        case let (nil, b?): return lang == .vi ? "không quá \(f(b))" : "at most \(f(b))"
        default: return lang == .vi ? "số bất kỳ" : "any number"
        }
    }
}

/// How an indicator combines over units (the heart of consolidation).
public enum Aggregation: Sendable, Hashable {
    /// Flows and stocks: the sum over units.
    case sum
    /// Σ numerator ÷ Σ denominator × factor, computed after the parts are summed.
    case ratio(numerator: String, denominator: String, factor: Double)
    /// A rate reported by units, averaged with weights from another indicator
    /// (forest cover by natural area).
    case weightedMean(weight: String)
    /// Growth from levels: Σ level(t) ÷ Σ level(t−1) × 100 − 100, never a mean of rates.
    case growth(level: String)
    /// Change of a rate in percentage points: aggregated rate at t−1 minus at t.
    case rateChange(rate: String)
    case min
    case max
    /// Province-only figures (GRDP, CPI): taken from the province's own report.
    case provinceOnly

    public var methodName: String {
        switch self {
        case .sum: return "sum"
        case .ratio: return "ratio"
        case .weightedMean: return "weighted_mean"
        case .growth: return "growth"
        case .rateChange: return "rate_change"
        case .min: return "min"
        case .max: return "max"
        case .provinceOnly: return "province_only"
        }
    }

    /// The indicators this one is computed from.
    public var inputs: [String] {
        switch self {
        case .ratio(let n, let d, _): return [n, d]
        case .weightedMean(let w): return [w]
        case .growth(let l): return [l]
        case .rateChange(let r): return [r]
        default: return []
        }
    }
}

/// A reporting unit: the province, a district, a commune, or the province-managed part.
public struct ReportingUnit: Sendable, Hashable {
    public enum Level: String, Sendable { case province, district, commune, provincePart = "province_part" }
    public var code: String
    public var name: String
    public var aliases: [String]
    public var parent: String?
    public var level: Level
    /// "YYYY-MM-DD", inclusive; nil: always.
    public var validFrom: String?
    public var validTo: String?
    /// False for a unit the template knows but that does not report in its era (a
    /// district's communes before the reform, kept so their figures can be imported and
    /// serve as predecessors' figures): it is identified, stored and compared across the
    /// reform, but neither expected nor consolidated.
    public var reports = true
    /// The official units this one was formed from on 1 July 2025 (from the catalogue).
    public var predecessors: [(code: String, how: UnitCatalogue.Unit.Merge)] = []

    public static func == (a: ReportingUnit, b: ReportingUnit) -> Bool {
        a.code == b.code && a.name == b.name && a.aliases == b.aliases && a.parent == b.parent && a.level == b.level
            && a.validFrom == b.validFrom && a.validTo == b.validTo && a.reports == b.reports
    }
    public func hash(into h: inout Hasher) { h.combine(code); h.combine(validFrom); h.combine(validTo) }

    public init(code: String, name: String, aliases: [String] = [], parent: String? = nil, level: Level,
                validFrom: String? = nil, validTo: String? = nil) {
        self.code = code
        self.name = name
        self.aliases = aliases
        self.parent = parent
        self.level = level
        self.validFrom = validFrom
        self.validTo = validTo
    }

    public func isValid(on date: String) -> Bool {
        if let validFrom, date < validFrom { return false }
        if let validTo, date > validTo { return false }
        return true
    }
}
