/// A cell position. `row` and `column` count from 0 (as libxlsxwriter does);
/// ``a1`` and ``excelRow`` give what a person sees in Excel.
public struct CellRef: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Excel's limits: 1,048,576 rows and 16,384 columns (A…XFD).
    public static let maxRows = 1_048_576
    public static let maxColumns = 16_384

    public var row: Int
    public var column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    /// The row number Excel shows (1-based).
    public var excelRow: Int { row + 1 }

    /// "B7". Written straight into the string's storage (a small string: no allocation):
    /// the store writes one for every value it keeps, and building it from pieces was
    /// 2 % of a national import.
    public var a1: String {
        guard ASCIIDigits.fitsA1(row: row, column: column) else { return CellRef.columnName(column) + String(row + 1) }
        return String(unsafeUninitializedCapacity: 24) { ASCIIDigits.writeA1(row: row, column: column, to: $0.baseAddress!) }
    }

    public var description: String { a1 }

    public static func < (l: CellRef, r: CellRef) -> Bool {
        l.row != r.row ? l.row < r.row : l.column < r.column
    }

    /// Column letters for a 0-based column: 0 → "A", 25 → "Z", 26 → "AA", 16383 → "XFD".
    public static func columnName(_ column: Int) -> String {
        var n = column + 1
        var letters: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(UInt8(65 + r))
            n = (n - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// Parses "B7", "$B$7" or "b7". Returns nil for anything else or beyond XFD1048576.
    public init?(a1 text: String) {
        var utf8 = Array(text.utf8)
        utf8.removeAll { $0 == UInt8(ascii: "$") }
        guard let ref = utf8.withUnsafeBufferPointer({ CellRef.parse($0.baseAddress!, $0.count) }) else { return nil }
        self = ref
    }

    /// Parses an A1 reference from raw bytes (no `$`). Used on hot paths of the XLSX reader.
    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int) -> CellRef? {
        var i = 0
        var col = 0
        while i < n {
            var c = p[i]
            if c >= 97 && c <= 122 { c -= 32 }
            guard c >= 65 && c <= 90 else { break }
            col = col * 26 + Int(c - 64)
            if col > maxColumns { return nil }
            i += 1
        }
        guard i > 0, i < n else { return nil }
        var row = 0
        while i < n {
            let d = p[i] &- 48
            guard d < 10 else { return nil }
            row = row * 10 + Int(d)
            if row > maxRows { return nil }
            i += 1
        }
        guard row > 0 else { return nil }
        return CellRef(row: row - 1, column: col - 1)
    }
}

/// A rectangle of cells, e.g. a merged range "A1:C2". Both corners inclusive.
public struct CellRange: Hashable, Sendable, CustomStringConvertible {
    public var first: CellRef
    public var last: CellRef

    public init(first: CellRef, last: CellRef) {
        self.first = CellRef(row: min(first.row, last.row), column: min(first.column, last.column))
        self.last = CellRef(row: max(first.row, last.row), column: max(first.column, last.column))
    }

    /// Parses "A1:C2" or a single "B4".
    public init?(a1 text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              let a = CellRef(a1: String(parts[0])),
              let b = parts.count == 2 ? CellRef(a1: String(parts[1])) : a else { return nil }
        self.init(first: a, last: b)
    }

    public func contains(_ ref: CellRef) -> Bool {
        ref.row >= first.row && ref.row <= last.row && ref.column >= first.column && ref.column <= last.column
    }

    public var description: String { first == last ? first.a1 : "\(first.a1):\(last.a1)" }
}
