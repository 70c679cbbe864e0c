/// Reads a record's data and its CONTINUE records as one sequence of bytes, except that
/// a string's characters re-read the compressed/uncompressed flag byte at each
/// CONTINUE boundary ([MS-XLS] 2.5.293, XLUnicodeRichExtendedString).
struct BIFFContinuedReader {
    let stream: [UInt8]
    private let segments: [Range<Int>]
    private var segment = 0
    private(set) var position: Int

    init(stream: [UInt8], segments: [Range<Int>]) {
        self.stream = stream
        self.segments = segments.isEmpty ? [0..<0] : segments
        position = self.segments[0].lowerBound
    }

    /// Bytes left in the current segment.
    private var left: Int { segments[segment].upperBound - position }

    /// Whether every byte has been read.
    var atEnd: Bool {
        var s = segment
        if left > 0 { return false }
        while s + 1 < segments.count { s += 1; if !segments[s].isEmpty { return false } }
        return true
    }

    /// Moves to the next segment; false at the end.
    private mutating func advance() -> Bool {
        guard segment + 1 < segments.count else { return false }
        segment += 1
        position = segments[segment].lowerBound
        return true
    }

    mutating func u8() throws -> UInt8 {
        while left < 1 { guard advance() else { throw BIFFShort() } }
        defer { position += 1 }
        return stream[position]
    }

    mutating func u16() throws -> UInt16 {
        if left >= 2 { defer { position += 2 }; return LE.u16(stream, position) }
        let a = try u8(), b = try u8()
        return UInt16(a) | UInt16(b) << 8
    }

    mutating func u32() throws -> UInt32 {
        if left >= 4 { defer { position += 4 }; return LE.u32(stream, position) }
        let a = try u16(), b = try u16()
        return UInt32(a) | UInt32(b) << 16
    }

    mutating func skip(_ n: Int) throws {
        var n = n
        while n > 0 {
            if left == 0 { guard advance() else { throw BIFFShort() } ; continue }
            let k = min(n, left)
            position += k
            n -= k
        }
    }

    /// `count` characters, 8-bit (Latin-1, the high byte left out) or UTF-16LE as
    /// `highByte` says; at a CONTINUE boundary the next segment starts with a fresh flag
    /// byte. `count` is at most 65,535 (a 16-bit field), so the units are bounded; the
    /// caller checks the text against ``ReadLimits/maxStringBytes``.
    mutating func characters(_ count: Int, highByte: Bool, into units: inout [UInt16]) throws {
        var remaining = count
        var wide = highByte
        while remaining > 0 {
            if left == 0 {
                guard advance() else { throw BIFFShort() }
                guard left > 0 else { continue }
                wide = stream[position] & 1 != 0
                position += 1
                continue
            }
            if wide {
                let n = min(remaining, left / 2)
                if n == 0 { position += left; continue }  // an odd byte before the boundary
                for k in 0..<n { units.append(LE.u16(stream, position + 2 * k)) }
                position += 2 * n
                remaining -= n
            } else {
                let n = min(remaining, left)
                for k in 0..<n { units.append(UInt16(stream[position + k])) }
                position += n
                remaining -= n
            }
        }
    }
}

/// A record or string ends before its declared length.
struct BIFFShort: Error {}

extension BIFFContinuedReader {
    /// A string as BIFF stores it: a character count of `lengthBytes` bytes; in BIFF8 a
    /// flag byte (bit 0 UTF-16, bit 2 phonetic block, bit 3 rich-text runs) and, for
    /// `richExtended` strings (the SST's), the run count and phonetic size, then the
    /// characters, the runs and the phonetic block (skipped). In BIFF5 the characters are
    /// bytes in the workbook's code page.
    mutating func string(biff8: Bool, codePage: Int, lengthBytes: Int, richExtended: Bool = false) throws -> String {
        let count = lengthBytes == 1 ? Int(try u8()) : Int(try u16())
        guard biff8 else {
            var units: [UInt16] = []
            units.reserveCapacity(count)
            try characters(count, highByte: false, into: &units)
            return BIFFText.decode(ArraySlice(units.map { UInt8(truncatingIfNeeded: $0) }), codePage: codePage)
        }
        let flags = try u8()
        var runs = 0, phonetic = 0
        if richExtended {
            if flags & 0x08 != 0 { runs = Int(try u16()) }
            if flags & 0x04 != 0 { phonetic = Int(try u32()) }
        }
        var units: [UInt16] = []
        units.reserveCapacity(count)
        try characters(count, highByte: flags & 0x01 != 0, into: &units)
        // Runs and phonetic text are not kept; a block cut short at the end of the data
        // still leaves the characters read.
        if runs > 0 || phonetic > 0 { try? skip(4 * runs + phonetic) }
        return String(decoding: units, as: UTF16.self)
    }
}
