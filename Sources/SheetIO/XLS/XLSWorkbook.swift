import CFreeXL
import Foundation

/// An Excel 97-2003 workbook (.xls, BIFF5/BIFF8) read through FreeXL (Debian
/// `libfreexl-dev` 1.0.6) into the same cell model as XLSX and CSV.
///
/// What FreeXL gives: sheet names, numbers, text (shared strings, rich text), dates,
/// date-times and times as FreeXL recognises them from the cell formats (1900 and 1904
/// systems), the password flag. What it does not: merged ranges, hidden sheets or
/// columns, number formats (so a percent-formatted cell reads as its stored fraction),
/// formulas (their cached values are read). FreeXL reads the whole file at opening; the
/// file-size cap bounds that, and FreeXL refuses files whose records ask for more than
/// they hold (calamine's OOM_alloc corpus files).
public final class XLSWorkbook {
    public let fileName: String
    public let sheets: [SheetInfo]
    private var handle: UnsafeRawPointer?
    private let limits: ReadLimits

    /// Opens the checked input file (FreeXL opens by path: the descriptor's
    /// `/proc/self/fd/N` name, so what was checked is what is read).
    public init(file: InputFile, limits: ReadLimits = .default) throws {
        fileName = file.name
        self.limits = limits
        var h: UnsafeRawPointer? = nil
        let rc = freexl_open("/proc/self/fd/\(file.fd)", &h)
        guard rc == FREEXL_OK, let h else {
            if let h { freexl_close(h) }
            throw SheetIOError(.xlsUnreadable(XLSWorkbook.reason(rc)), file: file.name)
        }
        handle = h
        var password: UInt32 = 0
        if freexl_get_info(h, UInt16(FREEXL_BIFF_PASSWORD), &password) == FREEXL_OK, password == UInt32(FREEXL_BIFF_OBFUSCATED) {
            freexl_close(h)
            handle = nil
            throw SheetIOError(.encrypted, file: file.name)
        }
        var count: UInt32 = 0
        guard freexl_get_info(h, UInt16(FREEXL_BIFF_SHEET_COUNT), &count) == FREEXL_OK else {
            freexl_close(h)
            handle = nil
            throw SheetIOError(.xlsUnreadable("no worksheet"), file: file.name)
        }
        var infos: [SheetInfo] = []
        for i in 0..<min(count, 65_535) {
            var name: UnsafePointer<CChar>? = nil
            let ok = freexl_get_worksheet_name(h, UInt16(i), &name) == FREEXL_OK
            infos.append(SheetInfo(name: ok ? name.map { String(cString: $0) } ?? "Sheet\(i + 1)" : "Sheet\(i + 1)",
                                   visibility: .visible, kind: .worksheet, part: nil))
        }
        sheets = infos
    }

    deinit { if let handle { freexl_close(handle) } }

    /// The rows of a sheet (0-based index), read from FreeXL's cell table.
    public func rows(ofSheet index: Int) throws -> RowReader {
        guard let h = handle, sheets.indices.contains(index) else {
            throw SheetIOError(.noSuchSheet("#\(index + 1) (\(sheets.count) sheets)"), file: fileName)
        }
        guard freexl_select_active_worksheet(h, UInt16(index)) == FREEXL_OK else {
            throw SheetIOError(.xlsUnreadable("sheet \(index + 1) cannot be selected"), file: fileName, sheet: sheets[index].name)
        }
        var rows: UInt32 = 0
        var cols: UInt16 = 0
        guard freexl_worksheet_dimensions(h, &rows, &cols) == FREEXL_OK else {
            throw SheetIOError(.xlsUnreadable("sheet dimensions"), file: fileName, sheet: sheets[index].name)
        }
        if Int(rows) > limits.maxRows { throw SheetIOError(.limitExceeded(.rows, Int64(limits.maxRows)), file: fileName, sheet: sheets[index].name) }
        return XLSRowReader(workbook: self, handle: h, sheet: index, rows: Int(rows), columns: Int(cols))
    }

    /// One cell, as FreeXL holds it.
    func cell(_ h: UnsafeRawPointer, _ r: Int, _ c: Int) -> CellValue? {
        var v = FreeXL_CellValue()
        guard freexl_get_cell_value(h, UInt32(r), UInt16(c), &v) == FREEXL_OK else { return nil }
        switch Int32(v.type) {
        case FREEXL_CELL_INT: return .number(Double(v.value.int_value))
        case FREEXL_CELL_DOUBLE: return .number(v.value.double_value)
        case FREEXL_CELL_TEXT, FREEXL_CELL_SST_TEXT:
            guard let p = v.value.text_value else { return nil }
            let s = String(cString: p)
            return s.isEmpty ? nil : .text(s)
        case FREEXL_CELL_DATE, FREEXL_CELL_DATETIME, FREEXL_CELL_TIME:
            guard let p = v.value.text_value else { return nil }
            let text = String(cString: p)
            guard var d = ExcelDateTime(iso8601: text) else { return .text(text) }
            d.kind = Int32(v.type) == FREEXL_CELL_DATE ? .date : Int32(v.type) == FREEXL_CELL_TIME ? .time : .dateTime
            return .date(d)
        default: return nil
        }
    }

    static func reason(_ rc: Int32) -> String {
        switch rc {
        case FREEXL_CFBF_READ_ERROR, FREEXL_CFBF_SEEK_ERROR: return "the file is cut short or damaged"
        case FREEXL_INVALID_CFBF_HEADER, FREEXL_CFBF_INVALID_SIGNATURE, FREEXL_CFBF_INVALID_SECTOR_SIZE,
             FREEXL_CFBF_EMPTY_FAT_CHAIN, FREEXL_CFBF_ILLEGAL_FAT_ENTRY, FREEXL_INVALID_MINI_STREAM,
             FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY: return "the OLE container is damaged"
        case FREEXL_BIFF_WORKBOOK_NOT_FOUND: return "no Excel workbook stream inside"
        case FREEXL_BIFF_INVALID_BOF, FREEXL_BIFF_INVALID_SST, FREEXL_BIFF_ILLEGAL_SST_INDEX, FREEXL_CRAFTED_FILE:
            return "the workbook records are damaged"
        case FREEXL_INSUFFICIENT_MEMORY: return "it would need more memory than allowed"
        case FREEXL_UNSUPPORTED_CHARSET, FREEXL_INVALID_CHARACTER: return "an unsupported character set"
        default: return "a structure FreeXL does not read (an Excel 5/95 workbook, a password-protected one, or damaged records)"
        }
    }
}

/// Rows of one .xls sheet, produced from FreeXL's table.
final class XLSRowReader: RowReader {
    private let workbook: XLSWorkbook
    private let handle: UnsafeRawPointer
    private let sheet: Int
    private let rows: Int
    private let columns: Int
    private var nextRow = 0
    private var cells: [Cell] = []

    init(workbook: XLSWorkbook, handle: UnsafeRawPointer, sheet: Int, rows: Int, columns: Int) {
        self.workbook = workbook
        self.handle = handle
        self.sheet = sheet
        self.rows = rows
        self.columns = columns
    }

    func next() throws -> Row? {
        // The active sheet is FreeXL state: select ours again in case another reader moved it.
        _ = freexl_select_active_worksheet(handle, UInt16(sheet))
        while nextRow < rows {
            let r = nextRow
            nextRow += 1
            cells.removeAll(keepingCapacity: true)
            for c in 0..<columns {
                if let v = workbook.cell(handle, r, c) { cells.append(Cell(column: c, value: v)) }
            }
            if !cells.isEmpty { return Row(index: r, cells: cells) }
        }
        return nil
    }
}

