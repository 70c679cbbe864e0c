import Foundation
import SheetIO

/// Recognises the header cells of a submitted table, tolerant of rewording:
/// "Mã", "Mã số"; "ĐVT", "Đơn vị tính"; a template column's label or alias with any
/// year; comparison columns by "%" or "so sánh" and the columns they compare.
struct HeaderMatcher {
    let template: Template

    enum Role: Hashable { case stt, code, name, unit, note, value(String), comparison(String) }

    /// Loose text with every 4-digit year replaced by "#", so "Thực hiện năm 2023" and the
    /// label "Thực hiện {prev_period}" meet.
    static func shape(_ s: String) -> String {
        let l = VietFold.loose(s.replacingOccurrences(of: "{prev_period}", with: "nam #").replacingOccurrences(of: "{period}", with: "nam #")
            .replacingOccurrences(of: "{year}", with: "#").replacingOccurrences(of: "{prev_year}", with: "#"))
        var words: [String] = []
        for w in l.split(separator: " ") {
            let isYear = w.count == 4 && w.unicodeScalars.allSatisfy { $0.value >= 48 && $0.value <= 57 }
            words.append(isYear ? "#" : String(w))
        }
        // "6 tháng đầu năm #", "9 tháng năm #", "quý III năm #" name a period: all read as "năm #".
        var i = 0
        while i < words.count {
            if words[i] == "thang", i > 0, Int(words[i - 1]) != nil {
                var j = i + 1
                if j < words.count && words[j] == "dau" { j += 1 }
                if j < words.count && words[j] == "nam" {
                    words.removeSubrange((i - 1)..<j)
                    i -= 1
                    continue
                }
            }
            if words[i] == "quy", i + 1 < words.count, ["i", "ii", "iii", "iv"].contains(words[i + 1]) {
                words.removeSubrange(i...(i + 1))
                if i < words.count && words[i] == "#" { words.insert("nam", at: i) }
                continue
            }
            i += 1
        }
        return words.joined(separator: " ")
    }

    static let fixed: [(Role, [String])] = [
        (.stt, ["stt", "tt", "so tt", "so thu tu"]),
        (.code, ["ma", "ma so", "ma chi tieu", "ma ct", "ma so chi tieu"]),
        (.name, ["chi tieu", "ten chi tieu", "noi dung", "chi tieu chu yeu", "cac chi tieu", "ten chi tieu chu yeu"]),
        (.unit, ["dvt", "don vi tinh", "don vi", "d v t"]),
        (.note, ["ghi chu"]),
    ]

    /// The role of a header text, with the year it mentions if any.
    func role(of text: String) -> Role? {
        let s = HeaderMatcher.shape(text)
        guard !s.isEmpty else { return nil }
        for (role, names) in HeaderMatcher.fixed where names.contains(s) { return role }
        let raw = VietFold.loose(text)
        let isComparison = text.contains("%") || text.contains("/") || raw.contains("so sanh") || raw.hasPrefix("so voi") || raw.contains(" so ")
        if isComparison {
            for c in template.comparisons where ([c.label] + c.aliases).map(HeaderMatcher.shape).contains(s) { return .comparison(c.key) }
            // "ƯTH so KH", "So sánh ƯTH/cùng kỳ": by what it is compared with.
            let words = Set(raw.split(whereSeparator: { $0 == " " || $0 == "/" }).map(String.init))
            let mentionsPlan = words.contains("kh") || raw.contains("ke hoach")
            let mentionsPrev = raw.contains("cung ky") || words.contains("ck") || raw.contains("nam truoc")
            for c in template.comparisons {
                let den = template.column(c.denominator)?.role
                if mentionsPlan && den == .plan && !mentionsPrev { return .comparison(c.key) }
                if mentionsPrev && den == .previous && !mentionsPlan { return .comparison(c.key) }
            }
            if text.contains("%") { return nil }
        }
        for c in template.columns where ([c.label] + c.aliases).map(HeaderMatcher.shape).contains(s) { return .value(c.key) }
        // Reworded within reason: the column whose label shares the most words.
        let words = Set(s.split(separator: " ").map(String.init)).subtracting(["#", "nam", "cua"])
        guard !words.isEmpty else { return nil }
        var best: (String, Double)? = nil
        for c in template.columns {
            for label in [c.label] + c.aliases {
                let lw = Set(HeaderMatcher.shape(label).split(separator: " ").map(String.init)).subtracting(["#", "nam", "cua"])
                guard !lw.isEmpty else { continue }
                let score = Double(words.intersection(lw).count) / Double(words.union(lw).count)
                if score >= 0.6, score > (best?.1 ?? 0) { best = (c.key, score) }
            }
        }
        return best.map { .value($0.0) }
    }

    /// A 4-digit year in a header ("Kế hoạch năm 2024" → 2024).
    static func year(in text: String) -> Int? {
        let digits = text.split(whereSeparator: { !$0.isNumber })
        return digits.compactMap { $0.count == 4 ? Int($0) : nil }.first { (1990...2100).contains($0) }
    }
}
