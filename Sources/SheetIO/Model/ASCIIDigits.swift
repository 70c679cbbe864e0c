/// Decimal digits and cell references written straight into a byte buffer: the dump's
/// writer and ``CellRef/a1`` (one per stored value) both build them without a `String`
/// per piece.
enum ASCIIDigits {
    /// `v` in decimal at `p`; returns the number of bytes written (at most 20).
    @inline(__always) static func write(_ v: UInt, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var digits = 1, t = v / 10
        while t > 0 { digits += 1; t /= 10 }
        var n = v, i = digits - 1
        repeat {
            p[i] = UInt8(48 + n % 10)
            n /= 10
            i -= 1
        } while i >= 0
        return digits
    }

    /// Whether ``writeA1(row:column:to:)`` takes a reference: at most 9 letters and 10
    /// digits, within its 24 bytes (Excel's own references need 3 and 7).
    static func fitsA1(row: Int, column: Int) -> Bool { row >= -1 && row < 1 << 31 && column < 1 << 40 }

    /// "B7" at `p` (room for 24 bytes, ``fitsA1(row:column:)``); returns its length.
    static func writeA1(row: Int, column: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var letters = 0, t = column + 1
        while t > 0 { t = (t - 1) / 26; letters += 1 }
        var n = column + 1, i = letters - 1
        while n > 0 {
            p[i] = UInt8(65 + (n - 1) % 26)
            n = (n - 1) / 26
            i -= 1
        }
        return letters + write(UInt(row + 1), to: p + letters)
    }
}
