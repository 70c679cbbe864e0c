/// Streams the rows of one .xls sheet from its BIFF substream (BOF … EOF): call ``next()``
/// until it returns nil. Rows without any value are skipped; ``mergedRanges`` is complete
/// once ``next()`` has returned nil (MERGEDCELLS follow the cells), ``hiddenColumns`` and
/// ``hiddenRows`` once the first row is returned (COLINFO and ROW precede their cells).
///
/// Cells come in the order of their records, which Excel writes row by row; a writer
/// that goes back to an earlier row yields that row again (``Sheet`` merges such rows).
/// Blank cells (BLANK, MULBLANK) carry only a format and are left out. Charts embedded
/// in the sheet (nested BOF … EOF) are skipped. DIMENSIONS is not used: the extent comes
/// from the cells, and nothing is allocated from what a record declares.
public final class XLSRowReader: RowReader {
    public let sheetName: String
    /// Merged ranges, known once all rows have been read.
    public private(set) var mergedRanges: [CellRange] = []
    /// Hidden columns (0-based ranges), from COLINFO records.
    public private(set) var hiddenColumns: [ClosedRange<Int>] = []
    /// Hidden rows (0-based ranges, from ROW records with a zero height flag).
    public var hiddenRows: [ClosedRange<Int>] { XLSRowReader.ranges(hiddenRowIndexes) }

    private let stream: [UInt8]
    private let globals: BIFFGlobals
    private let fileName: String
    private let limits: ReadLimits
    private var records: BIFFRecordIterator
    private var hiddenRowIndexes: [Int] = []
    private var depth = 0
    private var finished = false
    private var skipping = false
    private var currentRow = -1
    private var cells: [Cell] = []
    /// The cell in ``cells`` of a FORMULA whose text result is in the STRING record that follows.
    private var pendingString: Int?

    init(stream: [UInt8], offset: Int, sheetName: String, globals: BIFFGlobals, fileName: String, limits: ReadLimits) {
        self.stream = stream
        self.sheetName = sheetName
        self.globals = globals
        self.fileName = fileName
        self.limits = limits
        records = BIFFRecordIterator(stream, at: offset)
        cells.reserveCapacity(64)
    }

    private func error(_ kind: SheetIOError.Kind, row: Int? = nil, column: Int? = nil) -> SheetIOError {
        let cell = row.flatMap { r in column.map { CellRef(row: min(r, CellRef.maxRows - 1), column: min($0, CellRef.maxColumns - 1)).a1 } }
        return SheetIOError(kind, file: fileName, sheet: sheetName, cell: cell)
    }

    /// The next row with at least one value, or nil at the end of the sheet.
    public func next() throws -> Row? {
        while !finished {
            guard let r = records.next() else { finished = true; break }
            if let done = try handle(r) { return done }
        }
        return finishRow()
    }

    /// Skips the rows not read yet without building them, then reads what follows the
    /// cells (merged ranges).
    public func skipRemainingRows() throws {
        skipping = true
        cells.removeAll()
        pendingString = nil
        while try next() != nil {}
    }

    /// Acts on one record; returns a row when a cell of another row completes it.
    private func handle(_ r: BIFFRecord) throws -> Row? {
        let s = r.start
        switch r.type {
        case BIFFType.bof:
            depth += 1
            return nil
        case BIFFType.eof:
            depth -= 1
            if depth <= 0 { finished = true }
            return nil
        default:
            break
        }
        if depth > 1 { return nil }  // a chart or other substream inside the sheet
        switch r.type {
        case BIFFType.row:
            guard r.length >= 16 else { return nil }
            let row = Int(LE.u16(stream, s))
            if LE.u16(stream, s + 12) & 0x20 != 0 && row < limits.maxRows { hiddenRowIndexes.append(row) }
        case BIFFType.colInfo:
            guard r.length >= 10 else { return nil }
            let first = Int(LE.u16(stream, s)), last = min(Int(LE.u16(stream, s + 2)), limits.maxColumns - 1)
            if LE.u16(stream, s + 8) & 0x01 != 0 && first <= last { hiddenColumns.append(first...last) }
        case BIFFType.mergedCells:
            let count = Int(LE.u16(stream, s))
            for k in 0..<count where 2 + 8 * k + 8 <= r.length {
                let at = s + 2 + 8 * k
                let r0 = Int(LE.u16(stream, at)), r1 = Int(LE.u16(stream, at + 2))
                let c0 = Int(LE.u16(stream, at + 4)), c1 = Int(LE.u16(stream, at + 6))
                guard r0 <= r1, c0 <= c1, r1 < limits.maxRows, c1 < limits.maxColumns else { continue }
                mergedRanges.append(CellRange(first: CellRef(row: r0, column: c0), last: CellRef(row: r1, column: c1)))
            }
        case BIFFType.string:
            // The text result of the FORMULA just before (possibly after SHRFMLA/ARRAY).
            guard let p = pendingString else { return nil }
            pendingString = nil
            guard !skipping, p < cells.count else { return nil }
            var reader = BIFFContinuedReader(stream: stream, segments: [s..<r.end] + records.continuations())
            let text = (try? reader.string(biff8: globals.biff8, codePage: globals.codePage, lengthBytes: 2)) ?? ""
            try checkText(text, row: currentRow, column: cells[p].column)
            cells[p].value = .text(text)
        case BIFFType.labelSST, BIFFType.label, BIFFType.rString, BIFFType.number, BIFFType.rk, BIFFType.boolErr, BIFFType.formula:
            pendingString = nil
            guard !skipping, r.length >= 6 else { return nil }
            let row = Int(LE.u16(stream, s)), column = Int(LE.u16(stream, s + 2)), xf = Int(LE.u16(stream, s + 4))
            guard let (value, formula) = try value(r, row: row, column: column, xf: xf) else { return nil }
            let done = try add(row: row, Cell(column: column, value: value, numberFormatID: globals.formatID(ofXF: xf), hasFormula: formula))
            if formula, case .empty = value, r.type == BIFFType.formula, isStringResult(s) { pendingString = cells.count - 1 }
            return done
        case BIFFType.mulRK:
            pendingString = nil
            guard !skipping, r.length >= 12 else { return nil }
            let row = Int(LE.u16(stream, s)), first = Int(LE.u16(stream, s + 2))
            var done: Row? = nil
            var at = s + 4, column = first
            while at + 6 <= r.end - 2 {
                let xf = Int(LE.u16(stream, at))
                let d = XLSRowReader.rk(LE.u32(stream, at + 2))
                let cell = Cell(column: column, value: number(d, xf: xf), numberFormatID: globals.formatID(ofXF: xf))
                if let row = try add(row: row, cell) { done = row }
                at += 6
                column += 1
            }
            return done
        default:
            break
        }
        return nil
    }

    /// A FORMULA record's cached result says "text, in the STRING record that follows".
    private func isStringResult(_ s: Int) -> Bool {
        LE.u16(stream, s + 12) == 0xFFFF && stream[s + 6] == 0
    }

    /// The value of a cell record, and whether it is a formula's; nil for a cell that
    /// holds nothing (an empty shared string, a record too short to hold its value).
    private func value(_ r: BIFFRecord, row: Int, column: Int, xf: Int) throws -> (CellValue, Bool)? {
        let s = r.start
        switch r.type {
        case BIFFType.labelSST:
            guard r.length >= 10 else { return nil }
            let i = Int(LE.u32(stream, s + 6))
            guard i < globals.sharedStrings.count else {
                throw error(.invalidCell("shared string \(i) of \(globals.sharedStrings.count)"), row: row, column: column)
            }
            let text = globals.sharedStrings[i]
            return text.isEmpty ? nil : (.text(text), false)
        case BIFFType.label, BIFFType.rString:
            var reader = BIFFContinuedReader(stream: stream, segments: [(s + 6)..<r.end])
            guard let text = try? reader.string(biff8: globals.biff8, codePage: globals.codePage, lengthBytes: 2) else { return nil }
            try checkText(text, row: row, column: column)
            return text.isEmpty ? nil : (.text(text), false)
        case BIFFType.number:
            guard r.length >= 14 else { return nil }
            return (number(LE.f64(stream, s + 6), xf: xf), false)
        case BIFFType.rk:
            guard r.length >= 10 else { return nil }
            return (number(XLSRowReader.rk(LE.u32(stream, s + 6)), xf: xf), false)
        case BIFFType.boolErr:
            guard r.length >= 8 else { return nil }
            let v = stream[s + 6]
            return (stream[s + 7] == 0 ? .bool(v != 0) : .error(BIFFText.errorText(v)), false)
        case BIFFType.formula:
            guard r.length >= 14 else { return nil }
            // The cached result: a double, or, when its last two bytes are FFFF, a tag in
            // the first byte (0 text in a STRING record, 1 boolean, 2 error, 3 empty text).
            guard LE.u16(stream, s + 12) == 0xFFFF else { return (number(LE.f64(stream, s + 6), xf: xf), true) }
            switch stream[s + 6] {
            case 0: return (.empty, true)
            case 1: return (.bool(stream[s + 8] != 0), true)
            case 2: return (.error(BIFFText.errorText(stream[s + 8])), true)
            case 3: return (.text(""), true)
            default: return (.empty, true)
            }
        default:
            return nil
        }
    }

    /// A number, or a date when the cell's format is a date or time format.
    @inline(__always)
    private func number(_ d: Double, xf: Int) -> CellValue {
        if case .date(let kind) = globals.display(ofXF: xf) {
            return .date(ExcelDateTime(excelSerial: d, date1904: globals.date1904, kind: kind))
        }
        return .number(d)
    }

    private func checkText(_ text: String, row: Int, column: Int) throws {
        if text.utf8.count > limits.maxStringBytes {
            throw error(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)), row: row, column: column)
        }
    }

    /// Adds a cell to the row being built; a cell of another row first completes that row.
    private func add(row: Int, _ cell: Cell) throws -> Row? {
        if row >= limits.maxRows { throw error(.limitExceeded(.rows, Int64(limits.maxRows)), row: row, column: cell.column) }
        if cell.column >= limits.maxColumns {
            throw error(.limitExceeded(.columns, Int64(limits.maxColumns)), row: row, column: cell.column)
        }
        var done: Row? = nil
        if row != currentRow {
            done = finishRow()
            currentRow = row
        }
        cells.append(cell)
        return done
    }

    /// The row built so far, its cells in column order (a later record for the same
    /// cell wins), or nil if it has none.
    private func finishRow() -> Row? {
        guard !cells.isEmpty else { return nil }
        var out = cells
        cells.removeAll(keepingCapacity: true)
        pendingString = nil
        if !zip(out, out.dropFirst()).allSatisfy({ $0.column < $1.column }) {
            out = out.enumerated().sorted { ($0.element.column, $0.offset) < ($1.element.column, $1.offset) }.map(\.element)
            var unique: [Cell] = []
            for c in out {
                if let last = unique.last, last.column == c.column { unique[unique.count - 1] = c } else { unique.append(c) }
            }
            out = unique
        }
        return Row(index: currentRow, cells: out)
    }

    /// An RK number ([MS-XLS] 2.5.217): a 30-bit integer or the high 30 bits of a
    /// double, divided by 100 when bit 0 is set.
    static func rk(_ v: UInt32) -> Double {
        let d: Double
        if v & 0x02 != 0 {
            d = Double(Int32(bitPattern: v) >> 2)
        } else {
            d = Double(bitPattern: UInt64(v & 0xFFFF_FFFC) << 32)
        }
        return v & 0x01 != 0 ? d / 100 : d
    }

    /// Sorted indexes as closed ranges of consecutive ones.
    static func ranges(_ indexes: [Int]) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for i in indexes.sorted() {
            if let last = out.last, i <= last.upperBound + 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, i)
            } else {
                out.append(i...i)
            }
        }
        return out
    }
}
