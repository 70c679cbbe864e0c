import Foundation

/// A value the screening finds unusual: where it is, what was expected, which method said
/// so and why, in Vietnamese and English.
public struct Anomaly: Sendable, Equatable {
    /// How the anomaly was found. The raw values are the JSON's `method`.
    public enum Method: String, Sendable, CaseIterable, Codable {
        /// Robust z-score (median, MAD with a floor) among units of the same level, on the
        /// per-capita / per-household / per-area form where the template has a denominator.
        case crossUnit = "cross_unit"
        /// The relation between two columns of one report (estimate ÷ plan, estimate ÷
        /// last year's actual…) compared with the same relation at the other units.
        case columnRelation = "column_relation"
        /// The unit's own figure for the same period last year, in the store.
        case lastYear = "same_period_last_year"
        /// The unit's own earlier periods of the same span, in the store.
        case ownHistory = "own_history"
        /// The plan differs from the plan the same unit gave for the same year in its earlier
        /// report of the year (6 or 9 months): the year's plan is fixed (HĐND resolution, the
        /// province's assignment), so a change is an adjustment to confirm or a slip.
        case planChanged = "plan_changed_within_year"
        /// Slip: the value is 10ⁿ times what it should be (a digit, nghìn, triệu/tỷ).
        case powerOfTen = "slip_power_of_ten"
        /// Slip: a percentage typed as a fraction (0,529 for 52,9 %).
        case percentAsFraction = "slip_percent_as_fraction"
        /// Slip: the plan and an actual (estimate or last year's) typed in each other's place.
        case planActualSwap = "slip_plan_actual_swapped"
        /// Slip: a figure of another span (9 months or the year in a 6-month report…).
        case spanMistyped = "slip_wrong_span"
        /// Slip: last year's figure copied unchanged.
        case copiedLastYear = "slip_copied_last_year"

        public var isRecogniser: Bool {
            switch self {
            case .powerOfTen, .percentAsFraction, .planActualSwap, .spanMistyped, .copiedLastYear: return true
            default: return false
            }
        }

        public func label(_ lang: Language) -> String {
            switch (self, lang) {
            case (.crossUnit, .vi): return "so với đơn vị cùng cấp"
            case (.columnRelation, .vi): return "quan hệ giữa các cột"
            case (.lastYear, .vi): return "so với cùng kỳ năm trước"
            case (.ownHistory, .vi): return "so với các kỳ trước của đơn vị"
            case (.planChanged, .vi): return "kế hoạch khác báo cáo trước trong năm"
            case (.powerOfTen, .vi): return "nhầm bậc 10ⁿ"
            case (.percentAsFraction, .vi): return "tỷ lệ ghi dạng thập phân"
            case (.planActualSwap, .vi): return "đổi chỗ kế hoạch và thực hiện"
            case (.spanMistyped, .vi): return "nhầm kỳ báo cáo"
            case (.copiedLastYear, .vi): return "chép số năm trước"
            case (.crossUnit, .en): return "against units of the same level"
            case (.columnRelation, .en): return "relation between columns"
            case (.lastYear, .en): return "against the same period last year"
            case (.ownHistory, .en): return "against the unit's earlier periods"
            case (.planChanged, .en): return "plan differs from an earlier report of the year"
            case (.powerOfTen, .en): return "power-of-ten slip"
            case (.percentAsFraction, .en): return "percentage typed as a fraction"
            case (.planActualSwap, .en): return "plan and actual swapped"
            case (.spanMistyped, .en): return "figure of another span"
            case (.copiedLastYear, .en): return "copied from last year"
            }
        }
    }

    public var unit: String
    public var unitName: String
    public var indicator: String
    public var indicatorName: String
    /// The template's column key (`estimate`, `plan`, `prev_actual`).
    public var column: String
    public var value: Double
    public var expectedLow: Double?
    public var expectedHigh: Double?
    public var method: Method
    public var reasonVI: String
    public var reasonEN: String
    /// How far out the value is: the largest robust |z| of the checks it fails (a
    /// recogniser's finding keeps the score of the check that led to it).
    public var score: Double
    /// The value a recogniser proposes (the slip undone), when there is one.
    public var suggested: Double?

    public func reason(_ lang: Language) -> String { lang == .vi ? reasonVI : reasonEN }
}
