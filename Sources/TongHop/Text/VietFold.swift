import SheetIO
import Foundation

/// Folding Vietnamese text for comparison.
///
/// - ``key(_:)`` keeps identity: NFC or NFD, old or new tone placement ("hoà"/"hòa",
///   "thuỷ"/"thủy") and case all fold together, but "Hòa" and "Hóa" stay different.
/// - ``loose(_:)`` drops every mark (and đ→d): for text typed without diacritics
///   ("Muong Te"), used only when nothing matches by key.
public enum VietFold {
    static let toneMarks: [UInt32: Character] = [0x300: "`", 0x301: "'", 0x303: "~", 0x309: "?", 0x323: "."]

    /// Lower case, words separated by single spaces, each word's tone mark moved to its
    /// end ("Thuỷ" and "Thủy" → "thuy?"). Punctuation other than letters and digits
    /// becomes a space.
    public static func key(_ s: String) -> String {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var tone: Character? = nil
        func flush() {
            if !word.isEmpty {
                var w = String(word).precomposedStringWithCanonicalMapping
                if let tone { w.append(tone) }
                words.append(w)
            }
            word = String.UnicodeScalarView()
            tone = nil
        }
        for u in s.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if let t = toneMarks[u.value] { tone = t; continue }
            if u.properties.isAlphabetic || u.properties.numericType != nil || (u.value >= 0x300 && u.value < 0x370) {
                word.append(u)
            } else {
                flush()
            }
        }
        flush()
        return words.joined(separator: " ")
    }

    /// No marks at all, đ as d, lower case, single spaces.
    public static func loose(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var space = false
        for u in s.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if u.value >= 0x300 && u.value < 0x370 { continue }
            let c: Unicode.Scalar = u.value == 0x111 ? "d" : u
            if c.properties.isAlphabetic || c.properties.numericType != nil {
                if space && !out.isEmpty { out.append(" ") }
                space = false
                out.append(c)
            } else {
                space = true
            }
        }
        return String(out)
    }

    /// Whether the text has any Vietnamese mark (then it is matched by ``key(_:)`` only).
    public static func hasMarks(_ s: String) -> Bool {
        s.decomposedStringWithCanonicalMapping.unicodeScalars.contains { ($0.value >= 0x300 && $0.value < 0x370) || $0.value == 0x111 || $0.value == 0x110 }
    }

    /// Administrative prefixes, as loose text ("huyen", "tp"…), longest first.
    static let prefixes: [String] = [
        "thanh pho", "thi xa", "thi tran", "huyen", "quan", "phuong", "xa", "tinh",
        "tp", "tx", "tt", "h", "q", "p",
    ]

    /// Drops one administrative prefix ("Huyện ", "H. ", "TP. ", "Thị xã "…) from a name.
    public static func withoutAdministrativePrefix(_ s: String) -> String {
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "." }).map(String.init)
        guard words.count >= 2 else { return trimmed }
        for p in prefixes {
            let n = p.split(separator: " ").count
            guard words.count > n else { continue }
            if loose(words[0..<n].joined(separator: " ")) == p {
                return words[n...].joined(separator: " ")
            }
        }
        return trimmed
    }
}
