/// An Excel 97-2003 workbook (.xls: BIFF8, and Excel 5/95's BIFF5) read by our own
/// compound-file and BIFF reader into the same cell model as XLSX and CSV.
///
/// What is read: sheet names, kinds and visibility (hidden, very hidden), the sheet the
/// workbook opens on, numbers, shared and inline text (BIFF5 text in the workbook's code
/// page, Windows-1258 included), booleans, error values, the cached results of formulas
/// (numbers, text, booleans, errors), number formats (so dates, times and percentages are
/// known as the XLSX reader knows them, 1900 and 1904 systems), merged ranges, hidden rows
/// and columns. Not read: formulas' text, comments, charts, pictures, cell styles other
/// than the number format.
///
/// The file is read whole into memory (it is already capped by
/// ``ReadLimits/maxFileBytes``); the workbook stream is kept, each sheet's records are
/// parsed when its rows are asked for. Encrypted workbooks (FILEPASS, or an encrypted
/// OOXML package in the OLE container) are refused as password-protected.
public final class XLSWorkbook {
    public let fileName: String
    public let limits: ReadLimits
    public let sheets: [SheetInfo]
    /// The workbook uses the 1904 date system (DATEMODE).
    public let date1904: Bool
    /// The sheet the workbook opens on (WINDOW1 itabCur, 0-based), if the workbook says.
    public let activeSheet: Int?
    private let globals: BIFFGlobals
    private let stream: [UInt8]

    /// Opens a workbook on disk. `displayName` names it in error messages.
    public convenience init(path: String, displayName: String? = nil, limits: ReadLimits = .default) throws {
        try self.init(file: InputFile(path: path, name: displayName ?? path, limits: limits), limits: limits)
    }

    /// Opens a workbook from a checked input file (regular, within the size cap).
    public convenience init(file: InputFile, limits: ReadLimits = .default) throws {
        try self.init(bytes: file.readAll(), displayName: file.name, limits: limits)
    }

    /// Opens a workbook held in memory.
    public init(bytes: [UInt8], displayName: String, limits: ReadLimits = .default) throws {
        fileName = displayName
        self.limits = limits
        guard bytes.count <= limits.maxFileBytes else {
            throw SheetIOError(.limitExceeded(.fileBytes, limits.maxFileBytes), file: displayName)
        }
        let cfb: CompoundFile
        do {
            cfb = try CompoundFile(bytes: bytes, fileName: displayName)
        } catch {
            // A container we cannot walk that names an encrypted package is still a
            // password-protected workbook, and says so.
            if XLSXWorkbook.sniffNonZip(Array(bytes.prefix(8)), whole: bytes) == .encrypted {
                throw SheetIOError(.encrypted, file: displayName)
            }
            throw error
        }
        if cfb.contains("EncryptedPackage") || cfb.contains("EncryptionInfo") {
            throw SheetIOError(.encrypted, file: displayName)
        }
        // BIFF8 writes "Workbook", BIFF5 "Book"; a file holding both (a BIFF5 copy kept
        // beside) is read as calamine reads it, the exact names first.
        guard let stream = try cfb.stream(named: "Workbook") ?? cfb.stream(named: "Book")
                ?? cfb.stream(named: "Workbook", ignoringCase: true) ?? cfb.stream(named: "Book", ignoringCase: true) else {
            throw SheetIOError(.xlsUnreadable(CompoundFile.Reason.noWorkbook), file: displayName)
        }
        self.stream = stream
        globals = try BIFFGlobals(stream: stream, fileName: displayName, limits: limits)
        sheets = globals.sheets.map(\.info)
        date1904 = globals.date1904
        activeSheet = globals.activeTab
    }

    /// The 0-based index of the sheet with this name (exact, then case-insensitive).
    public func sheetIndex(named name: String) -> Int? {
        sheets.firstIndex { $0.name == name } ?? sheets.firstIndex { $0.name.lowercased() == name.lowercased() }
    }

    /// The code of a number format index ("0.0%", "dd/mm/yyyy", built-in "General"…):
    /// the workbook's FORMAT record, else the built-in code.
    public func numberFormatCode(id: Int) -> String? { globals.formats[id] ?? NumberFormat.builtIn[id] }

    /// How a number format index shows numbers (date, percent, number, text).
    public func numberFormatDisplay(id: Int) -> NumberFormat.Display {
        NumberFormat.display(id: id, code: globals.formats[id])
    }

    /// Streams the rows of a sheet (0-based index in workbook order).
    public func rows(ofSheet index: Int) throws -> XLSRowReader {
        guard sheets.indices.contains(index) else {
            throw SheetIOError(.noSuchSheet("#\(index + 1) (\(sheets.count) sheets)"), file: fileName)
        }
        let (info, offset) = globals.sheets[index]
        guard offset >= 0, offset + 4 <= stream.count else {
            throw SheetIOError(.xlsUnreadable(BIFFGlobals.Reason.damaged), file: fileName, sheet: info.name)
        }
        return XLSRowReader(stream: stream, offset: offset, sheetName: info.name, globals: globals, fileName: fileName, limits: limits)
    }

    /// Reads a whole sheet into memory (sparse: only cells with a value or a formula).
    /// With `maxRows`, at most that many rows with values are kept; the sheet's
    /// ``Sheet/truncatedAt`` then names the first row left out (merged ranges are still
    /// read whole).
    public func readSheet(_ index: Int, maxRows: Int = .max) throws -> Sheet {
        let reader = try rows(ofSheet: index)
        var rows: [Row] = []
        var truncatedAt: Int? = nil
        while let row = try reader.next() {
            if rows.count >= maxRows {
                truncatedAt = row.index
                try reader.skipRemainingRows()
                break
            }
            rows.append(row)
        }
        var sheet = Sheet(name: sheets[index].name, rows: rows, mergedRanges: reader.mergedRanges)
        sheet.truncatedAt = truncatedAt
        sheet.hiddenColumns = reader.hiddenColumns
        sheet.hiddenRows = reader.hiddenRows
        return sheet
    }
}
