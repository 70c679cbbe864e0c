@testable import SheetIO

/// Builds small .xls files in memory for tests: BIFF records, a workbook stream, and a
/// version-3 compound file (512-byte sectors, one FAT sector) holding it. The stream is
/// padded to 4,096 bytes so that it lives in ordinary sectors rather than the mini stream.
enum XLSBuilder {
    static func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16 & 0xFFFF) }
    static func f64(_ d: Double) -> [UInt8] { let b = d.bitPattern; return u32(Int(b & 0xFFFF_FFFF)) + u32(Int(b >> 32)) }

    static func record(_ type: UInt16, _ data: [UInt8]) -> [UInt8] { u16(Int(type)) + u16(data.count) + data }

    /// BIFF8 text: UTF-16LE with the "high byte" flag, or 8-bit when every unit fits.
    static func chars(_ s: String, compressed: Bool? = nil) -> (flag: UInt8, bytes: [UInt8]) {
        let units = Array(s.utf16)
        let narrow = compressed ?? units.allSatisfy { $0 < 0x100 }
        return narrow ? (0, units.map { UInt8($0) }) : (1, units.flatMap { u16(Int($0)) })
    }

    static func bof(biff8: Bool, sheet: Bool) -> [UInt8] {
        record(0x0809, u16(biff8 ? 0x0600 : 0x0500) + u16(sheet ? 0x10 : 0x05) + [UInt8](repeating: 0, count: biff8 ? 12 : 4))
    }

    static let eof = record(0x000A, [])

    /// A WINDOW1 record opening the workbook on `tab`.
    static func window1(tab: Int) -> [UInt8] { record(0x003D, [UInt8](repeating: 0, count: 10) + u16(tab) + u16(0) + u16(1) + u16(600)) }

    /// A workbook stream: the globals (with BOUNDSHEET records pointing at the sheets),
    /// then each sheet's substream.
    static func stream(biff8: Bool, globals: [UInt8], sheets: [(name: [UInt8], hidden: UInt8, body: [UInt8])]) -> [UInt8] {
        func boundSheets(_ offsets: [Int]) -> [UInt8] {
            zip(sheets, offsets).flatMap { s, off in
                record(0x0085, u32(off) + [s.hidden, 0] + s.name)
            }
        }
        let head = bof(biff8: biff8, sheet: false) + globals
        var offset = head.count + boundSheets(sheets.map { _ in 0 }).count + eof.count
        var offsets: [Int] = []
        for s in sheets {
            offsets.append(offset)
            offset += s.body.count
        }
        return head + boundSheets(offsets) + eof + sheets.flatMap(\.body)
    }

    /// A sheet substream around its records.
    static func sheet(biff8: Bool, _ records: [UInt8]) -> [UInt8] { bof(biff8: biff8, sheet: true) + records + eof }

    /// A compound file whose root holds one stream.
    static func compoundFile(_ stream: [UInt8], name: String = "Workbook") -> [UInt8] {
        var data = stream
        if data.count < 4096 { data += [UInt8](repeating: 0, count: 4096 - data.count) }
        let size = stream.count < 4096 ? 4096 : stream.count
        let sectors = (data.count + 511) / 512
        precondition(sectors + 2 <= 128, "test streams stay under 63 KB")
        data += [UInt8](repeating: 0, count: sectors * 512 - data.count)
        var header = CompoundFile.signature + [UInt8](repeating: 0, count: 16) + u16(0x3E) + u16(3) + u16(0xFFFE) + u16(9) + u16(6)
        header += [UInt8](repeating: 0, count: 6) + u32(0) + u32(1) + u32(1) + u32(0) + u32(4096)
        header += u32(Int(CompoundFile.endOfChain)) + u32(0) + u32(Int(CompoundFile.endOfChain)) + u32(0)
        header += u32(0) + [UInt8](repeating: 0xFF, count: 108 * 4)
        var fat = u32(0xFFFF_FFFD) + u32(Int(CompoundFile.endOfChain))
        for k in 0..<sectors { fat += u32(k + 1 < sectors ? 2 + k + 1 : Int(CompoundFile.endOfChain)) }
        fat += [UInt8](repeating: 0xFF, count: 512 - fat.count)
        func entry(_ name: String, type: UInt8, child: Int, start: Int, size: Int) -> [UInt8] {
            var e: [UInt8] = Array(name.utf16).flatMap { (c: UInt16) -> [UInt8] in u16(Int(c)) } + [0, 0]
            let nameBytes = e.count
            e += [UInt8](repeating: 0, count: 64 - e.count) + u16(nameBytes) + [type, 1]
            e += u32(-1 & 0xFFFF_FFFF) + u32(-1 & 0xFFFF_FFFF) + u32(child & 0xFFFF_FFFF)
            e += [UInt8](repeating: 0, count: 36) + u32(start) + u32(size) + u32(0)
            return e
        }
        let empty = entry("", type: 0, child: -1, start: 0, size: 0)
        let directory = entry("Root Entry", type: 5, child: 1, start: Int(CompoundFile.endOfChain), size: 0)
            + entry(name, type: 2, child: -1, start: 2, size: size) + empty + empty
        return header + fat + directory + data
    }
}
