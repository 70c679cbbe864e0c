/// What the workbook-globals substream of a BIFF5/BIFF8 workbook says ([MS-XLS] 2.1.7.20.1):
/// sheets and where their records start, shared strings, number formats, cell formats
/// (XF), date system, code page and the sheet the workbook opens on.
struct BIFFGlobals {
    /// BIFF8 (Excel 97-2003) rather than BIFF5 (Excel 5/95): BIFF8 text is Latin-1 or
    /// UTF-16, BIFF5 text 8-bit in ``codePage``.
    var biff8 = true
    /// The CODEPAGE record's value; 1252 when the workbook has none.
    var codePage = 1252
    /// DATEMODE: serials count from 1904-01-01.
    var date1904 = false
    /// WINDOW1's itabCur: the tab selected when the workbook was saved (0-based).
    var activeTab: Int?
    /// Each sheet with the stream offset of its BOF record (BOUNDSHEET lbPlyPos).
    var sheets: [(info: SheetInfo, offset: Int)] = []
    /// FORMAT records: custom (and locale-dependent built-in) codes by format index.
    var formats: [Int: String] = [:]
    /// The format index of each XF record, by XF index.
    var xfFormatIDs: [Int] = []
    /// How each XF shows a number (parallel to ``xfFormatIDs``).
    var xfDisplay: [NumberFormat.Display] = []
    /// The shared-string table (SST).
    var sharedStrings: [String] = []

    /// Why the globals cannot be read (``SheetIOError/Kind/xlsUnreadable(_:)`` reasons).
    enum Reason {
        static let damaged = "the workbook records are damaged"
        static let tooOld = "an Excel 2.x-4.x worksheet (before Excel 5)"
    }

    init(stream: [UInt8], fileName: String, limits: ReadLimits) throws {
        func fail(_ why: String) -> SheetIOError { SheetIOError(.xlsUnreadable(why), file: fileName) }
        var it = BIFFRecordIterator(stream, at: 0)
        guard let bof = it.next() else { throw fail(Reason.damaged) }
        if BIFFType.oldBOFs.contains(bof.type) { throw fail(Reason.tooOld) }
        guard bof.type == BIFFType.bof else { throw fail(Reason.damaged) }
        let version = LE.u16(stream, bof.start)
        let dt = LE.u16(stream, bof.start + 2)
        switch version {
        case 0x0500: biff8 = false
        case 0x0200, 0x0300, 0x0400: throw fail(Reason.tooOld)
        case 0: biff8 = dt != 0x1000
        default: biff8 = true
        }
        while let r = it.next() {
            let s = r.start
            switch r.type {
            case BIFFType.eof:
                finish()
                return
            case BIFFType.filePass:
                throw SheetIOError(.encrypted, file: fileName)
            case BIFFType.codePage:
                codePage = Int(LE.u16(stream, s))
            case BIFFType.dateMode:
                date1904 = LE.u16(stream, s) == 1
            case BIFFType.window1:
                if activeTab == nil && r.length >= 12 { activeTab = Int(LE.u16(stream, s + 10)) }
            case BIFFType.boundSheet:
                guard r.length >= 7 else { continue }
                let offset = Int(LE.u32(stream, s))
                let visibility: SheetInfo.Visibility
                switch stream[s + 4] & 0x03 {
                case 0: visibility = .visible
                case 1: visibility = .hidden
                default: visibility = .veryHidden
                }
                let kind: SheetInfo.Kind
                switch stream[s + 5] {
                case 1, 6: kind = .macrosheet
                case 2: kind = .chartsheet
                default: kind = .worksheet
                }
                var reader = BIFFContinuedReader(stream: stream, segments: [(s + 6)..<r.end])
                var name = (try? reader.string(biff8: biff8, codePage: codePage, lengthBytes: 1)) ?? ""
                name.removeAll { $0 == "\0" }
                if name.isEmpty { name = "Sheet\(sheets.count + 1)" }
                sheets.append((SheetInfo(name: name, visibility: visibility, kind: kind, part: nil), offset))
            case BIFFType.format:
                guard r.length >= 3 else { continue }
                var reader = BIFFContinuedReader(stream: stream, segments: [(s + 2)..<r.end])
                if let code = try? reader.string(biff8: biff8, codePage: codePage, lengthBytes: biff8 ? 2 : 1) {
                    formats[Int(LE.u16(stream, s))] = code
                }
            case BIFFType.xf:
                xfFormatIDs.append(Int(LE.u16(stream, s + 2)))
            case BIFFType.sst:
                var reader = BIFFContinuedReader(stream: stream, segments: [s..<r.end] + it.continuations())
                try readSST(&reader, file: fileName, limits: limits)
            default:
                break
            }
        }
        finish()
    }

    private mutating func finish() {
        xfDisplay = xfFormatIDs.map { NumberFormat.display(id: $0, code: formats[$0]) }
        if let t = activeTab, !sheets.indices.contains(t) { activeTab = nil }
    }

    /// The SST: a count, then XLUnicodeRichExtendedStrings over the record and its
    /// CONTINUE records. At most the unique count declared is read, and no more than the
    /// data holds (the count is never used to allocate).
    private mutating func readSST(_ r: inout BIFFContinuedReader, file: String, limits: ReadLimits) throws {
        guard let _ = try? r.u32(), let unique = try? r.u32() else { return }
        sharedStrings.reserveCapacity(min(Int(unique), 65_536))
        while sharedStrings.count < Int(unique) && !r.atEnd {
            if sharedStrings.count >= limits.maxSharedStrings {
                throw SheetIOError(.limitExceeded(.sharedStrings, Int64(limits.maxSharedStrings)), file: file)
            }
            guard let s = try? r.string(biff8: true, codePage: codePage, lengthBytes: 2, richExtended: true) else { break }
            if s.utf8.count > limits.maxStringBytes {
                throw SheetIOError(.limitExceeded(.stringBytes, Int64(limits.maxStringBytes)), file: file)
            }
            sharedStrings.append(s)
        }
    }

    /// The format index of an XF; an XF the workbook lacks reads as General (as Excel does).
    @inline(__always)
    func formatID(ofXF xf: Int) -> Int { xf < xfFormatIDs.count ? xfFormatIDs[xf] : 0 }

    @inline(__always)
    func display(ofXF xf: Int) -> NumberFormat.Display { xf < xfDisplay.count ? xfDisplay[xf] : .number }
}
