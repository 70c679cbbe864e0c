import Foundation

/// How cell values are written as text in CSV and JSON output.
public enum CellText {
    /// The shortest decimal text that reads back as the same double: 52.9, not
    /// 52.900000000000006; integers without ".0" up to 10^15, beyond that Swift's
    /// shortest form ("1e+16").
    public static func number(_ d: Double) -> String {
        if d == 0 { return "0" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return d.description
    }

    /// CSV text of a value: numbers as ``number(_:)``, TRUE/FALSE, the error text, dates
    /// in ISO 8601, empty as "".
    public static func csv(_ v: CellValue) -> String {
        switch v {
        case .empty: return ""
        case .number(let d): return number(d)
        case .text(let s): return s
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .error(let e): return e
        case .date(let d): return d.iso8601
        }
    }

    /// Neutralises a text field against formula injection the OWASP way: text that
    /// begins with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe, so Excel and
    /// LibreOffice show it as text instead of evaluating it. Numbers written as numbers
    /// never pass through here; a lone "-" (the statistical symbol "no phenomenon") is
    /// inert and kept as it is.
    public static func neutralised(_ s: String) -> String {
        guard let f = s.utf8.first else { return s }
        switch f {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "@"), 0x09, 0x0D: return "'" + s
        case UInt8(ascii: "-"): return s.utf8.count == 1 ? s : "'" + s
        default: return s
        }
    }

    /// Quotes a CSV field when RFC 4180 requires it (delimiter, quote, CR or LF inside,
    /// or leading/trailing space kept visible).
    public static func quoteCSV(_ s: String, delimiter: Character = ",") -> String {
        var needs = false
        for c in s.unicodeScalars where c == "\"" || c == "\n" || c == "\r" || Character(c) == delimiter { needs = true; break }
        guard needs else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A JSON string literal.
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
        return out
    }
}

