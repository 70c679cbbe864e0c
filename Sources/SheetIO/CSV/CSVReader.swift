import Foundation

/// Something that yields rows one at a time: a worksheet or a CSV file.
public protocol RowReader: AnyObject {
    func next() throws -> Row?
}

extension SheetRowReader: RowReader {}

/// A problem in a CSV file that does not stop it being read.
public struct CSVDiagnostic: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A row with a different number of fields than most rows.
        case raggedRow(fields: Int, expected: Int)
        /// Vietnamese letters replaced by "?" (examples of damaged words).
        case lostLetters([String])
        /// A quoted field with text after its closing quote (`"ab"c`): kept as `abc`.
        case textAfterQuote
    }
    /// The row as Excel shows it (1-based), or nil for the whole file.
    public var row: Int?
    public var kind: Kind

    public func message(_ lang: MessageLanguage) -> String {
        let vi = lang == .vi
        let at = row.map { vi ? "dòng \($0): " : "row \($0): " } ?? ""
        switch kind {
        case .raggedRow(let f, let e):
            return at + (vi ? "có \(f) trường, các dòng khác có \(e)" : "\(f) fields where other rows have \(e)")
        case .lostLetters(let words):
            return at + (vi ? "chữ tiếng Việt đã mất, thay bằng \"?\" (tệp lưu bằng bảng mã Windows-1252): \(words.joined(separator: ", ")); xuất lại dạng CSV UTF-8"
                            : "Vietnamese letters lost, replaced by \"?\" (file saved as Windows-1252): \(words.joined(separator: ", ")); export again as CSV UTF-8")
        case .textAfterQuote:
            return at + (vi ? "có chữ sau dấu ngoặc kép đóng" : "text after a closing quote")
        }
    }
}

/// Reads a CSV file as Excel would show it: encoding and delimiter recognised, RFC 4180
/// quoting (fields may hold the delimiter, doubled quotes and line breaks), rows numbered
/// by record (a quoted line break does not start a new row), every field as text.
///
/// The whole file is held in memory as UTF-8 (at most ``ReadLimits/maxFileBytes``);
/// rows are produced one at a time.
public final class CSVReader: RowReader {
    public let fileName: String
    public let encoding: TextEncoding
    /// The field delimiter: `,` `;` tab or `|`.
    public let delimiter: UInt8
    /// The field count most rows have.
    public let expectedFields: Int
    /// Problems found so far (ragged rows: the first 100).
    public private(set) var diagnostics: [CSVDiagnostic] = []

    private let bytes: [UInt8]
    private let limits: ReadLimits
    private var pos = 0
    private var record = 0
    private var cells: [Cell] = []
    private var raggedCount = 0
    private var field: [UInt8] = []
    private let deadline: ReadDeadline

    public convenience init(path: String, displayName: String? = nil, delimiter: UInt8? = nil, limits: ReadLimits = .default) throws {
        let file = try InputFile(path: path, name: displayName ?? path, limits: limits)
        try self.init(bytes: file.readAll(), displayName: file.name, delimiter: delimiter, limits: limits)
    }

    public init(bytes raw: [UInt8], displayName: String, delimiter: UInt8? = nil, limits: ReadLimits = .default) throws {
        fileName = displayName
        self.limits = limits
        deadline = ReadDeadline(limits.maxSecondsPerFile)
        guard raw.count <= limits.maxFileBytes else {
            throw SheetIOError(.limitExceeded(.fileBytes, limits.maxFileBytes), file: displayName)
        }
        if !(raw.starts(with: [0xFF, 0xFE]) || raw.starts(with: [0xFE, 0xFF])), memchr(raw, 0, raw.count) != nil {
            throw SheetIOError(.csv("binary data (NUL bytes): not a text file"), file: displayName)
        }
        let decoded = try TextDecoder.decode(raw, file: displayName)
        bytes = decoded.utf8
        pos = decoded.start
        encoding = decoded.encoding
        if !decoded.lostLetters.isEmpty { diagnostics.append(CSVDiagnostic(row: nil, kind: .lostLetters(decoded.lostLetters))) }
        let (d, expected) = CSVReader.detect(bytes, from: pos, forced: delimiter)
        self.delimiter = d
        expectedFields = expected
        cells.reserveCapacity(32)
    }

    /// Picks the delimiter whose count per record is most consistent over the first
    /// records (outside quotes), preferring more fields; ties go to `;` over `,` (Excel's
    /// list separator where the decimal symbol is a comma), then tab, then `|`.
    static func detect(_ b: [UInt8], from: Int, forced: UInt8?) -> (UInt8, Int) {
        let candidates: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: ","), 0x09, UInt8(ascii: "|")]
        var counts: [[Int]] = Array(repeating: [], count: candidates.count)
        var current = [Int](repeating: 0, count: candidates.count)
        var inQuotes = false
        var i = from
        var records = 0
        var lineHasContent = false
        let limit = min(b.count, from + (1 << 20))
        while i < limit && records < 200 {
            let c = b[i]
            if c == UInt8(ascii: "\"") { inQuotes.toggle(); lineHasContent = true }
            else if !inQuotes && (c == 0x0A || c == 0x0D) {
                if c == 0x0D && i + 1 < b.count && b[i + 1] == 0x0A { i += 1 }
                if lineHasContent { for k in candidates.indices { counts[k].append(current[k]) }; records += 1 }
                current = [Int](repeating: 0, count: candidates.count)
                lineHasContent = false
            } else if !inQuotes, let k = candidates.firstIndex(of: c) {
                current[k] += 1
                lineHasContent = true
            } else { lineHasContent = true }
            i += 1
        }
        if lineHasContent { for k in candidates.indices { counts[k].append(current[k]) } }
        var best = (index: 1, score: -1.0, mode: 0)
        for k in candidates.indices where !counts[k].isEmpty {
            var freq: [Int: Int] = [:]
            for c in counts[k] where c > 0 { freq[c, default: 0] += 1 }
            guard let (mode, n) = freq.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }) else { continue }
            let score = Double(n) / Double(counts[k].count) + Double(mode) * 1e-4
            if score > best.score + 1e-9 { best = (k, score, mode) }
        }
        if let forced {
            let k = candidates.firstIndex(of: forced)
            var freq: [Int: Int] = [:]
            if let k { for c in counts[k] { freq[c, default: 0] += 1 } }
            return (forced, (freq.max { $0.value < $1.value }?.key ?? 0) + 1)
        }
        return (candidates[best.index], best.mode + 1)
    }

    /// The next record as a row (blank lines are rows without cells), or nil at the end.
    public func next() throws -> Row? {
        let n = bytes.count
        guard pos < n else { return nil }
        if record >= limits.maxCSVRows {
            throw SheetIOError(.limitExceeded(.csvRows, Int64(limits.maxCSVRows)), file: fileName, cell: "A\(record + 1)")
        }
        if record & 4095 == 4095 { try deadline.check(file: fileName) }
        cells.removeAll(keepingCapacity: true)
        let d = delimiter
        var column = 0
        var endOfRecord = false
        let rowNumber = record + 1
        try bytes.withUnsafeBufferPointer { buf in
            let p = buf.baseAddress!
            while !endOfRecord {
                if column >= limits.maxCSVFields {
                    throw SheetIOError(.limitExceeded(.csvFields, Int64(limits.maxCSVFields)), file: fileName, cell: CellRef(row: record, column: column).a1)
                }
                var text: String
                if pos < n && p[pos] == UInt8(ascii: "\"") {
                    // Quoted field.
                    field.removeAll(keepingCapacity: true)
                    pos += 1
                    var closed = false
                    while pos < n {
                        let c = p[pos]
                        if c == UInt8(ascii: "\"") {
                            if pos + 1 < n && p[pos + 1] == UInt8(ascii: "\"") { field.append(c); pos += 2; continue }
                            pos += 1
                            closed = true
                            break
                        }
                        field.append(c)
                        pos += 1
                        if field.count > limits.maxStringBytes {
                            throw SheetIOError(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)), file: fileName, cell: CellRef(row: record, column: column).a1)
                        }
                    }
                    if !closed {
                        throw SheetIOError(.csv("a quoted field is never closed (started on row \(rowNumber))"), file: fileName, cell: CellRef(row: record, column: column).a1)
                    }
                    // Lenient: text between the closing quote and the delimiter is kept.
                    var trailing = false
                    while pos < n && p[pos] != d && p[pos] != 0x0A && p[pos] != 0x0D { field.append(p[pos]); pos += 1; trailing = true }
                    if trailing && diagnostics.count < 200 { diagnostics.append(CSVDiagnostic(row: rowNumber, kind: .textAfterQuote)) }
                    text = String(decoding: field, as: UTF8.self)
                } else {
                    let start = pos
                    while pos < n {
                        let c = p[pos]
                        if c == d || c == 0x0A || c == 0x0D { break }
                        pos += 1
                    }
                    if pos - start > limits.maxStringBytes {
                        throw SheetIOError(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)), file: fileName, cell: CellRef(row: record, column: column).a1)
                    }
                    text = pos > start ? String(decoding: UnsafeBufferPointer(start: p + start, count: pos - start), as: UTF8.self) : ""
                }
                if !text.isEmpty { cells.append(Cell(column: column, value: .text(text))) }
                column += 1
                if pos >= n { endOfRecord = true }
                else if p[pos] == d { pos += 1; if pos >= n { column += 1; endOfRecord = true } }
                else {
                    if p[pos] == 0x0D && pos + 1 < n && p[pos + 1] == 0x0A { pos += 2 } else { pos += 1 }
                    endOfRecord = true
                }
            }
        }
        record += 1
        // A blank line is one empty field: a row with no cells, not a ragged row.
        let blank = column == 1 && cells.isEmpty
        if !blank && column != expectedFields {
            raggedCount += 1
            if raggedCount <= 100 { diagnostics.append(CSVDiagnostic(row: rowNumber, kind: .raggedRow(fields: column, expected: expectedFields))) }
        }
        return Row(index: rowNumber - 1, cells: cells)
    }

    /// How many rows had another field count than ``expectedFields`` (all, not only the
    /// first 100 kept in ``diagnostics``).
    public var raggedRows: Int { raggedCount }
}
