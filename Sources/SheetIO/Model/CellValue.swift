/// What a cell holds, as a spreadsheet program would show its type.
public enum CellValue: Hashable, Sendable {
    /// No value: a blank cell, `<v/>`, or a formula whose result was never computed
    /// (then ``Cell/hasFormula`` is true).
    case empty
    case number(Double)
    /// Text as stored, including numbers stored as text ("2.450"); the caller decides
    /// what such text means.
    case text(String)
    case bool(Bool)
    /// Excel's error text: "#N/A", "#DIV/0!", "#REF!"…
    case error(String)
    /// A number shown through a date or time format, or an ISO 8601 cell (`t="d"`).
    case date(ExcelDateTime)

    public var isEmpty: Bool { if case .empty = self { return true } else { return false } }

    /// The number, for `.number` and for dates (their serial).
    public var number: Double? {
        switch self {
        case .number(let d): return d
        case .date(let d): return d.serial
        default: return nil
        }
    }

    public var text: String? { if case .text(let s) = self { return s } else { return nil } }

    /// A name for the type, as used in JSON output: "number", "text", "bool", "error", "date", "empty".
    public var typeName: String {
        switch self {
        case .empty: return "empty"
        case .number: return "number"
        case .text: return "text"
        case .bool: return "bool"
        case .error: return "error"
        case .date(let d): return d.kind.rawValue
        }
    }
}

/// One cell of a row.
public struct Cell: Hashable, Sendable {
    /// 0-based column.
    public var column: Int
    public var value: CellValue
    /// The number-format id of the cell's style (0 = General; in .xls the format index of
    /// the cell's XF). Resolve its code with ``SpreadsheetDocument/numberFormatCode(id:)``.
    public var numberFormatID: Int
    /// Whether the cell holds a formula (its cached result, if any, is ``value``).
    public var hasFormula: Bool

    public init(column: Int, value: CellValue, numberFormatID: Int = 0, hasFormula: Bool = false) {
        self.column = column
        self.value = value
        self.numberFormatID = numberFormatID
        self.hasFormula = hasFormula
    }
}

/// One row: its 0-based index and its non-blank cells in column order.
public struct Row: Sendable {
    public var index: Int
    public var cells: [Cell]

    public init(index: Int, cells: [Cell]) {
        self.index = index
        self.cells = cells
    }

    /// The Excel row number (1-based).
    public var excelRow: Int { index + 1 }

    /// The cell in a 0-based column, if present.
    public subscript(column column: Int) -> Cell? {
        // Cells are sorted by column; rows are short, so a binary search is plenty.
        var lo = 0, hi = cells.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cells[mid].column < column { lo = mid + 1 } else { hi = mid }
        }
        return lo < cells.count && cells[lo].column == column ? cells[lo] : nil
    }
}
