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

    /// Results are memoised (per thread, by the text's bytes): the same headers, names and
    /// units recur in every file of a batch, and Unicode decomposition through Foundation
    /// costs tens of microseconds.
    private static let keyMemo = TextMemo<String>(limit: 200_000)
    private static let looseMemo = TextMemo<String>(limit: 200_000)
    private static let rowMemo = TextMemo<String>(limit: 200_000)

    /// Lower case, words separated by single spaces, each word's tone mark moved to its
    /// end ("Thuỷ" and "Thủy" → "thuy?"). Punctuation other than letters and digits
    /// becomes a space.
    public static func key(_ s: String) -> String { keyMemo.value(s, computeKey) }

    static func computeKey(_ s: String) -> String {
        fastKey(s) ?? slowKey(s)
    }

    static func slowKey(_ s: String) -> String {
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

    /// An indicator name as officers write it, reduced to what identifies it: list marks and
    /// "Trong đó:" dropped, a unit in parentheses dropped ("Dân số (người)"), tone marks
    /// placed alike ("hoá"/"hóa", "Thuỷ"/"Thủy"), y and i alike after a consonant
    /// ("sỹ"/"sĩ", "tỷ"/"tỉ", "kỹ"/"kĩ"), and "tăng trưởng" read as "tăng".
    public static func rowKey(_ s: String) -> String { rowMemo.value(s, computeRowKey) }

    private static func computeRowKey(_ s: String) -> String {
        var t = s.trimmedSpaces
        // "(người)", "(%)", "(tỷ đồng)": a unit in parentheses at the end.
        if t.hasSuffix(")"), let open = t.lastIndex(of: "("), t.distance(from: open, to: t.endIndex) <= 24,
           MeasureUnit(String(t[t.index(after: open)..<t.index(before: t.endIndex)])) != nil, open != t.startIndex {
            t = String(t[..<open]).trimmedSpaces
        }
        var words = key(t).split(separator: " ").map(String.init)
        // List marks are punctuation (already gone); "trong đó", numbering "1", "a" go too.
        while let w = words.first, words.count > 1 {
            if w == "trong", words.count > 2, words[1] == "đo'" || words[1] == "đó" || words[1].hasPrefix("đo") { words.removeFirst(2); continue }
            if w.allSatisfy(\.isNumber) || (w.count == 1 && w.first!.isLetter && words.count > 2) { words.removeFirst(); continue }
            break
        }
        let consonants: Set<String> = ["b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
                                       "ch", "gh", "kh", "nh", "ph", "th", "tr", "qu", "ng", "ngh", "gi"]
        words = words.map { w in
            // key() puts the tone last: "sy~", "ty?", "ky~".
            var body = w
            var tone = ""
            if let last = body.last, toneMarks.values.contains(last) { tone = String(last); body.removeLast() }
            guard body.hasSuffix("y"), consonants.contains(String(body.dropLast())) else { return w }
            return String(body.dropLast()) + "i" + tone
        }
        var out: [String] = []
        for (i, w) in words.enumerated() {
            // "tốc độ tăng trưởng" → "tốc độ tăng".
            if w.hasPrefix("trương"), i > 0, words[i - 1] == "tăng" { continue }
            out.append(w)
        }
        return out.joined(separator: " ")
    }

    /// No marks at all, đ as d, lower case, single spaces.
    public static func loose(_ s: String) -> String { looseMemo.value(s, computeLoose) }

    static func computeLoose(_ s: String) -> String {
        fastLoose(s) ?? slowLoose(s)
    }

    static func slowLoose(_ s: String) -> String {
        // (ASCII text never comes here: the table's way takes it.)
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

    // MARK: Folding by table
    //
    // Text as typed is precomposed (NFC): each letter folds on its own, so a table made once
    // from the Foundation way above, one letter at a time, folds a text without decomposing
    // it (Foundation's decomposition was most of the cost of a title line never seen before).
    // A text with anything outside the table (combining marks, other scripts) takes the
    // Foundation way whole; the tests check both ways agree.

    /// How one character folds: a separator, or letters (and for `key`, a tone mark).
    enum Folded { case separator, letters(String, tone: Character?) }

    /// The ranges covered: Latin-1 and Latin Extended (Vietnamese letters among them),
    /// Latin Extended Additional (ạ…ỹ), general punctuation (–, —, …, quotes).
    static let tableRanges: [ClosedRange<UInt32>] = [0x80...0x24F, 0x1E00...0x1EFF, 0x2000...0x206F]

    private static func buildTable(_ fold: (String) -> Folded?) -> [UInt32: Folded] {
        var t: [UInt32: Folded] = [:]
        for r in tableRanges {
            for v in r {
                guard let u = Unicode.Scalar(v) else { continue }
                let one = String(Character(u))
                // A letter whose fold depends on its neighbours (none known here) or that
                // composes with them is left to Foundation.
                guard one.unicodeScalars.count == 1, one.precomposedStringWithCanonicalMapping == one else { continue }
                if let f = fold(one) { t[v] = f }
            }
        }
        return t
    }

    static let looseTable: [UInt32: Folded] = buildTable { one in
        let f = slowLoose(one)
        if f.isEmpty { return .separator }
        return f.contains(" ") ? nil : .letters(f, tone: nil)
    }

    static let keyTable: [UInt32: Folded] = buildTable { one in
        var rest = String.UnicodeScalarView()
        var tone: Character? = nil
        var separators = 0
        for u in one.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if let t = toneMarks[u.value] { tone = t; continue }
            if u.properties.isAlphabetic || u.properties.numericType != nil || (u.value >= 0x300 && u.value < 0x370) { rest.append(u) } else { separators += 1 }
        }
        if rest.isEmpty && tone == nil { return .separator }
        // Mixed letters and separators, or a lone tone mark: the Foundation way.
        guard separators == 0, !rest.isEmpty else { return nil }
        return .letters(String(rest).precomposedStringWithCanonicalMapping, tone: tone)
    }

    static func fastLoose(_ s: String) -> String? {
        var out = ""
        var space = false
        for u in s.unicodeScalars {
            let v = u.value
            if v < 0x80 {
                let c = (v >= 65 && v <= 90) ? v + 32 : v
                if (c >= 97 && c <= 122) || (c >= 48 && c <= 57) {
                    if space && !out.isEmpty { out.append(" ") }
                    space = false
                    out.unicodeScalars.append(Unicode.Scalar(UInt8(c)))
                } else {
                    space = true
                }
                continue
            }
            switch looseTable[v] {
            case nil: return nil
            case .separator?: space = true
            case .letters(let f, _)?:
                if space && !out.isEmpty { out.append(" ") }
                space = false
                out += f
            }
        }
        return out
    }

    static func fastKey(_ s: String) -> String? {
        var out = ""
        var word = ""
        var tone: Character? = nil
        func flush() {
            guard !word.isEmpty else { tone = nil; return }
            if !out.isEmpty { out.append(" ") }
            out += word
            if let tone { out.append(tone) }
            word = ""
            tone = nil
        }
        for u in s.unicodeScalars {
            let v = u.value
            if v < 0x80 {
                let c = (v >= 65 && v <= 90) ? v + 32 : v
                if (c >= 97 && c <= 122) || (c >= 48 && c <= 57) { word.unicodeScalars.append(Unicode.Scalar(UInt8(c))) } else { flush() }
                continue
            }
            switch keyTable[v] {
            case nil: return nil
            case .separator?: flush()
            case .letters(let f, let t)?:
                word += f
                if let t { tone = t }
            }
        }
        flush()
        return out
    }

    /// Whether the text has any Vietnamese mark (then it is matched by ``key(_:)`` only).
    /// Decided by scalar: a text's canonical decomposition is its scalars' decompositions
    /// (reordered, never merged), so a text has a mark exactly when one of its scalars
    /// does. Scalars outside ``tableRanges`` take Foundation's way for the whole text.
    public static func hasMarks(_ s: String) -> Bool {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        for u in s.unicodeScalars {
            let v = u.value
            if v < 0x80 { continue }
            if v >= 0x300 && v < 0x370 { return true }
            guard let marked = markTable[v] else { return slowHasMarks(s) }
            if marked { return true }
        }
        return false
    }

    static func slowHasMarks(_ s: String) -> Bool {
        s.decomposedStringWithCanonicalMapping.unicodeScalars.contains { ($0.value >= 0x300 && $0.value < 0x370) || $0.value == 0x111 || $0.value == 0x110 }
    }

    /// Whether each scalar of ``tableRanges`` carries a mark (or is đ/Đ), by Foundation.
    static let markTable: [UInt32: Bool] = {
        var t: [UInt32: Bool] = [:]
        for r in tableRanges {
            for v in r {
                guard let u = Unicode.Scalar(v) else { continue }
                var one = String.UnicodeScalarView()
                one.append(u)
                t[v] = slowHasMarks(String(one))
            }
        }
        return t
    }()

    /// Administrative prefixes, as loose text ("huyen", "tp"…), longest first.
    static let prefixes: [String] = [
        "thanh pho", "thi xa", "thi tran", "huyen", "quan", "phuong", "xa", "tinh",
        "tp", "tx", "tt", "h", "q", "p",
    ]

    /// Drops one administrative prefix ("Huyện ", "H. ", "TP. ", "Thị xã "…) from a name.
    public static func withoutAdministrativePrefix(_ s: String) -> String {
        // Nothing to trim when both ends are ASCII other than white space (Foundation's
        // trimming was a third of this, run on every unit name at start-up).
        let u = s.utf8
        let trimmed = u.first.map({ $0 > 0x20 && $0 < 0x7F }) == true && u.last.map({ $0 > 0x20 && $0 < 0x7F }) == true
            ? s : s.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "." }).map(String.init)
        guard words.count >= 2 else { return trimmed }
        // The first word and the first two, folded once (not once per prefix: building a
        // template's unit index folds every unit name, 3,321 of them for the country).
        let one = loose(words[0]), two = words.count > 2 ? loose(words[0] + " " + words[1]) : nil
        for (p, n) in prefixWords {
            guard words.count > n else { continue }
            let lead = n == 1 ? one : n == 2 ? two : loose(words[0..<n].joined(separator: " "))
            if lead == p {
                return words[n...].joined(separator: " ")
            }
        }
        return trimmed
    }
    /// The prefixes with their number of words (one or two).
    private static let prefixWords: [(String, Int)] = prefixes.map { ($0, $0.split(separator: " ").count) }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks (no Foundation bridging).
    var trimmedSpaces: String {
        let u = utf8
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        guard let f = u.first, let l = u.last else { return self }
        // The common case: nothing to trim (a no-break space is C2 A0 in UTF-8).
        if !isSpace(f) && !isSpace(l) && f != 0xC2 && l != 0xA0 { return self }
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\r" || c == "\t" || c == "\u{00A0}" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\r" || c == "\t" || c == "\u{00A0}" { s.removeLast() }
        return String(s)
    }
}

extension String {
    /// Byte-wise substring test on UTF-8 (no Foundation bridging: `String.contains` with a
    /// string argument goes through `NSString.range(of:)` here). For folded text, or an
    /// ASCII needle, byte equality is the intended equality.
    func utf8Contains(_ needle: String) -> Bool {
        // The bytes read in place (a copy into a `var` for `withUTF8` cost a retain and a
        // release a call; this runs on every header and title text); bridged strings,
        // which have no contiguous bytes, are copied.
        if let found = utf8.withContiguousStorageIfAvailable({ hp in
            needle.utf8.withContiguousStorageIfAvailable { np in String.bytesContain(hp, np) }
        }), let found { return found }
        return String.bytesContain(Array(utf8), Array(needle.utf8))
    }

    private static func bytesContain(_ hp: UnsafeBufferPointer<UInt8>, _ np: UnsafeBufferPointer<UInt8>) -> Bool {
        guard np.count > 0 else { return true }
        guard hp.count >= np.count else { return false }
        // Candidates by memchr on the first byte, then memcmp.
        let n = np.count
        var p = hp.baseAddress!
        let end = hp.baseAddress! + (hp.count - n + 1)
        while p < end {
            guard let q = memchr(p, Int32(np[0]), end - p) else { return false }
            let at = q.assumingMemoryBound(to: UInt8.self)
            if memcmp(at, np.baseAddress!, n) == 0 { return true }
            p = UnsafePointer(at) + 1
        }
        return false
    }

    private static func bytesContain(_ h: [UInt8], _ n: [UInt8]) -> Bool {
        h.withUnsafeBufferPointer { hp in n.withUnsafeBufferPointer { np in bytesContain(hp, np) } }
    }
}
