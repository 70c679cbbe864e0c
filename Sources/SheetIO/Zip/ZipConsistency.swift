/// Checks that a ZIP archive's two directories tell one story before libzip reads it:
/// every central-directory entry has a local header at its offset with the same name and
/// method, no two entries' data overlap, entries lie before the central directory, and
/// the entry count matches the end record.
///
/// Why by hand: readers disagree on such files (libzip follows the central directory,
/// streaming readers the local headers), so one file could show two sets of numbers.
/// libzip's own `ZIP_CHECKCONS` would catch them, but it also refuses ordinary
/// workbooks (libxlsxwriter's, whose local headers defer sizes to data descriptors),
/// so it cannot be used.
enum ZipConsistency {
    /// `read(offset, count)` returns up to `count` bytes at `offset` (fewer at the end).
    static func check(size: Int64, file: String, read: (Int64, Int) -> [UInt8]) throws {
        func bad(_ why: String) -> SheetIOError {
            SheetIOError(.corruptZip("inconsistent archive: \(why)"), file: file)
        }
        // End of central directory: within the last 64 KiB + 22 bytes.
        let tailStart = max(0, size - 65_557)
        let tail = read(tailStart, Int(size - tailStart))
        guard tail.count >= 22 else { return }  // too short: libzip says why
        var eocd: Int? = nil
        var i = tail.count - 22
        while i >= 0 {
            if u32(tail, i) == 0x0605_4B50 && i + 22 + Int(u16(tail, i + 20)) <= tail.count { eocd = i; break }
            i -= 1
        }
        guard let e = eocd else { return }  // no end record: libzip reports the damage
        var count = Int64(u16(tail, e + 10))
        var cdSize = Int64(u32(tail, e + 12))
        var cdOffset = Int64(u32(tail, e + 16))
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // ZIP64: the locator sits just before the end record.
            let locAt = tailStart + Int64(e) - 20
            guard locAt >= 0 else { return }
            let loc = read(locAt, 20)
            guard loc.count == 20, u32(loc, 0) == 0x0706_4B50 else { return }
            let rec = read(Int64(u64(loc, 8)), 56)
            guard rec.count == 56, u32(rec, 0) == 0x0606_4B50 else { throw bad("the ZIP64 end record is missing") }
            count = Int64(u64(rec, 32))
            cdSize = Int64(u64(rec, 40))
            cdOffset = Int64(u64(rec, 48))
        }
        guard cdOffset >= 0, cdSize >= 0, cdOffset + cdSize <= size, count >= 0, count <= cdSize / 46 + 1 else {
            throw bad("the central directory lies outside the file")
        }
        // A workbook's directory is a few KiB; 16 MiB is some 200,000 entries.
        guard cdSize <= 16 << 20 else { throw bad("a central directory of more than 16 MiB") }
        let cd = read(cdOffset, Int(cdSize))
        guard cd.count == Int(cdSize) else { throw bad("the central directory is cut short") }

        var spans: [(start: Int64, end: Int64, name: String)] = []
        spans.reserveCapacity(Int(count))
        var p = 0
        var seen: Int64 = 0
        while p + 46 <= cd.count && u32(cd, p) == 0x0201_4B50 {
            let method = u16(cd, p + 10)
            var comp = Int64(u32(cd, p + 20))
            let uncomp32 = u32(cd, p + 24)
            let nameLen = Int(u16(cd, p + 28)), extraLen = Int(u16(cd, p + 30)), commentLen = Int(u16(cd, p + 32))
            var offset = Int64(u32(cd, p + 42))
            guard p + 46 + nameLen + extraLen + commentLen <= cd.count else { throw bad("a central directory entry is cut short") }
            let nameBytes = Array(cd[(p + 46)..<(p + 46 + nameLen)])
            let name = String(decoding: nameBytes, as: UTF8.self)
            // ZIP64 extended information: the fields that overflowed, in this order.
            if uncomp32 == 0xFFFF_FFFF || comp == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
                var x = p + 46 + nameLen
                let xEnd = x + extraLen
                while x + 4 <= xEnd {
                    let id = u16(cd, x), len = Int(u16(cd, x + 2))
                    if id == 0x0001 {
                        var f = x + 4
                        if uncomp32 == 0xFFFF_FFFF, f + 8 <= x + 4 + len { f += 8 }
                        if comp == 0xFFFF_FFFF, f + 8 <= x + 4 + len { comp = Int64(bitPattern: u64(cd, f)); f += 8 }
                        if offset == 0xFFFF_FFFF, f + 8 <= x + 4 + len { offset = Int64(bitPattern: u64(cd, f)) }
                        break
                    }
                    x += 4 + len
                }
            }
            guard offset >= 0, comp >= 0, offset + 30 <= cdOffset else { throw bad("entry \(name) points outside the file's data") }
            let local = read(offset, 30)
            guard local.count == 30, u32(local, 0) == 0x0403_4B50 else { throw bad("entry \(name) has no local header at its offset") }
            let lNameLen = Int(u16(local, 26)), lExtraLen = Int(u16(local, 28))
            let lName = read(offset + 30, lNameLen)
            guard lName == nameBytes else {
                throw bad("entry \(name) is named \(String(decoding: lName, as: UTF8.self)) in its local header")
            }
            guard u16(local, 8) == method else { throw bad("entry \(name) has another compression method in its local header") }
            let end = offset + 30 + Int64(lNameLen + lExtraLen) + comp
            guard end <= cdOffset else { throw bad("entry \(name) runs into the central directory") }
            spans.append((offset, end, name))
            seen += 1
            p += 46 + nameLen + extraLen + commentLen
        }
        guard seen == count else { throw bad("the end record counts \(count) entries, the central directory holds \(seen)") }
        spans.sort { $0.start < $1.start }
        for (a, b) in zip(spans, spans.dropFirst()) where b.start < a.end {
            throw bad("entries \(a.name) and \(b.name) overlap")
        }
    }

    @inline(__always) static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    @inline(__always) static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }
    @inline(__always) static func u64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(u32(b, i)) | UInt64(u32(b, i + 4)) << 32 }
}
