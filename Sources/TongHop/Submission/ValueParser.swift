import Foundation
import SheetIO

/// Turns value cells into ``SubmittedValue``s: numbers, numbers written as text in either
/// convention, statistical symbols, targets, units written with the number; reports
/// what cannot be read and what was converted.
struct ValueParser {
    /// A number written so that it cannot be misread: no thousands separator, a decimal
    /// comma ("41800", "41,8").
    static func unambiguous(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return VietNumber.format(d, decimals: 6).replacingOccurrences(of: ".", with: "")
    }

    let file: String
    let sheet: String
    let template: Template
    let convention: VietNumber.Convention
    /// Whether the convention was decided from unambiguous tokens (else ambiguous tokens warn).
    let conventionDecided: Bool
    /// Whether the file's habit may read an ambiguous token of each shape (see
    /// ``ConventionEvidence``); with mixed or thin evidence such a token is an error.
    var provenGrouping = false
    var provenDecimal = false
    /// The period, for column labels in messages.
    var period: Period? = nil
    /// Number format id → what the format does to a number (nil: shown as stored).
    var shownFormat: (Int) -> NumberFormat.Shown? = { _ in nil }
    /// Number format id → its code, for messages.
    var formatCode: (Int) -> String? = { _ in nil }

    /// What a file's text numbers say of its convention.
    struct ConventionEvidence {
        var convention: VietNumber.Convention
        /// Some token reads only one way.
        var decided: Bool
        /// The file's habit may read an ambiguous token whose separator is the
        /// convention's grouping one ("58.300" in a vi-VN file): tokens read only one way,
        /// at least four in five of this convention, and no ambiguous token of the other shape.
        var provenGrouping: Bool
        /// ... or whose separator is the convention's decimal one ("1,166" read as 1,166 in
        /// a vi-VN file, three decimals): as above, with the ambiguous ones outnumbered
        /// (two at least).
        var provenDecimal: Bool
    }

    /// Decides the file's convention from the numeric tokens of its text cells: vi-VN
    /// unless en-US evidence outweighs it; a ";" CSV delimiter is weak evidence for vi-VN.
    /// A file whose ambiguous tokens come in both shapes ("1,166" and "35.912") is a file
    /// of mixed habits: no ambiguous token of it is read by the file's habit.
    static func convention(texts: [String], semicolonCSV: Bool) -> ConventionEvidence {
        var vi = semicolonCSV ? 0.5 : 0, en = 0.0
        var ambDot = 0, ambComma = 0
        for t in texts {
            let e = evidenceMemo.value(t) { evidence(of: $0) }
            vi += Double(e.vi)
            en += Double(e.en)
            ambDot += e.ambiguousDot
            ambComma += e.ambiguousComma
        }
        let conv: VietNumber.Convention = en > vi ? .en : .vi
        let (winning, losing) = conv == .vi ? (vi.rounded(.down), en) : (en, vi.rounded(.down))
        let (grouping, decimal) = conv == .vi ? (ambDot, ambComma) : (ambComma, ambDot)
        // One way: the other convention's tokens at most a fifth as many (an en-US file may
        // carry a plan typed "7,4-7,9" by habit; a file of mixed habits does not pass).
        let oneWay = winning >= 1 && losing * 4 <= winning
        return ConventionEvidence(convention: conv, decided: conv == .en || vi >= 1,
                                  provenGrouping: oneWay && decimal == 0,
                                  provenDecimal: oneWay && grouping == 0 && winning >= Double(max(2, decimal)))
    }

    /// How many of a text's numeric tokens only read as vi-VN, only as en-US, and either
    /// way with a "." or with a ",".
    static func evidence(of text: String) -> (vi: Int, en: Int, ambiguousDot: Int, ambiguousComma: Int) {
        var vi = 0, en = 0, dot = 0, comma = 0
        guard let p = VietNumber.parse(text, convention: .vi) else { return (0, 0, 0, 0) }
        for tok in p.tokens {
            switch VietNumber.evidence(tok) {
            case .vi: vi += 1
            case .en: en += 1
            case .ambiguous: if tok.contains(".") { dot += 1 } else { comma += 1 }
            default: break
            }
        }
        return (vi, en, dot, comma)
    }
    /// The same texts (a numbering row, symbols) recur in every file of a batch.
    private static let evidenceMemo = TextMemo<(vi: Int, en: Int, ambiguousDot: Int, ambiguousComma: Int)>(limit: 50_000)

    /// Parses one value cell; a number that is not finite or lies outside what a double
    /// holds (`<v>1e309</v>`, "1e-320", a conversion that overflows) is an error at the
    /// cell and no value, so nothing non-finite reaches validation, the store or a total.
    func parse(_ cell: Cell?, ref: CellRef, indicator ind: Indicator, column: ValueColumn, rowUnit: (MeasureUnit, CellRef)?,
               findings: inout [Finding]) -> SubmittedValue? {
        guard var sv = parseCell(cell, ref: ref, indicator: ind, column: column, rowUnit: rowUnit, findings: &findings) else { return nil }
        if !ValueParser.isSound(sv.value) {
            let label = period.map { column.label(for: $0) } ?? column.label
            findings.append(Finding(.numberOutOfRange, file: file, sheet: sheet, cell: ref, indicator: ind.code, column: column.key,
                value: sv.written, expected: "số hữu hạn, ví dụ \(ind.kind == .integer ? "1.250" : "1.250,5")",
                vi: "\(ind.code) «\(ind.name)», cột «\(label)»: «\(sv.written)» là số vô hạn hoặc ngoài miền số đọc được; hãy ghi lại số liệu",
                en: "\(ind.code) \"\(ind.name)\", column \"\(label)\": \"\(sv.written)\" is infinite or outside the range of numbers; write the figure again"))
            sv.value = .empty
        }
        return sv
    }

    /// Whether every number of a value is finite and not subnormal (denormal values such
    /// as 1e-320 come only from damaged or crafted files).
    static func isSound(_ v: ReportedValue) -> Bool {
        func ok(_ d: Double) -> Bool { d == 0 || d.isNormal }
        switch v {
        case .number(let d), .atLeast(let d, _), .atMost(let d, _): return ok(d)
        case .range(let a, let b): return ok(a) && ok(b)
        case .empty, .symbol: return true
        }
    }

    private func parseCell(_ cell: Cell?, ref: CellRef, indicator ind: Indicator, column: ValueColumn, rowUnit: (MeasureUnit, CellRef)?,
                           findings: inout [Finding]) -> SubmittedValue? {
        guard let cell else { return nil }
        func add(_ code: FindingCode, value: String?, expected: String? = nil, _ vi: String, _ en: String) {
            findings.append(Finding(code, file: file, sheet: sheet, cell: ref, indicator: ind.code, column: column.key,
                                    value: value, expected: expected, vi: vi, en: en))
        }
        // Message parts, built only when a finding is made.
        var where_: String { "\(ind.code) «\(ind.name)», cột «\(period.map { column.label(for: $0) } ?? column.label)»" }
        var whereEN: String { "\(ind.code) \"\(ind.name)\", column \"\(period.map { column.label(for: $0, .en) } ?? column.key)\"" }
        var expectedText: String { "\(ind.kind == .integer ? "số nguyên" : "số") (\(ind.unitText)) hoặc ký hiệu -, ..., x" }
        var sv = SubmittedValue(ref: ref, written: CellText.csv(cell.value), value: .empty, writtenUnit: nil, conversion: nil, fromFormula: cell.hasFormula)
        switch cell.value {
        case .empty:
            return cell.hasFormula ? sv : nil
        case .number(var d):
            // What the officer sees is the number through its format: "318,0" for 318 000 000 000
            // under #,##0.0,,, , "59,1%" for 0.591, "1.250 tấn" under #,##0 "tấn".
            let shown = shownFormat(cell.numberFormatID)
            var formatUnit: String? = nil
            if let sh = shown, !sh.isPlain {
                // Rounded to 9 decimals: 318e9 × 1e-9 is 318.00000000000006 in binary.
                let seen = sh.factor == 1 ? d : (d * sh.factor * 1e9).rounded() / 1e9
                let seenText = VietNumber.format(seen, fixedDecimals: min(sh.decimals, 10)) + (sh.percent ? "%" : "") + (sh.literal.map { " " + $0 } ?? "")
                let percentIndicator = ind.kind == .percent || ind.unit?.base == "%" || ind.unit?.base == "diem %"
                if sh.percent && !percentIndicator {
                    add(.shownDisagrees, value: seenText, expected: ind.unitText,
                        "\(where_): ô hiện «\(seenText)» (định dạng phần trăm) nhưng giá trị lưu trong ô là \(VietNumber.format(d, decimals: 6)) và chỉ tiêu tính bằng «\(ind.unitText)»; không biết số nào đúng. Bỏ định dạng % và ghi số theo «\(ind.unitText)»",
                        "\(whereEN): the cell shows \"\(seenText)\" (a percent format) but holds \(d) and the unit is \"\(ind.unitText)\"; which one is meant cannot be told. Remove the % format and write the figure in \"\(ind.unitText)\"")
                    return sv
                }
                if sh.factor != 1 {
                    sv.written = VietNumber.format(seen, decimals: 6) + (sh.percent ? "%" : "")
                    if sh.percent {
                        // Excel stores 52,3 % as 0.523 (and 4,19 percentage points typed as
                        // "4,19%" as 0.0419): read as the percentage the officer sees.
                        add(.percentScaled, value: sv.written, "\(where_): ô định dạng phần trăm, đọc là \(VietNumber.format(seen, decimals: 6)) như ô hiện",
                            "\(whereEN): percent-formatted cell read as \(seen), as it shows")
                    } else {
                        add(.shownScaled, value: seenText, expected: VietNumber.format(d, decimals: 6),
                            "\(where_): ô lưu \(VietNumber.format(d, decimals: 6)) nhưng định dạng số «\(formatCode(cell.numberFormatID) ?? "")» cho hiện «\(seenText)»; đọc là số ô hiện, \(VietNumber.format(seen, decimals: 6))",
                            "\(whereEN): the cell holds \(d) but its number format \"\(formatCode(cell.numberFormatID) ?? "")\" shows \"\(seenText)\"; read as the number shown, \(seen)")
                    }
                    d = seen
                }
                formatUnit = sh.literal
            }
            sv.value = .number(d)
            if let lit = formatUnit {
                sv.written = VietNumber.format(d, decimals: 6) + " " + lit
                // A currency format ("4.800 ₫") is a habit of the cell's style, not a statement
                // that the figure is in đồng: where the form counts in triệu or tỷ đồng, which
                // one is meant cannot be told.
                if lit == "₫" || lit.uppercased() == "VND", ind.unit.map({ $0.base != "dong" || $0.scale != 1 }) ?? true {
                    add(.shownDisagrees, value: sv.written, expected: ind.unitText,
                        "\(where_): ô định dạng tiền tệ, hiện «\(sv.written)» (đồng) nhưng chỉ tiêu tính bằng «\(ind.unitText)»; không biết số ghi là đồng hay \(ind.unitText). Bỏ định dạng tiền tệ và ghi số theo «\(ind.unitText)»",
                        "\(whereEN): a currency format shows \"\(sv.written)\" (đồng) but the indicator is in \"\(ind.unitText)\"; whether the figure is in đồng or in \(ind.unitText) cannot be told. Remove the currency format and write the figure in \"\(ind.unitText)\"")
                    sv.value = .empty
                    return sv
                }
                // A unit written by the format is the cell's own unit, as if typed after the number.
                guard let u = MeasureUnit(lit), u.isKnown else {
                    add(.shownDisagrees, value: "\(sv.written) \(lit)", expected: ind.unitText,
                        "\(where_): định dạng số của ô viết «\(lit)» sau số; không phải đơn vị tính nào đã biết, chỉ tiêu tính bằng «\(ind.unitText)». Bỏ chữ trong định dạng số",
                        "\(whereEN): the cell's number format writes \"\(lit)\" after the number, which is no known unit; the indicator is in \"\(ind.unitText)\". Remove the text from the number format")
                    sv.value = .empty
                    return sv
                }
                if let (ru, rref) = rowUnit, let f = u.factor(to: ru), abs(f - 1) > 1e-12 {
                    findings.append(Finding(.unitIncompatible, file: file, sheet: sheet, cell: ref, indicator: ind.code, column: column.key,
                        value: "\(sv.written) \(lit)", expected: ru.text,
                        vi: "\(where_): ô hiện đơn vị «\(lit)» nhưng cột ĐVT (\(rref.a1)) ghi «\(ru.text)»; không biết đơn vị nào đúng",
                        en: "\(whereEN): the cell shows the unit \"\(lit)\" but the unit column (\(rref.a1)) says \"\(ru.text)\"; which one is meant cannot be told"))
                    sv.value = .empty
                    return sv
                }
                return convert(sv, unitText: lit, unitRef: ref, ind: ind, column: column, ownCell: true, findings: &findings)
            }
        case .date(let dt):
            add(.notANumber, value: dt.iso8601, expected: expectedText, "\(where_): ghi ngày tháng «\(dt.iso8601)», cần \(expectedText)",
                "\(whereEN): a date \"\(dt.iso8601)\" where a number is expected")
            return sv
        case .bool(let b):
            add(.notANumber, value: b ? "TRUE" : "FALSE", expected: expectedText, "\(where_): ghi «\(b ? "TRUE" : "FALSE")», cần \(expectedText)",
                "\(whereEN): a boolean where a number is expected")
            return sv
        case .error(let e):
            add(.formulaError, value: e, expected: expectedText, "\(where_): ô có lỗi công thức \(e)", "\(whereEN): formula error \(e)")
            return sv
        case .text(let text):
            guard let p = VietNumber.parse(text, convention: convention) else {
                add(.notANumber, value: text, expected: expectedText, "\(where_): «\(text)» không phải số, cần \(expectedText)",
                    "\(whereEN): \"\(text)\" is not a number; expected a number or -, ..., x")
                return sv
            }
            sv.value = p.value
            // Tokens that read differently in vi-VN and en-US.
            for tok in p.tokens where VietNumber.evidence(tok) == .ambiguous {
                let asVi = VietNumber.value(tok, .vi) ?? 0, asEn = VietNumber.value(tok, .en) ?? 0
                let fileReading = convention == .vi ? asVi : asEn
                let groupingShaped = tok.contains(convention == .vi ? "." : ",")
                let proven = groupingShaped ? provenGrouping : provenDecimal
                var chosen: Double? = nil
                var why = "", whyEN = ""
                // The token's own evidence first: the only reading within the indicator's
                // limits, or the only whole number where a whole number is required.
                var own: Double? = nil
                if let hard = ind.hard, hard.contains(asVi) != hard.contains(asEn) {
                    own = hard.contains(asVi) ? asVi : asEn
                    why = "vì chỉ cách đọc này nằm trong giới hạn \(hard.text(.vi))"
                    whyEN = "the only reading within \(hard.text(.en))"
                } else if ind.kind == .integer, (asVi == asVi.rounded()) != (asEn == asEn.rounded()) {
                    own = asVi == asVi.rounded() ? asVi : asEn
                    why = "vì chỉ tiêu cần số nguyên"
                    whyEN = "the indicator takes whole numbers"
                }
                if let own {
                    chosen = own
                    if proven && own == fileReading { why = ""; whyEN = "" }  // both agree: nothing to say
                } else if proven {
                    chosen = fileReading  // the file's habit, proven by its other tokens
                } else if !conventionDecided {
                    chosen = asVi
                    why = "mặc định kiểu Việt Nam (biểu hướng dẫn ghi số kiểu Việt Nam; tệp không có số nào cho biết cách ghi)"
                    whyEN = "vi-VN by default (the form asks for vi-VN numbers; no other number in the file tells)"
                }
                guard let chosen else {
                    // The file's other numbers are too few or point both ways: one reading or none.
                    add(.ambiguousNumberRefused, value: text, expected: "\(VietNumber.format(asVi, decimals: 6)) hoặc \(VietNumber.format(asEn, decimals: 6))",
                        "\(where_): «\(tok)» có thể là \(VietNumber.format(asVi, decimals: 6)) (kiểu Việt Nam) hoặc \(VietNumber.format(asEn, decimals: 6)) (kiểu Anh – Mỹ), và các số khác trong tệp không đủ để biết cách ghi; không đọc. Hãy ghi rõ, không dùng dấu phân cách hàng nghìn: \(Self.unambiguous(asVi)) hoặc \(Self.unambiguous(asEn))",
                        "\(whereEN): \"\(tok)\" reads as \(VietNumber.format(asVi, decimals: 6, .en)) (vi-VN) or \(VietNumber.format(asEn, decimals: 6, .en)) (en-US), and the file's other numbers do not tell which; not read. Write it without a thousands separator: \(Self.unambiguous(asVi)) or \(Self.unambiguous(asEn))")
                    sv.value = .empty
                    return sv
                }
                if chosen != fileReading, case .number = sv.value { sv.value = .number(chosen) }
                if !why.isEmpty {
                    add(.ambiguousNumber, value: text, expected: "\(VietNumber.format(asVi, decimals: 6)) hoặc \(VietNumber.format(asEn, decimals: 6))",
                        "\(where_): «\(tok)» có thể là \(VietNumber.format(asVi, decimals: 6)) (kiểu Việt Nam) hoặc \(VietNumber.format(asEn, decimals: 6)) (kiểu Anh – Mỹ); đã hiểu là \(VietNumber.format(chosen, decimals: 6)) \(why). Hãy ghi rõ, không dùng dấu phân cách hàng nghìn: \(Self.unambiguous(asVi)) hoặc \(Self.unambiguous(asEn))",
                        "\(whereEN): \"\(tok)\" reads as \(VietNumber.format(asVi, decimals: 6, .en)) (vi-VN) or \(VietNumber.format(asEn, decimals: 6, .en)) (en-US); read as \(VietNumber.format(chosen, decimals: 6, .en)), \(whyEN). Write it without a thousands separator: \(Self.unambiguous(asVi)) or \(Self.unambiguous(asEn))")
                }
            }
            if p.approximate {
                add(.approximate, value: text, "\(where_): số ước chừng «\(text)», đã dùng \(sv.value.text(decimals: ind.decimals))",
                    "\(whereEN): approximate figure \"\(text)\"")
            }
            switch p.value {
            case .range, .atLeast, .atMost:
                if !column.acceptsTargets {
                    add(.targetNotAllowed, value: text, expected: expectedText,
                        "\(where_): «\(text)» là khoảng hoặc ngưỡng; chỉ cột kế hoạch được ghi như vậy, cột này cần một số",
                        "\(whereEN): \"\(text)\" is a range or bound; only the plan column may hold one")
                    sv.value = .empty
                    return sv
                }
            default: break
            }
            if let u = p.unit { return convert(sv, unitText: u, unitRef: ref, ind: ind, column: column, ownCell: true, findings: &findings) }
        }
        // The row's ĐVT, when it differs from the template's.
        if let (ru, rref) = rowUnit, case .number = sv.value {
            return convert(sv, unitText: ru.text, unitRef: rref, ind: ind, column: column, ownCell: false, findings: &findings)
        }
        return sv
    }

    /// Converts a value written in another unit of the same kind ("8.200 tấn" → 8,2 nghìn
    /// tấn); a unit of another kind is an error.
    func convert(_ v: SubmittedValue, unitText: String, unit: MeasureUnit? = nil, unitRef: CellRef, ind: Indicator, column: ValueColumn, ownCell: Bool,
                 findings: inout [Finding]) -> SubmittedValue {
        var sv = v
        guard let written = unit ?? MeasureUnit(unitText), let target = ind.unit else { return sv }
        guard let factor = written.factor(to: target) else {
            findings.append(Finding(.unitIncompatible, file: file, sheet: sheet, cell: unitRef, indicator: ind.code, column: ownCell ? column.key : "ĐVT",
                value: ownCell ? v.written : unitText, expected: ind.unitText,
                vi: "\(ind.code) «\(ind.name)»: đơn vị «\(unitText)» không quy đổi được sang «\(ind.unitText)»",
                en: "\(ind.code) \"\(ind.name)\": unit \"\(unitText)\" cannot be converted to \"\(ind.unitText)\""))
            sv.value = .empty
            return sv
        }
        guard abs(factor - 1) > 1e-12 else { return sv }
        func scaled(_ x: Double) -> Double { (x * factor * 1e9).rounded() / 1e9 }
        switch sv.value {
        case .number(let d): sv.value = .number(scaled(d))
        case .range(let a, let b): sv.value = .range(scaled(a), scaled(b))
        case .atLeast(let a, let s): sv.value = .atLeast(scaled(a), strict: s)
        case .atMost(let a, let s): sv.value = .atMost(scaled(a), strict: s)
        default: return sv
        }
        sv.writtenUnit = unitText
        sv.conversion = factor
        findings.append(Finding(.unitConverted, file: file, sheet: sheet, cell: sv.ref, indicator: ind.code, column: column.key,
            value: ownCell ? v.written : "\(v.written) \(unitText)", expected: ind.unitText,
            vi: "\(ind.code) «\(ind.name)»: «\(ownCell ? v.written : v.written + " " + unitText)» đã quy đổi thành \(sv.value.text(decimals: max(ind.decimals, 3))) \(ind.unitText)",
            en: "\(ind.code) \"\(ind.name)\": \"\(ownCell ? v.written : v.written + " " + unitText)\" converted to \(sv.value.text(decimals: max(ind.decimals, 3))) \(ind.unitText)"))
        return sv
    }

    /// Reads the rows under the header of a wide table.
    static func parseRows(_ s: inout Submission, sheet: Sheet, header: TableHeader, template t: Template, csvSemicolon: Bool, document: SpreadsheetDocument? = nil) {
        let dataRows = sheet.rows.filter { $0.index > header.row }
        // Evidence for the number convention: text in value columns.
        var texts: [String] = []
        for r in dataRows {
            for (_, c) in header.values { if let t = r[column: c]?.value.text { texts.append(t) } }
        }
        let evidence = convention(texts: texts, semicolonCSV: csvSemicolon)
        s.convention = evidence.convention
        var parser = ValueParser(file: s.file, sheet: s.sheet, template: t, convention: evidence.convention, conventionDecided: evidence.decided)
        parser.provenGrouping = evidence.provenGrouping
        parser.provenDecimal = evidence.provenDecimal
        parser.period = s.period
        if let document {
            // A file has a handful of styles: each format analysed once.
            let cache = ShownCache()
            parser.shownFormat = { id in
                if let hit = cache.known[id] { return hit }
                var v: NumberFormat.Shown? = nil
                switch document.numberFormatDisplay(id: id) {
                case .number, .percent:
                    if let code = document.numberFormatCode(id: id) ?? NumberFormat.builtIn[id] {
                        let sh = NumberFormat.shown(code: code, value: 1)
                        v = sh.isPlain ? nil : sh
                    }
                default: break
                }
                cache.known[id] = v
                return v
            }
            parser.formatCode = { document.numberFormatCode(id: $0) }
        }
        var seen: [String: Int] = [:]
        let byRowKey = HeaderMatcher.shared(for: t).byRowKey
        // The template's value and comparison columns the table has (positions in the
        // template) with their sheet columns, found once, not per row.
        let valueColumns: [(ci: Int, at: Int)] = t.columns.indices.compactMap { ci in header.values[t.columns[ci].key].map { (ci, $0) } }
        let comparisonColumns: [(ci: Int, at: Int)] = t.comparisons.indices.compactMap { k in header.comparisons[t.comparisons[k].key].map { (k, $0) } }
        let allValueColumns = Array(header.values.values)
        // The columns the table reads (a unit in any other text cell of a row is the row's).
        let tableColumns = Set([header.code, header.name, header.unit, header.columnKeys["stt"]].compactMap { $0 })
            .union(header.values.values).union(header.comparisons.values)
        // Units written in value headers' parentheses ("Kế hoạch (tỷ đồng)").
        var headerUnits: [Int: MeasureUnit] = [:]
        for (_, c) in valueColumns {
            if let text = header.texts[c], let u = unitInParentheses(text) { headerUnits[c] = u }
        }
        for r in dataRows {
            func text(_ c: Int?) -> String {
                guard let c, let cell = r[column: c] else { return "" }
                return CellText.csv(cell.value).trimmedSpaces
            }
            let code = text(header.code).uppercased()
            let name = text(header.name)
            // The numbering row under the header ("A", "B", "1", "4=3/2").
            if r.index == header.row + 1, code.count <= 1, name.count <= 1 { continue }
            var ind = code.isEmpty ? nil : t.indicator(code)
            let hasValues = allValueColumns.contains { r[column: $0] != nil && !(r[column: $0]!.value.isEmpty) }
            if ind == nil && code.isEmpty && !name.isEmpty {
                if let match = byRowKey[VietFold.rowKey(name)].map({ t.indicators[$0] }) {
                    ind = match
                    s.findings.append(Finding(.matchedByName, file: s.file, sheet: s.sheet, cell: CellRef(row: r.index, column: header.name ?? 0),
                        indicator: match.code, value: name, expected: match.code,
                        vi: "dòng \(r.index + 1) không có mã chỉ tiêu; nhận là \(match.code) theo tên «\(name)»",
                        en: "row \(r.index + 1) has no indicator code; matched \(match.code) by its name"))
                }
            }
            guard let ind else {
                if !code.isEmpty && hasValues && code.count <= 12 {
                    s.findings.append(Finding(.unknownCode, file: s.file, sheet: s.sheet, cell: CellRef(row: r.index, column: header.code ?? 0),
                        value: code, vi: "mã chỉ tiêu «\(code)» không có trong mẫu \(t.id); dòng này bị bỏ qua",
                        en: "indicator code \"\(code)\" is not in template \(t.id); the row is ignored"))
                } else if code.isEmpty && !name.isEmpty && allValueColumns.contains(where: { r[column: $0].map { ColumnAudit.isNumber($0.value) } ?? false }) {
                    s.findings.append(Finding(.rowNotMatched, file: s.file, sheet: s.sheet, cell: CellRef(row: r.index, column: header.name ?? 0),
                        value: name, vi: "dòng \(r.index + 1) «\(name)» có số liệu nhưng không khớp chỉ tiêu nào của mẫu \(t.id) (không có mã, tên khác); dòng này không được đọc — ghi mã chỉ tiêu hoặc tên đúng như trong mẫu",
                        en: "row \(r.index + 1) \"\(name)\" holds figures but matches no indicator of template \(t.id) (no code, another name); it was not read — write the indicator code or its name as in the template"))
                }
                continue
            }
            if let first = seen[ind.code] {
                // The same row pasted twice with the same figures is one reading.
                if let firstRow = sheet.rowPosition(first).map({ sheet.rows[$0] }),
                   allValueColumns.allSatisfy({ (firstRow[column: $0]?.value ?? .empty) == (r[column: $0]?.value ?? .empty) }) {
                    s.findings.append(Finding(.duplicateRowSame, file: s.file, sheet: s.sheet, cell: CellRef(row: r.index, column: header.code ?? header.name ?? 0),
                        indicator: ind.code, value: code.isEmpty ? name : code,
                        vi: "chỉ tiêu \(ind.code) «\(ind.name)» ghi hai lần với cùng số liệu (dòng \(first + 1) và dòng \(r.index + 1)); đọc một lần. Xoá dòng thừa",
                        en: "indicator \(ind.code) appears twice with the same figures (rows \(first + 1) and \(r.index + 1)); read once. Delete the extra row"))
                    continue
                }
                s.findings.append(Finding(.duplicateRow, file: s.file, sheet: s.sheet, cell: CellRef(row: r.index, column: header.code ?? header.name ?? 0),
                    indicator: ind.code, value: code.isEmpty ? name : code,
                    vi: "chỉ tiêu \(ind.code) «\(ind.name)» ghi hai lần: dòng \(first + 1) và dòng \(r.index + 1)",
                    en: "indicator \(ind.code) appears twice: rows \(first + 1) and \(r.index + 1)"))
                continue
            }
            seen[ind.code] = r.index
            var row = SubmissionRow(indicator: ind, row: r.index, codeText: code, nameText: name)
            var unitRefused = false
            // The row's unit: its ĐVT, else a unit in its name's parentheses ("Thu ngân sách
            // (triệu đồng)"), compared with the template's: converted, or refused naming both.
            var rowUnit: (MeasureUnit, CellRef)? = nil
            var unitText = text(header.unit)
            var uref = CellRef(row: r.index, column: header.unit ?? 0)
            var fromName = false
            if unitText.isEmpty, let nameUnit = unitInName(name, indicator: ind), let nc = header.name {
                unitText = nameUnit
                uref = CellRef(row: r.index, column: nc)
                fromName = true
            }
            // Else a unit written in another text cell of the row (a note: "Giá trị (triệu đồng)").
            if unitText.isEmpty {
                for cell in r.cells where !tableColumns.contains(cell.column) {
                    guard case .text(let x) = cell.value, x.utf8.count <= 80 else { continue }
                    let whole = MeasureUnit(x).flatMap { $0.isKnown && x.count <= 20 ? $0 : nil }
                    if let u = unitInParentheses(x) ?? whole {
                        unitText = u.text
                        uref = CellRef(row: r.index, column: cell.column)
                        fromName = true
                        break
                    }
                }
            }
            if !unitText.isEmpty {
                if !fromName { row.unitText = unitText }
                let written = MeasureUnit(unitText)
                let where_ = fromName ? "dòng ghi đơn vị (ô \(uref.a1))" : "ĐVT ghi"
                let whereEN = fromName ? "the row gives the unit (cell \(uref.a1))" : "the unit column says"
                if let written, let target = ind.unit, written.base != target.base || written.scale != target.scale {
                    if written.factor(to: target) != nil {
                        rowUnit = (written, uref)
                    } else {
                        s.findings.append(Finding(.unitIncompatible, file: s.file, sheet: s.sheet, cell: uref, indicator: ind.code, column: fromName ? nil : "ĐVT",
                            value: unitText, expected: ind.unitText,
                            vi: "\(ind.code) «\(ind.name)»: \(where_) «\(unitText)», mẫu quy định «\(ind.unitText)»; không có quy đổi nào giữa hai đơn vị này, nên số liệu của dòng không được đọc. Ghi số theo «\(ind.unitText)»",
                            en: "\(ind.code) \"\(ind.name)\": \(whereEN) \"\(unitText)\", the template \"\(ind.unitText)\"; no conversion exists between them, so the row's figures were not read. Write them in \"\(ind.unitText)\""))
                        unitRefused = true
                    }
                }
            }
            row.values.reserveCapacity(valueColumns.count)
            for (ci, c) in valueColumns where !unitRefused {
                let col = t.columns[ci]
                // A unit in the column's header ("Ước TH (triệu đồng)") for a row that gives none.
                var unit = rowUnit
                if unit == nil, unitText.isEmpty, let hu = headerUnits[c], let target = ind.unit, hu.base != target.base || hu.scale != target.scale {
                    guard hu.factor(to: target) != nil else {
                        if r[column: c].map({ !$0.value.isEmpty }) ?? false {
                            s.findings.append(Finding(.unitIncompatible, file: s.file, sheet: s.sheet, cell: CellRef(row: r.index, column: c), indicator: ind.code, column: col.key,
                                value: hu.text, expected: ind.unitText,
                                vi: "\(ind.code) «\(ind.name)»: tiêu đề cột ghi đơn vị «\(hu.text)», mẫu quy định «\(ind.unitText)»; không quy đổi được, số liệu ô này không được đọc. Ghi ĐVT của dòng",
                                en: "\(ind.code) \"\(ind.name)\": the column header gives the unit \"\(hu.text)\", the template \"\(ind.unitText)\"; no conversion exists, the cell was not read. Give the row's unit"))
                        }
                        continue
                    }
                    unit = (hu, CellRef(row: header.row, column: c))
                }
                // A value merged across value columns ("13" over TH | KH | ƯTH) is each one's
                // that the indicator takes (no plan for an indicator without one).
                var cell = r[column: c]
                if cell == nil, !sheet.mergedRanges.isEmpty, ind.planned || col.role != .plan, let m = sheet.mergedRange(containing: CellRef(row: r.index, column: c)),
                   m.first.row == r.index, m.last.row == r.index, allValueColumns.contains(m.first.column) {
                    cell = r[column: m.first.column]
                }
                if let v = parser.parse(cell, ref: CellRef(row: r.index, column: c), indicator: ind, column: col, rowUnit: unit, findings: &s.findings) {
                    row.values[col.key] = v
                }
            }
            for (k, c) in comparisonColumns {
                guard let cell = r[column: c] else { continue }
                let ref = CellRef(row: r.index, column: c)
                var v = SubmittedValue(ref: ref, written: CellText.csv(cell.value), value: .empty, writtenUnit: nil, conversion: nil, fromFormula: cell.hasFormula)
                switch cell.value {
                case .number(let d): v.value = .number(d * (parser.shownFormat(cell.numberFormatID)?.factor ?? 1))
                case .text(let x): if let p = VietNumber.parse(x.utf8.contains(UInt8(ascii: "%")) ? x.replacingOccurrences(of: "%", with: "") : x, convention: evidence.convention) { v.value = p.value }
                default: break
                }
                if !isSound(v.value) { v.value = .empty }  // a typed comparison is only checked, never stored
                row.comparisons[t.comparisons[k].key] = v
            }
            if let n = header.note { row.note = text(n).isEmpty ? nil : text(n) }
            s.rows.append(row)
        }
    }

    /// A known unit in a text's last parentheses ("Ước thực hiện năm 2024 (tỷ đồng)"); not
    /// "%" (a comparison header's "(%)" says what the column computes).
    static func unitInParentheses(_ text: String) -> MeasureUnit? {
        let t = text.trimmedSpaces
        guard t.hasSuffix(")"), let open = t.lastIndex(of: "(") else { return nil }
        let inside = String(t[t.index(after: open)..<t.index(before: t.endIndex)]).trimmedSpaces
        guard !inside.isEmpty, inside.count <= 30, let u = MeasureUnit(inside), u.isKnown, u.base != "%" else { return nil }
        return u
    }

    /// The unit in a row name's last parentheses ("Thu ngân sách (triệu đồng)"), when it is
    /// a unit tonghop knows and the template's own name does not carry the same words.
    static func unitInName(_ name: String, indicator ind: Indicator) -> String? {
        guard name.hasSuffix(")"), let open = name.lastIndex(of: "(") else { return nil }
        let inside = String(name[name.index(after: open)..<name.index(before: name.endIndex)]).trimmedSpaces
        guard !inside.isEmpty, inside.count <= 30, let u = MeasureUnit(inside), u.isKnown else { return nil }
        if VietFold.loose(ind.name).utf8Contains(VietFold.loose("(" + inside + ")")) { return nil }
        return inside
    }

    /// Number-format ids already analysed, for one file (one thread).
    final class ShownCache: @unchecked Sendable { var known: [Int: NumberFormat.Shown?] = [:] }
}
