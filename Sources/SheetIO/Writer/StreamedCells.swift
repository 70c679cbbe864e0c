import CXlsxWriter
import Foundation

/// The cells of a streamed sheet (``XLSXWriter/addWorksheet(_:streamed:)``), kept compact
/// until the workbook closes, then handed to libxlsxwriter row by row.
///
/// Why: libxlsxwriter keeps every cell of an ordinary sheet in memory until it closes, some
/// 130 bytes a cell (a red-black tree node with its value); the national summary's unit
/// sheet has 535,000 cells, 70 MB. Its constant-memory mode writes each row to a
/// temporary file as the next begins, but only takes rows in order, and a merged range
/// over several rows cannot be written in it (libxlsxwriter's issue 435). Cells kept here
/// cost 24 bytes each; at close they are sorted by row (a stable sort: the later write to
/// a cell wins, as in an ordinary sheet) and written in order to a sheet of its own in
/// constant-memory mode (libxlsxwriter 1.1.4 takes the mode per sheet, when the sheet is
/// added). A merged range is written as its cells (its text in the first, formatted
/// blanks in the rest, which is what `worksheet_merge_range` writes), and the range itself
/// is recorded on its last row, where libxlsxwriter accepts it: its own writes to the
/// rows above fail there, and those cells are already written.
///
/// Texts are written inline (`t="inlineStr"`) rather than through the shared string table:
/// both are standard SpreadsheetML that Excel, LibreOffice and every reader we test read.
final class StreamedCells {
    /// One cell written: what an ordinary sheet hands libxlsxwriter at once and a streamed
    /// sheet at close, through the same ``write(_:to:row:col:format:)``. Texts are escaped.
    enum CellWrite {
        case number(Double), text(String), blank, bool(Bool), formula(String, Double), formulaText(String, String)

        /// The word an error names the write by.
        var what: String {
            switch self {
            case .number: return "number"
            case .text: return "text"
            case .blank: return "blank"
            case .bool: return "boolean"
            case .formula, .formulaText: return "formula"
            }
        }
    }

    /// Writes one cell through libxlsxwriter.
    static func write(_ w: CellWrite, to ws: UnsafeMutablePointer<lxw_worksheet>, row: Int, col: Int,
                      format f: UnsafeMutablePointer<lxw_format>?) -> lxw_error {
        let r = lxw_row_t(row), c = lxw_col_t(col)
        switch w {
        case .number(let d): return worksheet_write_number(ws, r, c, d, f)
        case .text(let t): return worksheet_write_string(ws, r, c, t, f)
        case .blank: return worksheet_write_blank(ws, r, c, f)
        case .bool(let b): return worksheet_write_boolean(ws, r, c, b ? 1 : 0, f)
        case .formula(let formula, let v): return worksheet_write_formula_num(ws, r, c, formula, f, v)
        case .formulaText(let formula, let v): return worksheet_write_formula_str(ws, r, c, formula, f, v)
        }
    }

    enum Kind: UInt8 { case number, text, blank, bool, formulaNumber, formulaText, rowOptions, mergeRange }

    struct Entry {
        /// The number, the boolean (0 or 1), a formula's numeric result, or a row's height.
        var number: Double
        var row: UInt32
        /// Into `texts`: the text, the formula (its text result follows it), or the merge.
        var text: Int32
        /// Into `formats` (0: none).
        var format: UInt32
        /// The column; for row options, 1 when hidden.
        var col: UInt16
        var kind: Kind
    }

    private(set) var entries: [Entry] = []
    private var texts: [String] = []
    private var merges: [(first: CellRef, last: CellRef, text: Int32)] = []
    private var formats: [UnsafeMutablePointer<lxw_format>?] = [nil]
    private var formatIndex: [UnsafeMutableRawPointer: UInt32] = [:]
    private var lastFormat: (UnsafeMutablePointer<lxw_format>?, UInt32) = (nil, 0)

    private func index(_ f: UnsafeMutablePointer<lxw_format>?) -> UInt32 {
        guard let f else { return 0 }
        if lastFormat.0 == f { return lastFormat.1 }
        let i: UInt32
        if let known = formatIndex[UnsafeMutableRawPointer(f)] { i = known } else {
            i = UInt32(formats.count)
            formats.append(f)
            formatIndex[UnsafeMutableRawPointer(f)] = i
        }
        lastFormat = (f, i)
        return i
    }

    private func text(_ s: String) -> Int32 {
        texts.append(s)
        return Int32(texts.count - 1)
    }

    private func append(_ kind: Kind, _ row: Int, _ col: Int, number: Double = 0, text: Int32 = -1, format: UnsafeMutablePointer<lxw_format>?) {
        entries.append(Entry(number: number, row: UInt32(row), text: text, format: index(format), col: UInt16(col), kind: kind))
    }

    func add(_ w: CellWrite, _ row: Int, _ col: Int, format: UnsafeMutablePointer<lxw_format>?) {
        switch w {
        case .number(let d): append(.number, row, col, number: d, format: format)
        case .text(let t): append(.text, row, col, text: text(t), format: format)
        case .blank: append(.blank, row, col, format: format)
        case .bool(let b): append(.bool, row, col, number: b ? 1 : 0, format: format)
        case .formula(let formula, let v): append(.formulaNumber, row, col, number: v, text: text(formula), format: format)
        case .formulaText(let formula, let v):
            let i = text(formula)
            _ = text(v)  // the result follows its formula
            append(.formulaText, row, col, text: i, format: format)
        }
    }

    /// A row's height and whether it is hidden.
    func addRow(_ row: Int, height: Double, hidden: Bool, format: UnsafeMutablePointer<lxw_format>?) {
        append(.rowOptions, row, hidden ? 1 : 0, number: height, format: format)
    }

    /// A merged range: its cells now, the range on its last row.
    func addMerge(first: CellRef, last: CellRef, text escaped: String, format: UnsafeMutablePointer<lxw_format>?) {
        // The range first: on its last row it is written before the cells below, so when it
        // spans one row the cells written after it (its own text among them) stand.
        merges.append((first, last, text(escaped)))
        append(.mergeRange, last.row, first.column, text: Int32(merges.count - 1), format: format)
        add(.text(escaped), first.row, first.column, format: format)
        for r in first.row...last.row {
            for c in first.column...last.column where r != first.row || c != first.column {
                add(.blank, r, c, format: format)
            }
        }
    }

    /// Writes every cell to `ws` (a constant-memory sheet) in row order.
    func replay(into ws: UnsafeMutablePointer<lxw_worksheet>, check: (lxw_error, String, Int, Int) throws -> Void) throws {
        // Stable by row: within a row, writes keep the order they were made in.
        var order = Array(entries.indices)
        if !zip(entries, entries.dropFirst()).allSatisfy({ $0.row <= $1.row }) {
            order.sort { entries[$0].row != entries[$1].row ? entries[$0].row < entries[$1].row : $0 < $1 }
        }
        for i in order {
            let e = entries[i]
            let f = formats[Int(e.format)]
            func cell(_ w: CellWrite) throws {
                try check(StreamedCells.write(w, to: ws, row: Int(e.row), col: Int(e.col), format: f), w.what, Int(e.row), Int(e.col))
            }
            switch e.kind {
            case .number: try cell(.number(e.number))
            case .text: try cell(.text(texts[Int(e.text)]))
            case .blank: try cell(.blank)
            case .bool: try cell(.bool(e.number != 0))
            case .formulaNumber: try cell(.formula(texts[Int(e.text)], e.number))
            case .formulaText: try cell(.formulaText(texts[Int(e.text)], texts[Int(e.text) + 1]))
            case .rowOptions:
                var opt = lxw_row_col_options()
                opt.hidden = e.col == 1 ? 1 : 0
                try check(worksheet_set_row_opt(ws, lxw_row_t(e.row), e.number, f, &opt), "row height", Int(e.row), 0)
            case .mergeRange:
                let m = merges[Int(e.text)]
                // Its writes to the rows above fail inside libxlsxwriter and are not needed:
                // those cells are written.
                try check(worksheet_merge_range(ws, lxw_row_t(m.first.row), lxw_col_t(m.first.column), lxw_row_t(m.last.row),
                                                lxw_col_t(m.last.column), texts[Int(m.text)], f),
                          "merged range \(CellRange(first: m.first, last: m.last))", m.first.row, m.first.column)
            }
        }
        entries = []
        texts = []
        merges = []
    }
}
