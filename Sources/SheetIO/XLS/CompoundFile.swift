/// An OLE2 compound file ([MS-CFB]) held in memory: the streams directly under its root
/// storage, read through the FAT, the DIFAT and the mini FAT.
///
/// Nothing the file says about itself is trusted: every sector chain is checked for
/// cycles and for sectors outside the file, every declared size against the bytes the
/// chain really holds, and nothing larger than the file is ever allocated (calamine's
/// `OOM_alloc*.xls`, whose headers ask for gigabytes, are refused at once).
struct CompoundFile {
    static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let freeSector: UInt32 = 0xFFFF_FFFF

    /// One directory entry (128 bytes on disk).
    struct Entry {
        var name: String
        /// 1 storage, 2 stream, 5 root storage.
        var type: UInt8
        var left: UInt32, right: UInt32, child: UInt32
        var start: UInt32
        var size: Int
    }

    /// Why a container cannot be read (the reasons ``SheetIOError/Kind/xlsUnreadable(_:)`` carries).
    enum Reason {
        static let damaged = "the OLE container is damaged"
        static let truncated = "the file is cut short or damaged"
        static let noWorkbook = "no Excel workbook stream inside"
    }

    private let bytes: [UInt8]
    private let fileName: String
    private let sectorSize: Int
    /// Sectors the file really holds (a last partial sector counts).
    private let sectorCount: Int
    private let fat: [UInt32]
    private let miniFAT: [UInt32]
    private let miniStream: [UInt8]
    private let miniCutoff: Int
    let entries: [Entry]
    /// Indexes in ``entries`` of the root storage's direct children.
    let rootChildren: [Int]

    init(bytes: [UInt8], fileName: String) throws {
        self.bytes = bytes
        self.fileName = fileName
        func fail(_ why: String) -> SheetIOError { SheetIOError(.xlsUnreadable(why), file: fileName) }
        guard bytes.count >= 512, bytes.starts(with: CompoundFile.signature) else {
            throw fail(bytes.starts(with: CompoundFile.signature) ? Reason.truncated : Reason.damaged)
        }
        let major = LE.u16(bytes, 0x1A)
        let shift = LE.u16(bytes, 0x1E)
        // 512-byte sectors (version 3) or 4,096 (version 4); some writers mix the version.
        guard LE.u16(bytes, 0x1C) == 0xFFFE, shift == 9 || shift == 12, LE.u16(bytes, 0x20) == 6 else { throw fail(Reason.damaged) }
        sectorSize = 1 << shift
        guard bytes.count > sectorSize else { throw fail(Reason.truncated) }
        sectorCount = (bytes.count - sectorSize + sectorSize - 1) / sectorSize
        let cutoff = Int(LE.u32(bytes, 0x38))
        miniCutoff = cutoff
        let fatCount = Int(LE.u32(bytes, 0x2C))
        guard fatCount >= 1, fatCount <= sectorCount else { throw fail(Reason.damaged) }

        // DIFAT: 109 FAT sector numbers in the header, the rest in a chain of DIFAT sectors
        // whose last slot names the next one.
        var fatSectors: [UInt32] = []
        fatSectors.reserveCapacity(fatCount)
        for i in 0..<109 where fatSectors.count < fatCount {
            let s = LE.u32(bytes, 0x4C + 4 * i)
            if s == CompoundFile.freeSector { break }
            fatSectors.append(s)
        }
        var difat = LE.u32(bytes, 0x44)
        var seen = Set<UInt32>()
        let perDIFAT = sectorSize / 4 - 1
        while fatSectors.count < fatCount && difat != CompoundFile.endOfChain && difat != CompoundFile.freeSector {
            guard Int(difat) < sectorCount, seen.insert(difat).inserted else { throw fail(Reason.damaged) }
            let base = (Int(difat) + 1) * sectorSize
            for i in 0..<perDIFAT where fatSectors.count < fatCount {
                let s = LE.u32(bytes, base + 4 * i)
                if s != CompoundFile.freeSector { fatSectors.append(s) }
            }
            difat = LE.u32(bytes, base + 4 * perDIFAT)
        }
        var fat: [UInt32] = []
        fat.reserveCapacity(fatSectors.count * sectorSize / 4)
        for s in fatSectors {
            guard Int(s) < sectorCount else { throw fail(Reason.damaged) }
            let base = (Int(s) + 1) * sectorSize
            for i in 0..<(sectorSize / 4) { fat.append(LE.u32(bytes, base + 4 * i)) }
        }
        self.fat = fat

        // The directory, then the mini stream (the root entry's data) and its mini FAT.
        let dirData = try CompoundFile.readChain(bytes, start: LE.u32(bytes, 0x30), table: fat, sectorSize: sectorSize,
                                                 base: sectorSize, limit: sectorCount, maxBytes: bytes.count, fail)
        var entries: [Entry] = []
        entries.reserveCapacity(dirData.count / 128)
        var at = 0
        while at + 128 <= dirData.count {
            let nameBytes = min(Int(LE.u16(dirData, at + 64)), 64)
            var units: [UInt16] = []
            var k = 0
            while k + 1 < nameBytes {
                let u = LE.u16(dirData, at + k)
                if u == 0 { break }
                units.append(u)
                k += 2
            }
            var size = Int(LE.u32(dirData, at + 120))
            // Version 3 files may leave garbage in the high half of the size.
            if major == 4 { size |= Int(LE.u32(dirData, at + 124)) << 32 }
            entries.append(Entry(name: String(decoding: units, as: UTF16.self), type: dirData[at + 66],
                                 left: LE.u32(dirData, at + 68), right: LE.u32(dirData, at + 72),
                                 child: LE.u32(dirData, at + 76), start: LE.u32(dirData, at + 116), size: size))
            at += 128
        }
        guard let root = entries.first, root.type == 5 else { throw fail(Reason.damaged) }
        self.entries = entries

        // The root's children form a red-black tree through left/right; walked with a
        // visited set so that a looping tree ends.
        var children: [Int] = []
        var visited = Set<Int>()
        var stack: [UInt32] = [root.child]
        while let e = stack.popLast() {
            guard e != CompoundFile.freeSector, Int(e) < entries.count, visited.insert(Int(e)).inserted else { continue }
            children.append(Int(e))
            stack.append(entries[Int(e)].left)
            stack.append(entries[Int(e)].right)
        }
        rootChildren = children.sorted()

        let needsMini = children.contains { entries[$0].type == 2 && entries[$0].size < cutoff && entries[$0].size > 0 }
        if needsMini {
            guard root.size <= bytes.count else { throw fail(Reason.damaged) }
            miniStream = try CompoundFile.readChain(bytes, start: root.start, table: fat, sectorSize: sectorSize, base: sectorSize,
                                                   limit: sectorCount, maxBytes: root.size, fail)
            let miniFATData = try CompoundFile.readChain(bytes, start: LE.u32(bytes, 0x3C), table: fat, sectorSize: sectorSize,
                                                         base: sectorSize, limit: sectorCount, maxBytes: bytes.count, fail)
            miniFAT = (0..<(miniFATData.count / 4)).map { LE.u32(miniFATData, 4 * $0) }
        } else {
            miniStream = []
            miniFAT = []
        }
    }

    /// The bytes of a sector chain, at most `maxBytes`. `base` is where sector 0 starts
    /// (one sector in for the file, 0 in the mini stream); `limit` the sectors that exist.
    private static func readChain(_ data: [UInt8], start: UInt32, table: [UInt32], sectorSize: Int, base: Int,
                                  limit: Int, maxBytes: Int, _ fail: (String) -> SheetIOError) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(maxBytes, data.count))
        var visited = [Bool](repeating: false, count: table.count)
        var s = start
        while s != endOfChain && s != freeSector && out.count < maxBytes {
            guard Int(s) < table.count, !visited[Int(s)] else { throw fail(Reason.damaged) }  // no such sector, or a cycle
            guard Int(s) < limit else { throw fail(Reason.truncated) }  // a sector past the end of the file
            visited[Int(s)] = true
            let from = base + Int(s) * sectorSize
            guard from < data.count else { throw fail(Reason.truncated) }
            let to = min(from + sectorSize, data.count, from + (maxBytes - out.count))
            out.append(contentsOf: data[from..<to])
            s = table[Int(s)]
        }
        return out
    }

    /// Whether the root storage holds a stream or storage of this name (case-insensitive,
    /// as Excel matches them).
    func contains(_ name: String) -> Bool {
        rootChildren.contains { entries[$0].name.lowercased() == name.lowercased() }
    }

    /// The data of the root's stream of this name, matched exactly, else ignoring case
    /// (Excel reads "BOOK" and "WORKBOOK"), or nil when there is none. A size larger than
    /// what its chain holds is cut to what is there.
    func stream(named name: String, ignoringCase: Bool = false) throws -> [UInt8]? {
        let match: (Int) -> Bool = ignoringCase ? { self.entries[$0].name.lowercased() == name.lowercased() } : { self.entries[$0].name == name }
        guard let i = rootChildren.first(where: { entries[$0].type == 2 && match($0) }) else { return nil }
        let e = entries[i]
        func fail(_ why: String) -> SheetIOError { SheetIOError(.xlsUnreadable(why), file: fileName) }
        // A stream larger than the file: cut short, or a size that lies ("cut short or damaged").
        guard e.size >= 0, e.size <= bytes.count else { throw fail(Reason.truncated) }
        if e.size == 0 { return [] }
        if e.size < miniCutoff {
            guard e.size <= miniStream.count else { throw fail(Reason.truncated) }
            return try CompoundFile.readChain(miniStream, start: e.start, table: miniFAT, sectorSize: 64, base: 0,
                                              limit: (miniStream.count + 63) / 64, maxBytes: e.size, fail)
        }
        return try CompoundFile.readChain(bytes, start: e.start, table: fat, sectorSize: sectorSize, base: sectorSize,
                                          limit: sectorCount, maxBytes: e.size, fail)
    }
}
