import Foundation

/// A sheet as listed in the workbook, in workbook order.
public struct SheetInfo: Hashable, Sendable {
    public enum Visibility: String, Sendable { case visible, hidden, veryHidden }
    public enum Kind: String, Sendable { case worksheet, chartsheet, dialogsheet, macrosheet }

    public var name: String
    public var visibility: Visibility
    public var kind: Kind
    /// The part holding the sheet's XML, normalised (nil if the workbook points nowhere).
    public var part: String?
}

/// An XLSX workbook opened for reading. Sheets are streamed row by row
/// (``rows(ofSheet:)``) or read whole (``readSheet(_:)``).
///
/// Memory: the shared strings and the current row; never the whole sheet XML.
/// Not thread-safe; one workbook per thread.
public final class XLSXWorkbook {
    public let fileName: String
    public let limits: ReadLimits
    public let sheets: [SheetInfo]
    /// The workbook uses the 1904 date system (`workbookPr date1904="1"` or `"true"`).
    public let date1904: Bool
    /// The sheet the workbook opens on (`bookViews/workbookView@activeTab`, 0-based), if
    /// the workbook says.
    public let activeSheet: Int?
    let archive: ZipArchive
    let styles: Styles
    private let sharedStringsPart: String?
    private var sharedStringsCache: [String]?

    /// Opens a workbook on disk. `displayName` names it in error messages.
    public convenience init(path: String, displayName: String? = nil, limits: ReadLimits = .default) throws {
        try self.init(file: InputFile(path: path, name: displayName ?? path, limits: limits), limits: limits)
    }

    /// Opens a workbook from a checked input file (regular, within the size cap).
    public convenience init(file: InputFile, limits: ReadLimits = .default) throws {
        try XLSXWorkbook.checkFile(file)
        do {
            try self.init(archive: ZipArchive(file: file, limits: limits))
        } catch let e as SheetIOError where e.kind == .notASpreadsheet {
            // It starts like a ZIP (checked above) but libzip finds no central directory.
            throw SheetIOError(.corruptZip("incomplete or truncated (the end of the archive is missing)"), file: file.name)
        }
    }

    /// Opens a workbook held in memory.
    public convenience init(bytes: [UInt8], displayName: String, limits: ReadLimits = .default) throws {
        if let kind = XLSXWorkbook.sniffNonZip(Array(bytes.prefix(8)), whole: bytes) {
            throw SheetIOError(kind, file: displayName)
        }
        guard bytes.count <= limits.maxFileBytes else {
            throw SheetIOError(.limitExceeded(.fileBytes, limits.maxFileBytes), file: displayName)
        }
        try self.init(archive: ZipArchive(bytes: bytes, displayName: displayName, limits: limits))
    }

    init(archive: ZipArchive) throws {
        self.archive = archive
        self.limits = archive.limits
        self.fileName = archive.fileName
        let file = archive.fileName

        // Package relationships → the workbook part.
        var workbookPart: String? = nil
        if archive.contains("_rels/.rels") {
            let rels = try Relationships.cached(archive, "_rels/.rels", sourceDir: "")
            workbookPart = rels.first(typeSuffix: "/officeDocument")?.target
        }
        if workbookPart == nil || !archive.contains(workbookPart!) {
            workbookPart = archive.contains("xl/workbook.xml") ? "xl/workbook.xml"
                : archive.entryNames.map(ZipArchive.normalise).first { $0.hasSuffix("workbook.xml") }
        }
        guard let wbPart = workbookPart else {
            let hint = archive.contains("content.xml") ? "OpenDocument .ods" : archive.contains("word/document.xml") ? "Word .docx" : "no workbook part"
            throw SheetIOError(.notXLSX(hint), file: file)
        }
        let wbDir = Relationships.directory(of: wbPart)
        let relsPart = wbDir + "_rels/" + Relationships.fileName(of: wbPart) + ".rels"
        let wbRels = archive.contains(relsPart)
            ? try Relationships.cached(archive, relsPart, sourceDir: wbDir) : Relationships()

        // workbook.xml: the sheets and the date system.
        let parser = try XLSXWorkbook.parser(archive, wbPart)
        var sheets: [SheetInfo] = []
        var date1904 = false
        var activeTab: Int? = nil
        var fallbackIndex = 0
        while try parser.next() != .eof {
            guard parser.event == .start else { continue }
            if parser.isName("workbookPr") && parser.depth == 2 {
                // Only the workbook's own workbookPr: extensions (x14:workbookPr) carry others.
                let v = try parser.attribute("date1904")?.lowercased()
                date1904 = v == "1" || v == "true"
            } else if parser.isName("sheet") {
                fallbackIndex += 1
                let name = try parser.attribute("name") ?? "Sheet\(fallbackIndex)"
                let state = try parser.attribute("state")
                let rid = try parser.attribute("id", prefixed: true)
                var part: String? = nil
                var kind = SheetInfo.Kind.worksheet
                if let rid, let rel = wbRels.byID[rid] {
                    part = rel.target
                    if rel.type.hasSuffix("/chartsheet") { kind = .chartsheet }
                    else if rel.type.hasSuffix("/dialogsheet") { kind = .dialogsheet }
                    else if rel.type.hasSuffix("/xlMacrosheet") || rel.type.hasSuffix("/macrosheet") { kind = .macrosheet }
                } else if archive.contains(wbDir + "worksheets/sheet\(fallbackIndex).xml") {
                    part = wbDir + "worksheets/sheet\(fallbackIndex).xml"
                }
                let vis: SheetInfo.Visibility = state == "hidden" ? .hidden : state == "veryHidden" ? .veryHidden : .visible
                sheets.append(SheetInfo(name: name, visibility: vis, kind: kind, part: part))
            } else if parser.isName("workbookView") && activeTab == nil {
                // The first view is the one Excel opens; no activeTab means the first sheet.
                activeTab = Int(try parser.attribute("activeTab") ?? "0")
            } else if parser.isName("definedNames") || parser.isName("calcPr") {
                try parser.skipElement()
            }
        }
        self.sheets = sheets
        self.date1904 = date1904
        self.activeSheet = activeTab.flatMap { sheets.indices.contains($0) ? $0 : nil }

        func partFor(_ suffix: String, fallback: String) -> String? {
            if let t = wbRels.first(typeSuffix: suffix)?.target, archive.contains(t) { return t }
            let f = wbDir + fallback
            return archive.contains(f) ? f : nil
        }
        sharedStringsPart = partFor("/sharedStrings", fallback: "sharedStrings.xml")
        if let stylesPart = partFor("/styles", fallback: "styles.xml") {
            styles = try Styles.memo.value(archive, stylesPart) { try Styles(parser: XLSXWorkbook.parser(archive, stylesPart, $0)) }
        } else {
            styles = .empty
        }
    }

    /// A parser over one part, its first buffer sized from the part's declared size
    /// (a hint only: the buffer grows as needed and limits are enforced as bytes arrive).
    static func parser(_ archive: ZipArchive, _ part: String) throws -> XMLPullParser {
        try parser(archive, part, archive.open(part))
    }

    /// A parser over an entry already opened.
    static func parser(_ archive: ZipArchive, _ part: String, _ stream: ZipEntryStream) throws -> XMLPullParser {
        let hint = Int(min(archive.declaredSize(of: part) ?? (256 << 10), 256 << 10)) + 64
        return XMLPullParser(source: stream, file: archive.fileName, part: stream.name, limits: archive.limits, initialCapacity: hint)
    }

    /// Checks what a file is before handing it to libzip, so that .xls files and
    /// password-protected workbooks get a message saying what to do.
    static func checkFile(_ file: InputFile) throws {
        let head = file.read(at: 0, count: 8)
        if head.count < 4 || !(SpreadsheetDocument.isZip(head) || head.starts(with: [0xD0, 0xCF, 0x11, 0xE0])) {
            throw SheetIOError(.notASpreadsheet, file: file.name)
        }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            if let kind = sniffNonZip(head, whole: try file.readAll()) { throw SheetIOError(kind, file: file.name) }
        }
    }

    /// Recognises OLE compound files: encrypted OOXML (a stream named "EncryptedPackage")
    /// or a legacy .xls. Returns nil for anything else.
    static func sniffNonZip(_ head: [UInt8], whole: [UInt8]) -> SheetIOError.Kind? {
        guard head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) else { return nil }
        let marker = Array("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        if whole.count >= marker.count {
            let m0 = marker[0]
            var i = 0
            while i <= whole.count - marker.count {
                if whole[i] == m0 && Array(whole[i..<i + marker.count]) == marker { return .encrypted }
                i += 1
            }
        }
        return .legacyXLS
    }

    // MARK: Sheets

    /// The 0-based index of the sheet with this name (exact, then case-insensitive).
    public func sheetIndex(named name: String) -> Int? {
        sheets.firstIndex { $0.name == name } ?? sheets.firstIndex { $0.name.lowercased() == name.lowercased() }
    }

    /// The code of a number format id ("0.0%", "dd/mm/yyyy", built-in "General"…).
    public func numberFormatCode(id: Int) -> String? { styles.code(forID: id) }

    /// How a number format id shows numbers (date, percent, number, text).
    public func numberFormatDisplay(id: Int) -> NumberFormat.Display {
        NumberFormat.display(id: id, code: styles.customFormats[id])
    }

    func sharedStrings() throws -> [String] {
        if let s = sharedStringsCache { return s }
        var s: [String] = []
        if let part = sharedStringsPart {
            s = try SharedStrings.read(XLSXWorkbook.parser(archive, part))
        }
        sharedStringsCache = s
        return s
    }

    /// Streams the rows of a sheet (0-based index in workbook order). Chartsheets and
    /// dialog sheets yield no rows.
    public func rows(ofSheet index: Int) throws -> SheetRowReader {
        guard sheets.indices.contains(index) else {
            throw SheetIOError(.noSuchSheet("#\(index + 1) (\(sheets.count) sheets)"), file: fileName)
        }
        let info = sheets[index]
        guard info.kind == .worksheet || info.kind == .macrosheet, let part = info.part, archive.contains(part) else {
            return SheetRowReader(empty: info.name)
        }
        let strings = try sharedStrings()
        let stream = try archive.open(part)
        // Large sheets are inflated on a second thread while this one parses.
        let big = (archive.declaredSize(of: part) ?? 0) > 8 << 20
        let source: ByteSource = big ? PipelinedByteSource(upstream: stream) : stream
        let hint = Int(min(archive.declaredSize(of: part) ?? (64 << 10), 64 << 10)) + 64
        let parser = XMLPullParser(source: source, file: fileName, part: stream.name, limits: limits,
                                   initialCapacity: big ? 1 << 20 : hint)
        return SheetRowReader(parser: parser, sheetName: info.name, sharedStrings: strings, styles: styles,
                              date1904: date1904, limits: limits)
    }

    /// Reads a whole sheet into memory (sparse: only cells with a value or a formula).
    /// With `maxRows`, at most that many rows with values are kept; the sheet's
    /// ``Sheet/truncatedAt`` then names the first row left out (merged ranges are still
    /// read whole).
    public func readSheet(_ index: Int, maxRows: Int = .max) throws -> Sheet {
        let reader = try rows(ofSheet: index)
        var rows: [Row] = []
        var truncatedAt: Int? = nil
        while let row = try reader.next() {
            if rows.count >= maxRows {
                truncatedAt = row.index
                try reader.skipRemainingRows()
                break
            }
            rows.append(row)
        }
        var sheet = Sheet(name: sheets[index].name, rows: rows, mergedRanges: reader.mergedRanges)
        sheet.truncatedAt = truncatedAt
        sheet.hiddenColumns = reader.hiddenColumns
        sheet.hiddenRows = reader.hiddenRows
        return sheet
    }
}

/// The relationships of one part (`_rels/X.rels`), targets resolved to archive paths.
struct Relationships: Equatable {
    struct Rel: Equatable { var id: String; var type: String; var target: String }
    var byID: [String: Rel] = [:]
    var ordered: [Rel] = []

    init() {}

    static let memo = PartMemo<Relationships>()

    /// The relationships of a part, parsed once per distinct content (``PartMemo``).
    static func cached(_ archive: ZipArchive, _ part: String, sourceDir: String) throws -> Relationships {
        try memo.value(archive, part, extra: sourceDir) { try Relationships(parser: XLSXWorkbook.parser(archive, part, $0), sourceDir: sourceDir) }
    }

    init(parser: XMLPullParser, sourceDir: String) throws {
        while try parser.next() != .eof {
            guard parser.event == .start, parser.isName("Relationship") else { continue }
            if try parser.attribute("TargetMode")?.lowercased() == "external" { continue }
            guard let id = try parser.attribute("Id"), let type = try parser.attribute("Type"),
                  let target = try parser.attribute("Target") else { continue }
            let rel = Rel(id: id, type: type, target: Relationships.resolve(target, from: sourceDir))
            byID[id] = rel
            ordered.append(rel)
        }
    }

    /// Transitional and Strict OOXML differ in the namespace but not the last path segment.
    func first(typeSuffix: String) -> Rel? { ordered.first { $0.type.hasSuffix(typeSuffix) } }

    /// "xl/" for "xl/workbook.xml", "" for "workbook.xml".
    static func directory(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[...slash])
    }

    static func fileName(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return part }
        return String(part[part.index(after: slash)...])
    }

    /// Resolves a target: absolute ("/xl/…") from the package root, else relative to the
    /// source part's folder, with "." and ".." applied and "\" read as "/".
    static func resolve(_ target: String, from dir: String) -> String {
        let t = ZipArchive.normalise(target)
        let absolute = target.hasPrefix("/") || target.hasPrefix("\\")
        let joined = absolute ? t : ZipArchive.normalise(dir) + (dir.isEmpty || dir.hasSuffix("/") ? "" : "/") + t
        guard joined.contains("./") || joined.hasPrefix(".") else { return joined }
        var parts: [Substring] = []
        for seg in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if seg == "." { continue }
            if seg == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(seg)
        }
        return parts.joined(separator: "/")
    }
}
