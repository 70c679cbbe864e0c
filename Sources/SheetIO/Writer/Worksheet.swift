import CXlsxWriter
import Foundation

/// A worksheet of an ``XLSXWriter``. Rows and columns count from 0.
public final class Worksheet {
    public let name: String
    unowned let workbook: XLSXWriter
    let handle: UnsafeMutablePointer<lxw_worksheet>
    /// The widest content written per column, in Excel character units.
    private var contentWidth: [Int: Double] = [:]
    /// Columns whose width was set explicitly (auto-fit leaves them alone).
    private var explicitWidth: Set<Int> = []
    private var autofit: (min: Double, max: Double)? = nil
    /// Columns with a default format (kept when auto-fit sets their width).
    private var columnFormats: [Int: CellFormat] = [:]
    private var charts: [Chart] = []
    /// The heights set with ``setRow(_:height:_:hidden:)`` (points), for laying out pages.
    public private(set) var rowHeights: [Int: Double] = [:]
    /// A streamed sheet's cells until the workbook closes (nil: written straight to libxlsxwriter).
    private var streamed: StreamedCells?

    init(workbook: XLSXWriter, handle: UnsafeMutablePointer<lxw_worksheet>, name: String, streamed: Bool = false) {
        self.workbook = workbook
        self.handle = handle
        self.name = name
        self.streamed = streamed ? StreamedCells() : nil
    }

    /// Excel's limit of characters in a cell, which libxlsxwriter checks (code points).
    static let maxTextLength = 32_767

    /// Whether the sheet is streamed (``XLSXWriter/addWorksheet(_:streamed:)``).
    public var isStreamed: Bool { streamed != nil }

    /// The buffer of a streamed sheet (nil for an ordinary one). A cell of a streamed sheet
    /// is checked when written, as libxlsxwriter checks it, so the error names the same
    /// cell at the same call.
    private func buffer(_ row: Int, _ col: Int, _ what: String) throws -> StreamedCells? {
        guard let s = streamed else { return nil }
        if row < 0 || row >= Int(LXW_ROW_MAX) || col < 0 || col >= Int(LXW_COL_MAX) {
            try check(LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, what, row, col)
        }
        return s
    }

    /// One cell: to libxlsxwriter now, or to a streamed sheet's buffer.
    private func put(_ w: StreamedCells.CellWrite, _ row: Int, _ col: Int, _ format: UnsafeMutablePointer<lxw_format>?, _ what: String) throws {
        if let s = try buffer(row, col, what) {
            if case .text(let t) = w, t.utf8.count > Worksheet.maxTextLength, t.unicodeScalars.count > Worksheet.maxTextLength {
                try check(LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED, what, row, col)
            }
            s.add(w, row, col, format: format)
        } else {
            try check(StreamedCells.write(w, to: handle, row: row, col: col, format: format), what, row, col)
        }
    }

    private func check(_ err: lxw_error, _ what: String, _ row: Int, _ col: Int) throws {
        try workbook.check(err, what, sheet: name, cell: CellRef(row: row, column: col))
    }

    // MARK: Cells

    /// A number.
    public func write(_ row: Int, _ col: Int, number: Double, _ format: CellFormat? = nil) throws {
        guard number.isFinite else {
            // Excel has no NaN or infinity: an error value says what happened.
            try writeFormula(row, col, "=NA()", result: .text("#N/A"), format)
            return
        }
        try put(.number(number), row, col, workbook.format(format), "number")
        measure(col, Double(numberWidth(number, format)), format)
    }

    /// Text, always as text: "=SUM(A1)" stays those characters, never a formula.
    public func write(_ row: Int, _ col: Int, text: String, _ format: CellFormat? = nil) throws {
        if text.isEmpty { return try writeBlank(row, col, format) }
        let escaped = Worksheet.escapeOOXML(text)
        try put(.text(escaped), row, col, workbook.format(format), "text")
        measure(col, Worksheet.displayWidth(text), format)
    }

    public func write(_ row: Int, _ col: Int, bool: Bool, _ format: CellFormat? = nil) throws {
        try put(.bool(bool), row, col, workbook.format(format), "boolean")
        measure(col, 5, format)
    }

    /// A date or time, as its serial with a date format ("yyyy-mm-dd" and friends if the
    /// given format has none).
    public func write(_ row: Int, _ col: Int, date: ExcelDateTime, _ format: CellFormat? = nil) throws {
        var f = format ?? CellFormat()
        if f.numberFormat == nil {
            switch date.kind {
            case .date: f.numberFormat = "yyyy-mm-dd"
            case .dateTime: f.numberFormat = "yyyy-mm-dd hh:mm:ss"
            case .time: f.numberFormat = "hh:mm:ss"
            case .duration: f.numberFormat = "[h]:mm:ss"
            }
        }
        // Back to Excel's serial, which counts a 1900-02-29 that never was.
        let serial = (date.kind == .date || date.kind == .dateTime) && date.serial >= 2 && date.serial < 61 ? date.serial - 1 : date.serial
        try put(.number(serial), row, col, workbook.format(f), "date")
        measure(col, Double(date.iso8601.count), f)
    }

    /// An empty cell that carries a format (borders, an unlocked input cell…).
    public func writeBlank(_ row: Int, _ col: Int, _ format: CellFormat? = nil) throws {
        guard let fmt = workbook.format(format) else { return }  // libxlsxwriter ignores unformatted blanks
        try put(.blank, row, col, fmt, "blank")
    }

    /// A formula ("=SUM(D7:D14)") with the value it computes, so the value shows before
    /// any recalculation.
    public func writeFormula(_ row: Int, _ col: Int, _ formula: String, result: FormulaResult, _ format: CellFormat? = nil) throws {
        let f = workbook.format(format)
        switch result {
        case .number(let d):
            let v = d.isFinite ? d : 0
            try put(.formula(formula, v), row, col, f, "formula")
            measure(col, Double(numberWidth(v, format)), format)
        case .text(let s):
            try put(.formulaText(formula, Worksheet.escapeOOXML(s)), row, col, f, "formula")
            measure(col, Worksheet.displayWidth(s), format)
        }
    }

    /// Any cell value read by SheetIO.
    public func write(_ row: Int, _ col: Int, value: CellValue, _ format: CellFormat? = nil) throws {
        switch value {
        case .empty: try writeBlank(row, col, format)
        case .number(let d): try write(row, col, number: d, format)
        case .text(let s): try write(row, col, text: s, format)
        case .bool(let b): try write(row, col, bool: b, format)
        case .error(let e): try writeFormula(row, col, Worksheet.errorFormula(e), result: .text(e), format)
        case .date(let d): try write(row, col, date: d, format)
        }
    }

    /// A merged range showing one text.
    public func merge(_ range: CellRange, text: String, _ format: CellFormat? = nil) throws {
        if streamed != nil {
            // As libxlsxwriter does: corners in any order, at least two cells.
            let first = CellRef(row: min(range.first.row, range.last.row), column: min(range.first.column, range.last.column))
            let last = CellRef(row: max(range.first.row, range.last.row), column: max(range.first.column, range.last.column))
            if first == last { return try check(LXW_ERROR_PARAMETER_VALIDATION, "merged range \(range)", range.first.row, range.first.column) }
            if last.row >= Int(LXW_ROW_MAX) || last.column >= Int(LXW_COL_MAX) || first.row < 0 || first.column < 0 {
                return try check(LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, "merged range \(range)", range.first.row, range.first.column)
            }
            streamed!.addMerge(first: first, last: last, text: Worksheet.escapeOOXML(text), format: workbook.format(format))
            return
        }
        try check(worksheet_merge_range(handle, lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                        lxw_row_t(range.last.row), lxw_col_t(range.last.column),
                                        Worksheet.escapeOOXML(text), workbook.format(format)),
                  "merged range \(range)", range.first.row, range.first.column)
    }

    // MARK: Rows and columns

    /// Sets the width (Excel character units) and optionally a default format of columns.
    public func setColumns(_ first: Int, _ last: Int, width: Double, _ format: CellFormat? = nil, hidden: Bool = false) throws {
        var opt = lxw_row_col_options()
        opt.hidden = hidden ? 1 : 0
        try check(worksheet_set_column_opt(handle, lxw_col_t(first), lxw_col_t(last), width, workbook.format(format), &opt),
                  "column width", 0, first)
        for c in first...last {
            explicitWidth.insert(c)
            if let format { columnFormats[c] = format }
        }
    }

    /// Sets a row's height in points (nil: default) and whether it is hidden.
    public func setRow(_ row: Int, height: Double?, _ format: CellFormat? = nil, hidden: Bool = false) throws {
        rowHeights[row] = hidden ? 0 : height ?? LXW_DEF_ROW_HEIGHT
        if let s = try buffer(row, 0, "row height") {
            s.addRow(row, height: height ?? LXW_DEF_ROW_HEIGHT, hidden: hidden, format: workbook.format(format))
            return
        }
        var opt = lxw_row_col_options()
        opt.hidden = hidden ? 1 : 0
        try check(worksheet_set_row_opt(handle, lxw_row_t(row), height ?? LXW_DEF_ROW_HEIGHT, workbook.format(format), &opt),
                  "row height", row, 0)
    }

    /// Sizes every column without an explicit width to its widest content when the
    /// workbook closes (libxlsxwriter 1.1.4 has no autofit). Widths count characters,
    /// a Vietnamese letter with its marks as one. Content is measured from this call on,
    /// so call it before writing; sheets without it pay nothing for measuring.
    public func autofitColumns(min: Double = 6, max: Double = 60) {
        autofit = (min, max)
    }

    /// The widest content written so far in a column (Excel character units).
    public func contentWidth(ofColumn col: Int) -> Double { contentWidth[col] ?? 0 }

    @inline(__always)
    private func measure(_ col: Int, _ width: @autoclosure () -> Double, _ format: CellFormat?) {
        guard autofit != nil else { return }
        var w = width()
        if format?.bold == true { w *= 1.1 }
        if let s = format?.fontSize, s > 11 { w *= s / 11 }
        if w > (contentWidth[col] ?? 0) { contentWidth[col] = w }
    }

    private func numberWidth(_ d: Double, _ format: CellFormat?) -> Int {
        let digits = CellText.number(d.rounded(.towardZero)).count
        var decimals = 0
        if let nf = format?.numberFormat, let dot = nf.firstIndex(of: ".") {
            decimals = nf[nf.index(after: dot)...].prefix { $0 == "0" || $0 == "#" }.count + 1
        } else if d != d.rounded() {
            decimals = min(CellText.number(d).count - digits, 10)
        }
        let groups = format?.numberFormat?.contains(",") == true ? (digits - 1) / 3 : 0
        let percent = format?.numberFormat?.contains("%") == true ? 3 : 0
        return digits + decimals + groups + percent
    }

    /// Display width: characters (grapheme clusters, so "Mường" is 5), East Asian wide
    /// characters as 2, the longest line of multi-line text.
    public static func displayWidth(_ text: String) -> Double {
        var best = 0.0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var w = 0.0
            for ch in line {
                let v = ch.unicodeScalars.first!.value
                w += (v >= 0x1100 && (v <= 0x115F || (v >= 0x2E80 && v <= 0xA4CF) || (v >= 0xAC00 && v <= 0xD7A3)
                      || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0xFF00 && v <= 0xFF60))) ? 2 : 1
            }
            best = Swift.max(best, w)
        }
        return best
    }

    func finish() throws {
        try streamed?.replay(into: handle) { try check($0, $1, $2, $3) }
        guard let (lo, hi) = autofit else { return }
        for (col, w) in contentWidth.sorted(by: { $0.key < $1.key }) where !explicitWidth.contains(col) {
            let width = Swift.min(hi, Swift.max(lo, (w * 1.1 + 2).rounded(.up)))
            try check(worksheet_set_column(handle, lxw_col_t(col), lxw_col_t(col), width, workbook.format(columnFormats[col])),
                      "column width", 0, col)
        }
    }

    // MARK: Sheet features

    /// Freezes the rows above `row` and the columns left of `col`.
    public func freezePanes(row: Int, col: Int) {
        worksheet_freeze_panes(handle, lxw_row_t(row), lxw_col_t(col))
    }

    public func addDataValidation(_ range: CellRange, _ v: DataValidation) throws {
        let arena = CStringArena()
        var dv = lxw_data_validation()
        dv.ignore_blank = UInt8(v.ignoreBlank ? LXW_VALIDATION_ON.rawValue : LXW_VALIDATION_OFF.rawValue)
        dv.show_input = UInt8(v.inputMessage != nil ? LXW_VALIDATION_ON.rawValue : LXW_VALIDATION_OFF.rawValue)
        dv.show_error = UInt8(LXW_VALIDATION_ON.rawValue)
        dv.error_type = UInt8((v.stopOnError ? LXW_VALIDATION_ERROR_TYPE_STOP : LXW_VALIDATION_ERROR_TYPE_WARNING).rawValue)
        func bounds(_ min: Double?, _ max: Double?) {
            switch (min, max) {
            case let (lo?, hi?):
                dv.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
                dv.minimum_number = lo
                dv.maximum_number = hi
            case let (lo?, nil):
                dv.criteria = UInt8(LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO.rawValue)
                dv.value_number = lo
            case let (nil, hi?):
                dv.criteria = UInt8(LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO.rawValue)
                dv.value_number = hi
            case (nil, nil):
                dv.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
                dv.minimum_number = -1e307
                dv.maximum_number = 1e307
            }
        }
        switch v.rule {
        case .integer(let lo, let hi):
            dv.validate = UInt8(LXW_VALIDATION_TYPE_INTEGER.rawValue)
            bounds(lo, hi)
        case .decimal(let lo, let hi):
            dv.validate = UInt8(LXW_VALIDATION_TYPE_DECIMAL.rawValue)
            bounds(lo, hi)
        case .listFromRange(let f):
            dv.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
            dv.value_formula = arena.dup(f)
        case .custom(let f):
            dv.validate = UInt8(LXW_VALIDATION_TYPE_CUSTOM_FORMULA.rawValue)
            dv.value_formula = arena.dup(f)
        case .any:
            dv.validate = UInt8(LXW_VALIDATION_TYPE_ANY.rawValue)
        }
        // Excel's limits: titles 32 characters, messages 255 (libxlsxwriter counts bytes).
        dv.input_title = arena.dup(v.inputTitle.map { Worksheet.truncateUTF8($0, bytes: 32) })
        dv.input_message = arena.dup(v.inputMessage.map { Worksheet.truncateUTF8($0, bytes: 255) })
        dv.error_title = arena.dup(v.errorTitle.map { Worksheet.truncateUTF8($0, bytes: 32) })
        dv.error_message = arena.dup(v.errorMessage.map { Worksheet.truncateUTF8($0, bytes: 255) })
        try check(worksheet_data_validation_range(handle, lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                                  lxw_row_t(range.last.row), lxw_col_t(range.last.column), &dv),
                  "data validation \(range)", range.first.row, range.first.column)
    }

    public func addConditionalFormat(_ range: CellRange, _ c: ConditionalFormat) throws {
        let arena = CStringArena()
        var cf = lxw_conditional_format()
        cf.format = workbook.format(c.format)
        cf.stop_if_true = c.stopIfTrue ? 1 : 0
        switch c.rule {
        case .cell(let cmp, let v):
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_CELL.rawValue)
            let crit: lxw_conditional_criteria = switch cmp {
            case .equal: LXW_CONDITIONAL_CRITERIA_EQUAL_TO
            case .notEqual: LXW_CONDITIONAL_CRITERIA_NOT_EQUAL_TO
            case .greater: LXW_CONDITIONAL_CRITERIA_GREATER_THAN
            case .less: LXW_CONDITIONAL_CRITERIA_LESS_THAN
            case .greaterOrEqual: LXW_CONDITIONAL_CRITERIA_GREATER_THAN_OR_EQUAL_TO
            case .lessOrEqual: LXW_CONDITIONAL_CRITERIA_LESS_THAN_OR_EQUAL_TO
            }
            cf.criteria = UInt8(crit.rawValue)
            cf.value = v
        case .between(let lo, let hi):
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_CELL.rawValue)
            cf.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_BETWEEN.rawValue)
            cf.min_value = lo
            cf.max_value = hi
        case .formula(let f):
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_FORMULA.rawValue)
            cf.value_string = arena.dup(f)
        case .errors:
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_ERRORS.rawValue)
        case .blanks:
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_BLANKS.rawValue)
        }
        try check(worksheet_conditional_format_range(handle, lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                                     lxw_row_t(range.last.row), lxw_col_t(range.last.column), &cf),
                  "conditional format \(range)", range.first.row, range.first.column)
    }

    /// A cell comment (note).
    public func addComment(_ row: Int, _ col: Int, _ text: String, author: String? = nil, visible: Bool = false,
                           width: Int = 0, height: Int = 0) throws {
        // Untried with libxlsxwriter's constant-memory mode, and no streamed sheet needs one.
        if streamed != nil { return try check(LXW_ERROR_FEATURE_NOT_SUPPORTED, "comment (streamed sheet)", row, col) }
        let arena = CStringArena()
        var opt = lxw_comment_options()
        opt.visible = UInt8(visible ? LXW_COMMENT_DISPLAY_VISIBLE.rawValue : LXW_COMMENT_DISPLAY_HIDDEN.rawValue)
        opt.author = arena.dup(author)
        opt.width = UInt16(width)
        opt.height = UInt16(height)
        try check(worksheet_write_comment_opt(handle, lxw_row_t(row), lxw_col_t(col), Worksheet.escapeOOXML(text), &opt),
                  "comment", row, col)
    }

    /// Protects the sheet: only cells with an ``CellFormat/unlocked`` format can be edited.
    /// No password by default (any user can unprotect; the point is to prevent slips).
    public func protect(password: String? = nil, allowFormattingColumns: Bool = true, allowFormattingRows: Bool = true) {
        var p = lxw_protection()
        p.format_columns = allowFormattingColumns ? 1 : 0
        p.format_rows = allowFormattingRows ? 1 : 0
        if let password {
            // libxlsxwriter 1.1.4 hashes passwords over 24 characters wrongly.
            worksheet_protect(handle, String(password.prefix(24)), &p)
        } else {
            worksheet_protect(handle, nil, &p)
        }
    }

    public func insertChart(_ chart: Chart, at ref: CellRef, offset: (x: Int, y: Int) = (0, 0), scale: (x: Double, y: Double) = (1, 1)) throws {
        var opt = lxw_chart_options()
        opt.x_offset = Int32(offset.x)
        opt.y_offset = Int32(offset.y)
        opt.x_scale = scale.x
        opt.y_scale = scale.y
        charts.append(chart)
        try check(worksheet_insert_chart_opt(handle, lxw_row_t(ref.row), lxw_col_t(ref.column), chart.handle, &opt),
                  "chart", ref.row, ref.column)
    }

    public func setPrint(_ p: PrintSetup) throws {
        if p.landscape { worksheet_set_landscape(handle) } else { worksheet_set_portrait(handle) }
        worksheet_set_paper(handle, UInt8(p.paper))
        if p.fitWidth != nil || p.fitHeight != nil {
            worksheet_fit_to_pages(handle, UInt16(p.fitWidth ?? 0), UInt16(p.fitHeight ?? 0))
        } else if let s = p.scale {
            worksheet_set_print_scale(handle, UInt16(max(10, min(400, s))))
        }
        if let r = p.repeatRows {
            try check(worksheet_repeat_rows(handle, lxw_row_t(r.lowerBound), lxw_row_t(r.upperBound)), "repeat rows", r.lowerBound, 0)
        }
        if let c = p.repeatColumns {
            try check(worksheet_repeat_columns(handle, lxw_col_t(c.lowerBound), lxw_col_t(c.upperBound)), "repeat columns", 0, c.lowerBound)
        }
        // libxlsxwriter takes 0-terminated arrays of breaks (at most 1,023 each).
        if !p.columnBreaks.isEmpty {
            var breaks = p.columnBreaks.prefix(1023).map { UInt16(clamping: $0) } + [0]
            try check(worksheet_set_v_pagebreaks(handle, &breaks), "column page breaks", 0, 0)
        }
        if !p.rowBreaks.isEmpty {
            var breaks = p.rowBreaks.prefix(1023).map { UInt32(clamping: $0) } + [0]
            try check(worksheet_set_h_pagebreaks(handle, &breaks), "row page breaks", 0, 0)
        }
        if let a = p.printArea {
            try check(worksheet_print_area(handle, lxw_row_t(a.first.row), lxw_col_t(a.first.column),
                                           lxw_row_t(a.last.row), lxw_col_t(a.last.column)), "print area", a.first.row, a.first.column)
        }
        if let h = p.header { try check(worksheet_set_header(handle, h), "header", 0, 0) }
        if let f = p.footer { try check(worksheet_set_footer(handle, f), "footer", 0, 0) }
        if p.firstPageHeader != nil && p.header == nil { try check(worksheet_set_header(handle, " "), "header", 0, 0) }
        firstPageHeader = p.firstPageHeader
        if let m = p.margins { worksheet_set_margins(handle, m.0, m.1, m.2, m.3) }
        if p.centerHorizontally { worksheet_center_horizontally(handle) }
        printGridlines = p.gridlines
        applyGridlines()
    }

    /// See ``PrintSetup/firstPageHeader``.
    var firstPageHeader: String?

    private var screenGridlines = true
    private var printGridlines = false

    /// Screen gridlines off (print gridlines follow ``PrintSetup/gridlines``).
    public func hideScreenGridlines() {
        screenGridlines = false
        applyGridlines()
    }

    private func applyGridlines() {
        let v: lxw_gridlines = switch (screenGridlines, printGridlines) {
        case (true, true): LXW_SHOW_ALL_GRIDLINES
        case (true, false): LXW_SHOW_SCREEN_GRIDLINES
        case (false, true): LXW_SHOW_PRINT_GRIDLINES
        case (false, false): LXW_HIDE_ALL_GRIDLINES
        }
        worksheet_gridlines(handle, UInt8(v.rawValue))
    }
    public func hide() { worksheet_hide(handle) }
    public func activate() { worksheet_activate(handle) }
    public func setTabColor(_ rgb: UInt32) { worksheet_set_tab_color(handle, rgb) }
    public func setZoom(_ percent: Int) { worksheet_set_zoom(handle, UInt16(percent)) }

    public func autofilter(_ range: CellRange) throws {
        try check(worksheet_autofilter(handle, lxw_row_t(range.first.row), lxw_col_t(range.first.column),
                                       lxw_row_t(range.last.row), lxw_col_t(range.last.column)), "autofilter", range.first.row, range.first.column)
    }

    // MARK: Text helpers

    /// Protects literal `_xHHHH_` in text: libxlsxwriter 1.1.4 writes it as is, and every
    /// reader would then decode it as an escaped character.
    static func escapeOOXML(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "_")) else { return s }
        var out = ""
        let chars = Array(s.utf8)
        var i = 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count + 12)
        func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }
        while i < chars.count {
            if chars[i] == UInt8(ascii: "_"), i + 6 < chars.count, chars[i + 1] == UInt8(ascii: "x") || chars[i + 1] == UInt8(ascii: "X"),
               isHex(chars[i + 2]), isHex(chars[i + 3]), isHex(chars[i + 4]), isHex(chars[i + 5]), chars[i + 6] == UInt8(ascii: "_") {
                bytes.append(contentsOf: Array("_x005F".utf8))
            }
            bytes.append(chars[i])
            i += 1
        }
        out = String(decoding: bytes, as: UTF8.self)
        return out
    }

    /// The formula that yields an error value ("#N/A" → "=NA()", "#DIV/0!" → "=1/0").
    static func errorFormula(_ e: String) -> String {
        switch e {
        case "#DIV/0!": return "=1/0"
        case "#VALUE!": return "=\"a\"+1"
        case "#REF!": return "=#REF!"
        case "#NAME?": return "=#NAME?"
        case "#NUM!": return "=SQRT(-1)"
        case "#NULL!": return "=#NULL!"
        default: return "=NA()"
        }
    }

    /// At most `bytes` UTF-8 bytes, cut at a character boundary.
    static func truncateUTF8(_ s: String, bytes: Int) -> String {
        if s.utf8.count <= bytes { return s }
        var out = ""
        for ch in s {
            if out.utf8.count + ch.utf8.count > bytes { break }
            out.append(ch)
        }
        return out
    }
}
