import SheetIO

/// A unit's report as read from a file: who, which period, and every value with the
/// cell it came from and the text as written.
public struct Submission: Sendable {
    public enum Source: String, Sendable, Codable { case metadata, titleBlock = "title", fileName = "file_name", csvColumns = "csv" }

    public var file: String
    public var sheet: String
    public var templateID: String?
    public var templateVersion: Int?
    public var unit: ReportingUnit?
    public var unitSource: Source?
    public var period: Period?
    public var periodSource: Source?
    /// How numbers written as text were read.
    public var convention: VietNumber.Convention = .vi
    public var rows: [SubmissionRow] = []
    /// Problems found while reading (table, identification, cell values).
    public var findings: [Finding] = []
    /// The rows of the sheet as read (for the annotated copy).
    public var sheetData: Sheet?
    /// The 0-based header row and the columns found (column key → 0-based column).
    public var headerRow: Int?
    public var columnMap: [String: Int] = [:]
    /// Value columns the table lacks, reported once for the column (not once per row).
    public var columnsReportedMissing: Set<String> = []

    public init(file: String, sheet: String) {
        self.file = file
        self.sheet = sheet
    }

    /// The value of an indicator in a column, if it was read.
    public func value(_ code: String, _ column: String) -> ReportedValue? {
        rows.first { $0.indicator?.code == code }?.values[column]?.value
    }
}

/// One indicator row of a submission.
public struct SubmissionRow: Sendable {
    public var indicator: Indicator?
    /// 0-based sheet row.
    public var row: Int
    public var codeText: String
    public var nameText: String
    public var unitText: String?
    public var values = ColumnValues()
    public var comparisons = ColumnValues()
    public var note: String?
}

/// A row's values by column key, in the order they were set. A row holds a handful (the
/// template's value and comparison columns), so they are kept as pairs and found by
/// comparing keys: a dictionary per row, hashing its short keys on every set and every
/// lookup, was some 5 % of validating a batch.
public struct ColumnValues: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: SubmittedValue)
    private var pairs: [Element] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, SubmittedValue)...) {
        for (k, v) in elements { self[k] = v }
    }

    /// The value of a column; setting nil removes it.
    public subscript(key: String) -> SubmittedValue? {
        get {
            for p in pairs where p.key == key { return p.value }
            return nil
        }
        set {
            if let i = pairs.firstIndex(where: { $0.key == key }) {
                if let newValue { pairs[i].value = newValue } else { pairs.remove(at: i) }
            } else if let newValue {
                pairs.append((key, newValue))
            }
        }
    }

    public var isEmpty: Bool { pairs.isEmpty }
    public var count: Int { pairs.count }
    public var keys: [String] { pairs.map(\.key) }
    public func makeIterator() -> IndexingIterator<[Element]> { pairs.makeIterator() }

    mutating func reserveCapacity(_ n: Int) { pairs.reserveCapacity(n) }
}

/// One value cell: where, as written, and as understood.
public struct SubmittedValue: Sendable, Equatable {
    public var ref: CellRef
    /// The text as written (a number cell's shortest text).
    public var written: String
    public var value: ReportedValue
    /// The unit written in the cell or the row's ĐVT, when it differs from the indicator's.
    public var writtenUnit: String?
    /// The factor applied to convert it (8.200 tấn × 0,001 → 8,2 nghìn tấn).
    public var conversion: Double?
    public var fromFormula: Bool
}
