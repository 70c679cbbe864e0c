/// Streams the rows of one worksheet: call ``next()`` until it returns nil. Rows without
/// any value are skipped; ``mergedRanges`` is complete once ``next()`` has returned nil
/// (merged ranges follow the cells in the sheet XML).
public final class SheetRowReader {
    public let sheetName: String
    /// Merged ranges ("A1:C1"), known once all rows have been read.
    public private(set) var mergedRanges: [CellRange] = []
    /// Hidden columns (0-based ranges), from the `<cols>` element before the cells.
    public private(set) var hiddenColumns: [ClosedRange<Int>] = []
    /// Hidden rows (0-based ranges, `<row hidden="1">`), of the rows read so far.
    public var hiddenRows: [ClosedRange<Int>] { XLSRowReader.ranges(hiddenRowIndexes) }
    private var hiddenRowIndexes: [Int] = []

    private let parser: XMLPullParser?
    private let sharedStrings: [String]
    private let styles: Styles
    private let date1904: Bool
    private let limits: ReadLimits

    private var cells: [Cell] = []
    private var scratch: [UInt8] = []
    private var nextRowIndex = 0
    private var inSheetData = false
    private var finished = false

    init(empty name: String) {
        sheetName = name
        parser = nil
        sharedStrings = []
        styles = .empty
        date1904 = false
        limits = .default
        finished = true
    }

    init(parser: XMLPullParser, sheetName: String, sharedStrings: [String], styles: Styles, date1904: Bool, limits: ReadLimits) {
        self.parser = parser
        self.sheetName = sheetName
        self.sharedStrings = sharedStrings
        self.styles = styles
        self.date1904 = date1904
        self.limits = limits
        cells.reserveCapacity(64)
        scratch.reserveCapacity(256)
    }

    enum CellType { case number, shared, str, inline, bool, error, date }

    private func error(_ kind: SheetIOError.Kind, _ ref: CellRef? = nil) -> SheetIOError {
        SheetIOError(kind, file: parser?.file ?? "", part: parser?.part, sheet: sheetName, cell: ref?.a1)
    }

    /// The next row with at least one value, or nil at the end of the sheet.
    public func next() throws -> Row? {
        guard let p = parser, !finished else { return nil }
        while true {
            switch try p.next() {
            case .eof:
                finished = true
                return nil
            case .start:
                if inSheetData {
                    if p.isName("row") {
                        if let row = try readRow(p) { return row }
                    } else {
                        try p.skipElement()
                    }
                } else if p.isName("sheetData") {
                    inSheetData = true
                } else if p.isName("mergeCell") {
                    if let ref = try p.attribute("ref"), let range = CellRange(a1: ref) { mergedRanges.append(range) }
                } else if p.isName("col") && p.depth == 3 {
                    // <col min="3" max="4" hidden="1"/>: 1-based, inclusive.
                    let hidden = try p.attribute("hidden").map { $0 == "1" || $0.lowercased() == "true" } ?? false
                    if hidden, let lo = try p.attribute("min").flatMap({ Int($0) }), let hi = try p.attribute("max").flatMap({ Int($0) }),
                       lo >= 1, hi >= lo, lo <= limits.maxColumns {
                        hiddenColumns.append((lo - 1)...(min(hi, limits.maxColumns) - 1))
                    }
                } else if p.depth == 2 && !p.isName("mergeCells") && !p.isName("cols") {
                    try p.skipElement()  // sheetPr, sheetViews, conditionalFormatting…
                }
            case .end:
                if p.isName("sheetData") { inSheetData = false }
            case .text:
                break
            }
        }
    }

    /// Skips the rows not read yet without building them, then reads what follows the
    /// cells (merged ranges). For readers that need only the first rows of a big sheet:
    /// memory stays that of one row; time is that of tokenising the rest.
    public func skipRemainingRows() throws {
        guard let p = parser, !finished else { return }
        if inSheetData {
            try p.skipElement()
            inSheetData = false
        }
        while try next() != nil {}
    }

    /// Reads one `<row>` (the parser is on its start tag). Returns nil for a row with no values.
    private func readRow(_ p: XMLPullParser) throws -> Row? {
        var rowIndex = nextRowIndex
        var hidden = false
        for a in p.attributes {
            if a.nameLength == 1 && p.byte(a.nameStart) == UInt8(ascii: "r") {
                if a.valueLength > 0 {
                    guard let r = ByteParsing.int(p.base + a.valueStart, a.valueLength), r >= 1 else {
                        throw error(.invalidCell("bad row number"))
                    }
                    rowIndex = r - 1
                }
            } else if a.nameLength == 6 && p.byte(a.nameStart) == UInt8(ascii: "h") && a.valueLength >= 1 {
                // hidden="1" or "true" (the only attribute of <row> six letters long starting with h).
                let v = p.byte(a.valueStart)
                hidden = v == UInt8(ascii: "1") || v == UInt8(ascii: "t")
            }
        }
        if rowIndex >= limits.maxRows {
            throw error(.limitExceeded(.rows, Int64(limits.maxRows)))
        }
        if hidden { hiddenRowIndexes.append(rowIndex) }
        nextRowIndex = rowIndex + 1
        cells.removeAll(keepingCapacity: true)
        var nextColumn = 0
        var sorted = true
        if p.selfClosing { try p.next(); return nil }

        while true {
            let ev = try p.next()
            if ev == .end { break }  // </row>
            if ev == .eof { throw p.malformed("unexpected end inside a row") }
            guard ev == .start else { continue }
            guard p.isName("c") else { try p.skipElement(); continue }

            // <c r="B7" s="3" t="s">
            var column = nextColumn
            var style = 0
            var type = CellType.number
            for a in p.attributes where a.nameLength == 1 {
                let v = p.base + a.valueStart
                switch p.byte(a.nameStart) {
                case UInt8(ascii: "r"):
                    if a.valueLength > 0 {
                        guard let ref = CellRef.parse(v, a.valueLength) else {
                            throw error(.invalidCell("bad cell reference \"\(String(decoding: UnsafeBufferPointer(start: v, count: a.valueLength), as: UTF8.self))\" in row \(rowIndex + 1)"))
                        }
                        column = ref.column
                    }
                case UInt8(ascii: "s"):
                    style = ByteParsing.int(v, a.valueLength) ?? 0
                case UInt8(ascii: "t"):
                    type = CellType(v, a.valueLength)
                default: break
                }
            }
            if column >= limits.maxColumns {
                throw error(.limitExceeded(.columns, Int64(limits.maxColumns)), CellRef(row: rowIndex, column: column))
            }
            if column < nextColumn { sorted = false }
            nextColumn = column + 1

            var hasFormula = false
            var hasValue = false
            var inlineDepth = 0  // inside <is>
            var phonetic = 0
            var inT = false
            var tStart = 0, tPreserve = false
            scratch.removeAll(keepingCapacity: true)
            if !p.selfClosing {
                var inV = false
                while true {
                    let e = try p.next()
                    if e == .end {
                        if p.isName("c") && !inV && inlineDepth == 0 { break }
                        if p.isName("v") { inV = false }
                        else if p.isName("is") { inlineDepth = 0 }
                        else if p.isName("t") {
                            if inT && !tPreserve && phonetic == 0 { XMLText.trim(&scratch, from: tStart) }
                            inT = false
                        }
                        else if p.isName("rPh") { phonetic = max(0, phonetic - 1) }
                        else if p.isName("c") { break }
                        continue
                    }
                    if e == .eof { throw p.malformed("unexpected end inside a cell") }
                    if e == .start {
                        if p.isName("v") {
                            inV = true
                            hasValue = true
                        } else if p.isName("f") {
                            hasFormula = true
                            try p.skipElement()
                        } else if p.isName("is") {
                            inlineDepth = 1
                            hasValue = true
                        } else if inlineDepth > 0 && p.isName("rPh") {
                            phonetic += 1
                        } else if inlineDepth > 0 && p.isName("t") {
                            inT = true
                            tStart = scratch.count
                            tPreserve = try p.attribute("space", prefixed: true) == "preserve"
                        } else if inlineDepth == 0 {
                            try p.skipElement()
                        }
                        continue
                    }
                    // Text.
                    if inlineDepth > 0 {
                        // Inline strings take their text from <t>; a stray <v> is ignored.
                        if inT && phonetic == 0 { try p.appendText(to: &scratch) }
                    } else if inV && type != .inline {
                        try p.appendText(to: &scratch)
                    }
                    if scratch.count > limits.maxStringBytes {
                        throw error(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)), CellRef(row: rowIndex, column: column))
                    }
                }
            } else {
                try p.next()  // the synthesized end of <c/>
            }
            if inlineDepth > 0 || type == .inline { type = .inline }
            let value = try makeValue(type: type, hasValue: hasValue, style: style, ref: CellRef(row: rowIndex, column: column))
            if case .empty = value, !hasFormula { continue }
            if cells.count >= limits.maxColumns {
                throw error(.limitExceeded(.columns, Int64(limits.maxColumns)), CellRef(row: rowIndex, column: column))
            }
            cells.append(Cell(column: column, value: value, numberFormatID: styles.formatID(ofStyle: style), hasFormula: hasFormula))
        }
        if cells.isEmpty { return nil }
        if !sorted {
            cells.sort { $0.column < $1.column }
            // Keep the last of duplicate columns, as Excel does when it repairs a file.
            var dedup: [Cell] = []
            for c in cells { if let l = dedup.last, l.column == c.column { dedup[dedup.count - 1] = c } else { dedup.append(c) } }
            cells = dedup
        }
        return Row(index: rowIndex, cells: cells)
    }

    private func makeValue(type: CellType, hasValue: Bool, style: Int, ref: CellRef) throws -> CellValue {
        switch type {
        case .inline:
            return .text(try textValue(ref))
        case .number:
            if scratch.isEmpty { return .empty }
            let d = scratch.withUnsafeBufferPointer { ByteParsing.double($0.baseAddress!, $0.count) }
            guard let d else { return .text(try textValue(ref)) }  // not a number: text
            if case .date(let kind) = styles.display(ofStyle: style) {
                return .date(ExcelDateTime(excelSerial: d, date1904: date1904, kind: kind))
            }
            return .number(d)
        case .shared:
            if scratch.isEmpty { return .empty }
            guard let i = scratch.withUnsafeBufferPointer({ ByteParsing.int($0.baseAddress!, $0.count) }), i < sharedStrings.count else {
                throw error(.invalidCell("shared string index \(String(decoding: scratch, as: UTF8.self)) out of range (\(sharedStrings.count) strings)"), ref)
            }
            return .text(sharedStrings[i])
        case .str:
            if !hasValue { return .empty }
            return .text(try textValue(ref))
        case .bool:
            if scratch.isEmpty { return .empty }
            let t = String(decoding: scratch, as: UTF8.self).trimmingSpaces
            switch t {
            case "1", "true", "TRUE": return .bool(true)
            case "0", "false", "FALSE": return .bool(false)
            default: throw error(.invalidCell("boolean \"\(t)\""), ref)
            }
        case .error:
            if scratch.isEmpty { return .empty }
            return .error(try textValue(ref))
        case .date:
            if scratch.isEmpty { return .empty }
            let t = try textValue(ref).trimmingSpaces
            if let d = ExcelDateTime(iso8601: t) { return .date(d) }
            return .text(t)
        }
    }

    private func textValue(_ ref: CellRef) throws -> String {
        ByteParsing.unescapeOOXML(&scratch)
        guard let s = scratch.withUnsafeBufferPointer({ XMLPullParser.validString($0) }) else {
            throw error(.invalidUTF8, ref)
        }
        return s
    }
}

extension SheetRowReader.CellType {
    init(_ p: UnsafePointer<UInt8>, _ n: Int) {
        switch n {
        case 1:
            switch p[0] {
            case UInt8(ascii: "s"): self = .shared
            case UInt8(ascii: "b"): self = .bool
            case UInt8(ascii: "e"): self = .error
            case UInt8(ascii: "d"): self = .date
            default: self = .number
            }
        case 3 where p[0] == UInt8(ascii: "s") && p[1] == UInt8(ascii: "t") && p[2] == UInt8(ascii: "r"): self = .str
        case 9 where p[0] == UInt8(ascii: "i"): self = .inline
        default: self = .number
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\n" || f == "\r" || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\n" || l == "\r" || l == "\t" { s.removeLast() }
        return String(s)
    }
}
