import Foundation

extension NumberFormat {
    /// What a number format does to the number it shows: the factor between the stored
    /// value and the number on screen, and any text the format writes beside it.
    ///
    /// `#,##0.0,,,` shows 318 000 000 000 as "318,0" (each comma after the last digit
    /// placeholder divides by 1,000); `0.0%` shows 0.591 as "59,1%" (each `%` multiplies
    /// by 100); `#,##0 "tỷ"` and `0.0\ \t\ấ\n` write a unit the officer reads as part of
    /// the figure; `[$₫-42A]` a currency.
    public struct Shown: Equatable, Sendable {
        /// shown = stored × factor.
        public var factor: Double
        /// Percent signs in the section (the shown number carries a "%").
        public var percent: Bool
        /// The literal text of the section (quoted, escaped, currency), trimmed; nil when none.
        public var literal: String?
        /// Digit placeholders after the decimal point.
        public var decimals: Int

        public static let plain = Shown(factor: 1, percent: false, literal: nil, decimals: 0)
        /// Whether the format shows the stored number unchanged (no scaling, no %, no text).
        public var isPlain: Bool { factor == 1 && !percent && literal == nil }
    }

    private static let shownMemo = TextMemo<Shown>(limit: 10_000)

    /// How the section of `code` that shows `value` (positive; negative; zero) presents it.
    public static func shown(code: String, value: Double) -> Shown {
        let sections = splitSections(code)
        let section: String
        if value < 0, sections.count >= 2 { section = sections[1] }
        else if value == 0, sections.count >= 3 { section = sections[2] }
        else { section = sections.first ?? "" }
        return shownMemo.value(section) { analyse($0) }
    }

    /// The sections of a format code, split on `;` outside quotes, brackets and escapes.
    static func splitSections(_ code: String) -> [String] {
        var out: [String] = [], cur = ""
        var inQuote = false, inBracket = false, escape = false
        for ch in code {
            if escape { cur.append(ch); escape = false; continue }
            if inQuote { cur.append(ch); if ch == "\"" { inQuote = false }; continue }
            if inBracket { cur.append(ch); if ch == "]" { inBracket = false }; continue }
            switch ch {
            case "\\": escape = true; cur.append(ch)
            case "\"": inQuote = true; cur.append(ch)
            case "[": inBracket = true; cur.append(ch)
            case ";": out.append(cur); cur = ""
            default: cur.append(ch)
            }
        }
        out.append(cur)
        return out
    }

    static func analyse(_ section: String) -> Shown {
        var literal = ""
        var percent = 0
        var decimals = 0
        var afterPoint = false
        var pendingCommas = 0, scaleCommas = 0
        var chars = Array(section)
        if chars.count >= 7, String(chars).lowercased().hasPrefix("general") { chars.removeFirst(7) }
        var i = 0
        var seenPlaceholder = false
        while i < chars.count {
            let ch = chars[i]
            defer { i += 1 }
            switch ch {
            case "\"":
                var j = i + 1
                while j < chars.count, chars[j] != "\"" { literal.append(chars[j]); j += 1 }
                i = j
                scaleCommas += pendingCommas; pendingCommas = 0
            case "\\":
                if i + 1 < chars.count { literal.append(chars[i + 1]); i += 1 }
                scaleCommas += pendingCommas; pendingCommas = 0
            case "_", "*":
                i += 1  // spacing as wide as the next character, or a fill: nothing shown
            case "[":
                var j = i + 1, inner = ""
                while j < chars.count, chars[j] != "]" { inner.append(chars[j]); j += 1 }
                i = j
                // [$₫-42A]: a currency symbol; [Red], [<=100], [$-42A]: no text.
                if inner.hasPrefix("$") {
                    let sym = inner.dropFirst().split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                    literal.append(sym)
                }
            case "0", "#", "?":
                // A comma between placeholders is a thousands separator, not a scale.
                pendingCommas = 0
                seenPlaceholder = true
                if afterPoint { decimals += 1 }
            case ".":
                afterPoint = true
                scaleCommas += pendingCommas; pendingCommas = 0
            case ",":
                if seenPlaceholder { pendingCommas += 1 }
            case "%":
                percent += 1
                scaleCommas += pendingCommas; pendingCommas = 0
            case "E", "e":
                // An exponent: the rest are the exponent's digits.
                if seenPlaceholder, i + 1 < chars.count, chars[i + 1] == "+" || chars[i + 1] == "-" { i = chars.count }
            default:
                if ch.isLetter || ch.isSymbol || ch == "₫" { literal.append(ch) } else if ch == " " || ch == "(" || ch == ")" || ch == "-" || ch == "+" || ch == "/" || ch == ":" { literal.append(ch) }
                scaleCommas += pendingCommas; pendingCommas = 0
            }
        }
        scaleCommas += pendingCommas
        // One division, so that #,##0,,, gives exactly 1e-9.
        let factor = pow(100.0, Double(min(percent, 3))) / pow(1000.0, Double(min(scaleCommas, 6)))
        let trimmed = literal.trimmingCharacters(in: " ()-+:/")
        return Shown(factor: factor, percent: percent > 0, literal: trimmed.isEmpty ? nil : trimmed, decimals: decimals)
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
