import Foundation

/// One BIFF record ([MS-XLS] 2.1.4): its type and where its data lies in the stream.
struct BIFFRecord {
    var type: UInt16
    /// Offset of the data (after the 4-byte header) in the workbook stream.
    var start: Int
    var length: Int
    var end: Int { start + length }
}

/// Record types the reader acts on ([MS-XLS] 2.3).
enum BIFFType {
    static let bof: UInt16 = 0x0809
    static let eof: UInt16 = 0x000A
    static let continueRecord: UInt16 = 0x003C
    static let filePass: UInt16 = 0x002F
    static let codePage: UInt16 = 0x0042
    static let dateMode: UInt16 = 0x0022
    static let window1: UInt16 = 0x003D
    static let boundSheet: UInt16 = 0x0085
    static let format: UInt16 = 0x041E
    static let xf: UInt16 = 0x00E0
    static let sst: UInt16 = 0x00FC
    static let dimensions: UInt16 = 0x0200
    static let row: UInt16 = 0x0208
    static let colInfo: UInt16 = 0x007D
    static let mergedCells: UInt16 = 0x00E5
    static let labelSST: UInt16 = 0x00FD
    static let label: UInt16 = 0x0204
    static let rString: UInt16 = 0x00D6
    static let number: UInt16 = 0x0203
    static let rk: UInt16 = 0x027E
    static let mulRK: UInt16 = 0x00BD
    static let boolErr: UInt16 = 0x0205
    static let formula: UInt16 = 0x0006
    static let string: UInt16 = 0x0207
    /// BOF records of Excel 2.x, 3.x and 4.x worksheets (no compound file around them).
    static let oldBOFs: Set<UInt16> = [0x0009, 0x0209, 0x0409]
}

/// Walks the records of a workbook stream from an offset. A record whose length runs
/// past the end of the stream ends the walk (the last bytes of a damaged stream are
/// dropped, as Excel drops them).
struct BIFFRecordIterator {
    let stream: [UInt8]
    var position: Int

    init(_ stream: [UInt8], at position: Int) {
        self.stream = stream
        self.position = position
    }

    mutating func next() -> BIFFRecord? {
        guard position >= 0, position + 4 <= stream.count else { return nil }
        let type = LE.u16(stream, position)
        let length = Int(LE.u16(stream, position + 2))
        guard position + 4 + length <= stream.count else { return nil }
        let r = BIFFRecord(type: type, start: position + 4, length: length)
        position += 4 + length
        return r
    }

    /// The CONTINUE records right after the current position, consumed: their data
    /// ranges, for a record whose content spills over ([MS-XLS] 2.1.4: SST, STRING).
    mutating func continuations() -> [Range<Int>] {
        var out: [Range<Int>] = []
        while position + 4 <= stream.count, LE.u16(stream, position) == BIFFType.continueRecord {
            let length = Int(LE.u16(stream, position + 2))
            guard position + 4 + length <= stream.count else { break }
            out.append((position + 4)..<(position + 4 + length))
            position += 4 + length
        }
        return out
    }
}

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
    /// byte. Bytes past `maxUTF16Units`… are refused by the caller's limit.
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

/// Text in the workbook's code page (BIFF5 and older: 8-bit text) or in BIFF8's
/// compressed Latin-1 / UTF-16LE forms.
enum BIFFText {
    /// Decodes 8-bit text of a BIFF5 workbook by its CODEPAGE. Windows-1258 and 1252 go
    /// through our own tables (``TextDecoder``); 1200 (UTF-16, which some writers put in
    /// BIFF5 files whose strings are still 8-bit) and unknown pages read as 1252.
    static func decode(_ bytes: ArraySlice<UInt8>, codePage: Int) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        switch codePage {
        case 1258: return TextDecoder.decodeSingleByte(Array(bytes), .windows1258)
        case 1250: if let s = String(bytes: bytes, encoding: .windowsCP1250) { return s }
        case 1251: if let s = String(bytes: bytes, encoding: .windowsCP1251) { return s }
        case 1253: if let s = String(bytes: bytes, encoding: .windowsCP1253) { return s }
        case 1254: if let s = String(bytes: bytes, encoding: .windowsCP1254) { return s }
        case 10000, 32768: if let s = String(bytes: bytes, encoding: .macOSRoman) { return s }
        case 932: if let s = String(bytes: bytes, encoding: .shiftJIS) { return s }
        case 65001: return String(decoding: bytes, as: UTF8.self)
        default: break
        }
        return TextDecoder.decodeSingleByte(Array(bytes), .windows1252)
    }

    /// Excel's error codes ([MS-XLS] 2.5.10 BErr) as the text a cell shows.
    static func errorText(_ code: UInt8) -> String {
        switch code {
        case 0x00: return "#NULL!"
        case 0x07: return "#DIV/0!"
        case 0x0F: return "#VALUE!"
        case 0x17: return "#REF!"
        case 0x1D: return "#NAME?"
        case 0x24: return "#NUM!"
        case 0x2A: return "#N/A"
        case 0x2B: return "#GETTING_DATA"
        default: return "#ERROR!"
        }
    }
}
