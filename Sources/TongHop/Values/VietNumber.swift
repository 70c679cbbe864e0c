import SheetIO
import Foundation

/// Numbers as Vietnamese spreadsheets write them in text: vi-VN ("2.450", "52,9",
/// "1.234,5") or en-US ("2,450", "52.9"), with a unit, a bound or a range around them.
public enum VietNumber {
    /// A file's way of writing numbers.
    public enum Convention: String, Sendable, Codable {
        /// vi-VN: decimal comma, dot grouping.
        case vi
        /// en-US: decimal point, comma grouping.
        case en
    }

    /// What one numeric token says about the convention.
    public enum Evidence: Equatable, Sendable {
        /// Reads the same either way ("2450", "-7").
        case neutral
        case vi
        case en
        /// Reads differently: "8.200" is 8200 in vi-VN and 8.2 in en-US.
        case ambiguous
    }

    /// The parts of a cell's text.
    public struct Parsed: Equatable, Sendable {
        public var value: ReportedValue
        /// Unit text written after the number ("tấn", "%"), if any.
        public var unit: String?
        /// The numeric tokens, for convention evidence.
        public var tokens: [String]
        /// "khoảng 700", "~700": an approximate figure.
        public var approximate: Bool
    }

    /// Classifies a numeric token of digits, "." and "," (an optional sign first).
    public static func evidence(_ token: String) -> Evidence {
        var t = Substring(token)
        if t.first == "-" || t.first == "+" { t = t.dropFirst() }
        let dots = t.filter { $0 == "." }.count
        let commas = t.filter { $0 == "," }.count
        if dots == 0 && commas == 0 { return .neutral }
        if dots > 0 && commas > 0 {
            return t.lastIndex(of: ",")! > t.lastIndex(of: ".")! ? .vi : .en
        }
        let sep: Character = dots > 0 ? "." : ","
        if dots + commas > 1 { return sep == "." ? .vi : .en }  // repeated groups
        let parts = t.split(separator: sep, omittingEmptySubsequences: false)
        let before = parts[0], after = parts[1]
        if after.count == 3 && (1...3).contains(before.count) && before.first != "0" {
            return .ambiguous
        }
        return sep == "." ? .en : .vi  // a separator before other than three digits is a decimal one
    }

    /// The number a token stands for under a convention; nil if it is not well formed
    /// (groups of three after the first, one decimal separator).
    public static func value(_ token: String, _ c: Convention) -> Double? {
        var t = Substring(token)
        var negative = false
        if t.first == "-" { negative = true; t = t.dropFirst() } else if t.first == "+" { t = t.dropFirst() }
        let group: Character = c == .vi ? "." : ","
        let decimal: Character = c == .vi ? "," : "."
        let pieces = t.split(separator: decimal, omittingEmptySubsequences: false)
        guard pieces.count <= 2, let intPart = pieces.first else { return nil }
        let groups = intPart.split(separator: group, omittingEmptySubsequences: false)
        if groups.count > 1 {
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
        }
        let digits = groups.joined()
        let frac = pieces.count == 2 ? String(pieces[1]) : ""
        guard !digits.isEmpty || !frac.isEmpty,
              digits.allSatisfy({ $0.isASCII && $0.isNumber }), frac.allSatisfy({ $0.isASCII && $0.isNumber }),
              !(pieces.count == 2 && frac.isEmpty) else { return nil }
        guard let v = Double((digits.isEmpty ? "0" : digits) + (frac.isEmpty ? "" : "." + frac)) else { return nil }
        return negative ? -v : v
    }

    static let symbolTexts: [String: StatSymbol] = [
        "-": .none, "–": .none, "—": .none, "--": .none,
        "...": .missing, "…": .missing, "..": .missing, "....": .missing,
        "x": .notApplicable, "X": .notApplicable,
    ]

    static let lowerBoundWords = ["không dưới", "tối thiểu", "ít nhất", "từ", "trên", "hơn", ">=", "≥", ">"]
    static let upperBoundWords = ["không quá", "không vượt", "tối đa", "dưới", "<=", "≤", "<"]
    static let approxWords = ["khoảng", "gần", "xấp xỉ", "~", "≈"]

    /// Parses a cell's text under a convention. Returns nil when the text is not a
    /// number, symbol, bound or range (then it is an error for a numeric indicator).
    public static func parse(_ raw: String, convention: Convention) -> Parsed? {
        var text = raw.utf8.allSatisfy({ $0 < 0x80 }) ? raw.trimmedSpaces : raw.precomposedStringWithCanonicalMapping.trimmedSpaces
        if text.utf8Contains("\u{00A0}") { text = text.replacingOccurrences(of: "\u{00A0}", with: " ") }
        if text.isEmpty { return Parsed(value: .empty, unit: nil, tokens: [], approximate: false) }
        if let s = symbolTexts[text] { return Parsed(value: .symbol(s), unit: nil, tokens: [], approximate: false) }
        // "không" is the word for zero.
        if text.lowercased() == "không" { return Parsed(value: .number(0), unit: nil, tokens: [], approximate: false) }
        // Numbers, bounds and ranges all need an ASCII digit ("THỦ TRƯỞNG ĐƠN VỊ" under a
        // value column needs no further look).
        guard text.utf8.contains(where: { $0 >= 48 && $0 <= 57 }) else { return nil }
        var lower = text.lowercased()
        var approximate = false
        for w in approxWords where lower.hasPrefix(w) {
            approximate = true
            lower = String(lower.dropFirst(w.count)).trimmedSpaces
            break
        }
        // Bounds.
        for (words, isLower) in [(lowerBoundWords, true), (upperBoundWords, false)] {
            for w in words where lower.hasPrefix(w) {
                let rest = String(lower.dropFirst(w.count)).trimmedSpaces
                // "từ 6,6 đến 6,8" is a range, not a bound.
                if w == "từ", let r = parseRange(rest, convention) { return r }
                guard let (v, tok, unit) = numberWithUnit(rest, convention) else { return nil }
                let strict = ["trên", "hơn", ">", "dưới", "<"].contains(w)
                return Parsed(value: isLower ? .atLeast(v, strict: strict) : .atMost(v, strict: strict), unit: unit, tokens: [tok], approximate: approximate)
            }
        }
        if let r = parseRange(lower, convention) { return r }
        // A bound written after the number: "19 trở lên", "4 trở xuống".
        for (word, isLower) in [("trở lên", true), ("trở xuống", false)] where lower.hasSuffix(word) {
            let rest = String(lower.dropLast(word.count)).trimmedSpaces
            guard let (v, tok, unit) = numberWithUnit(rest, convention) else { return nil }
            return Parsed(value: isLower ? .atLeast(v, strict: false) : .atMost(v, strict: false), unit: unit, tokens: [tok], approximate: approximate)
        }
        guard let (v, tok, unit) = numberWithUnit(lower, convention) else { return nil }
        return Parsed(value: .number(v), unit: unit, tokens: [tok], approximate: approximate)
    }

    /// "6,6-6,8", "6,6 – 6,8", "6,6 đến 6,8", "6,6÷6,8" (a unit may follow the second).
    static func parseRange(_ s: String, _ c: Convention) -> Parsed? {
        // Only text with a range separator after its first character can be a range.
        guard s.unicodeScalars.dropFirst().contains(where: { $0 == "-" || $0 == "–" || $0 == "—" || $0 == "÷" || $0 == "đ" }) else { return nil }
        for sep in [" đến ", "đến", "–", "—", "÷", " - ", "-"] {
            // (The standard library's search: Foundation's range(of:) was most of this.)
            guard let r = s[s.index(s.startIndex, offsetBy: min(1, s.count))...].firstRange(of: sep) else { continue }
            let a = String(s[..<r.lowerBound]).trimmedSpaces
            let b = String(s[r.upperBound...]).trimmedSpaces
            guard let (x, t1, u1) = numberWithUnit(a, c), let (y, t2, u2) = numberWithUnit(b, c), x <= y else { continue }
            return Parsed(value: .range(x, y), unit: u2 ?? u1, tokens: [t1, t2], approximate: false)
        }
        return nil
    }

    /// A number token, then optionally a unit ("8.200 tấn", "35,2 %", "52,9%").
    static func numberWithUnit(_ s: String, _ c: Convention) -> (Double, String, String?)? {
        let chars = Array(s)
        var i = 0
        var token = ""
        if i < chars.count, chars[i] == "-" || chars[i] == "+" { token.append(chars[i]); i += 1 }
        var sawDigit = false
        while i < chars.count {
            let ch = chars[i]
            if ch.isASCII, ch.isNumber || ch == "." || ch == "," {
                if ch.isNumber { sawDigit = true }
                token.append(ch)
                i += 1
                continue
            }
            // A space (or a no-break one) between groups of three digits groups thousands
            // ("82 500", text copied from Word): one number, the spaces dropped.
            if sawDigit, ch == " " || ch == "\u{00A0}" || ch == "\u{202F}", !token.contains("."), !token.contains(","),
               i + 3 < chars.count, chars[(i + 1)...(i + 3)].allSatisfy({ $0.isASCII && $0.isNumber }),
               i + 4 == chars.count || !(chars[i + 4].isASCII && chars[i + 4].isNumber) {
                i += 1
                continue
            }
            break
        }
        guard sawDigit else { return nil }
        // A trailing separator belongs to the sentence, not the number ("52,9.").
        while let l = token.last, l == "." || l == "," { token.removeLast() }
        let unit = String(chars[i...]).trimmedSpaces
        if !unit.isEmpty {
            // A unit is letters, "%", "/" and spaces; anything else is not a number cell.
            guard unit.allSatisfy({ $0.isLetter || $0 == "%" || $0 == "/" || $0 == " " || $0 == "." }) else { return nil }
        }
        guard let v = value(token, c) ?? value(token, c == .vi ? .en : .vi) else { return nil }
        // The fallback reading is only for tokens the convention cannot read at all
        // ("52.9" in a vi-VN file); evidence collection flags it.
        return (v, token, unit.isEmpty ? nil : unit)
    }

    /// Formats a number in the reader's language: vi-VN "2.450,5", en-US "2,450.5".
    public static func format(_ d: Double, decimals: Int, _ lang: Language) -> String {
        let vi = format(d, decimals: decimals)
        guard lang == .en else { return vi }
        return String(vi.map { $0 == "." ? "," : $0 == "," ? "." : $0 })
    }

    /// Formats a number the vi-VN way with exactly `decimals` decimals, as a number
    /// format shows it ("318,0").
    public static func format(_ d: Double, fixedDecimals decimals: Int) -> String {
        let text = format(d, decimals: decimals)
        guard decimals > 0 else { return text }
        let have = text.firstIndex(of: ",").map { text.distance(from: $0, to: text.endIndex) - 1 } ?? -1
        return have < 0 ? text + "," + String(repeating: "0", count: decimals) : text + String(repeating: "0", count: decimals - have)
    }

    /// Formats a number the vi-VN way: "2.450,5" (at most `decimals` decimals, trailing
    /// zeros dropped).
    public static func format(_ d: Double, decimals: Int) -> String {
        guard d.isFinite else { return String(d) }
        let scale = pow(10.0, Double(max(0, min(decimals, 10))))
        let rounded = (abs(d) * scale).rounded() / scale
        var intPart = rounded.rounded(.towardZero)
        var frac = ((rounded - intPart) * scale).rounded()
        if frac >= scale { intPart += 1; frac = 0 }
        // Integers print without Foundation's String(format:) (a fifth of formatting a finding).
        var digits = intPart < 9e18 ? String(Int64(intPart)) : String(format: "%.0f", intPart)
        var grouped = ""
        while digits.count > 3 {
            grouped = "." + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        grouped = digits + grouped
        var fracText = ""
        if decimals > 0 && frac > 0 {
            fracText = Int(frac).zeroPadded(decimals)
            while fracText.hasSuffix("0") { fracText.removeLast() }
        }
        let sign = d < 0 && (intPart > 0 || frac > 0) ? "-" : ""
        return sign + grouped + (fracText.isEmpty ? "" : "," + fracText)
    }
}

extension Int {
    /// The number with leading zeros to `width` digits ("7" → "07"); no Foundation format.
    func zeroPadded(_ width: Int) -> String {
        let s = String(self)
        return s.utf8.count >= width ? s : String(repeating: "0", count: width - s.utf8.count) + s
    }
}
