import Foundation
import SheetIO

/// Checks a submission against its template and collects every finding: missing and
/// duplicate rows, ranges, year-on-year change, cross-indicator rules, typed comparison
/// columns, ratios against their parts. Reading findings come first.
public struct Validator: Sendable {
    public let template: Template

    public init(template: Template) { self.template = template }

    public func validate(_ s: Submission) -> [Finding] {
        var f = s.findings
        let t = template
        guard s.headerRow != nil else { return f }  // no table: nothing more to check
        let file = s.file, sheet = s.sheet
        // The first row of each indicator code, as its position in `s.rows` (rows are read
        // in place, not copied: a row carries its indicator and every value).
        var byCode: [String: Int] = [:]
        byCode.reserveCapacity(s.rows.count)
        for (i, r) in s.rows.enumerated() {
            if let code = r.indicator?.code, byCode[code] == nil { byCode[code] = i }
        }
        let estimate = t.estimateColumn, previous = t.previousColumn
        let estimateKey = estimate?.key, previousKey = previous?.key
        // The columns' keys and sheet columns, looked up once (not once per indicator).
        let keys = t.columns.map(\.key)
        let sheetColumns = keys.map { s.columnMap[$0] }

        // Required indicators and values (those the unit reports).
        for ind in t.indicators {
            let applicable = t.reports(ind, unit: s.unit)
            guard let ri = byCode[ind.code] else {
                if applicable && ind.required {
                    f.append(Finding(.requiredMissing, file: file, sheet: sheet, indicator: ind.code, expected: ind.name,
                        vi: "thiếu dòng chỉ tiêu bắt buộc \(ind.code) «\(ind.name)»", en: "required indicator \(ind.code) \"\(ind.name)\" has no row"))
                }
                continue
            }
            let values = s.rows[ri].values
            for ci in keys.indices {
                let key = keys[ci]
                let v = values[key]
                let ref = sheetColumns[ci].map { CellRef(row: s.rows[ri].row, column: $0) }
                if t.columns[ci].role == .plan && !t.plan(t.columns[ci], covers: ind) && (v == nil || v!.value == .empty) { continue }
                if v?.fromFormula == true && v?.value == .empty, let ref {
                    let col = t.columns[ci]
                    f.append(Finding(.formulaNoValue, file: file, sheet: sheet, cell: ref, indicator: ind.code, column: key,
                        value: "(công thức)", expected: "giá trị đã tính",
                        vi: "\(ind.code) «\(ind.name)», cột «\(col.label(for: s.period ?? Period(year: 2000)))»: ô có công thức nhưng chưa có giá trị tính sẵn (tệp do chương trình khác tạo); mở bằng Excel, lưu lại rồi gửi",
                        en: "\(ind.code), column \"\(col.label(for: s.period ?? Period(year: 2000), .en))\": a formula with no computed value (written by a program); open and save it in Excel"))
                    continue
                }
                if (v == nil || v!.value == .empty) && ind.required && applicable {
                    if s.columnsReportedMissing.contains(key) { continue }  // one finding for the column
                    // A value the reader already refused (not a number…) is reported once.
                    if let ref, f.contains(where: { $0.cell == ref.a1 && $0.severity == .error }) { continue }
                    let col = t.columns[ci]
                    let isEstimate = key == estimateKey
                    f.append(Finding(isEstimate ? .valueMissing : .optionalValueMissing, file: file, sheet: sheet, cell: ref, indicator: ind.code, column: key,
                        value: "", expected: "số liệu (\(ind.unitText)) hoặc ký hiệu -, ..., x",
                        vi: "\(ind.code) «\(ind.name)», cột «\(col.label(for: s.period ?? Period(year: 2000)))»: chưa ghi số liệu",
                        en: "\(ind.code) \"\(ind.name)\", column \"\(col.label(for: s.period ?? Period(year: 2000), .en))\": no value"))
                    continue
                }
                guard let v else { continue }
                if v.value == .symbol(.missing) && key == estimateKey && ind.required {
                    f.append(Finding(.symbolMissing, file: file, sheet: sheet, cell: v.ref, indicator: ind.code, column: key, value: v.written,
                        vi: "\(ind.code) «\(ind.name)»: ghi \"...\" (chưa có thông tin); chỉ tiêu sẽ thiếu khi tổng hợp",
                        en: "\(ind.code): \"...\" (no information); it will be missing from the totals"))
                }
                checkValue(v, ind: ind, column: key, file: file, sheet: sheet, into: &f)
            }
            // Year on year, on the estimate against the previous actual.
            if let bound = ind.yoyBound, let e = estimateKey.flatMap({ values[$0] }), let p = previousKey.flatMap({ values[$0] }),
               case .number(let ev) = e.value, case .number(let pv) = p.value, pv > 0 {
                let change = ev / pv - 1
                if abs(change) > bound + 1e-9 {
                    f.append(Finding(.yearOnYear, file: file, sheet: sheet, cell: e.ref, indicator: ind.code, column: estimate!.key, value: e.written,
                        expected: "±\(VietNumber.format(bound * 100, decimals: 1))% so với \(VietNumber.format(pv, decimals: ind.decimals))",
                        vi: "\(ind.code) «\(ind.name)»: \(change > 0 ? "tăng" : "giảm") \(VietNumber.format(abs(change) * 100, decimals: 1))% so với \(previous!.label(for: s.period ?? Period(year: 2000)).lowercased()) (\(VietNumber.format(pv, decimals: ind.decimals)) → \(VietNumber.format(ev, decimals: ind.decimals))), vượt mức ±\(VietNumber.format(bound * 100, decimals: 1))% thường gặp",
                        en: "\(ind.code) \"\(ind.name)\": \(change > 0 ? "up" : "down") \(VietNumber.format(abs(change) * 100, decimals: 1, .en))% on the previous year (\(VietNumber.format(pv, decimals: ind.decimals, .en)) → \(VietNumber.format(ev, decimals: ind.decimals, .en))), beyond ±\(VietNumber.format(bound * 100, decimals: 1, .en))%"))
                }
            }
            // A ratio reported with its parts: they must agree.
            if case .ratio(let num, let den, let factor) = ind.aggregation, let nr = byCode[num], let dr = byCode[den] {
                let nv = s.rows[nr].values, dv = s.rows[dr].values
                for key in keys {
                    guard let rv = values[key], case .number(let r) = rv.value,
                          let n = nv[key]?.value.number, let d = dv[key]?.value.number, d > 0 else { continue }
                    let computed = n / d * factor
                    let tolerance = max(0.5 * pow(10, -Double(ind.decimals)) * 2, abs(computed) * 0.005)
                    if abs(computed - r) > tolerance {
                        f.append(Finding(.ratioInconsistent, file: file, sheet: sheet, cell: rv.ref, indicator: ind.code, column: key, value: rv.written,
                            expected: VietNumber.format(computed, decimals: ind.decimals),
                            vi: "\(ind.code) «\(ind.name)» ghi \(rv.value.text(decimals: ind.decimals)) nhưng \(num)/\(den) cho \(VietNumber.format(computed, decimals: ind.decimals))",
                            en: "\(ind.code) \"\(ind.name)\" is \(rv.value.text(decimals: ind.decimals, .en)) but \(num)/\(den) gives \(VietNumber.format(computed, decimals: ind.decimals, .en))"))
                    }
                }
            }
            // Typed comparison columns against what the values give.
            if !t.comparisons.isEmpty {
                let typedValues = s.rows[ri].comparisons
                for k in t.comparisons.indices {
                    guard let typed = typedValues[t.comparisons[k].key], case .number(let tv) = typed.value, !typed.fromFormula,
                          let n = values[t.comparisons[k].numerator]?.value.number, let d = values[t.comparisons[k].denominator]?.value.number, d != 0 else { continue }
                    let computed = n / d * 100
                    if abs(computed - tv) > 0.15 {
                        let cmp = t.comparisons[k]
                        f.append(Finding(.comparisonMismatch, file: file, sheet: sheet, cell: typed.ref, indicator: ind.code, column: cmp.key, value: typed.written,
                            expected: VietNumber.format(computed, decimals: 1),
                            vi: "\(ind.code) «\(ind.name)», cột «\(cmp.label)»: ghi \(VietNumber.format(tv, decimals: 2)) nhưng tính từ số liệu được \(VietNumber.format(computed, decimals: 1))",
                            en: "\(ind.code), column \"\(cmp.label)\": typed \(VietNumber.format(tv, decimals: 2, .en)) but the values give \(VietNumber.format(computed, decimals: 1, .en))"))
                    }
                }
            }
        }

        // Cross-indicator rules, per value column.
        let rows = s.rows
        for rule in t.rules {
            let codes = Set(rule.left.codes + rule.right.codes)
            for ci in keys.indices where rule.columns.isEmpty || rule.columns.contains(keys[ci]) {
                let key = keys[ci]
                var missing = 0
                func value(_ code: String) -> Double? {
                    guard let v = byCode[code].flatMap({ rows[$0].values[key] })?.value else { return nil }
                    switch v {
                    case .number(let d): return d
                    case .symbol(.none): return 0
                    case .range, .atLeast, .atMost: return v.representative
                    default: return nil
                    }
                }
                for c in codes where value(c) == nil { missing += 1 }
                if missing > 0 && (rule.missing == .skipIfAny || (rule.missing == .skipIfAll && missing == codes.count)) { continue }
                guard let l = rule.left.evaluate({ value($0) ?? 0 }), let r = rule.right.evaluate({ value($0) ?? 0 }) else { continue }
                if !rule.holds(l, r) {
                    let col = t.columns[ci]
                    let leftCode = rule.left.codes.first
                    let ref = leftCode.flatMap { byCode[$0].flatMap { rows[$0].values[key] }?.ref }
                    let code: FindingCode = rule.severity == .error ? .ruleError : rule.severity == .warning ? .ruleWarning : .ruleInfo
                    let fmt = { (d: Double) in VietNumber.format(d, decimals: 2) }
                    f.append(Finding(code, file: file, sheet: sheet, cell: ref, indicator: leftCode, column: col.key,
                        // As a paper writes it: "≤ 14 (CS07)", the rule's message first and its id last.
                        value: "\(rule.left) = \(fmt(l))", expected: "\(rule.op.symbol) \(fmt(r)) (\(rule.right))",
                        vi: "\(rule.message) — cột «\(col.label(for: s.period ?? Period(year: 2000)))»: \(rule.left) = \(fmt(l)), \(rule.right) = \(fmt(r)) (quy tắc \(rule.id))",
                        en: "\(rule.left) \(rule.op.symbol) \(rule.right) fails in column \"\(col.label(for: s.period ?? Period(year: 2000), .en))\": \(rule.left) = \(VietNumber.format(l, decimals: 2, .en)), \(rule.right) = \(VietNumber.format(r, decimals: 2, .en)) (rule \(rule.id))",
                        severity: rule.severity))
                }
            }
        }
        return f
    }

    func checkValue(_ v: SubmittedValue, ind: Indicator, column: String, file: String, sheet: String, into f: inout [Finding]) {
        // The value's numbers, first and second (a range has two); no array per value.
        let first: Double, second: Double?
        switch v.value {
        case .number(let d): first = d; second = nil
        case .range(let a, let b): first = a; second = b
        case .atLeast(let a, _), .atMost(let a, _): first = a; second = nil
        default: return
        }
        func firstOutside(_ r: Bounds) -> Double? {
            if !r.contains(first) { return first }
            if let second, !r.contains(second) { return second }
            return nil
        }
        if ind.kind == .integer, case .number(let d) = v.value, d != d.rounded() {
            f.append(Finding(.notInteger, file: file, sheet: sheet, cell: v.ref, indicator: ind.code, column: column, value: v.written,
                expected: "số nguyên (\(ind.unitText))",
                vi: "\(ind.code) «\(ind.name)»: ghi \(v.written), cần số nguyên (\(ind.unitText))",
                en: "\(ind.code) \"\(ind.name)\": \(v.written) where a whole number is expected"))
            return
        }
        if let hard = ind.hard, let bad = firstOutside(hard) {
            f.append(Finding(.hardRange, file: file, sheet: sheet, cell: v.ref, indicator: ind.code, column: column, value: v.written,
                expected: hard.text(.vi, decimals: ind.decimals),
                vi: "\(ind.code) «\(ind.name)»: ghi \(VietNumber.format(bad, decimals: max(ind.decimals, 2))) \(ind.unitText), cần \(hard.text(.vi, decimals: ind.decimals))",
                en: "\(ind.code) \"\(ind.name)\": \(VietNumber.format(bad, decimals: max(ind.decimals, 2), .en)) \(ind.unitText); must be \(hard.text(.en, decimals: ind.decimals))"))
            return
        }
        if let soft = ind.soft, let odd = firstOutside(soft) {
            f.append(Finding(.softRange, file: file, sheet: sheet, cell: v.ref, indicator: ind.code, column: column, value: v.written,
                expected: soft.text(.vi, decimals: ind.decimals),
                vi: "\(ind.code) «\(ind.name)»: \(VietNumber.format(odd, decimals: max(ind.decimals, 2))) \(ind.unitText) nằm ngoài khoảng thường gặp (\(soft.text(.vi, decimals: ind.decimals))); kiểm tra lại",
                en: "\(ind.code) \"\(ind.name)\": \(VietNumber.format(odd, decimals: max(ind.decimals, 2), .en)) is outside the usual range (\(soft.text(.en, decimals: ind.decimals)))"))
        }
    }
}
