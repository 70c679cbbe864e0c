/// Little-endian reads that never trap: bytes past the end read as zero.
enum LE {
    @inline(__always)
    static func u8(_ b: [UInt8], _ i: Int) -> UInt8 { i >= 0 && i < b.count ? b[i] : 0 }

    @inline(__always)
    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 {
        guard i >= 0, i + 2 <= b.count else { return 0 }
        return UInt16(b[i]) | UInt16(b[i + 1]) << 8
    }

    @inline(__always)
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        guard i >= 0, i + 4 <= b.count else { return 0 }
        return UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    @inline(__always)
    static func f64(_ b: [UInt8], _ i: Int) -> Double {
        guard i >= 0, i + 8 <= b.count else { return 0 }
        return Double(bitPattern: UInt64(u32(b, i)) | UInt64(u32(b, i + 4)) << 32)
    }
}
