/// Caps enforced while reading, never taken from what a file declares about itself.
///
/// The defaults admit any workbook Excel itself can produce at sizes a province meets
/// (a 1,000,000 × 10 sheet inflates to about 400 MB of XML) and stop zip bombs,
/// entity tricks and runaway files with a clear error.
public struct ReadLimits: Sendable, Equatable {
    /// Input file size (bytes), checked before opening. Default 512 MiB.
    public var maxFileBytes: Int64 = 512 << 20
    /// Inflated bytes of any one ZIP entry. Default 1 GiB (a 1,000,000 × 10 sheet is
    /// about 360 MB of XML).
    public var maxEntryBytes: Int64 = 1 << 30
    /// Inflated bytes over all entries read from one archive. Default 2 GiB.
    public var maxTotalBytes: Int64 = 2 << 30
    /// Rows per sheet (Excel's own limit).
    public var maxRows: Int = CellRef.maxRows
    /// Columns per sheet (Excel's own limit, XFD).
    public var maxColumns: Int = CellRef.maxColumns
    /// Bytes of one text value or XML token. Excel allows 32,767 characters in a cell,
    /// at most 4 UTF-8 bytes each: 131,072 bytes is that plus slack.
    public var maxStringBytes: Int = 131_072
    /// Shared strings in one workbook. Default 16 million.
    public var maxSharedStrings: Int = 16_000_000
    /// Nesting depth of XML elements. Spreadsheet parts nest fewer than 20 deep.
    public var maxXMLDepth: Int = 256
    /// Attributes on one XML element.
    public var maxAttributes: Int = 512
    /// CSV rows (data lines) per file. Default Excel's row limit.
    public var maxCSVRows: Int = CellRef.maxRows
    /// Fields per CSV row. Default Excel's column limit.
    public var maxCSVFields: Int = CellRef.maxColumns

    /// Wall-clock seconds for reading one file, the last guard behind the caps above
    /// (checked as bytes are inflated and as CSV rows are parsed). Default 120 s: a
    /// 1,048,576-row sheet reads in about 1 s here.
    public var maxSecondsPerFile: Double = 120

    public init() {}

    public static let `default` = ReadLimits()
}
