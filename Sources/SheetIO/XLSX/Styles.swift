import Foundation

/// What the reader needs from `styles.xml`: each cell style's number format.
struct Styles: Equatable {
    /// numFmtId of each `cellXfs/xf`, indexed by the cell's `s` attribute.
    var xfFormatIDs: [Int] = []
    /// Custom format codes by id.
    var customFormats: [Int: String] = [:]
    /// How each xf displays a number (parallel to ``xfFormatIDs``).
    var xfDisplay: [NumberFormat.Display] = []

    static let empty = Styles()
    /// Parsed once per distinct `styles.xml` (``PartMemo``).
    static let memo = PartMemo<Styles>()

    init() {}

    init(parser: XMLPullParser) throws {
        var inCellXfs = false
        var inNumFmts = false
        while true {
            switch try parser.next() {
            case .eof:
                xfDisplay = xfFormatIDs.map { NumberFormat.display(id: $0, code: customFormats[$0]) }
                return
            case .start:
                if parser.isName("cellXfs") { inCellXfs = true }
                else if parser.isName("numFmts") { inNumFmts = true }
                else if inCellXfs && parser.isName("xf") {
                    let id = try parser.attribute("numFmtId").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
                    xfFormatIDs.append(id)
                    try parser.skipElement()
                } else if inNumFmts && parser.isName("numFmt") {
                    if let id = try parser.attribute("numFmtId").flatMap({ Int($0) }), let code = try parser.attribute("formatCode") {
                        customFormats[id] = code
                    }
                } else if parser.depth == 2 && !inCellXfs && !inNumFmts {
                    try parser.skipElement()  // fonts, fills, borders, dxfs…: not needed
                }
            case .end:
                if parser.isName("cellXfs") { inCellXfs = false }
                else if parser.isName("numFmts") { inNumFmts = false }
            case .text:
                break
            }
        }
    }

    /// The number format of a style index; unknown indexes read as General (as Excel does).
    @inline(__always)
    func formatID(ofStyle s: Int) -> Int { s >= 0 && s < xfFormatIDs.count ? xfFormatIDs[s] : 0 }

    @inline(__always)
    func display(ofStyle s: Int) -> NumberFormat.Display { s >= 0 && s < xfDisplay.count ? xfDisplay[s] : .number }

    func code(forID id: Int) -> String? { customFormats[id] ?? NumberFormat.builtIn[id] }
}
