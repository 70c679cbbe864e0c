/// A data-validation rule on a range of cells.
public struct DataValidation: Sendable {
    public enum Rule: Sendable {
        /// A whole number within bounds (nil: unbounded on that side).
        case integer(min: Double?, max: Double?)
        /// A decimal number within bounds.
        case decimal(min: Double?, max: Double?)
        /// A choice from the cells of a range, e.g. "=$H$2:$H$9" or "=Lists!$A$1:$A$8".
        /// (libxlsxwriter 1.1.4 overflows a buffer on inline lists with non-ASCII text:
        /// Vietnamese choices must come from cells.)
        case listFromRange(String)
        /// A custom formula that must be TRUE, e.g. "=OR(ISNUMBER(D7),D7=\"-\")".
        case custom(String)
        /// Any value (only the input message is shown).
        case any
    }

    public var rule: Rule
    public var inputTitle: String?
    public var inputMessage: String?
    public var errorTitle: String?
    public var errorMessage: String?
    /// Stop (refuse the value) or only warn.
    public var stopOnError = true
    public var ignoreBlank = true

    public init(_ rule: Rule, inputTitle: String? = nil, inputMessage: String? = nil,
                errorTitle: String? = nil, errorMessage: String? = nil, stopOnError: Bool = true) {
        self.rule = rule
        self.inputTitle = inputTitle
        self.inputMessage = inputMessage
        self.errorTitle = errorTitle
        self.errorMessage = errorMessage
        self.stopOnError = stopOnError
    }
}

/// A conditional format on a range.
public struct ConditionalFormat: Sendable {
    public enum Rule: Sendable {
        public enum Comparison: Sendable { case equal, notEqual, greater, less, greaterOrEqual, lessOrEqual }
        /// Cell value compared with a number.
        case cell(Comparison, Double)
        /// Cell value between two numbers (inclusive).
        case between(Double, Double)
        /// A formula relative to the top-left cell, e.g. "=$F7<100".
        case formula(String)
        /// Cells holding an error value.
        case errors
        /// Blank cells.
        case blanks
    }

    public var rule: Rule
    public var format: CellFormat
    /// Later rules are not applied to a cell this one matched.
    public var stopIfTrue = false

    public init(_ rule: Rule, format: CellFormat, stopIfTrue: Bool = false) {
        self.rule = rule
        self.format = format
        self.stopIfTrue = stopIfTrue
    }
}

/// Page setup for printing.
public struct PrintSetup: Sendable {
    public var landscape = false
    /// Excel paper code: 9 = A4, 1 = Letter.
    public var paper: Int = 9
    /// Fit to this many pages wide and tall (0 = as many as needed).
    public var fitWidth: Int? = nil
    public var fitHeight: Int? = nil
    /// A fixed print scale in percent (10–400), when not fitted to pages.
    public var scale: Int? = nil
    /// Rows (0-based, inclusive) repeated at the top of each page.
    public var repeatRows: ClosedRange<Int>? = nil
    /// Columns (0-based, inclusive) repeated at the left of each page.
    public var repeatColumns: ClosedRange<Int>? = nil
    /// Manual page breaks before these columns (0-based) and rows.
    public var columnBreaks: [Int] = []
    public var rowBreaks: [Int] = []
    public var printArea: CellRange? = nil
    /// Excel header/footer codes, e.g. "&CTrang &P / &N".
    public var header: String? = nil
    public var footer: String? = nil
    /// The header of the first page when it differs (`differentFirst`: an official paper
    /// numbers its pages from the second); libxlsxwriter 1.1.4 has no call for it, so the
    /// sheet's XML gets it when the workbook is closed.
    public var firstPageHeader: String? = nil
    /// Margins in inches: left, right, top, bottom.
    public var margins: (Double, Double, Double, Double)? = nil
    public var centerHorizontally = false
    public var gridlines = false

    public init() {}
}

/// Workbook document properties (File › Info).
public struct DocumentProperties: Sendable {
    public var title: String?
    public var subject: String?
    public var author: String?
    public var company: String?
    public var category: String?
    public var keywords: String?
    public var comments: String?
    public var status: String?

    public init(title: String? = nil, subject: String? = nil, author: String? = nil, company: String? = nil,
                category: String? = nil, keywords: String? = nil, comments: String? = nil, status: String? = nil) {
        self.title = title
        self.subject = subject
        self.author = author
        self.company = company
        self.category = category
        self.keywords = keywords
        self.comments = comments
        self.status = status
    }
}

/// A formula's cached result, written next to it so the value shows before Excel
/// recalculates (libxlsxwriter's plain `worksheet_write_formula` would cache 0).
public enum FormulaResult: Sendable, Equatable {
    case number(Double)
    case text(String)
}
