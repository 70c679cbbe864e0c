import Foundation

/// Any spreadsheet file tonghop reads: an XLSX workbook, an Excel 97-2003 (.xls) workbook
/// or a CSV file (one sheet, named after the file). The kind is recognised from the
/// content, not the extension.
public final class SpreadsheetDocument {
    public enum Kind: String, Sendable { case xlsx, xls, csv }

    public let fileName: String
    public let kind: Kind
    public let sheets: [SheetInfo]
    /// The workbook, for XLSX files.
    public let workbook: XLSXWorkbook?
    /// The workbook, for Excel 97-2003 (.xls) files.
    public let xls: XLSWorkbook?
    private let limits: ReadLimits
    /// The CSV delimiter to use instead of detecting one.
    public var csvDelimiter: UInt8?
    /// For CSV files: the delimiter and encoding recognised, and the problems found in the
    /// last full read (ragged rows, lost letters).
    public private(set) var csvDelimiterUsed: UInt8?
    public private(set) var csvEncoding: TextEncoding?
    public private(set) var csvDiagnostics: [CSVDiagnostic] = []

    public convenience init(path: String, displayName: String? = nil, limits: ReadLimits = .default) throws {
        let file = try InputFile(path: path, name: displayName ?? path, limits: limits)
        let head = file.read(at: 0, count: 512)
        if head.starts(with: CompoundFile.signature) {
            // An OLE compound file: Excel 97-2003, or an encrypted OOXML package (refused
            // by the .xls reader as password-protected).
            let xls = try XLSWorkbook(file: file, limits: limits)
            self.init(xls: xls, limits: limits)
            return
        }
        if SpreadsheetDocument.isZip(head) {
            try self.init(workbook: XLSXWorkbook(file: file, limits: limits), limits: limits)
            return
        }
        try SpreadsheetDocument.refuseNonCSV(head, name: file.name)
        let bytes = try file.readAll()
        let csv = try CSVReader(bytes: bytes, displayName: file.name, limits: limits)
        self.init(csvName: file.name, reader: csv, limits: limits)
        csvBytes = bytes
    }

    public convenience init(bytes: [UInt8], displayName: String, limits: ReadLimits = .default) throws {
        let head = Array(bytes.prefix(512))
        if head.starts(with: CompoundFile.signature) {
            self.init(xls: try XLSWorkbook(bytes: bytes, displayName: displayName, limits: limits), limits: limits)
            return
        }
        if SpreadsheetDocument.isZip(head) || head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            try self.init(workbook: XLSXWorkbook(bytes: bytes, displayName: displayName, limits: limits), limits: limits)
            return
        }
        try SpreadsheetDocument.refuseNonCSV(head, name: displayName)
        let csv = try CSVReader(bytes: bytes, displayName: displayName, limits: limits)
        self.init(csvName: displayName, reader: csv, limits: limits)
        csvBytes = bytes
    }

    private init(workbook: XLSXWorkbook, limits: ReadLimits) {
        fileName = workbook.fileName
        kind = .xlsx
        sheets = workbook.sheets
        self.workbook = workbook
        xls = nil
        self.limits = limits
    }

    private init(xls: XLSWorkbook, limits: ReadLimits) {
        fileName = xls.fileName
        kind = .xls
        sheets = xls.sheets
        workbook = nil
        self.xls = xls
        self.limits = limits
    }

    private init(csvName: String, reader: CSVReader, limits: ReadLimits) {
        fileName = csvName
        kind = .csv
        let base = (csvName as NSString).lastPathComponent
        sheets = [SheetInfo(name: (base as NSString).deletingPathExtension, visibility: .visible, kind: .worksheet, part: nil)]
        workbook = nil
        xls = nil
        self.limits = limits
        firstCSVReader = reader
        csvDelimiterUsed = reader.delimiter
        csvEncoding = reader.encoding
        csvDiagnostics = reader.diagnostics
    }

    private var firstCSVReader: CSVReader?
    /// The bytes of a CSV (parsed again for a second pass, never read again from a path
    /// that may since name another file).
    private var csvBytes: [UInt8]?

    public static func isZip(_ head: [UInt8]) -> Bool {
        head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06])
            || head.starts(with: [0x50, 0x4B, 0x07, 0x08])
    }

    /// HTML or SpreadsheetML 2003 saved under a spreadsheet name (old web systems do this):
    /// refused with what to do, rather than read as CSV.
    static func refuseNonCSV(_ head: [UInt8], name: String) throws {
        var text = String(decoding: head.prefix(256), as: UTF8.self).lowercased()
        text = text.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
        if text.hasPrefix("<!doctype html") || text.hasPrefix("<html") || text.hasPrefix("<table") {
            throw SheetIOError(.notXLSX("an HTML page saved as a spreadsheet"), file: name)
        }
        if text.hasPrefix("<?xml") && text.contains("urn:schemas-microsoft-com:office:spreadsheet") || text.contains("<workbook") {
            throw SheetIOError(.notXLSX("an XML Spreadsheet 2003 file"), file: name)
        }
        let ext = (name as NSString).pathExtension.lowercased()
        if ["xlsx", "xlsm", "xltx", "xltm", "xls", "xlt"].contains(ext) {
            throw SheetIOError(.notASpreadsheet, file: name)
        }
    }

    /// The sheet the workbook opens on (0-based), when the file says (XLSX `activeTab`,
    /// XLS `WINDOW1`); nil for CSV and for workbooks that do not say.
    public var activeSheet: Int? { workbook?.activeSheet ?? xls?.activeSheet }

    /// The code of a cell's number-format id ("#,##0.0,,,", "0.0%"), or nil for CSV and
    /// unknown ids.
    public func numberFormatCode(id: Int) -> String? { workbook?.numberFormatCode(id: id) ?? xls?.numberFormatCode(id: id) }

    /// How a cell's number-format id shows numbers (date, percent, number, text).
    public func numberFormatDisplay(id: Int) -> NumberFormat.Display {
        workbook?.numberFormatDisplay(id: id) ?? xls?.numberFormatDisplay(id: id) ?? NumberFormat.display(id: id, code: nil)
    }

    /// The 0-based index of a sheet given as a 1-based number or a name.
    public func sheetIndex(_ spec: String) throws -> Int {
        if let n = Int(spec) {
            guard n >= 1 && n <= sheets.count else {
                throw SheetIOError(.noSuchSheet("\(n) (\(sheets.count) sheets)"), file: fileName)
            }
            return n - 1
        }
        if let i = sheets.firstIndex(where: { $0.name == spec }) ?? sheets.firstIndex(where: { $0.name.lowercased() == spec.lowercased() }) {
            return i
        }
        throw SheetIOError(.noSuchSheet("\"\(spec)\" (sheets: \(sheets.map(\.name).joined(separator: ", ")))"), file: fileName)
    }

    /// Streams a sheet's rows. For CSV there is one sheet; each call reads it afresh.
    public func rows(ofSheet index: Int) throws -> RowReader {
        if let workbook { return try workbook.rows(ofSheet: index) }
        if let xls { return try xls.rows(ofSheet: index) }
        guard index == 0 else { throw SheetIOError(.noSuchSheet("#\(index + 1) (1 sheet)"), file: fileName) }
        if let r = firstCSVReader {
            firstCSVReader = nil
            return r
        }
        return try CSVReader(bytes: csvBytes ?? [], displayName: fileName, delimiter: csvDelimiter, limits: limits)
    }

    /// Sheets read ahead by ``keepSheet(_:maxRows:)``, each for one later ``readSheet(_:maxRows:)``.
    private var kept: [Int: (maxRows: Int, sheet: Sheet)] = [:]

    /// Reads a sheet now and keeps it for the next ``readSheet(_:maxRows:)`` of the same
    /// sheet and `maxRows` (a batch reads its next files ahead on another core; the
    /// document is then handed to the thread that checks it, never shared).
    public func keepSheet(_ index: Int, maxRows: Int) throws {
        kept[index] = (maxRows, try readSheet(index, maxRows: maxRows))
    }

    /// Reads a whole sheet into memory.
    /// With `maxRows`, at most that many rows with values are kept and reading stops at
    /// the next one, named by ``Sheet/truncatedAt``.
    public func readSheet(_ index: Int, maxRows: Int = .max) throws -> Sheet {
        if let k = kept[index], k.maxRows == maxRows {
            kept[index] = nil
            return k.sheet
        }
        if let workbook { return try workbook.readSheet(index, maxRows: maxRows) }
        if let xls { return try xls.readSheet(index, maxRows: maxRows) }
        let reader = try rows(ofSheet: index)
        var rows: [Row] = []
        var truncatedAt: Int? = nil
        while let r = try reader.next() {
            guard !r.cells.isEmpty else { continue }
            if rows.count >= maxRows { truncatedAt = r.index; break }
            rows.append(r)
        }
        if let csv = reader as? CSVReader { csvDiagnostics = csv.diagnostics }
        var sheet = Sheet(name: sheets[index].name, rows: rows)
        sheet.truncatedAt = truncatedAt
        return sheet
    }
}
