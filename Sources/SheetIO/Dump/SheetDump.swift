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
                held.appendCRLF()
                lastColumn = max(lastColumn, last)
                lastRow = row.index
                if held.count > maxHeldCSVBytes { fits = false; break }
            }
            if fits {
                try checkCSVExtent(lastRow: lastRow, lastColumn: lastColumn, fileName: fileName, sheetName: sheetName)
                let padding = [UInt8](repeating: UInt8(ascii: ","), count: max(0, lastColumn))
                var nextRow = 0
                // Rows that follow each other at full width are written from the held
                // bytes as they are, CRLF included; only gaps and short rows are rebuilt.
                try held.withBytes { bytes in
                    var pending = 0
                    for r in rows {
                        if r.index == nextRow, r.width == lastColumn { nextRow += 1; continue }
                        try out.write(direct: UnsafeBufferPointer(rebasing: bytes[pending..<r.start]))
                        while nextRow < r.index {
                            out.append(bytes: padding)
                            out.appendCRLF()
                            nextRow += 1
                        }
                        out.append(UnsafeBufferPointer(rebasing: bytes[r.start..<r.end]))
                        if lastColumn > r.width { out.append(bytes: padding[0..<(lastColumn - r.width)]) }
                        out.appendCRLF()
                        nextRow = r.index + 1
                        pending = r.end + 2
                    }
                    try out.write(direct: UnsafeBufferPointer(rebasing: bytes[pending...]))
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
                    out.append(JSONPieces.ref)
                    out.appendRef(row: row.index, column: cell.column)
                    out.append(JSONPieces.row)
                    out.appendInt(row.index + 1)
                    out.append(JSONPieces.column)
                    out.appendInt(cell.column + 1)
                    out.append(JSONPieces.type)
                    switch cell.value {
                    case .empty: out.append(JSONPieces.empty)
                    case .number(let d):
                        out.append(JSONPieces.number)
                        if d.isFinite { out.appendNumber(d) } else { out.append(JSONPieces.null) }
                    case .bool(let b): out.append(b ? JSONPieces.boolTrue : JSONPieces.boolFalse)
                    case .text(let t):
                        out.append(JSONPieces.text)
                        out.appendJSONString(t)
                    case .error(let t):
                        out.append(JSONPieces.error)
                        out.appendJSONString(t)
                    case .date(let d):
                        out.append("\(d.kind.rawValue)\",\"value\":\"\(d.iso8601)\",\"serial\":")
                        out.appendNumber(d.serial)
                    }
                    if cell.numberFormatID != 0 { out.append(JSONPieces.numFmt); out.appendInt(cell.numberFormatID) }
                    if cell.hasFormula { out.append(JSONPieces.formula) }
                    out.append(byte: UInt8(ascii: "}"))
                    out.flushIfFull()
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

/// The constant pieces of a JSON cell.
enum JSONPieces {
    static let ref: StaticString = "{\"ref\":\""
    static let row: StaticString = "\",\"row\":"
    static let column: StaticString = ",\"column\":"
    static let type: StaticString = ",\"type\":\""
    static let empty: StaticString = "empty\""
    static let number: StaticString = "number\",\"value\":"
    static let text: StaticString = "text\",\"value\":"
    static let error: StaticString = "error\",\"value\":"
    static let boolTrue: StaticString = "bool\",\"value\":true"
    static let boolFalse: StaticString = "bool\",\"value\":false"
    static let null: StaticString = "null"
    static let numFmt: StaticString = ",\"numFmt\":"
    static let formula: StaticString = ",\"formula\":true"
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

/// A buffered writer to a file descriptor (stdout by default), on a raw byte buffer.
///
/// Written on `UnsafeMutablePointer` rather than `[UInt8]`: with an array every
/// appended byte paid a uniqueness check and the buffer's retain/release (a quarter of
/// the JSON dump's time in `perf`), and the constant pieces of a JSON cell were arrays
/// retained on each use.
public final class OutputBuffer {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    private let fd: Int32
    /// Holds everything in memory (never writes): the one-pass CSV dump's row store.
    private let holding: Bool
    /// A writing buffer is flushed once it holds this much.
    private static let flushAt = 1 << 16

    public init(fd: Int32 = 1) {
        self.fd = fd
        holding = false
        capacity = 1 << 17
        base = malloc(capacity)!.assumingMemoryBound(to: UInt8.self)
    }

    init(holding: Bool) {
        fd = -1
        self.holding = holding
        capacity = 1 << 20
        base = malloc(capacity)!.assumingMemoryBound(to: UInt8.self)
    }

    deinit { free(base) }

    /// The bytes held so far.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Room for `n` more bytes.
    @inline(__always) private func reserve(_ n: Int) {
        if count + n > capacity { grow(n) }
    }

    private func grow(_ n: Int) {
        if !holding, count > 0 { try? flush() }
        guard count + n > capacity else { return }
        var c = capacity * 2
        while c < count + n { c *= 2 }
        // realloc: a large block is moved by remapping its pages, not by copying them.
        guard let b = realloc(base, c) else { fatalError("out of memory: \(c) bytes") }
        base = b.assumingMemoryBound(to: UInt8.self)
        capacity = c
    }

    /// Flushes a writing buffer that has grown past its mark; called between cells.
    @inline(__always) func flushIfFull() {
        if !holding, count >= Self.flushAt { try? flush() }
    }

    @inline(__always) public func append(byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) func append(_ b: UnsafeBufferPointer<UInt8>) {
        guard let p = b.baseAddress, b.count > 0 else { return }
        reserve(b.count)
        (base + count).update(from: p, count: b.count)
        count += b.count
    }

    /// A constant piece (a literal's bytes: no copy, no reference count).
    @inline(__always) func append(_ s: StaticString) {
        append(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    func append(bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBufferPointer { append($0) }
        flushIfFull()
    }

    public func append(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
        flushIfFull()
    }

    public func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
        flushIfFull()
    }

    @inline(__always) func appendCRLF() {
        reserve(2)
        base[count] = 13
        base[count + 1] = 10
        count += 2
        flushIfFull()
    }

    /// A non-negative or negative integer, in decimal, without building a String.
    func appendInt(_ v: Int) {
        reserve(21)
        if v < 0 { base[count] = UInt8(ascii: "-"); count += 1 }
        count += ASCIIDigits.write(v.magnitude, to: base + count)
    }

    /// A number as ``CellText/number(_:)`` writes it: integers and short decimals
    /// printed here, anything else through Swift's shortest round-trip text.
    func appendNumber(_ d: Double) {
        if abs(d) < 1e15, Double(Int64(d)) == d { appendInt(Int(d)); return }
        if let (m, k) = ShortestDecimal.digits(d) {
            reserve(24)
            if d < 0 { base[count] = UInt8(ascii: "-"); count += 1 }
            // The digits of m right to left, the point after k of them, and at least one
            // digit before it ("0.05"): no division by 10^k.
            var n = m, digits = 1, t = m / 10
            while t > 0 { digits += 1; t /= 10 }
            digits = max(digits, k + 1)
            var i = count + digits
            for j in 0..<digits {
                if j == k { base[i] = UInt8(ascii: "."); i -= 1 }
                base[i] = UInt8(48 + n % 10)
                n /= 10
                i -= 1
            }
            count += digits + 1
            return
        }
        append(CellText.number(d))
    }

    /// "B7": column letters and the 1-based row.
    func appendRef(row: Int, column: Int) {
        guard ASCIIDigits.fitsA1(row: row, column: column) else { append(CellRef(row: row, column: column).a1); return }
        reserve(24)
        count += ASCIIDigits.writeA1(row: row, column: column, to: base + count)
    }

    /// A CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180). Scans the
    /// string's UTF-8 storage in place when it is contiguous (native strings are).
    func appendCSVField(_ s: String) {
        var s = s
        s.withUTF8 { bytes in
            var needs = false
            for b in bytes where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 10 || b == 13 { needs = true; break }
            guard needs else { append(bytes); return }
            reserve(2 * bytes.count + 2)
            base[count] = UInt8(ascii: "\""); count += 1
            for b in bytes {
                if b == UInt8(ascii: "\"") { base[count] = b; count += 1 }
                base[count] = b; count += 1
            }
            base[count] = UInt8(ascii: "\""); count += 1
        }
    }

    /// A JSON string literal (as ``CellText/jsonString(_:)``), byte by byte.
    func appendJSONString(_ s: String) {
        var s = s
        s.withUTF8 { bytes in
            reserve(6 * bytes.count + 2)
            base[count] = UInt8(ascii: "\""); count += 1
            for b in bytes {
                switch b {
                case UInt8(ascii: "\""), 92: base[count] = 92; base[count + 1] = b; count += 2
                case 10: base[count] = 92; base[count + 1] = UInt8(ascii: "n"); count += 2
                case 13: base[count] = 92; base[count + 1] = UInt8(ascii: "r"); count += 2
                case 9: base[count] = 92; base[count + 1] = UInt8(ascii: "t"); count += 2
                case 0..<0x20:
                    let hex: StaticString = "0123456789abcdef"
                    base[count] = 92; base[count + 1] = UInt8(ascii: "u")
                    base[count + 2] = 48; base[count + 3] = 48
                    base[count + 4] = hex.utf8Start[Int(b >> 4)]
                    base[count + 5] = hex.utf8Start[Int(b & 15)]
                    count += 6
                default: base[count] = b; count += 1
                }
            }
            base[count] = UInt8(ascii: "\""); count += 1
        }
    }

    public func flush() throws {
        if holding { return }
        defer { count = 0 }
        try Self.write(fd, UnsafeBufferPointer(start: base, count: count))
    }

    /// Writes what is buffered, then `bytes` straight to the file (no copy through the
    /// buffer): the held rows of a one-pass CSV dump.
    func write(direct bytes: UnsafeBufferPointer<UInt8>) throws {
        guard !bytes.isEmpty else { return }
        precondition(!holding)
        try flush()
        try Self.write(fd, bytes)
    }

    private static func write(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let p = bytes.baseAddress else { return }
        var off = 0
        while off < bytes.count {
            let n = Foundation.write(fd, p + off, bytes.count - off)
            if n <= 0 {
                if n < 0, errno == EINTR { continue }
                throw SheetIOError(.write(String(cString: strerror(errno))), file: "<stdout>")
            }
            off += n
        }
    }
}

/// The shortest decimal that reads back as a given double, found by trying 1, 2, …
/// fraction digits: Swift's own `description` builds a `String` per number, which was
/// most of printing a numeric sheet. Answers only where the answer is certain — a
/// finite, non-integer value from 0.001 to below 10^15 whose digits fit in 2^53, and
/// exactly one candidate of the shortest length reads back — and leaves the rest to
/// `description`. A test checks it equals `description` on millions of values.
enum ShortestDecimal {
    /// (m, k) with |d| = m / 10^k read back exactly and k as small as possible.
    ///
    /// Below 2^52 for m, consecutive candidates m / 10^k lie more than one ulp of |d|
    /// apart, and the doubles that read back as |d| span at most one ulp, so at most one
    /// candidate of each length reads back: the nearest integer to |d| · 10^k, or (the
    /// product being rounded) one of its neighbours. A candidate reads back when
    /// m / 10^k, one correctly rounded division of two exact doubles, is |d|: that is
    /// how a correct parser reads the text "m" with the point k digits from the right.
    @inline(__always) static func digits(_ d: Double) -> (UInt, Int)? {
        let a = abs(d)
        guard a >= 0.001, a < 1e15 else { return nil }
        var p = 1.0
        for k in 1...17 {
            p *= 10  // exact: every power of ten to 10^22 is a double
            let scaled = a * p
            guard scaled < 4.5e15 else { return nil }
            let m0 = Double(UInt64(scaled + 0.5))
            if m0 / p == a { return (UInt(m0), k) }
            if m0 > 1, (m0 - 1) / p == a { return (UInt(m0 - 1), k) }
            if (m0 + 1) / p == a { return (UInt(m0 + 1), k) }
        }
        return nil
    }
}
