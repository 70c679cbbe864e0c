/// Helpers on decoded XML text bytes.
enum XMLText {
    /// Removes XML white space (space, tab, CR, LF) from both ends of `bytes[from...]`.
    static func trim(_ bytes: inout [UInt8], from: Int) {
        var end = bytes.count
        while end > from && ByteParsing.isSpace(bytes[end - 1]) { end -= 1 }
        var start = from
        while start < end && ByteParsing.isSpace(bytes[start]) { start += 1 }
        if end < bytes.count { bytes.removeLast(bytes.count - end) }
        if start > from { bytes.removeSubrange(from..<start) }
    }
}
