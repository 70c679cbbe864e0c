import SheetIO
/// The statistical symbols of Vietnamese reports, kept distinct from 0 and from blank.
public enum StatSymbol: String, Sendable, Codable, CaseIterable {
    /// "-": the phenomenon does not exist; counts as 0 in totals.
    case none = "-"
    /// "...": the phenomenon exists but there is no information; missing, not 0.
    case missing = "..."
    /// "x": not applicable; excluded.
    case notApplicable = "x"
}

/// A value as reported in one cell, after parsing.
public enum ReportedValue: Equatable, Sendable {
    case empty
    case number(Double)
    case symbol(StatSymbol)
    /// A target range "6,6-6,8" (plans only).
    case range(Double, Double)
    /// "Trên 97", "≥ 97" (plans only); `strict` for "trên"/">".
    case atLeast(Double, strict: Bool)
    /// "Dưới 4", "≤ 4" (plans only).
    case atMost(Double, strict: Bool)

    /// The number, when there is one; "-" counts as 0.
    public var number: Double? {
        switch self {
        case .number(let d): return d
        case .symbol(.none): return 0
        default: return nil
        }
    }

    /// A single number for comparisons: a range's middle, a bound's value.
    public var representative: Double? {
        switch self {
        case .number(let d): return d
        case .symbol(.none): return 0
        case .range(let a, let b): return (a + b) / 2
        case .atLeast(let v, _), .atMost(let v, _): return v
        default: return nil
        }
    }

    public var isEmpty: Bool { self == .empty }

    /// Text as a Vietnamese reader writes it ("2.450,5", "Trên 97", "6,6–6,8", "...").
    public func text(decimals: Int = 2, _ lang: Language = .vi) -> String {
        let f = { (d: Double) in VietNumber.format(d, decimals: decimals, lang) }
        switch self {
        case .empty: return ""
        case .number(let d): return f(d)
        case .symbol(let s): return s.rawValue
        case .range(let a, let b): return f(a) + "–" + f(b)
        case .atLeast(let v, let strict): return (lang == .vi ? (strict ? "Trên " : "≥ ") : (strict ? "Above " : "≥ ")) + f(v)
        case .atMost(let v, let strict): return (lang == .vi ? (strict ? "Dưới " : "≤ ") : (strict ? "Below " : "≤ ")) + f(v)
        }
    }
}
