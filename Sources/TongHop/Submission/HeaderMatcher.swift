import Foundation
import SheetIO

/// Recognises the header cells of a submitted table, tolerant of rewording:
/// "Mã", "Mã số"; "ĐVT", "Đơn vị tính"; a template column's label or alias with any
/// year; comparison columns by "%" or "so sánh" and the columns they compare.
final class HeaderMatcher: @unchecked Sendable {
    let template: Template
    /// Roles already decided, by header text and this matcher (the same headers recur in
    /// every file).
    private static let roleMemo = TextMemo<RoleInfo>(limit: 50_000)
    private let serial = MemoSerial.next()

    /// One matcher per template, shared by every file of a batch.
    static func shared(for t: Template) -> HeaderMatcher {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        let key = "\(t.id)#\(t.version)#\(t.sourcePath ?? "")"
        if let m = cache[key] { return m }
        let m = HeaderMatcher(template: t)
        cache[key] = m
        return m
    }
    nonisolated(unsafe) private static var cache: [String: HeaderMatcher] = [:]
    private static let cacheLock = NSLock()
    /// Label shapes, computed once per template (shaping text is the costly part).
    private let comparisonShapes: [String: String]
    private let columnShapes: [String: String]
    private let columnWords: [(String, Set<String>)]
    /// Indicators by the folded row key of their name and aliases (the first indicator in
    /// template order that has it), for rows without a code.
    let byRowKey: [String: Int]

    init(template: Template) {
        self.template = template
        var cmp: [String: String] = [:]
        for c in template.comparisons { for l in [c.label] + c.aliases { cmp[HeaderMatcher.shape(l)] = cmp[HeaderMatcher.shape(l)] ?? c.key } }
        var cols: [String: String] = [:]
        var words: [(String, Set<String>)] = []
        for c in template.columns {
            for l in [c.label] + c.aliases {
                let sh = HeaderMatcher.shape(l)
                if cols[sh] == nil { cols[sh] = c.key }
                let w = Set(sh.split(separator: " ").map(String.init)).subtracting(["#", "nam", "cua"])
                if !w.isEmpty { words.append((c.key, w)) }
            }
        }
        comparisonShapes = cmp
        columnShapes = cols
        columnWords = words
        var rows: [String: Int] = [:]
        for (i, ind) in template.indicators.enumerated() {
            for n in [ind.name] + ind.aliases where rows[VietFold.rowKey(n)] == nil { rows[VietFold.rowKey(n)] = i }
        }
        byRowKey = rows
    }

    enum Role: Hashable { case stt, code, name, unit, note, value(String), comparison(String) }

    /// Loose text with every 4-digit year replaced by "#", so "Thực hiện năm 2023" and the
    /// label "Thực hiện {prev_period}" meet.
    static func shape(_ s: String) -> String {
        var text = s
        if text.utf8Contains("{") {
            text = text.replacingOccurrences(of: "{prev_period}", with: "nam #").replacingOccurrences(of: "{period}", with: "nam #")
                .replacingOccurrences(of: "{year}", with: "#").replacingOccurrences(of: "{prev_year}", with: "#")
        }
        let l = VietFold.loose(text)
        var words: [String] = []
        for w in l.split(separator: " ") {
            // (Four ASCII digits are four bytes: no grapheme counting.)
            let isYear = w.utf8.count == 4 && w.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
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
                if j < words.count && words[j] == "#" {   // "6 tháng 2024"
                    words.replaceSubrange((i - 1)..<j, with: ["nam"])
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

    /// The role of a header text.
    func role(of text: String) -> Role? { info(of: text).role }

    /// Whether a text's role is `.code` or `.name` (a "Mã" or "Chỉ tiêu" header): exactly
    /// when its shape is one of those names, as ``computeRole(_:)`` decides them first
    /// and for every template alike. Asked of every cell of the rows searched for the
    /// header; the title lines, new in every file, need only their shape, not a full role.
    static func isCodeOrName(_ text: String) -> Bool {
        codeOrNameMemo.value(text) { codeOrNameShapes.contains(shape($0)) }
    }
    private static let codeOrNameMemo = TextMemo<Bool>(limit: 50_000)
    private static let codeOrNameShapes = Set(fixed.filter { $0.0 == .code || $0.0 == .name }.flatMap(\.1))

    /// A header text's role, and whether the text could make a comparison header when
    /// joined with the one above or below it ("So sánh (%)" over "ƯTH/KH"): only text with
    /// "%", "/" or the word "so" can (see ``computeRole(_:)``), so a table's other cells
    /// need no joined lookup.
    struct RoleInfo { var role: Role?; var mayCompare: Bool }

    func info(of text: String) -> RoleInfo {
        HeaderMatcher.roleMemo.value(text, extra: serial) { text in
            RoleInfo(role: computeRole(text),
                     mayCompare: text.utf8Contains("%") || text.utf8Contains("/") || VietFold.loose(text).utf8Contains("so"))
        }
    }

    private func computeRole(_ text: String) -> Role? {
        let s = HeaderMatcher.shape(text)
        guard !s.isEmpty else { return nil }
        for (role, names) in HeaderMatcher.fixed where names.contains(s) { return role }
        let raw = VietFold.loose(text)
        let isComparison = text.utf8Contains("%") || text.utf8Contains("/") || raw.utf8Contains("so sanh") || raw.hasPrefix("so voi") || raw.utf8Contains(" so ")
        if isComparison {
            if let k = comparisonShapes[s] { return .comparison(k) }
            // "ƯTH so KH", "So sánh ƯTH/cùng kỳ": by what it is compared with.
            let words = Set(raw.split(whereSeparator: { $0 == " " || $0 == "/" }).map(String.init))
            let mentionsPlan = words.contains("kh") || raw.utf8Contains("ke hoach")
            let mentionsPrev = raw.utf8Contains("cung ky") || words.contains("ck") || raw.utf8Contains("nam truoc")
            for c in template.comparisons {
                let den = template.column(c.denominator)?.role
                if mentionsPlan && den == .plan && !mentionsPrev { return .comparison(c.key) }
                if mentionsPrev && den == .previous && !mentionsPlan { return .comparison(c.key) }
            }
            if text.utf8Contains("%") { return nil }
        }
        if let k = columnShapes[s] { return .value(k) }
        // Reworded within reason: the column whose label shares the most words.
        let words = Set(s.split(separator: " ").map(String.init)).subtracting(["#", "nam", "cua"])
        guard !words.isEmpty else { return nil }
        var best: (String, Double)? = nil
        for (key, lw) in columnWords {
            // Jaccard similarity, counted without building the two sets.
            var shared = 0
            for w in words where lw.contains(w) { shared += 1 }
            let score = Double(shared) / Double(words.count + lw.count - shared)
            if score >= 0.6, score > (best?.1 ?? 0) { best = (key, score) }
        }
        return best.map { .value($0.0) }
    }

    /// The role a value header has by its words, when no label or alias matched: plan —
    /// "KH", "kế hoạch", "chỉ tiêu NQ", "mục tiêu", "tỉnh giao"; estimate — "ước", "ƯTH";
    /// previous — "cùng kỳ", "năm trước"; "thực hiện"/"TH" by its year against the
    /// period (the year before: previous; the period's year: the estimate). Comparison
    /// headers ("%", "so sánh") are never value columns.
    static func semanticRole(_ text: String, year: Int?, periodYear: Int?) -> ValueColumn.Role? {
        // The same headers recur in every file of a batch: remember the answer.
        semanticMemo.value(text, extra: (year ?? 0) * 10_000 + (periodYear ?? 0)) {
            computeSemanticRole($0, year: year, periodYear: periodYear)
        }
    }
    private static let semanticMemo = TextMemo<ValueColumn.Role?>(limit: 50_000)

    private static func computeSemanticRole(_ text: String, year: Int?, periodYear: Int?) -> ValueColumn.Role? {
        let l = VietFold.loose(text)
        let words = Set(l.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "(" || $0 == ")" || $0 == "-" || $0 == "," }).map(String.init))
        if text.utf8Contains("%") || l.utf8Contains("so sanh") || l.hasPrefix("so voi") || words.contains("so") { return nil }
        let previous = l.utf8Contains("cung ky") || l.utf8Contains("nam truoc") || l.utf8Contains("ky truoc")
        let estimate = words.contains("uoc") || words.contains("uth") || words.contains("ut") || l.utf8Contains("uoc tinh")
        let plan = words.contains("kh") || l.utf8Contains("ke hoach") || l.utf8Contains("muc tieu") || l.utf8Contains("nghi quyet")
            || words.contains("nq") || words.contains("hdnd") || l.utf8Contains("tinh giao") || l.utf8Contains("huyen giao") || words.contains("giao")
        let actual = words.contains("th") || l.utf8Contains("thuc hien") || l.utf8Contains("luy ke")
        if previous && !plan { return .previous }
        if estimate && !plan { return .estimate }
        if plan && !estimate { return .plan }
        if actual && !plan {
            guard let y = year, let py = periodYear else { return nil }
            return y < py ? .previous : y == py ? .estimate : nil
        }
        return nil
    }

    /// Which of a template's plans a plan-like header names, by the words of each plan's
    /// source ("tỉnh giao"; "NQ", "nghị quyết", "HĐND"; "huyện giao"). Nil when the template
    /// has several plans and the header names none of them.
    static func planKey(for text: String, template t: Template) -> String? {
        let plans = t.planColumns
        guard plans.count > 1 else { return plans.first?.key }
        let l = " " + VietFold.loose(text) + " "
        for p in plans {
            guard let src = p.source.map({ VietFold.loose($0) }) else { continue }
            let council = src.utf8Contains("nq") || src.utf8Contains("nghi quyet") || src.utf8Contains("hdnd")
            let words = council ? ["nq", "nghi quyet", "hdnd"] : [src]
            if words.contains(where: { l.utf8Contains(" \($0) ") }) { return p.key }
        }
        return nil
    }

    /// A 4-digit year in a header ("Kế hoạch năm 2024" → 2024).
    static func year(in text: String) -> Int? {
        // A byte scan: runs of exactly four ASCII digits (this runs on every header cell).
        var value = 0, run = 0
        for b in text.utf8 {
            if b >= 48 && b <= 57 {
                value = run < 4 ? value * 10 + Int(b - 48) : value
                run += 1
            } else {
                if run == 4 && (1990...2100).contains(value) { return value }
                value = 0
                run = 0
            }
        }
        return run == 4 && (1990...2100).contains(value) ? value : nil
    }
}
