import SheetIO

/// One problem found in a submission: a stable code, a severity, where it is, what was
/// written and what was expected, with a message in Vietnamese and English.
public struct Finding: Sendable, Equatable, Codable {
    public var code: String
    public var severity: Rule.Severity
    public var file: String
    public var sheet: String?
    /// "E12".
    public var cell: String?
    /// The Excel row number.
    public var row: Int?
    public var indicator: String?
    /// The value column's key ("estimate") or a header ("ĐVT").
    public var column: String?
    /// The text as written.
    public var value: String?
    public var expected: String?
    public var message: String
    public var messageEN: String

    public init(_ code: FindingCode, file: String, sheet: String? = nil, cell: CellRef? = nil, indicator: String? = nil,
                column: String? = nil, value: String? = nil, expected: String? = nil, vi: String, en: String,
                severity: Rule.Severity? = nil) {
        self.code = code.rawValue
        self.severity = severity ?? code.severity
        self.file = file
        self.sheet = sheet
        self.cell = cell?.a1
        self.row = cell.map { $0.row + 1 }
        self.indicator = indicator
        self.column = column
        self.value = value
        self.expected = expected
        self.message = vi
        self.messageEN = en
    }

    public func message(_ lang: Language) -> String { lang == .vi ? message : messageEN }
}

/// The stable finding codes. E… errors block an import, W… warnings are shown, I… info.
public enum FindingCode: String, Sendable, CaseIterable {
    // File and identification.
    case tableNotFound = "E001"
    case unreadableFile = "E002"
    case sheetTooLong = "E003"
    case legacyFontConverted = "I005"
    case unitUnknown = "E010"
    case periodUnknown = "E011"
    case unitMismatch = "E012"
    case periodMismatch = "E013"
    case unitNotReporting = "E014"
    case otherTemplate = "E015"
    /// Several sheets hold a table of the form and no evidence leaves exactly one.
    case sheetUndecided = "E007"
    /// Several sheets hold a table; the evidence named leaves this one.
    case sheetChosen = "I007"
    /// Several columns fit one template column equally and hold different figures.
    case columnUndecided = "E008"
    case templateVersion = "W016"
    case templateUnknown = "W017"
    case titleMismatch = "W018"
    /// The web page: a unit uploaded another unit's form.
    case otherUnit = "E019"
    /// The web page: the form's period is not open for submission.
    case periodClosed = "E020"
    // Rows.
    case rowNotMatched = "W100"
    case requiredMissing = "E101"
    case valueMissing = "E102"
    case optionalValueMissing = "W102"
    case unknownCode = "W103"
    case duplicateRow = "E104"
    /// The same row twice with the same figures: one reading, read once.
    case duplicateRowSame = "W104"
    case matchedByName = "W105"
    case symbolMissing = "I106"
    case unrecognisedColumn = "E107"
    case extraNumberColumn = "W107"
    case columnMissing = "E108"
    case optionalColumnMissing = "W108"
    case columnIgnored = "I109"
    case planUndecided = "E109"
    // Values.
    case notANumber = "E110"
    case notInteger = "E111"
    case ambiguousNumber = "W112"
    /// A number that reads two ways, in a file whose other numbers do not prove either.
    case ambiguousNumberRefused = "E112"
    case targetNotAllowed = "E113"
    case approximate = "I114"
    case percentScaled = "I115"
    /// The number a cell shows (through its format) and the number it holds disagree, and
    /// no rule says which is meant.
    case shownDisagrees = "E119"
    /// A number format that scales (#,##0.0,,,): read as the number shown.
    case shownScaled = "I119"
    case formulaError = "E116"
    case formulaNoValue = "E117"
    case numberOutOfRange = "E118"
    case hardRange = "E120"
    case softRange = "W121"
    case yearOnYear = "W122"
    case ruleError = "E130"
    case ruleWarning = "W130"
    case ruleInfo = "I130"
    case comparisonMismatch = "W140"
    case ratioInconsistent = "W145"
    case unitConverted = "W150"
    case unitIncompatible = "E151"
    /// Found at import by the screening across the store's units (issue 24): a named slip
    /// (×10ⁿ, % as a fraction, plan and actual swapped, another span, last year copied).
    case screeningSlip = "W160"
    /// Found at import by the screening: unusual against the units of its level, its own
    /// earlier periods or the report's other columns.
    case screeningUnusual = "W161"

    public var severity: Rule.Severity {
        switch rawValue.first {
        case "E": return .error
        case "W": return .warning
        default: return .info
        }
    }

    /// A short title for grouping in reports.
    public func title(_ lang: Language) -> String {
        let t: (String, String)
        switch self {
        case .tableNotFound: t = ("Không tìm thấy bảng số liệu", "Table not found")
        case .unreadableFile: t = ("Không đọc được tệp", "File cannot be read")
        case .legacyFontConverted: t = ("Chữ gõ bằng phông cũ (TCVN3/VNI), đã chuyển sang Unicode", "Legacy-font text (TCVN3/VNI) converted to Unicode")
        case .sheetTooLong: t = ("Trang bảng số liệu quá dài", "Table sheet too long")
        case .unitUnknown: t = ("Không xác định được đơn vị báo cáo", "Reporting unit not identified")
        case .periodUnknown: t = ("Không xác định được kỳ báo cáo", "Period not identified")
        case .unitMismatch: t = ("Đơn vị báo cáo không khớp", "Reporting unit mismatch")
        case .periodMismatch: t = ("Kỳ báo cáo không khớp", "Period mismatch")
        case .unitNotReporting: t = ("Đơn vị không báo cáo trong kỳ này", "Unit does not report in this period")
        case .otherTemplate: t = ("Biểu của mẫu khác", "Form of another template")
        case .sheetUndecided: t = ("Nhiều trang có bảng số liệu, không rõ trang nào", "Several sheets hold a table; which one is meant is unclear")
        case .sheetChosen: t = ("Nhiều trang có bảng số liệu; đã chọn theo căn cứ", "Several sheets hold a table; one chosen on evidence")
        case .columnUndecided: t = ("Nhiều cột cùng có thể là một cột của mẫu", "Several columns could be one template column")
        case .templateVersion: t = ("Phiên bản biểu mẫu khác", "Other template version")
        case .templateUnknown: t = ("Không nhận ra mẫu của biểu", "Form's template not identified")
        case .titleMismatch: t = ("Tiêu đề biểu không khớp", "Title block disagrees")
        case .otherUnit: t = ("Biểu của đơn vị khác", "Another unit's form")
        case .periodClosed: t = ("Kỳ báo cáo chưa mở hoặc đã đóng", "Period not open for submission")
        case .rowNotMatched: t = ("Dòng có số liệu không khớp chỉ tiêu nào", "Row with figures matching no indicator")
        case .requiredMissing: t = ("Thiếu chỉ tiêu bắt buộc", "Required indicator missing")
        case .valueMissing: t = ("Chưa ghi số liệu", "Value missing")
        case .optionalValueMissing: t = ("Chưa ghi số liệu", "Value missing")
        case .unknownCode: t = ("Mã chỉ tiêu không có trong mẫu", "Unknown indicator code")
        case .duplicateRow: t = ("Chỉ tiêu ghi hai lần", "Duplicate indicator row")
        case .duplicateRowSame: t = ("Chỉ tiêu ghi hai lần, cùng số liệu", "Indicator row repeated with the same figures")
        case .matchedByName: t = ("Nhận chỉ tiêu theo tên (thiếu mã)", "Indicator matched by name (no code)")
        case .symbolMissing: t = ("Ghi ký hiệu \"...\" (chưa có thông tin)", "\"...\" (no information)")
        case .unrecognisedColumn: t = ("Cột số liệu có tiêu đề không nhận ra", "Value column with an unrecognised header")
        case .extraNumberColumn: t = ("Cột số liệu ngoài mẫu, không được đọc", "Column of numbers outside the template, not read")
        case .columnMissing, .optionalColumnMissing: t = ("Thiếu cột số liệu của mẫu", "Template column missing")
        case .planUndecided: t = ("Cột kế hoạch không rõ là kế hoạch nào", "Plan column that names no plan")
        case .columnIgnored: t = ("Cột không dùng (năm khác kỳ báo cáo hoặc cột ẩn)", "Column not used (another year, or hidden)")
        case .notANumber: t = ("Không phải số", "Not a number")
        case .notInteger: t = ("Cần số nguyên", "Whole number expected")
        case .ambiguousNumber: t = ("Số có thể hiểu hai cách", "Ambiguous number")
        case .ambiguousNumberRefused: t = ("Số có thể hiểu hai cách, không đọc", "Ambiguous number, not read")
        case .targetNotAllowed: t = ("Khoảng hoặc ngưỡng chỉ dùng cho kế hoạch", "Ranges and bounds only in the plan")
        case .approximate: t = ("Số ước chừng", "Approximate figure")
        case .percentScaled: t = ("Ô định dạng %, đã đổi sang số phần trăm", "Percent-formatted cell read as a percentage")
        case .shownDisagrees: t = ("Số ô hiện khác số ô lưu", "The number shown differs from the number held")
        case .shownScaled: t = ("Định dạng số chia số lưu, đã đọc số ô hiện", "A scaling number format: the number shown was read")
        case .formulaError: t = ("Ô có lỗi công thức", "Formula error in cell")
        case .formulaNoValue: t = ("Công thức chưa có giá trị", "Formula without a computed value")
        case .numberOutOfRange: t = ("Số vô hạn hoặc ngoài miền số", "Infinite or out-of-range number")
        case .hardRange: t = ("Ngoài giới hạn cho phép", "Outside the allowed range")
        case .softRange: t = ("Ngoài khoảng thường gặp", "Outside the plausible range")
        case .yearOnYear: t = ("Thay đổi bất thường so với năm trước", "Unusual change on the previous year")
        case .ruleError, .ruleWarning, .ruleInfo: t = ("Vi phạm ràng buộc giữa các chỉ tiêu", "Cross-indicator rule violated")
        case .comparisonMismatch: t = ("Cột so sánh ghi khác giá trị tính được", "Comparison column disagrees")
        case .ratioInconsistent: t = ("Tỷ lệ không khớp với tử số và mẫu số", "Ratio disagrees with its parts")
        case .unitConverted: t = ("Đã quy đổi đơn vị tính", "Unit converted")
        case .unitIncompatible: t = ("Đơn vị tính không phù hợp", "Incompatible unit")
        case .screeningSlip: t = ("Có thể ghi nhầm (rà soát khi nhập)", "Likely slip (screened at import)")
        case .screeningUnusual: t = ("Giá trị bất thường (rà soát khi nhập)", "Unusual value (screened at import)")
        }
        return lang == .vi ? t.0 : t.1
    }
}
