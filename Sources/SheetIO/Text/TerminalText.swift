/// Text from files (names, cells, sheet names) made safe to print on a terminal: C0 and
/// C1 control characters, DEL and the bidirectional overrides are shown as escapes
/// (`\n`, `\t`, `\x1b`, `\u{202e}`), so a file name with a newline cannot forge a report
/// line and an escape sequence in a cell cannot drive the terminal. JSON output is exact
/// and does not use this.
public enum TerminalText {
    public static func safe(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            guard needsEscape(u) else { out.unicodeScalars.append(u); continue }
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let h = String(u.value, radix: 16)
                out += u.value < 0x100 ? "\\x" + (h.count < 2 ? "0" : "") + h : "\\u{\(h)}"
            }
        }
        return out
    }

    @inline(__always)
    static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v < 0x20 || (v >= 0x7F && v <= 0x9F) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
            || v == 0x200E || v == 0x200F || v == 0x061C
    }
}

