import CXlsxWriter
import Foundation

/// Duplicated C strings that live until the arena is dropped: for libxlsxwriter
/// structs whose `char *` fields must stay valid during one call.
final class CStringArena {
    private var pointers: [UnsafeMutablePointer<CChar>] = []
    func dup(_ s: String?) -> UnsafeMutablePointer<CChar>? {
        guard let s else { return nil }
        let p = strdup(s)!
        pointers.append(p)
        return p
    }
    deinit { for p in pointers { free(p) } }
}

/// An XLSX workbook being written through libxlsxwriter 1.1.4.
///
/// The workbook owns the C handle. ``close()`` writes everything to a temporary file
/// beside the destination and renames it into place, so a failed write never leaves a
/// half-written file under the final name; `deinit` only frees (a workbook dropped
/// without ``close()`` writes nothing).
public final class XLSXWriter {
    public struct Options: Sendable {
        /// libxlsxwriter's constant-memory mode: each row is flushed to disk when the
        /// next one starts (rows must be written in order; strings are written inline).
        public var constantMemory = false
        public init(constantMemory: Bool = false) { self.constantMemory = constantMemory }
    }

    public let path: String
    let tempPath: String
    private let tempSlot: Int?
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellFormat: UnsafeMutablePointer<lxw_format>] = [:]
    public private(set) var worksheets: [Worksheet] = []
    private var closed = false

    /// Starts a workbook to be written at `path` on ``close()``.
    public init(path: String, options: Options = Options()) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw SheetIOError(.folderMissing(dir), file: path)
        }
        tempPath = TempFiles.sibling(of: path)
        tempSlot = TempFiles.register(tempPath)
        var opts = lxw_workbook_options()
        opts.constant_memory = options.constantMemory ? 1 : 0
        opts.tmpdir = nil
        opts.use_zip64 = 1  // sheets over 4 GiB inflated stay readable
        guard let wb = workbook_new_opt(tempPath, &opts) else {
            TempFiles.unregister(tempSlot)
            throw SheetIOError(.write("libxlsxwriter could not create the workbook"), file: path)
        }
        handle = wb
    }

    deinit {
        if let handle, !closed { lxw_workbook_free(handle) }
        if !closed { unlink(tempPath) }
        TempFiles.unregister(tempSlot)
    }

    var wb: UnsafeMutablePointer<lxw_workbook> { handle! }

    /// Turns a libxlsxwriter error code into a ``SheetIOError`` with the library's message.
    func check(_ err: lxw_error, _ what: String, sheet: String? = nil, cell: CellRef? = nil) throws {
        guard err != LXW_NO_ERROR else { return }
        let msg = String(cString: lxw_strerror(err))
        throw SheetIOError(.write("\(what): \(msg)"), file: path, sheet: sheet, cell: cell?.a1)
    }

    /// Adds a worksheet. Names follow Excel's rules: at most 31 characters, none of `[]:*?/\`.
    ///
    /// A `streamed` sheet holds its cells in 24 bytes each instead of libxlsxwriter's 130
    /// until the workbook closes, then writes them row by row in libxlsxwriter's
    /// constant-memory mode (``StreamedCells``): for sheets of hundreds of thousands of
    /// cells. Cells may be written in any order, as in any sheet; texts are stored inline.
    /// Comments are refused on it.
    public func addWorksheet(_ name: String, streamed: Bool = false) throws -> Worksheet {
        precondition(!closed, "workbook already closed")
        try check(workbook_validate_sheet_name(wb, name), "sheet name \"\(name)\"")
        // libxlsxwriter 1.1.4 takes the mode from the workbook's options when a sheet is added.
        let mode = wb.pointee.options.constant_memory
        if streamed { wb.pointee.options.constant_memory = 1 }
        let added = workbook_add_worksheet(wb, name)
        wb.pointee.options.constant_memory = mode
        guard let ws = added else {
            throw SheetIOError(.write("cannot add sheet \"\(name)\""), file: path)
        }
        let sheet = Worksheet(workbook: self, handle: ws, name: name, streamed: streamed && ws.pointee.optimize != 0)
        worksheets.append(sheet)
        return sheet
    }

    /// The libxlsxwriter format for a ``CellFormat``; equal formats share one.
    func format(_ f: CellFormat?) -> UnsafeMutablePointer<lxw_format>? {
        guard let f else { return nil }
        // Consecutive cells mostly share a format: comparing is cheaper than hashing.
        for (cached, ptr) in recentFormats where cached == f { return ptr }
        let ptr = lookupFormat(f)
        recentFormats.insert((f, ptr), at: 0)
        if recentFormats.count > 4 { recentFormats.removeLast() }
        return ptr
    }

    private var recentFormats: [(CellFormat, UnsafeMutablePointer<lxw_format>?)] = []

    private func lookupFormat(_ f: CellFormat) -> UnsafeMutablePointer<lxw_format>? {
        guard f != .default else { return nil }
        if let existing = formats[f] { return existing }
        let fmt = workbook_add_format(wb)!
        if let nf = f.numberFormat { format_set_num_format(fmt, nf) }
        if let n = f.fontName { format_set_font_name(fmt, n) }
        if let s = f.fontSize { format_set_font_size(fmt, s) }
        if f.bold { format_set_bold(fmt) }
        if f.italic { format_set_italic(fmt) }
        if f.underline { format_set_underline(fmt, UInt8(LXW_UNDERLINE_SINGLE.rawValue)) }
        if let c = f.fontColor { format_set_font_color(fmt, c) }
        if let c = f.fillColor {
            format_set_pattern(fmt, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(fmt, c)
        }
        switch f.hAlign {
        case .general: break
        case .left: format_set_align(fmt, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(fmt, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(fmt, UInt8(LXW_ALIGN_RIGHT.rawValue))
        case .fill: format_set_align(fmt, UInt8(LXW_ALIGN_FILL.rawValue))
        case .justify: format_set_align(fmt, UInt8(LXW_ALIGN_JUSTIFY.rawValue))
        case .centerAcross: format_set_align(fmt, UInt8(LXW_ALIGN_CENTER_ACROSS.rawValue))
        }
        switch f.vAlign {
        case nil: break
        case .top: format_set_align(fmt, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        case .center: format_set_align(fmt, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
        case .bottom: format_set_align(fmt, UInt8(LXW_ALIGN_VERTICAL_BOTTOM.rawValue))
        }
        if f.wrap { format_set_text_wrap(fmt) }
        if f.indent > 0 { format_set_indent(fmt, UInt8(min(f.indent, 15))) }
        let border: lxw_format_borders? = switch f.border {
        case .none: nil
        case .thin: LXW_BORDER_THIN
        case .medium: LXW_BORDER_MEDIUM
        case .dotted: LXW_BORDER_DOTTED
        case .hair: LXW_BORDER_HAIR
        }
        if let border { format_set_border(fmt, UInt8(border.rawValue)) }
        if let c = f.borderColor { format_set_border_color(fmt, c) }
        if f.unlocked { format_set_unlocked(fmt) }
        if f.hiddenFormula { format_set_hidden(fmt) }
        formats[f] = fmt
        return fmt
    }

    /// Sets the document properties shown in File › Info.
    public func setProperties(_ p: DocumentProperties) throws {
        let arena = CStringArena()
        var props = lxw_doc_properties()
        props.title = arena.dup(p.title)
        props.subject = arena.dup(p.subject)
        props.author = arena.dup(p.author)
        props.company = arena.dup(p.company)
        props.category = arena.dup(p.category)
        props.keywords = arena.dup(p.keywords)
        props.comments = arena.dup(p.comments)
        props.status = arena.dup(p.status)
        try check(workbook_set_properties(wb, &props), "document properties")
    }

    /// A custom document property (File › Properties › Custom).
    public func setCustomProperty(_ name: String, _ value: String) throws {
        try check(workbook_set_custom_property_string(wb, name, value), "custom property \(name)")
    }

    /// A workbook-level defined name, e.g. ("DonVi", "=Data!$A$2:$A$9").
    public func defineName(_ name: String, _ formula: String) throws {
        try check(workbook_define_name(wb, name, formula), "defined name \(name)")
    }

    /// Creates a chart; place it with ``Worksheet/insertChart(_:at:scale:)``.
    public func addChart(_ type: Chart.Kind) throws -> Chart {
        guard let c = workbook_add_chart(wb, UInt8(type.lxw.rawValue)) else {
            throw SheetIOError(.write("cannot create chart"), file: path)
        }
        return Chart(handle: c)
    }

    /// Writes the workbook to a temporary file, then renames it to ``path``.
    public func close() throws {
        precondition(!closed, "workbook already closed")
        for ws in worksheets { try ws.finish() }
        closed = true
        let err = workbook_close(handle)
        handle = nil
        if err != LXW_NO_ERROR {
            unlink(tempPath)
            let msg = String(cString: lxw_strerror(err))
            throw SheetIOError(.write(msg), file: path)
        }
        if let hold = ProcessInfo.processInfo.environment["TONGHOP_TEST_HOLD_WRITE"], !hold.isEmpty {
            // Test hook (signal clean-up tests): the temporary file is complete; say so and wait.
            _ = FileManager.default.createFile(atPath: hold, contents: Data(tempPath.utf8))
            Thread.sleep(forTimeInterval: 30)
        }
        if worksheets.contains(where: { $0.firstPageHeader != nil }) {
            defer { unlink(tempPath) }
            try writeFirstPageHeaders()
            return
        }
        if rename(tempPath, path) != 0 {
            let why = String(cString: strerror(errno))
            unlink(tempPath)
            throw SheetIOError(.write(why), file: path)
        }
    }

    /// Copies the closed workbook to `path` with each first-page header in its sheet's
    /// `<headerFooter differentFirst="1">` (libxlsxwriter names the worksheets' parts
    /// sheet1.xml, sheet2.xml… in the order they were added).
    private func writeFirstPageHeaders() throws {
        let zip = try ZipArchive(path: tempPath)
        var replace: [String: [UInt8]] = [:]
        for (i, ws) in worksheets.enumerated() {
            guard let first = ws.firstPageHeader else { continue }
            let part = "xl/worksheets/sheet\(i + 1).xml"
            var xml = String(decoding: try zip.readAll(part), as: UTF8.self)
            guard let open = xml.range(of: "<headerFooter>"), let close = xml.range(of: "</headerFooter>") else { continue }
            xml.replaceSubrange(close, with: "<firstHeader>\(Self.xmlText(first))</firstHeader></headerFooter>")
            xml.replaceSubrange(open, with: "<headerFooter differentFirst=\"1\">")
            replace[part] = Array(xml.utf8)
        }
        try ZipRewrite.write(input: tempPath, output: path, replace: replace, add: [])
    }

    static func xmlText(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
