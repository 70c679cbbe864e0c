import SheetIO

/// Whether an estimate meets its plan, respecting the indicator's direction and plans
/// written as ranges or bounds.
public enum Attainment: String, Sendable, Codable {
    case met, notMet = "not_met", notAssessed = "not_assessed"

    /// "đạt và vượt" when the estimate reaches the plan in the indicator's direction;
    /// a range counts from its lower end (higher is better) or upper end (lower is
    /// better), or must contain the estimate (no direction).
    public static func assess(estimate: Double?, plan: ReportedValue, direction: Indicator.Direction) -> Attainment {
        guard let e = estimate else { return .notAssessed }
        let eps = 1e-9
        switch (plan, direction) {
        case (.number(let p), .higher): return e >= p - eps ? .met : .notMet
        case (.number(let p), .lower): return e <= p + eps ? .met : .notMet
        case (.number(let p), .none): return abs(e - p) <= max(eps, abs(p) * 0.005) ? .met : .notMet
        case (.range(let a, _), .higher): return e >= a - eps ? .met : .notMet
        case (.range(_, let b), .lower): return e <= b + eps ? .met : .notMet
        case (.range(let a, let b), .none): return e >= a - eps && e <= b + eps ? .met : .notMet
        case (.atLeast(let v, let strict), _): return (strict ? e > v : e >= v - eps) ? .met : .notMet
        case (.atMost(let v, let strict), _): return (strict ? e < v : e <= v + eps) ? .met : .notMet
        default: return .notAssessed
        }
    }

    public func label(_ lang: Language) -> String {
        switch (self, lang) {
        case (.met, .vi): return "Đạt"
        case (.notMet, .vi): return "Chưa đạt"
        case (.notAssessed, .vi): return ""
        case (.met, .en): return "Met"
        case (.notMet, .en): return "Not met"
        case (.notAssessed, .en): return ""
        }
    }
}
