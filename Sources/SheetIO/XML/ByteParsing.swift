import Foundation

/// Number and escape parsing on raw bytes, without creating Strings.
enum ByteParsing {
    private static let pow10: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses an XML Schema `double` ("12", "-0.5", "1.5E-3", surrounding spaces allowed).
    /// Exact: digits that fit 2^53 with a power of ten up to 22 take Clinger's fast path
    /// (one correctly rounded multiply or divide); anything else goes to `strtod`.
    /// Returns nil for anything that is not a number (then the cell is text).
    static func double(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var i = 0
        var n = count
        while i < n && isSpace(p[i]) { i += 1 }
        while n > i && isSpace(p[n - 1]) { n -= 1 }
        guard i < n else { return nil }
        let begin = i
        var negative = false
        if p[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exp10 = 0
        var sawDigit = false
        while i < n {
            let d = p[i] &- 48
            guard d < 10 else { break }
            sawDigit = true
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(d); if mantissa != 0 { digits += 1 } } else { exp10 += 1; digits += 1 }
            i += 1
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < n {
                let d = p[i] &- 48
                guard d < 10 else { break }
                sawDigit = true
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(d); exp10 -= 1; if mantissa != 0 { digits += 1 } } else { digits += 1 }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            var eneg = false
            if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) { eneg = p[i] == UInt8(ascii: "-"); i += 1 }
            var e = 0
            var sawE = false
            while i < n {
                let d = p[i] &- 48
                guard d < 10 else { break }
                sawE = true
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            guard sawE else { return nil }
            exp10 += eneg ? -e : e
        }
        guard i == n else { return nil }
        if digits <= 19 && mantissa <= (1 << 53) && exp10 >= -22 && exp10 <= 22 {
            var v = Double(mantissa)
            if exp10 < 0 { v /= pow10[-exp10] } else { v *= pow10[exp10] }
            return negative ? -v : v
        }
        // Slow path: let the C library round it.
        var tmp = [CChar](repeating: 0, count: n - begin + 1)
        for k in begin..<n { tmp[k - begin] = CChar(bitPattern: p[k]) }
        return tmp.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
    }

    /// Parses a non-negative decimal integer (shared-string indexes, row numbers).
    @inline(__always)
    static func int(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        var i = 0
        var n = count
        while i < n && isSpace(p[i]) { i += 1 }
        while n > i && isSpace(p[n - 1]) { n -= 1 }
        guard i < n, n - i <= 18 else { return nil }
        var v = 0
        while i < n {
            let d = p[i] &- 48
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
            i += 1
        }
        return v
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
    }

    /// Undoes OOXML's `_xHHHH_` escapes (`_x000D_` is a carriage return, `_x005F_` a literal
    /// underscore that protects a following `_xHHHH_`). UTF-16 surrogate pairs written as
    /// two escapes are joined.
    static func unescapeOOXML(_ bytes: inout [UInt8]) {
        guard bytes.count >= 7, memchr(bytes, Int32(UInt8(ascii: "_")), bytes.count) != nil else { return }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let n = bytes.count
        func hex4(_ at: Int) -> UInt32? {
            guard at + 7 <= n, bytes[at] == UInt8(ascii: "_"), bytes[at + 1] == UInt8(ascii: "x") || bytes[at + 1] == UInt8(ascii: "X"),
                  bytes[at + 6] == UInt8(ascii: "_") else { return nil }
            var v: UInt32 = 0
            for k in 2..<6 {
                let c = bytes[at + k]
                switch c {
                case 48...57: v = v << 4 | UInt32(c - 48)
                case 65...70: v = v << 4 | UInt32(c - 55)
                case 97...102: v = v << 4 | UInt32(c - 87)
                default: return nil
                }
            }
            return v
        }
        var changed = false
        while i < n {
            if bytes[i] == UInt8(ascii: "_"), let v = hex4(i) {
                changed = true
                if v >= 0xD800 && v < 0xDC00, let lo = hex4(i + 7), lo >= 0xDC00 && lo < 0xE000 {
                    let scalar = Unicode.Scalar(0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00))!
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i += 14
                    continue
                }
                if let scalar = Unicode.Scalar(v) {
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                } else {
                    out.append(contentsOf: bytes[i..<i + 7])  // lone surrogate: keep as written
                }
                i += 7
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        if changed { bytes = out }
    }
}
