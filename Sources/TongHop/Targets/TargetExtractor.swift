import Foundation
import SheetIO

/// One target a text sets: a value for an indicator (or, unplaced, the words that looked
/// like a target), with the phrase it came from.
public struct TargetStatement: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// "thu nhập bình quân đạt 45 triệu đồng": the level itself.
        case level
        /// "tăng 7,6%": a growth rate (for a growth indicator, its value).
        case growth
        /// "có thêm 2 xã", "xây dựng 7 bản", "mỗi xã đạt thêm 01 tiêu chí": over last year.
        case increment
        /// "phấn đấu 7 xã đạt từ 15-18 tiêu chí": how many units reach a standard.
        case count
    }
    public enum Qualifier: String, Sendable { case exact, about, atLeast = "at_least", atMost = "at_most", range }

    public var indicator: String?
    public var value: Double
    /// A range's upper end.
    public var value2: Double?
    public var unitWritten: String?
    /// The value in the indicator's unit (nil when unplaced).
    public var converted: Double?
    public var kind: Kind
    public var qualifier: Qualifier
    public var strict = false
    /// The clause, as written.
    public var text: String
    /// Character offsets of the clause in the text.
    public var span: Range<Int>
    public var confidence: Double
}

/// What a text sets for a template.
public struct TargetExtraction: Sendable {
    public var placed: [TargetStatement] = []
    /// Statements that look like targets but fit no indicator (or are sub-targets).
    public var unplaced: [TargetStatement] = []
    /// An indicator named twice with different values: neither is placed.
    public var conflicts: [[TargetStatement]] = []
}

/// Reads target statements from resolution and plan text with deterministic rules: no
/// model, no service. Clauses are split at ";", "…", line ends and sentence ends (a "."
/// between digits groups thousands); in a clause, the number after a target cue ("đạt",
/// "phấn đấu", "tăng", "giảm", "thêm", "ở mức"…) or before a unit is the target; the
/// indicator is the one whose name or aliases the clause covers best, among those whose
/// unit the written unit converts to; kind and qualifier come from the words around it.
public struct TargetExtractor: Sendable {
    public let template: Template

    public init(template: Template) { self.template = template }

    public func extract(_ text: String) -> TargetExtraction {
        var out = TargetExtraction()
        let chars = Array(text.precomposedStringWithCanonicalMapping)
        var candidates: [TargetStatement] = []
        var previousKind: TargetStatement.Kind? = nil
        var previousClause = ""
        for (range, sentenceStart) in clauses(chars) {
            let clause = String(chars[range]).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !clause.isEmpty else { continue }
            if sentenceStart { previousKind = nil }
            guard var st = statement(clause, span: range, inheritedKind: previousKind) else { continue }
            previousKind = st.kind == .increment ? .increment : nil
            if isSubTarget(clause) {
                st.indicator = nil
                out.unplaced.append(st)
                continue
            }
            // "…đạt 14.250 tỷ đồng, tăng 11,2% so với năm 2023": the growth of the subject
            // just named (not a rise against the budget estimate or the plan).
            let l = VietFold.loose(clause)
            let followsSubject = (l.hasPrefix("tang ") || l.hasPrefix("giam ")) && !l.contains("du toan") && !l.contains("ke hoach")
            if let placed = place(st) ?? (followsSubject ? place(st, context: previousClause) : nil) {
                candidates.append(placed)
            } else {
                out.unplaced.append(st)
            }
            previousClause = clause
        }
        // The same indicator twice: the same value is one target; different values conflict.
        var byIndicator: [String: [TargetStatement]] = [:]
        var order: [String] = []
        for c in candidates {
            if byIndicator[c.indicator!] == nil { order.append(c.indicator!) }
            byIndicator[c.indicator!, default: []].append(c)
        }
        for code in order {
            let list = byIndicator[code]!
            if Set(list.map { "\($0.converted ?? $0.value)|\($0.value2 ?? -1)|\($0.kind)|\($0.qualifier)" }).count == 1 {
                out.placed.append(list[0])
            } else {
                out.conflicts.append(list)
            }
        }
        return out
    }

    // MARK: Clauses

    /// Clause ranges, and whether each starts a sentence.
    func clauses(_ c: [Character]) -> [(Range<Int>, Bool)] {
        var out: [(Range<Int>, Bool)] = []
        var start = 0
        var sentence = true
        func cut(_ i: Int, endsSentence: Bool) {
            if i > start { out.append((start..<i, sentence)) }
            sentence = endsSentence
            start = i + 1
        }
        var i = 0
        while i < c.count {
            let ch = c[i]
            let digitBefore = i > 0 && c[i - 1].isNumber, digitAfter = i + 1 < c.count && c[i + 1].isNumber
            switch ch {
            case ";", "…", "\n", "!", "?": cut(i, endsSentence: ch != ";")
            case ".":
                if digitBefore && digitAfter { break }               // 1.000
                if i + 2 < c.count && c[i + 1] == "." && c[i + 2] == "." { cut(i, endsSentence: false); i += 2; start = i + 1; break }
                cut(i, endsSentence: true)
            case ":": cut(i, endsSentence: false)
            default: break
            }
            i += 1
        }
        if start < c.count { out.append((start..<c.count, sentence)) }
        // A clause listing several targets with commas: "…đạt 7%, thu nhập 45 triệu đồng".
        var split: [(Range<Int>, Bool)] = []
        for (r, s) in out {
            var pieces: [Range<Int>] = []
            var from = r.lowerBound
            var k = r.lowerBound
            while k < r.upperBound {
                if c[k] == ",", k + 1 < r.upperBound, c[k + 1] == " ",
                   hasNumber(c[from..<k]), hasNumber(c[(k + 1)..<r.upperBound]), !(k > 0 && c[k - 1].isNumber && k + 1 < c.count && c[k + 1].isNumber) {
                    pieces.append(from..<k)
                    from = k + 1
                } else if c[k] == " ", k + 4 < r.upperBound, c[k + 1] == "v", c[k + 2] == "à", c[k + 3] == " ",
                          hasNumber(c[from..<k]), hasNumber(c[(k + 4)..<r.upperBound]) {
                    pieces.append(from..<k)   // "có thêm 1 xã … và 6 bản …"
                    from = k + 4
                }
                k += 1
            }
            pieces.append(from..<r.upperBound)
            for (n, p) in pieces.enumerated() { split.append((p, s && n == 0)) }
        }
        return split
    }

    private func hasNumber(_ s: ArraySlice<Character>) -> Bool {
        numberTokens(String(s)).contains { !$0.isYear && !$0.isPerUnitPhrase }
    }

    // MARK: One statement

    struct Token {
        var text: String
        var value: Double
        /// Character range in the clause.
        var range: Range<Int>
        var unit: String?
        var isYear: Bool
        /// "1 ha" in "giá trị sản phẩm trên 1 ha": part of an indicator's name.
        var isPerUnitPhrase: Bool { value == 1 && (unit == "ha" || unit == "km2") }
    }

    static let unitWords: [String] = ["%", "triệu đồng/người/năm", "triệu đồng/người", "triệu đồng/năm", "triệu đồng/ha", "triệu đồng", "tỷ đồng", "tỉ đồng",
                                      "nghìn tỷ đồng", "nghìn tấn", "ngàn tấn", "tấn", "tạ/ha", "ha", "km", "lao động", "người", "hộ", "doanh nghiệp",
                                      "hợp tác xã", "tiêu chí", "xã", "thôn", "bản", "thôn, bản", "khu dân cư", "điểm %", "điểm phần trăm", "lượt",
                                      "trường", "bác sĩ", "giường bệnh", "công trình", "dự án", "sản phẩm", "km2", "lượt khách", "lượt người"]
    /// Words after a number that make it no target (meta talk about the report itself).
    static let notTargets = ["chỉ tiêu", "nhiệm vụ", "điểm cầu", "tập thể", "cá nhân", "đồng chí", "đại biểu", "giải pháp", "năm", "tháng", "ngày",
                             "lần", "cụm", "đoàn", "giấy khen", "bằng khen"]

    /// Numbers written in the clause, each with the unit words after it.
    func numberTokens(_ clause: String) -> [Token] {
        let c = Array(clause)
        var out: [Token] = []
        var i = 0
        while i < c.count {
            guard c[i].isNumber, c[i].isASCII, i == 0 || !(c[i - 1].isLetter || c[i - 1] == "/" || c[i - 1].isNumber) else { i += 1; continue }
            var j = i
            while j < c.count && (c[j].isNumber || ((c[j] == "." || c[j] == ",") && j + 1 < c.count && c[j + 1].isNumber)) { j += 1 }
            let tok = String(c[i..<j])
            // Dates (16/02/2023) and periods (2021-2025) are no targets.
            let dateLike = j < c.count && c[j] == "/" && j + 1 < c.count && c[j + 1].isNumber
            let value = VietNumber.value(tok, .vi) ?? VietNumber.value(tok, .en)
            var isYear = (tok.count == 4 && (1990...2100).contains(Int(tok) ?? 0)) || dateLike || (i > 0 && c[i - 1] == "/")
            if j < c.count, c[j] == "-" || c[j] == "–", j + 5 <= c.count, String(c[(j + 1)..<(j + 5)]).allSatisfy(\.isNumber), tok.count == 4 { isYear = true }
            var rest = String(c[j...]).trimmingCharacters(in: .whitespaces)
            if rest.hasPrefix("%") { rest = "%" + rest.dropFirst() }
            var lower = rest.lowercased()
            // A scale word before the unit: "280 nghìn lượt", "1,2 triệu tấn".
            var scale = ""
            for w in ["nghìn", "ngàn", "triệu", "tỷ", "tỉ", "vạn"] where lower.hasPrefix(w + " ") && !TargetExtractor.unitWords.contains(where: { lower.hasPrefix($0) }) {
                scale = w + " "
                lower = String(lower.dropFirst(w.count + 1))
            }
            func isWord(_ u: String) -> Bool { lower.hasPrefix(u) && (lower.count == u.count || !lower[lower.index(lower.startIndex, offsetBy: u.count)].isLetter) }
            var unit = TargetExtractor.unitWords.filter(isWord).max { $0.count < $1.count }.map { scale + $0 }
            if unit == nil, !scale.isEmpty { unit = String(scale.dropLast()) }
            if let value { out.append(Token(text: tok, value: value, range: i..<j, unit: unit, isYear: isYear)) }
            i = j
        }
        return out
    }

    static let cues = ["đạt", "phấn đấu", "tăng", "giảm", "thêm", "them", "ở mức", "giữ ở", "xây dựng", "thành lập", "huy động", "trở lên", "trên",
                       "dưới", "không quá", "khoảng", "có", "mục tiêu", "chỉ tiêu", "bằng", "lên", "còn", "tỷ lệ", "tốc độ"]

    func statement(_ clause: String, span: Range<Int>, inheritedKind: TargetStatement.Kind?) -> TargetStatement? {
        let lower = clause.lowercased()
        var tokens = numberTokens(clause).filter { !$0.isYear }
        // "trên 1 ha", "1 ha": part of an indicator's name (value per hectare), no target.
        tokens = tokens.filter { !$0.isPerUnitPhrase }
        tokens = tokens.filter { t in
            let after = String(Array(lower)[t.range.upperBound...]).trimmingCharacters(in: .whitespaces)
            return t.unit == "%" || !TargetExtractor.notTargets.contains { w in
                after.hasPrefix(w) && (after.count == w.count || !after[after.index(after.startIndex, offsetBy: w.count)].isLetter)
            }
        }
        guard !tokens.isEmpty else { return nil }
        guard TargetExtractor.cues.contains(where: { lower.contains($0) }) || tokens.contains(where: { $0.unit != nil }) else { return nil }
        let chars = Array(lower)
        func before(_ t: Token, _ n: Int) -> String { String(chars[max(0, t.range.lowerBound - n)..<t.range.lowerBound]) }
        func after(_ t: Token, _ n: Int) -> String { String(chars[t.range.upperBound..<min(chars.count, t.range.upperBound + n)]) }

        // "7 xã đạt từ 15-18 tiêu chí": how many units reach a standard.
        if tokens.count >= 2, let first = tokens.first, ["xã", "thôn", "bản", "hộ", "trường"].contains(first.unit ?? ""),
           tokens.dropFirst().contains(where: { $0.unit == "tiêu chí" || $0.unit == "%" }) {
            return TargetStatement(indicator: nil, value: first.value, unitWritten: first.unit, converted: nil, kind: .count,
                                   qualifier: .exact, text: clause, span: span, confidence: 0.5)
        }
        // "từ 10-11%", "15 - 18", "6,6 đến 6,8": a range is one value, starting at its first number.
        var rangeEnd: [Int: Token] = [:]
        for (a, b) in zip(tokens, tokens.dropFirst()) {
            let gap = String(chars[a.range.upperBound..<b.range.lowerBound]).trimmingCharacters(in: .whitespaces)
            if ["-", "–", "đến", "tới", "÷"].contains(gap) { rangeEnd[a.range.lowerBound] = b }
        }
        let ends = Set(rangeEnd.values.map(\.range.lowerBound))
        tokens = tokens.filter { !ends.contains($0.range.lowerBound) }
        // The target number: the one after a cue, else the first with a unit, else the first.
        var pick = tokens.first { t in
            let b = before(t, 14)
            return ["đạt", "mức", "thêm", "them", "tăng", "giảm", "là", "lên", "khoảng", "trên", "dưới", "quá", "còn", "thiểu", "nhất", "đa", "bằng"].contains { b.hasSuffix($0 + " ") || b.hasSuffix($0 + " từ ") }
        } ?? tokens.first { $0.unit != nil || rangeEnd[$0.range.lowerBound]?.unit != nil } ?? tokens[0]
        var st = TargetStatement(indicator: nil, value: pick.value, unitWritten: pick.unit, converted: nil, kind: .level,
                                 qualifier: .exact, text: clause, span: span, confidence: 0.6)
        if let next = rangeEnd[pick.range.lowerBound] {
            st.qualifier = .range
            st.value2 = next.value
            st.unitWritten = next.unit ?? pick.unit
            pick = Token(text: pick.text, value: pick.value, range: pick.range.lowerBound..<next.range.upperBound, unit: st.unitWritten, isYear: false)
        }
        let b = before(pick, 24), a = after(pick, 30)
        if st.qualifier != .range {
            if b.hasSuffix("khoảng ") || b.hasSuffix("gần ") || b.hasSuffix("xấp xỉ ") { st.qualifier = .about }
            if b.hasSuffix("trên ") || b.hasSuffix("hơn ") { st.qualifier = .atLeast; st.strict = true }
            if b.hasSuffix("ít nhất ") || b.hasSuffix("tối thiểu ") || b.hasSuffix("không dưới ") || a.contains("trở lên") { st.qualifier = .atLeast; st.strict = false }
            if b.hasSuffix("dưới ") && !b.hasSuffix("không dưới ") { st.qualifier = .atMost; st.strict = true }
            if b.hasSuffix("không quá ") || b.hasSuffix("tối đa ") || a.contains("trở xuống") { st.qualifier = .atMost; st.strict = false }
        }
        // Kind.
        let near = before(pick, 16)
        let startsWithNumber = String(chars[..<pick.range.lowerBound]).trimmingCharacters(in: CharacterSet(charactersIn: " -–•+*")).isEmpty
        if near.contains("thêm") || near.contains("them ") || (b.contains("xây dựng") && !lower.contains("tỷ lệ")) || (inheritedKind == .increment && startsWithNumber) {
            st.kind = .increment
        } else if st.unitWritten == "%" && (lower.contains("tăng") || lower.contains("tăng trưởng")) && !lower.contains("tỷ lệ hộ") {
            st.kind = .growth
        }
        return st
    }

    /// "riêng các huyện nghèo giảm 5,1%", "trong đó …": a part's target, not the unit's.
    func isSubTarget(_ clause: String) -> Bool {
        let l = VietFold.loose(clause)
        return l.hasPrefix("rieng ") || l.hasPrefix("trong do ") || l.contains(" rieng cac ") || l.hasPrefix("rieng")
    }

    // MARK: Placing

    /// Words that say nothing about which indicator is meant.
    static let stopWords: Set<String> = ["so", "ty", "le", "cua", "va", "tren", "dia", "ban", "nam", "dat", "tong", "binh", "quan", "cac", "duoc",
                                         "moi", "muc", "toan", "xa", "hoi", "phan", "dau", "chi", "tieu", "lu", "ke", "co"]

    func place(_ st: TargetStatement, context: String = "") -> TargetStatement? {
        guard st.kind != .count else { return nil }
        let clauseText = context.isEmpty ? st.text : context + " " + st.text
        let clauseWords = words(clauseText)
        let says = VietFold.loose(clauseText)
        let decrease = says.contains("giam ")
        var best: (Indicator, Double, Double)? = nil  // indicator, score, converted
        // Only indicators that take a plan: base data (population, area) have no targets.
        for ind in template.indicators where ind.planned {
            var score = 0.0
            for full in [ind.name] + ind.aliases {
                // "(đa chiều)", "(lũy kế)", "(giá so sánh 2010)" say how, not what.
                let name = full.replacingOccurrences(of: #"\s*\([^)]*\)"#, with: "", options: .regularExpression)
                let w = words(name)
                let content = w.filter { !TargetExtractor.stopWords.contains($0) }
                guard !content.isEmpty else { continue }
                let matched = content.filter { clauseWords.contains($0) }.count
                let hit = Double(matched) / Double(content.count)
                // A whole name or alias as a phrase counts most; among partial matches, the
                // one that matches more words (a two-word name is matched too easily).
                let s = says.contains(VietFold.loose(name)) ? 1.2 + 0.02 * Double(matched) : hit + (hit >= 0.6 ? 0.05 * Double(matched) : 0)
                score = max(score, s)
            }
            guard score >= 0.6, let conv = convert(st, to: ind, strongMatch: score >= 1.0) else { continue }
            // A growth statement fits a growth indicator better, a level one a level indicator.
            var s = score
            if case .growth = ind.aggregation { s += st.kind == .growth ? 0.3 : -0.3 }
            // "tỷ lệ hộ nghèo giảm 3,6%" is the decrease ("Mức giảm tỷ lệ hộ nghèo"), not the rate.
            let isDecrease = VietFold.loose(ind.name).contains("giam")
            if isDecrease { s += decrease ? 0.5 : -0.5 }
            if st.kind == .increment && !(ind.name.lowercased().contains("lũy kế") || ind.unitText.contains("/") || ind.kind == .integer) { s -= 0.2 }
            if s > (best?.1 ?? 0) { best = (ind, s, conv) }
        }
        guard let (ind, score, conv) = best else { return nil }
        var out = st
        out.indicator = ind.code
        out.converted = conv
        if out.qualifier == .range, let v2 = st.value2 { out.value2 = v2 * (conv / max(st.value, 1e-12)) }
        out.confidence = min(0.95, 0.5 + score * 0.35)
        return out
    }

    /// The value in the indicator's unit, or nil when the written unit cannot be it.
    func convert(_ st: TargetStatement, to ind: Indicator, strongMatch: Bool = false) -> Double? {
        let target = ind.unit
        guard let w = st.unitWritten else {
            // A bare number: for counts (xã, doanh nghiệp…), plain indicators, or when the
            // clause names the indicator in full ("Số bác sĩ/vạn dân đạt 11").
            return ind.kind == .integer || target == nil || ind.unitText.isEmpty || strongMatch ? st.value : nil
        }
        if w == "%" || w.hasPrefix("điểm") {
            return ind.kind == .percent || ind.unit?.base == "%" || ind.unit?.base == "diem %" ? st.value : nil
        }
        guard let target else { return st.value }
        var written = w
        for suffix in ["/năm", "/người/năm"] where written.hasSuffix(suffix) {
            written = String(written.dropLast(suffix.count)) + (suffix == "/người/năm" ? "/người" : "")
        }
        guard let mu = MeasureUnit(written) else { return nil }
        if let f = mu.factor(to: target) { return st.value * f }
        // "24 triệu đồng" for triệu đồng/người, "37 triệu đồng" for triệu đồng/ha: the
        // per-unit part is in the indicator's name.
        if let first = MeasureUnit(ind.unitText.split(separator: "/").first.map(String.init) ?? ""), let f = mu.factor(to: first), !mu.base.contains("/") {
            return st.value * f
        }
        // "7 bản" for "thôn, bản".
        if target.base.split(separator: " ").contains(where: { mu.base == String($0) }) { return st.value }
        return nil
    }

    /// Content syllables; "diện tích" (area) says nothing about which area is meant.
    func words(_ s: String) -> Set<String> {
        Set(VietFold.loose(s).replacingOccurrences(of: "dien tich", with: " ").split(separator: " ").map(String.init))
    }
}

