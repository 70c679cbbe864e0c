import Foundation
import SheetIO

/// Finds who reported and for which period: the hidden sheet, the CSV identification
/// lines, the title block above the table, the file name; and says when they disagree.
enum Identification {
    /// What the file name and the hidden sheet say of the period, worked out once a file.
    struct FileClues {
        /// The file name without folder and extension.
        var base: String
        var metaPeriod: Period?
        var filePeriod: Period?
        /// The file name gives only a year ("…_2024.xlsx", no "năm", "cả năm", months or
        /// quarter): any period of that year agrees with it.
        var fileBareYear = false

        init(fileName: String, meta: SubmissionReader.Meta) {
            base = ((fileName as NSString).lastPathComponent as NSString).deletingPathExtension
            metaPeriod = meta.period.flatMap { Period($0) }
            filePeriod = Identification.periodInFileName(base)
            fileBareYear = filePeriod?.span == .year && Identification.periodInWords(base, yearNeedsMarker: true) == nil
                && !VietFold.loose(base).utf8Contains("nam")
        }
    }

    static func identify(_ s: inout Submission, sheet: Sheet, header: TableHeader, meta: SubmissionReader.Meta,
                         template t: Template, clues: FileClues, csv: Bool) {
        let file = s.file
        // 1. Hidden sheet.
        var metaUnit: ReportingUnit? = nil
        if let code = meta.unitCode {
            metaUnit = t.unit(code)
            if metaUnit == nil {
                s.findings.append(Finding(.unitUnknown, file: file, sheet: FormLayout.metaSheet, value: code,
                    vi: "biểu ghi mã đơn vị \(code), mẫu \(t.id) không có đơn vị này", en: "the form names unit \(code), which template \(t.id) does not have"))
            }
        }
        let metaPeriod = clues.metaPeriod

        // 2. Title block (and the CSV identification lines).
        var titleUnit: (ReportingUnit, CellRef)? = nil
        var titleUnitText = ""
        var titlePeriod: (Period, CellRef)? = nil
        var titlePeriods: [(Period, CellRef)] = []
        for row in sheet.rows where row.index < header.row {
            let texts = row.cells.compactMap { c -> (String, CellRef)? in
                guard case .text(let x) = c.value else { return nil }
                return (x, CellRef(row: row.index, column: c.column))
            }
            // CSV identification lines: "Đơn vị;107;Mường Tè", "Kỳ báo cáo;2024;năm 2024".
            if csv, let first = texts.first {
                let label = VietFold.loose(first.0)
                if label == "don vi" || label == "don vi bao cao", texts.count >= 2 {
                    if let u = t.unit(texts[1].0.trimmedSpaces) ?? matchUnit(texts[1].0, t) { titleUnit = (u, texts[1].1); titleUnitText = texts[1].0 }
                    continue
                }
                if label == "ky bao cao" || label == "ky", texts.count >= 2, let p = Period(texts[1].0) ?? periodIn(texts[1].0) {
                    titlePeriod = (p, texts[1].1)
                    continue
                }
            }
            for (text, ref) in texts {
                let l = VietFold.loose(text)
                if l.hasPrefix("don vi nhan") || l.hasPrefix("noi nhan") || l.hasPrefix("gui ve") { continue }
                if titleUnit == nil || l.hasPrefix("don vi bao cao"), let u = matchUnit(text, t) { titleUnit = (u, ref); titleUnitText = text }
                if let p = periodIn(text) {
                    if l.hasPrefix("ky bao cao") { titlePeriod = (p, ref) } else { titlePeriods.append((p, ref)) }
                }
            }
        }
        // Value headers that name a span ("Thực hiện đến 30/6/2023", "Ước TH 6 tháng 2024")
        // refine the title's year like a title line would.
        if let key = t.estimateColumn?.key, let c = header.values[key], let hp = headerSpan(header.texts[c] ?? "",
               previous: t.previousColumn.flatMap { header.values[$0.key] }.flatMap { header.texts[$0] }) {
            titlePeriods.append((hp, CellRef(row: header.row, column: c)))
        }
        // "Kỳ báo cáo: …" says it; else the title's periods, a span refining a bare year.
        if titlePeriod == nil, !titlePeriods.isEmpty {
            let (p, all) = reconcile(titlePeriods.map(\.0))
            if let p, let at = titlePeriods.first(where: { $0.0 == p }) {
                titlePeriod = (p, at.1)
            } else {
                s.findings.append(Finding(.periodMismatch, file: file, sheet: s.sheet, cell: titlePeriods[0].1, value: all.map { $0.label(.vi) }.joined(separator: " | "),
                    vi: "tiêu đề ghi nhiều kỳ khác nhau: \(all.map { $0.label(.vi) }.joined(separator: ", ")); không biết biểu là kỳ nào. Sửa tiêu đề cho đúng một kỳ",
                    en: "the title names several periods: \(all.map { $0.label(.en) }.joined(separator: ", ")); which one the form is for cannot be told. Make the title name one period"))
            }
        }

        // 3. File name.
        let base = clues.base
        var fileUnit = matchUnitInFileName(base, t)
        let filePeriod = clues.filePeriod

        // Decide: the period first, then the unit of that period's era (a code or a name
        // may name one unit before the 2025 reform and another after it).
        if let p = metaPeriod { s.period = p; s.periodSource = .metadata }
        else if let (p, _) = titlePeriod { s.period = p; s.periodSource = csv ? .csvColumns : .titleBlock }
        else if let p = filePeriod { s.period = p; s.periodSource = .fileName }
        else if let y = header.years[t.estimateColumn?.key ?? ""] ?? header.years[t.planColumn?.key ?? ""] { s.period = Period(year: y); s.periodSource = .titleBlock }
        if let date = s.period?.referenceDate {
            if let u = metaUnit, !u.isValid(on: date), let v = t.unit(u.code, on: date) { metaUnit = v }
            if let (u, ref) = titleUnit, !u.isValid(on: date),
               let v = t.unit(titleUnitText.trimmedSpaces, on: date) ?? matchUnit(titleUnitText, t, on: date) { titleUnit = (v, ref) }
            if let u = fileUnit, !u.isValid(on: date), let v = matchUnitInFileName(base, t, on: date) { fileUnit = v }
        }
        if let u = metaUnit { s.unit = u; s.unitSource = .metadata }
        else if let (u, _) = titleUnit { s.unit = u; s.unitSource = csv ? .csvColumns : .titleBlock }
        else if let u = fileUnit { s.unit = u; s.unitSource = .fileName }

        // Disagreements.
        if let u = s.unit {
            // Units compared whole, not by code: a code names one unit before the 2025
            // reform and another after it.
            if let fu = fileUnit, fu != u {
                s.findings.append(Finding(.unitMismatch, file: file, value: base, expected: u.name,
                    vi: "tên tệp chỉ đơn vị \(FormBuilder.unitTitle(fu)) nhưng biểu là của \(FormBuilder.unitTitle(u)) (theo \(sourceText(s.unitSource, .vi)))",
                    en: "the file name says \(fu.name) but the form is \(u.name)'s (from the \(sourceText(s.unitSource, .en)))"))
            }
            if let (tu, ref) = titleUnit, tu != u, s.unitSource == .metadata {
                s.findings.append(Finding(.titleMismatch, file: file, sheet: s.sheet, cell: ref, value: FormBuilder.unitTitle(tu), expected: FormBuilder.unitTitle(u),
                    vi: "tiêu đề ghi \(FormBuilder.unitTitle(tu)) nhưng biểu được tạo cho \(FormBuilder.unitTitle(u))",
                    en: "the title says \(tu.name) but the form was made for \(u.name)"))
            }
        } else {
            s.findings.append(Finding(.unitUnknown, file: file, sheet: s.sheet,
                vi: "không xác định được đơn vị báo cáo (không có trang _tonghop, tiêu đề và tên tệp không nêu đơn vị nào của mẫu \(t.id))",
                en: "the reporting unit cannot be identified (no _tonghop sheet; neither the title nor the file name names a unit of template \(t.id))"))
        }
        if let p = s.period {
            if let fp = filePeriod, fp != p, !(clues.fileBareYear && fp.year == p.year) {
                s.findings.append(Finding(.periodMismatch, file: file, value: base, expected: p.description,
                    vi: "tên tệp chỉ kỳ \(fp.label(.vi)) nhưng biểu là kỳ \(p.label(.vi))",
                    en: "the file name says \(fp.label(.en)) but the form is for \(p.label(.en))"))
            }
            if let (tp, ref) = titlePeriod, tp != p, s.periodSource == .metadata {
                s.findings.append(Finding(.periodMismatch, file: file, sheet: s.sheet, cell: ref, value: tp.label(.vi), expected: p.label(.vi),
                    vi: "tiêu đề ghi kỳ \(tp.label(.vi)) nhưng biểu được tạo cho kỳ \(p.label(.vi))",
                    en: "the title says \(tp.label(.en)) but the form was made for \(p.label(.en))"))
            }
            // Header years: the estimate column must be the period's year, the previous one the year before.
            for (key, y) in header.years {
                guard let col = t.column(key), let c = header.values[key] else { continue }
                let want = col.role == .previous ? p.year - 1 : p.year
                if y != want {
                    s.findings.append(Finding(.periodMismatch, file: file, sheet: s.sheet, cell: CellRef(row: header.row, column: c),
                        column: key, value: String(y), expected: String(want),
                        vi: "cột \"\(col.label(for: p))\" ghi năm \(y), kỳ báo cáo \(p.label(.vi)) cần năm \(want)",
                        en: "column \"\(col.label(for: p))\" says \(y); period \(p.label(.en)) needs \(want)"))
                }
            }
            if let u = s.unit, u.level != .province, !u.isValid(on: p.referenceDate) {
                s.findings.append(Finding(.unitNotReporting, file: file, value: u.code,
                    vi: "\(FormBuilder.unitTitle(u)) không còn là đơn vị báo cáo vào \(p.referenceDate) (hiệu lực \(u.validFrom ?? "…")–\(u.validTo ?? "…"))",
                    en: "\(u.name) is not a reporting unit on \(p.referenceDate) (valid \(u.validFrom ?? "…")–\(u.validTo ?? "…"))"))
            }
        } else {
            s.findings.append(Finding(.periodUnknown, file: file, sheet: s.sheet,
                vi: "không xác định được kỳ báo cáo (ghi \"Kỳ báo cáo: năm 2024\" trong tiêu đề, hoặc đặt tên tệp có kỳ, ví dụ ..._2024-6T.xlsx)",
                en: "the period cannot be identified (write \"Kỳ báo cáo: năm 2024\" in the title, or put it in the file name, e.g. ..._2024-6T.xlsx)"))
        }
        checkTemplate(&s, t, file: file, sheet: FormLayout.metaSheet)
    }

    /// The template the file says it was made from, against the one it is read with.
    static func checkTemplate(_ s: inout Submission, _ t: Template, file: String, sheet: String) {
        if let id = s.templateID, id != t.id {
            s.findings.append(Finding(.otherTemplate, file: file, sheet: sheet, value: id, expected: t.id,
                vi: "biểu được tạo từ mẫu \"\(id)\", không phải mẫu \"\(t.id)\"", en: "the form was made from template \"\(id)\", not \"\(t.id)\""))
        } else if let v = s.templateVersion, v != t.version {
            s.findings.append(Finding(.templateVersion, file: file, sheet: sheet, value: String(v), expected: String(t.version),
                vi: "biểu theo phiên bản \(v) của mẫu, phiên bản hiện hành là \(t.version); nên lấy biểu mới",
                en: "the form is version \(v) of the template; the current version is \(t.version)"))
        }
    }

    static func sourceText(_ s: Submission.Source?, _ lang: Language) -> String {
        switch (s, lang) {
        case (.metadata, .vi): return "trang _tonghop"
        case (.metadata, .en): return "_tonghop sheet"
        case (.titleBlock, .vi): return "tiêu đề"
        case (.titleBlock, .en): return "title"
        case (.csvColumns, .vi): return "dòng đơn vị của CSV"
        case (.csvColumns, .en): return "CSV unit line"
        default: return lang == .vi ? "tên tệp" : "file name"
        }
    }

    /// The unit a text names: "(mã 107)", a code alone, or a unit's name or alias as whole
    /// words (tone kept when the text has marks; loose only for unmarked text).
    static func matchUnit(_ text: String, _ t: Template, on date: String? = nil) -> ReportingUnit? {
        // Title lines recur in every file of a batch: remember the answer, by the text and
        // a number naming the template's unit index and the date ("YYYY-MM-DD" as
        // YYYYMMDD); a date of another shape takes a key of text.
        let index = unitIndex(t)
        var day = 0
        if let date {
            guard let d = dateCode(date) else {
                let memoKey = "\(t.id)#\(t.version)#\(t.sourcePath ?? "")\u{1}\(text)\u{1}\(date)"
                return unitMemo.value(memoKey) { _ in computeMatchUnit(text, t, on: date) }
            }
            day = d
        }
        return unitMemo.value(text, extra: -(index.serial &* 100_000_000 &+ day)) { _ in computeMatchUnit(text, t, on: date) }
    }

    /// "2025-12-31" → 20251231; nil for any other shape.
    static func dateCode(_ date: String) -> Int? {
        let b = Array(date.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        var n = 0
        for (i, c) in b.enumerated() where i != 4 && i != 7 {
            guard c >= 48 && c <= 57 else { return nil }
            n = n * 10 + Int(c - 48)
        }
        return n
    }
    private static let unitMemo = TextMemo<ReportingUnit?>(limit: 50_000)

    private static func computeMatchUnit(_ text: String, _ t: Template, on date: String?) -> ReportingUnit? {
        let trimmed = text.trimmedSpaces
        func valid(_ u: ReportingUnit) -> Bool { date.map { u.isValid(on: $0) } ?? true }
        if let u = date.flatMap({ t.unit(trimmed, on: $0) }) ?? t.unit(trimmed), valid(u) { return u }
        let lt = VietFold.loose(text)
        // "(mã 107)", "mã đơn vị: 12-KT".
        // (No "ma" in the folded text: no "mã" in any spelling, and no Foundation search.)
        let lower = lt.utf8Contains("ma") ? text.lowercased() : ""
        for marker in lower.isEmpty ? [] : ["mã đơn vị:", "mã đơn vị", "mã:", "mã"] {
            guard let r = lower.range(of: marker) else { continue }
            let rest = String(lower[r.upperBound...]).trimmedSpaces
            let code = rest.prefix { !$0.isWhitespace && $0 != ")" && $0 != "," && $0 != ";" }
            if let u = t.units.first(where: { $0.code.lowercased() == code && valid($0) }) { return u }
        }
        let marked = VietFold.hasMarks(text)
        // Every run of consecutive words of the text, looked up in the units' name index
        // (a province has up to a few thousand communes: no scan over all of them).
        let words = (marked ? VietFold.key(text) : lt).split(separator: " ").map(String.init)
        let index = unitIndex(t)
        let table = marked ? index.byKey : index.byLoose
        var best: (ReportingUnit, Int)? = nil
        let prefixes = marked ? index.prefixKeys : index.prefixLoose
        for i in words.indices {
            var phrase = ""
            for j in i..<min(words.count, i + index.maxWords) {
                phrase += (j > i ? " " : "") + words[j]
                // Only a phrase that begins some name can grow into one.
                guard prefixes.contains(TextKey(text: phrase)) else { break }
                guard phrase.utf8.count >= 3, let hits = table[TextKey(text: phrase)] else { continue }
                for u in hits where valid(u) {
                    // The province's own name inside a district's ("tỉnh Lai Châu" in "Thành phố Lai Châu") loses to the longer match.
                    let score = phrase.count + (u.level == .province ? -100 : 0)
                    if score > (best?.1 ?? Int.min) { best = (u, score) }
                }
            }
        }
        return best?.0
    }

    /// The units' names and aliases, with and without administrative prefix, folded both
    /// ways, indexed by the folded name; built once per template. Keyed by the folded
    /// text's bytes (``TextKey``): `String` keys normalised every phrase looked up, and a
    /// title line looks up dozens. The folds give precomposed text whatever the input's
    /// form, so equal names have equal bytes.
    final class UnitIndex: @unchecked Sendable {
        /// Names this index in memo keys (``MemoSerial``: never reused).
        let serial = MemoSerial.next()
        var byKey: [TextKey: [ReportingUnit]] = [:]
        var byLoose: [TextKey: [ReportingUnit]] = [:]
        var maxWords = 1
        /// The leading words of every name in ``byKey`` and in ``byLoose`` ("thanh", "thanh
        /// pho", "thanh pho lai", …): a phrase of a title that begins no name stops growing.
        var prefixKeys: Set<TextKey> = []
        var prefixLoose: Set<TextKey> = []
        /// Built by ``unitIndex(_:)`` and never changed after.
        fileprivate init() {}
    }

    /// The template's unit index, built once per template (id, version and file).
    static func unitIndex(_ t: Template) -> UnitIndex {
        // The index this thread used last, when it is the same template's (a batch asks
        // thousands of times for one template's): no key built, no lock taken.
        let last = lastIndex.value { LastIndex() }
        if let hit = last.index, last.id == t.id, last.version == t.version, last.path == t.sourcePath { return hit }
        let index = sharedIndex(t)
        (last.id, last.version, last.path, last.index) = (t.id, t.version, t.sourcePath, index)
        return index
    }
    private final class LastIndex {
        var id = "", version = 0, path: String? = nil
        var index: UnitIndex? = nil
    }
    private static let lastIndex = PerThread<LastIndex>()

    private static func sharedIndex(_ t: Template) -> UnitIndex {
        let key = "\(t.id)#\(t.version)#\(t.sourcePath ?? "")"
        needleLock.lock()
        defer { needleLock.unlock() }
        if let hit = indexCache[key] { return hit }
        let index = UnitIndex()
        for u in t.units {
            var names = Set<String>()
            for n in [u.name] + u.aliases { names.insert(n); names.insert(VietFold.withoutAdministrativePrefix(n)) }
            for n in names {
                // Folded directly, not through the memos: each name is folded once here, and
                // 13,000 names of the country's communes would only crowd the memos.
                let k = VietFold.computeKey(n), l = VietFold.computeLoose(n)
                if !(index.byKey[TextKey(text: k)]?.contains(u) ?? false) { index.byKey[TextKey(text: k), default: []].append(u) }
                if !(index.byLoose[TextKey(text: l)]?.contains(u) ?? false) { index.byLoose[TextKey(text: l), default: []].append(u) }
                index.maxWords = max(index.maxWords, k.split(separator: " ").count, l.split(separator: " ").count)
            }
        }
        // Phrases are words joined by one space: a name's leading words are what precede each of its spaces.
        func prefixes(_ name: String) -> [TextKey] {
            let parts = name.split(separator: " ", omittingEmptySubsequences: false)
            return parts.indices.map { TextKey(text: parts[...$0].joined(separator: " ")) }
        }
        for name in index.byKey.keys { index.prefixKeys.formUnion(prefixes(name.text)) }
        for name in index.byLoose.keys { index.prefixLoose.formUnion(prefixes(name.text)) }
        indexCache[key] = index
        return index
    }
    nonisolated(unsafe) private static var indexCache: [String: UnitIndex] = [:]
    private static let needleLock = NSLock()

    static func matchUnitInFileName(_ base: String, _ t: Template, on date: String? = nil) -> ReportingUnit? {
        // The template id names no unit ("lai-chau-ktxh" is not Thành phố Lai Châu).
        let base = asciiReplacing(base, t.id) ?? base.replacingOccurrences(of: t.id, with: " ")
        let tokens = base.split(whereSeparator: { $0 == "_" || $0 == " " || $0 == "." }).map(String.init)
        func unit(_ code: String) -> ReportingUnit? { date.map { t.unit(code, on: $0) } ?? t.unit(code) }
        for tok in tokens { if let u = unit(tok) { return u } }
        // "lai-chau-ktxh_107-muong-te_2024": code before the name slug.
        for tok in tokens {
            let first = tok.split(separator: "-").first.map(String.init) ?? tok
            if let u = unit(first), u.level != .province { return u }
        }
        let spaced = base.utf8.allSatisfy({ $0 < 0x80 })
            ? String(decoding: base.utf8.map { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            : base.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        return matchUnit(spaced, t, on: date).flatMap { $0.level == .province ? nil : $0 }
    }

    /// Every occurrence of `needle` in `text` replaced by one space, left to right, when
    /// both are ASCII (a file name and a template id usually are); nil otherwise, for
    /// Foundation's search. For ASCII text the two agree: no letter has another spelling.
    static func asciiReplacing(_ text: String, _ needle: String) -> String? {
        let h = Array(text.utf8), n = Array(needle.utf8)
        guard !n.isEmpty, h.allSatisfy({ $0 < 0x80 }), n.allSatisfy({ $0 < 0x80 }) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(h.count)
        var i = 0
        while i < h.count {
            if i + n.count <= h.count, h[i] == n[0], h[i..<(i + n.count)].elementsEqual(n) {
                out.append(UInt8(ascii: " "))
                i += n.count
            } else {
                out.append(h[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The period the title block names: the first text above the table's header row (the
    /// first row with a "Mã" or "Chỉ tiêu" header) that names one.
    static func titlePeriod(_ sheet: Sheet, matcher: HeaderMatcher) -> Period? {
        var found: [Period] = []
        rows: for row in sheet.rows.prefix(40) {
            for c in row.cells {
                guard case .text(let x) = c.value, x.utf8.count <= 300 else { continue }
                if let r = matcher.role(of: x.trimmedSpaces), r == .code || r == .name { break rows }
                if let p = periodIn(x) { found.append(p) }
            }
        }
        return reconcile(found).0
    }

    /// The unit a sheet's title block names (the rows above its header), valid on `date`
    /// when given; the receiving office's lines are skipped.
    static func titleUnit(_ sheet: Sheet, above header: Int, template t: Template, on date: String?) -> ReportingUnit? {
        var found: ReportingUnit? = nil
        for row in sheet.rows where row.index < header {
            for c in row.cells {
                guard case .text(let x) = c.value, x.utf8.count <= 300 else { continue }
                let l = VietFold.loose(x)
                if l.hasPrefix("don vi nhan") || l.hasPrefix("noi nhan") || l.hasPrefix("gui ve") { continue }
                if found == nil || l.hasPrefix("don vi bao cao"), let u = matchUnit(x, t, on: date) ?? matchUnit(x, t) { found = u }
            }
        }
        return found
    }

    /// "năm 2024", "6 tháng đầu năm 2024", "9 THÁNG NĂM 2024", "quý III/2024", "2024-6T".
    static func periodIn(_ text: String) -> Period? {
        // Title lines recur in every file of a batch: remember the answer.
        periodMemo.value(text) { computePeriodIn($0) }
    }
    private static let periodMemo = TextMemo<Period?>(limit: 50_000)

    private static func computePeriodIn(_ text: String) -> Period? {
        if let p = Period(text.trimmedSpaces) { return p }
        let l = VietFold.loose(text)
        if let p = periodFromDates(l) { return p }
        // "Mường Tè, ngày 20 tháng 6 năm 2024" dates the paper; it names no period.
        if l.utf8Contains("ngay") && l.utf8Contains("thang") && (l.utf8Contains(" nam ") || l.hasSuffix(" nam")) && !l.utf8Contains("dau nam") {
            let words = l.split(separator: " ")
            if let i = words.firstIndex(of: "ngay"), i + 2 < words.count, words[i + 2] == "thang" || words[i + 1] == "…" || words[i + 1].allSatisfy(\.isNumber) {
                return nil
            }
        }
        return periodInWords(text, yearNeedsMarker: true)
    }

    /// A period given by its end date: "từ 01/01/2024 đến 30/6/2024", "tính đến ngày
    /// 30/9/2024", "đến ngày 30 tháng 6 năm 2024". Cumulative from 1 January: 30/6 is the
    /// 6-month report, 30/9 the 9-month one, 31/12 the year; from the first day of a
    /// quarter to its last, that quarter. `folded` is ``VietFold/loose(_:)`` text.
    static func periodFromDates(_ folded: String) -> Period? {
        guard folded.utf8Contains("den") || folded.utf8Contains("toi") else { return nil }
        let words = folded.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        /// Day, month, year from `j` on, skipping "ngày", "tháng", "năm".
        func date(from j: Int) -> (d: Int, m: Int, y: Int)? {
            var nums: [Int] = []
            var k = j
            while k < words.count, nums.count < 3 {
                if let n = Int(words[k]) { nums.append(n) } else if !["ngay", "thang", "nam"].contains(words[k]) { break }
                k += 1
            }
            guard nums.count == 3, (1...31).contains(nums[0]), (1...12).contains(nums[1]), (1990...2100).contains(nums[2]) else { return nil }
            return (nums[0], nums[1], nums[2])
        }
        for (i, w) in words.enumerated() where w == "den" || w == "toi" {
            guard let end = date(from: i + 1) else { continue }
            var startMonth = 1
            if let t = words[..<i].lastIndex(where: { $0 == "tu" }), let start = date(from: t + 1) {
                guard start.d == 1, start.y == end.y else { return nil }
                startMonth = start.m
            }
            switch (end.d, end.m, startMonth) {
            case (30, 6, 1): return Period(year: end.y, span: .months(6))
            case (30, 9, 1): return Period(year: end.y, span: .months(9))
            case (31, 12, 1): return Period(year: end.y)
            case (31, 3, 1): return Period(year: end.y, span: .quarter(1))
            case (30, 6, 4): return Period(year: end.y, span: .quarter(2))
            case (30, 9, 7): return Period(year: end.y, span: .quarter(3))
            case (31, 12, 10): return Period(year: end.y, span: .quarter(4))
            default: return nil
            }
        }
        return nil
    }

    /// Of the periods a title block names, the one it means: a span (6 or 9 months, a
    /// quarter) is more specific than a year ("BÁO CÁO … NĂM 2024" over "Từ 01/01/2024 đến
    /// 30/6/2024"); among years only, the first (titles name the plan's next year too:
    /// "… năm 2024 và kế hoạch năm 2025"). Two different spans disagree: nil, and the
    /// periods for the finding.
    static func reconcile(_ periods: [Period]) -> (Period?, [Period]) {
        var distinct: [Period] = []
        for p in periods where !distinct.contains(p) { distinct.append(p) }
        let spans = distinct.filter { $0.span != .year }
        switch spans.count {
        case 0: return (distinct.first, distinct)
        case 1: return (spans[0], distinct)
        default: return (nil, spans)
        }
    }

    /// The span the estimate column's header names ("Ước TH 6 tháng 2024", "Thực hiện đến
    /// 30/6/2024"), when the previous year's column, if it names one, names the same; nil
    /// for a whole year or none.
    static func headerSpan(_ estimate: String, previous: String?) -> Period? {
        func span(_ t: String) -> Period? { periodFromDates(VietFold.loose(t)) ?? periodInWords(t, yearNeedsMarker: false) }
        guard let p = span(estimate), p.span != .year else { return nil }
        if let prev = previous.flatMap(span), prev.span != p.span { return nil }
        return p
    }

    static func periodInFileName(_ base: String) -> Period? {
        // "BC KTXH den 30.9.2024": the end date names the span.
        if let p = periodFromDates(VietFold.loose(base)) { return p }
        let tokens = base.split(whereSeparator: { $0 == "_" || $0 == " " }).map(String.init)
        var bareYear: Period? = nil
        for tok in tokens.reversed() {
            guard let p = Period(tok) else { continue }
            if p.span != .year || !tok.allSatisfy(\.isNumber) { return p }
            if bareYear == nil { bareYear = p }  // the last token that is a year
        }
        // "bao-cao-6t-2024": hyphen-joined neighbours.
        let parts = base.lowercased().split(whereSeparator: { $0 == "_" || $0 == " " || $0 == "-" }).map(String.init)
        for (i, p) in parts.enumerated() where HeaderMatcher.year(in: p) != nil && p.count == 4 {
            if i + 1 < parts.count, let q = Period("\(p)-\(parts[i + 1])"), q.span != .year { return q }
            if i > 0, let q = Period("\(parts[i - 1])-\(p)"), q.span != .year { return q }
        }
        // Words: "BC 6 thang dau nam 2024 - Tan Uyen", "BC_6T_2024", "Q3-2024", "quy III 2024".
        let inWords = periodInWords(base, yearNeedsMarker: false)
        if let p = inWords, p.span != .year { return p }
        return bareYear ?? inWords
    }

    /// A period named in words, with or without diacritics, spaces or underscores: "6 tháng
    /// (đầu năm)", "sáu tháng", "6T", "9 tháng", "quý III", "quý 3", "Q3", "cả năm", "năm";
    /// the first span named wins ("6 tháng đầu năm, ước cả năm 2024" is the 6-month
    /// report). Without a span, a year alone is the year's period when `yearNeedsMarker`
    /// is false, else only after "năm" or "kỳ báo cáo".
    static func periodInWords(_ text: String, yearNeedsMarker: Bool) -> Period? {
        let folded = VietFold.loose(text)
        // Words are runs of letters and digits; for ASCII text (the folded text nearly
        // always is) those are the bytes a–z, A–Z, 0–9, found without Unicode properties.
        let words: [String]
        if folded.utf8.allSatisfy({ $0 < 0x80 }) {
            func isWordByte(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
            words = folded.utf8.split(whereSeparator: { !isWordByte($0) }).map { String(decoding: $0, as: UTF8.self) }
        } else {
            words = folded.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        }
        let years = words.indices.filter { words[$0].count == 4 && Int(words[$0]).map { (1990...2100).contains($0) } == true }
        guard !years.isEmpty else { return nil }
        /// The year a span at `i` belongs to: the first one after it, else the last before it.
        func year(near i: Int) -> Int { Int(words[years.first { $0 > i } ?? years.last!])! }
        let romans = ["i": 1, "ii": 2, "iii": 3, "iv": 4]
        for (i, w) in words.enumerated() {
            let next = i + 1 < words.count ? words[i + 1] : ""
            if ["6t", "9t"].contains(w) { return Period(year: year(near: i), span: .months(w == "6t" ? 6 : 9)) }
            if ["6", "sau", "9", "chin"].contains(w) && (next == "thang" || next == "t") {
                return Period(year: year(near: i), span: .months(w == "6" || w == "sau" ? 6 : 9))
            }
            if w == "quy" || w == "q", let q = romans[next] ?? Int(next).flatMap({ (1...4).contains($0) ? $0 : nil }) {
                return Period(year: year(near: i), span: .quarter(q))
            }
            if w.count <= 4, w.hasPrefix("q"), let q = romans[String(w.dropFirst())] ?? Int(w.dropFirst()).flatMap({ (1...4).contains($0) ? $0 : nil }) {
                return Period(year: year(near: i), span: .quarter(q))
            }
            if w == "ca" && next == "nam" { return Period(year: year(near: i)) }
        }
        // A year alone: in a file name the last one; in a title only after "năm" or "kỳ báo cáo".
        if !yearNeedsMarker { return Period(year: Int(words[years.last!])!) }
        if let y = years.first(where: { $0 > 0 && words[$0 - 1] == "nam" }) { return Period(year: Int(words[y])!) }
        if words.joined(separator: " ").utf8Contains("ky bao cao") { return Period(year: Int(words[years[0]])!) }
        return nil
    }
}
