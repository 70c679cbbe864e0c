import Foundation

/// Writes a sheet's cells as CSV or JSON, streaming (bounded memory).
public enum SheetDump {
    public enum Format: String, Sendable, CaseIterable { case csv, json }

    /// A dense CSV grid larger than this many cells is refused (a single cell at
    /// XFD1048576 would otherwise print 17 billion empty fields); JSON lists only the
    /// cells that hold something and has no such limit.
    public static let maxCSVCells = 100_000_000

    /// Dumps from A1 to the last used cell. `open` is called once per pass: CSV makes
    /// two (extent, then output), JSON one.
    /// CSV text cells are neutralised against formula injection (``CellText/neutralised(_:)``)
    /// unless `neutralise` is false; numbers, booleans and dates are written as values.
    public static func write(open: () throws -> RowReader, sheetName: String, fileName: String, format: Format,
                             neutralise: Bool = true, to out: OutputBuffer) throws {
        switch format {
        case .csv:
            // One pass when the output fits in memory (every sheet a form or a report is):
            // the rows are written to a held buffer with their widths, then padded to the
            // last column once it is known. A larger sheet is read twice (extent, then
            // output), so memory stays bounded.
            let held = OutputBuffer(holding: true)
            var rows: [(index: Int, start: Int, end: Int, width: Int)] = []
            var lastColumn = -1, lastRow = -1
            var fits = true
            let reader = try open()
            while let row = try reader.next() {
                guard let last = row.cells.last?.column else { continue }
                let start = held.count
                let width = writeCSVCells(row, neutralise: neutralise, to: held)
                rows.append((row.index, start, held.count, width))
                lastColumn = max(lastColumn, last)
                lastRow = row.index
                if held.count > maxHeldCSVBytes { fits = false; break }
            }
            if fits {
                try checkCSVExtent(lastRow: lastRow, lastColumn: lastColumn, fileName: fileName, sheetName: sheetName)
                let padding = [UInt8](repeating: UInt8(ascii: ","), count: max(0, lastColumn))
                var nextRow = 0
                held.withBytes { bytes in
                    for r in rows {
                        while nextRow < r.index {
                            out.append(bytes: padding)
                            out.appendCRLF()
                            nextRow += 1
                        }
                        out.append(bytes: bytes[r.start..<r.end])
                        if lastColumn > r.width { out.append(bytes: padding[0..<(lastColumn - r.width)]) }
                        out.appendCRLF()
                        nextRow = r.index + 1
                    }
                }
                break
            }
            lastColumn = -1
            lastRow = -1
            let first = try open()
            while let row = try first.next() {
                if let c = row.cells.last?.column {
                    lastColumn = max(lastColumn, c)
                    lastRow = row.index
                }
            }
            try checkCSVExtent(lastRow: lastRow, lastColumn: lastColumn, fileName: fileName, sheetName: sheetName)
            let second = try open()
            var nextRow = 0
            let padding = [UInt8](repeating: UInt8(ascii: ","), count: max(0, lastColumn))
            while let row = try second.next() {
                if row.cells.isEmpty { continue }
                while nextRow < row.index {
                    out.append(bytes: padding)
                    out.appendCRLF()
                    nextRow += 1
                }
                var col = writeCSVCells(row, neutralise: neutralise, to: out)
                while col < lastColumn { out.append(byte: UInt8(ascii: ",")); col += 1 }
                out.appendCRLF()
                nextRow = row.index + 1
            }
        case .json:
            let reader = try open()
            out.append("{\"file\":\(CellText.jsonString(fileName)),\"sheet\":\(CellText.jsonString(sheetName)),\"cells\":[")
            var first = true
            var lastRow = -1, lastColumn = -1
            while let row = try reader.next() {
                for cell in row.cells {
                    // Constant pieces as bytes (a String per piece was most of the dump).
                    if !first { out.append(byte: UInt8(ascii: ",")) }
                    out.append(byte: 10)
                    first = false
                    out.append(bytes: JSONPieces.ref)
                    out.appendRef(row: row.index, column: cell.column)
                    out.append(bytes: JSONPieces.row)
                    out.appendInt(row.index + 1)
                    out.append(bytes: JSONPieces.column)
                    out.appendInt(cell.column + 1)
                    out.append(bytes: JSONPieces.type)
                    switch cell.value {
                    case .empty: out.append(bytes: JSONPieces.empty)
                    case .number(let d):
                        out.append(bytes: JSONPieces.number)
                        if d.isFinite { out.appendNumber(d) } else { out.append(bytes: JSONPieces.null) }
                    case .bool(let b): out.append(bytes: b ? JSONPieces.boolTrue : JSONPieces.boolFalse)
                    case .text(let t):
                        out.append(bytes: JSONPieces.text)
                        out.appendJSONString(t)
                    case .error(let t):
                        out.append(bytes: JSONPieces.error)
                        out.appendJSONString(t)
                    case .date(let d):
                        out.append("\(d.kind.rawValue)\",\"value\":\"\(d.iso8601)\",\"serial\":")
                        out.appendNumber(d.serial)
                    }
                    if cell.numberFormatID != 0 { out.append(",\"numFmt\":"); out.appendInt(cell.numberFormatID) }
                    if cell.hasFormula { out.append(",\"formula\":true") }
                    out.append(byte: UInt8(ascii: "}"))
                    lastColumn = max(lastColumn, cell.column)
                }
                if !row.cells.isEmpty { lastRow = row.index }
            }
            let range = lastRow < 0 ? "null" : "\"A1:\(CellRef(row: lastRow, column: lastColumn).a1)\""
            out.append("\n],\"range\":\(range)}\n")
        }
        try out.flush()
    }
}

/// The constant pieces of a JSON cell, as bytes.
enum JSONPieces {
    static let ref = Array("{\"ref\":\"".utf8)
    static let row = Array("\",\"row\":".utf8)
    static let column = Array(",\"column\":".utf8)
    static let type = Array(",\"type\":\"".utf8)
    static let empty = Array("empty\"".utf8)
    static let number = Array("number\",\"value\":".utf8)
    static let text = Array("text\",\"value\":".utf8)
    static let error = Array("error\",\"value\":".utf8)
    static let boolTrue = Array("bool\",\"value\":true".utf8)
    static let boolFalse = Array("bool\",\"value\":false".utf8)
    static let null = Array("null".utf8)
}

extension SheetDump {
    /// The CSV output held in memory for a one-pass dump (larger sheets are read twice).
    /// `TONGHOP_TEST_DUMP_HELD_BYTES` lowers it, so tests take the two-pass path on a small file.
    static let maxHeldCSVBytes = ProcessInfo.processInfo.environment["TONGHOP_TEST_DUMP_HELD_BYTES"].flatMap { Int($0) } ?? 64 << 20

    static func checkCSVExtent(lastRow: Int, lastColumn: Int, fileName: String, sheetName: String) throws {
        if (lastRow + 1) * (lastColumn + 1) > maxCSVCells {
            throw SheetIOError(.limitExceeded(.cells, Int64(maxCSVCells)), file: fileName, sheet: sheetName,
                               cell: "A1:" + CellRef(row: lastRow, column: lastColumn).a1)
        }
    }

    /// A row's fields up to its last cell (the commas between them included); returns the
    /// number of commas written (the last cell's column).
    static func writeCSVCells(_ row: Row, neutralise: Bool, to out: OutputBuffer) -> Int {
        var col = 0
        for cell in row.cells {
            while col < cell.column { out.append(byte: UInt8(ascii: ",")); col += 1 }
            switch cell.value {
            case .number(let d): out.appendNumber(d)
            case .empty: break
            case .text(let t): out.appendCSVField(neutralise ? CellText.neutralised(t) : t)
            default: out.appendCSVField(CellText.csv(cell.value))
            }
        }
        return col
    }
}

/// A buffered writer to a file descriptor (stdout by default).
public final class OutputBuffer {
    private var buffer: [UInt8] = []
    private let fd: Int32
    /// Holds everything in memory (never writes): the one-pass CSV dump's row store.
    private let holding: Bool

    public init(fd: Int32 = 1) {
        self.fd = fd
        holding = false
        buffer.reserveCapacity(1 << 16)
    }

    init(holding: Bool) {
        fd = -1
        self.holding = holding
        buffer.reserveCapacity(1 << 20)
    }

    var count: Int { buffer.count }

    func withBytes(_ body: ([UInt8]) -> Void) { body(buffer) }

    func append(bytes: ArraySlice<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try? flush() }
    }

    public func append(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { try? flush() }
    }

    @inline(__always) public func append(byte: UInt8) { buffer.append(byte) }

    @inline(__always) func appendCRLF() {
        buffer.append(13)
        buffer.append(10)
        if buffer.count >= 1 << 16 { try? flush() }
    }

    /// A non-negative or negative integer, in decimal, without building a String.
    func appendInt(_ v: Int) {
        if v < 0 { buffer.append(UInt8(ascii: "-")) }
        var n = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(48 + n % 10)
                n /= 10
                count += 1
            } while n > 0
            for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(d[i]) }
        }
    }

    /// A number as ``CellText/number(_:)`` writes it; integers without a String.
    func appendNumber(_ d: Double) {
        if d == d.rounded(), abs(d) < 1e15 { appendInt(Int(d)); return }
        buffer.append(contentsOf: CellText.number(d).utf8)
    }

    /// "B7": column letters and the 1-based row.
    func appendRef(row: Int, column: Int) {
        var c = column + 1
        var letters: [UInt8] = []
        while c > 0 {
            c -= 1
            letters.append(UInt8(65 + c % 26))
            c /= 26
        }
        buffer.append(contentsOf: letters.reversed())
        appendInt(row + 1)
    }

    /// A CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180). Scans the
    /// string's UTF-8 storage in place when it is contiguous (native strings are).
    func appendCSVField(_ s: String) {
        var s = s
        s.withUTF8 { bytes in
            var needs = false
            for b in bytes where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 10 || b == 13 { needs = true; break }
            guard needs else { buffer.append(contentsOf: bytes); return }
            buffer.append(UInt8(ascii: "\""))
            for b in bytes {
                if b == UInt8(ascii: "\"") { buffer.append(b) }
                buffer.append(b)
            }
            buffer.append(UInt8(ascii: "\""))
        }
    }

    /// A JSON string literal (as ``CellText/jsonString(_:)``), byte by byte.
    func appendJSONString(_ s: String) {
        buffer.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): buffer.append(92); buffer.append(b)
            case 92: buffer.append(92); buffer.append(92)
            case 10: buffer.append(92); buffer.append(UInt8(ascii: "n"))
            case 13: buffer.append(92); buffer.append(UInt8(ascii: "r"))
            case 9: buffer.append(92); buffer.append(UInt8(ascii: "t"))
            case 0..<0x20:
                buffer.append(contentsOf: Array("\\u00".utf8))
                buffer.append(hex[Int(b >> 4)])
                buffer.append(hex[Int(b & 15)])
            default: buffer.append(b)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    public func append(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try? flush() }
    }

    public func flush() throws {
        if holding { return }
        var off = 0
        while off < buffer.count {
            let n = buffer.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 {
                if errno == EINTR { continue }
                buffer.removeAll()
                throw SheetIOError(.write(String(cString: strerror(errno))), file: "<stdout>")
            }
            off += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
