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
            var lastColumn = -1, lastRow = -1
            let first = try open()
            while let row = try first.next() {
                if let c = row.cells.last?.column {
                    lastColumn = max(lastColumn, c)
                    lastRow = row.index
                }
            }
            if (lastRow + 1) * (lastColumn + 1) > maxCSVCells {
                throw SheetIOError(.limitExceeded(.cells, Int64(maxCSVCells)), file: fileName, sheet: sheetName,
                                   cell: "A1:" + CellRef(row: lastRow, column: lastColumn).a1)
            }
            let reader = try open()
            var nextRow = 0
            var line: [UInt8] = []
            while let row = try reader.next() {
                if row.cells.isEmpty { continue }
                while nextRow < row.index {
                    out.append(String(repeating: ",", count: max(0, lastColumn)))
                    out.append("\r\n")
                    nextRow += 1
                }
                line.removeAll(keepingCapacity: true)
                var col = 0
                for cell in row.cells {
                    while col < cell.column { line.append(UInt8(ascii: ",")); col += 1 }
                    var text = CellText.csv(cell.value)
                    if neutralise, case .text = cell.value { text = CellText.neutralised(text) }
                    line.append(contentsOf: CellText.quoteCSV(text).utf8)
                }
                while col < lastColumn { line.append(UInt8(ascii: ",")); col += 1 }
                out.append(bytes: line)
                out.append("\r\n")
                nextRow = row.index + 1
            }
        case .json:
            let reader = try open()
            out.append("{\"file\":\(CellText.jsonString(fileName)),\"sheet\":\(CellText.jsonString(sheetName)),\"cells\":[")
            var first = true
            var lastRow = -1, lastColumn = -1
            while let row = try reader.next() {
                for cell in row.cells {
                    out.append(first ? "\n" : ",\n")
                    first = false
                    let ref = CellRef(row: row.index, column: cell.column)
                    var s = "{\"ref\":\"\(ref.a1)\",\"row\":\(row.index + 1),\"column\":\(cell.column + 1),\"type\":\"\(cell.value.typeName)\""
                    switch cell.value {
                    case .empty: break
                    case .number(let d): s += ",\"value\":" + (d.isFinite ? CellText.number(d) : "null")
                    case .bool(let b): s += ",\"value\":\(b)"
                    case .text(let t), .error(let t): s += ",\"value\":" + CellText.jsonString(t)
                    case .date(let d): s += ",\"value\":\"\(d.iso8601)\",\"serial\":\(CellText.number(d.serial))"
                    }
                    if cell.numberFormatID != 0 { s += ",\"numFmt\":\(cell.numberFormatID)" }
                    if cell.hasFormula { s += ",\"formula\":true" }
                    s += "}"
                    out.append(s)
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

/// A buffered writer to a file descriptor (stdout by default).
public final class OutputBuffer {
    private var buffer: [UInt8] = []
    private let fd: Int32

    public init(fd: Int32 = 1) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    public func append(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { try? flush() }
    }

    public func append(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try? flush() }
    }

    public func flush() throws {
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
