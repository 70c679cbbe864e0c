/// A cell format, compared by value: equal formats share one libxlsxwriter format
/// (``XLSXWriter/format(_:)``).
public struct CellFormat: Hashable, Sendable {
    public enum HAlign: Hashable, Sendable { case general, left, center, right, fill, justify, centerAcross }
    public enum VAlign: Hashable, Sendable { case top, center, bottom }
    public enum Border: Hashable, Sendable { case none, thin, medium, dotted, hair }

    public var numberFormat: String? = nil
    public var fontName: String? = nil
    public var fontSize: Double? = nil
    public var bold = false
    public var italic = false
    public var underline = false
    /// 0xRRGGBB.
    public var fontColor: UInt32? = nil
    /// Solid fill, 0xRRGGBB.
    public var fillColor: UInt32? = nil
    public var hAlign: HAlign = .general
    public var vAlign: VAlign? = nil
    public var wrap = false
    public var indent: Int = 0
    public var border: Border = .none
    public var borderColor: UInt32? = nil
    /// Unlocked cells stay editable when the sheet is protected.
    public var unlocked = false
    /// Hidden: the formula is not shown when the sheet is protected.
    public var hiddenFormula = false

    public init() {}

    public static let `default` = CellFormat()

    /// A copy with some properties changed: `base.with { $0.bold = true }`.
    public func with(_ change: (inout CellFormat) -> Void) -> CellFormat {
        var c = self
        change(&c)
        return c
    }
}
