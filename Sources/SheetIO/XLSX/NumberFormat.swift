/// Excel number formats: the built-in codes and how to tell dates and times apart from
/// numbers.
public enum NumberFormat {
    /// Built-in format codes (ECMA-376 Part 1, 18.8.30) that are not locale-dependent.
    public static let builtIn: [Int: String] = [
        0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
        9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
        14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
        18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
        37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
        45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
    ]

    /// What a format shows a number as.
    public enum Display: Equatable, Sendable {
        case number
        case percent
        case text
        case date(ExcelDateTime.Kind)
    }

    private static let classifyMemo = TextMemo<Display>(limit: 10_000)

    /// Classifies a built-in id (when `code` is nil) or a custom format code.
    public static func display(id: Int, code: String?) -> Display {
        // The same few custom codes recur in every file of a batch: classified once each.
        if let code { return classifyMemo.value(code) { classify($0) } }
        switch id {
        case 14...17: return .date(.date)
        case 18...21, 45, 47: return .date(.time)
        case 22: return .date(.dateTime)
        case 46: return .date(.duration)
        case 9, 10: return .percent
        case 49: return .text
        default: return .number
        }
    }

    /// Classifies a format code by the letters of its first section, ignoring quoted text,
    /// `\x` escapes, `_x` spacing, `*x` fills and bracketed colours and locales; `[h]`,
    /// `[m]`, `[s]` mark elapsed time; "m" is minutes next to h or s, else months.
    public static func classify(_ code: String) -> Display {
        var letters = Set<Character>()
        var elapsed = false, percent = false, at = false, placeholder = false, ampm = false
        var inQuote = false, skipNext = false
        var bracket: String? = nil
        var chars = Array(code.lowercased())
        // "General" is a word, not the letters g-e-n-e-r-a-l.
        if let r = code.lowercased().range(of: "general") {
            var s = code.lowercased(); s.removeSubrange(r); chars = Array(s)
        }
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            defer { i += 1 }
            if skipNext { skipNext = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if bracket != nil {
                if ch == "]" {
                    if let b = bracket, !b.isEmpty, b.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }) { elapsed = true }
                    bracket = nil
                } else { bracket!.append(ch) }
                continue
            }
            switch ch {
            case ";": i = chars.count
            case "\"": inQuote = true
            case "[": bracket = ""
            case "\\", "_", "*": skipNext = true
            case "%": percent = true
            case "@": at = true
            case "0", "#", "?": placeholder = true
            case "a":
                let rest = String(chars[i..<min(i + 5, chars.count)])
                if rest.hasPrefix("am/pm") { ampm = true; i += 4 } else if rest.hasPrefix("a/p") { ampm = true; i += 2 } else { letters.insert("a") }
            case "y", "d", "m", "h", "s", "e", "b", "g": letters.insert(ch)
            default: break
            }
        }
        if elapsed { return .date(.duration) }
        if placeholder { letters.remove("e") }  // the exponent of "0.00E+00"
        let hasTime = letters.contains("h") || letters.contains("s") || ampm
        let hasDate = !letters.intersection(["y", "d", "e", "a", "b", "g"]).isEmpty || (letters.contains("m") && !hasTime)
        switch (hasDate, hasTime) {
        case (true, true): return .date(.dateTime)
        case (true, false): return .date(.date)
        case (false, true): return .date(.time)
        default: break
        }
        if percent { return .percent }
        if at && !placeholder { return .text }
        return .number
    }
}
