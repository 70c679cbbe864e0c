// libFuzzer target: the .xls reader (compound file, BIFF records, cells). Built by
// scripts/fuzz.sh together with the SheetIO sources; a crash, hang or sanitizer report is
// a bug. Every input must either read completely or throw a SheetIOError.
//
// The first byte picks the layer: 0 — the input is a whole file (compound-file layer);
// 1 — it is the workbook stream, stored in a valid compound file (BIFF globals and
// sheets: random mutations of a container would rarely reach the records); 2 — it is a
// sheet's records, behind fixed globals with shared strings and formats (cell layer).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXLS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    var limits = ReadLimits()
    limits.maxStringBytes = 4096
    limits.maxSharedStrings = 10_000
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let file: [UInt8]
    switch data[0] % 3 {
    case 0: file = body
    case 1: file = FuzzCFB.file(stream: body)
    default: file = FuzzCFB.file(stream: FuzzCFB.globals(sheetRecords: body))
    }
    do {
        let wb = try XLSWorkbook(bytes: file, displayName: "fuzz.xls", limits: limits)
        for i in wb.sheets.indices {
            let s = try wb.readSheet(i, maxRows: i == 0 ? 5 : .max)
            _ = s.mergedRanges.count + s.hiddenRows.count + s.hiddenColumns.count
            for row in s.rows { for c in row.cells { _ = wb.numberFormatCode(id: c.numberFormatID) } }
        }
        _ = wb.activeSheet
    } catch is SheetIOError {
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}

/// A minimal compound-file writer (one FAT sector, 512-byte sectors) and BIFF8 globals,
/// for the fuzzer only.
enum FuzzCFB {
    static func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16 & 0xFFFF) }
    static func record(_ type: Int, _ data: [UInt8]) -> [UInt8] { u16(type) + u16(data.count) + data }

    /// Globals (CODEPAGE, DATEMODE, a FORMAT, three XFs, an SST over a CONTINUE, one
    /// BOUNDSHEET) followed by the sheet's records between BOF and EOF.
    static func globals(sheetRecords: [UInt8]) -> [UInt8] {
        let bof = record(0x0809, u16(0x0600) + u16(5) + [UInt8](repeating: 0, count: 12))
        let sheetBOF = record(0x0809, u16(0x0600) + u16(0x10) + [UInt8](repeating: 0, count: 12))
        var g = bof + record(0x0042, u16(1200)) + record(0x0022, u16(0))
        g += record(0x041E, u16(164) + u16(4) + [0] + Array("0.0%".utf8))
        for f in [0, 14, 164] { g += record(0x00E0, u16(0) + u16(f) + [UInt8](repeating: 0, count: 16)) }
        g += record(0x00FC, u32(2) + u32(2) + u16(4) + [0] + Array("M".utf8) + u16(3) + [0] + Array("ab".utf8))
        g += record(0x003C, [1] + u16(0x1EC7))
        let tail = record(0x000A, [])
        let offset = g.count + 4 + 9 + tail.count  // after this BOUNDSHEET (9 bytes) and EOF
        return g + record(0x0085, u32(offset) + [0, 0, 1, 0, 0x53]) + tail + sheetBOF + sheetRecords + record(0x000A, [])
    }

    static func file(stream: [UInt8]) -> [UInt8] {
        var data = stream
        if data.count < 4096 { data += [UInt8](repeating: 0, count: 4096 - data.count) }
        let sectors = min((data.count + 511) / 512, 126)
        data = Array(data.prefix(sectors * 512))
        data += [UInt8](repeating: 0, count: sectors * 512 - data.count)
        var header = CompoundFile.signature + [UInt8](repeating: 0, count: 16) + u16(0x3E) + u16(3) + u16(0xFFFE) + u16(9) + u16(6)
        header += [UInt8](repeating: 0, count: 6) + u32(0) + u32(1) + u32(1) + u32(0) + u32(4096)
        header += u32(0xFFFF_FFFE) + u32(0) + u32(0xFFFF_FFFE) + u32(0) + u32(0) + [UInt8](repeating: 0xFF, count: 108 * 4)
        var fat = u32(0xFFFF_FFFD) + u32(0xFFFF_FFFE)
        for k in 0..<sectors { fat += u32(k + 1 < sectors ? 3 + k : 0xFFFF_FFFE) }
        fat += [UInt8](repeating: 0xFF, count: 512 - fat.count)
        func entry(_ name: String, _ type: UInt8, child: Int, start: Int, size: Int) -> [UInt8] {
            var e: [UInt8] = name.utf16.flatMap { (c: UInt16) -> [UInt8] in u16(Int(c)) } + [0, 0]
            let n = e.count
            e += [UInt8](repeating: 0, count: 64 - n) + u16(n) + [type, 1] + u32(0xFFFF_FFFF) + u32(0xFFFF_FFFF) + u32(child)
            return e + [UInt8](repeating: 0, count: 36) + u32(start) + u32(size) + u32(0)
        }
        let none = entry("", 0, child: 0xFFFF_FFFF, start: 0, size: 0)
        let dir = entry("Root Entry", 5, child: 1, start: 0xFFFF_FFFE, size: 0) + entry("Workbook", 2, child: 0xFFFF_FFFF, start: 2, size: data.count)
        return header + fat + dir + none + none + data
    }
}
