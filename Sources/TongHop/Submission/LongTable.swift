import Foundation
import SheetIO

/// A CSV with one value per line: unit, period, indicator code, column, value. One file
/// may hold several units and periods: each (unit, period) is a submission of its own.
enum LongTable {
    struct Layout {
        var header: Int; var unit: Int; var period: Int; var code: Int; var column: Int; var value: Int; var unitOfMeasure: Int?
        /// An SDMX-CSV file (ours, or another system's with our structure): its own columns.
        var sdmx: SDMXColumns? = nil
    }
    struct SDMXColumns { var status: Int?; var mult: Int?; var lower: Int?; var upper: Int?; var strict: Int? }

    static let names: [String: [String]] = [
        "unit": ["don vi", "ma don vi", "unit", "don vi bao cao"],
        "period": ["ky", "ky bao cao", "period"],
        "code": ["ma chi tieu", "ma", "chi tieu", "indicator", "code"],
        "column": ["cot", "column", "loai so lieu", "loai"],
        "value": ["gia tri", "so lieu", "value"],
        "uom": ["dvt", "don vi tinh"],
    ]

    static func locate(_ sheet: Sheet) -> Layout? {
        if let l = locateSDMX(sheet) { return l }
        for row in sheet.rows.prefix(10) {
            var found: [String: Int] = [:]
            for c in row.cells {
                guard let t = c.value.text else { continue }
                let l = VietFold.loose(t)
                for (k, ns) in names where ns.contains(l) && found[k] == nil { found[k] = c.column }
            }
            if let u = found["unit"], let p = found["period"], let code = found["code"], let col = found["column"], let v = found["value"] {
                return Layout(header: row.index, unit: u, period: p, code: code, column: col, value: v, unitOfMeasure: found["uom"])
            }
        }
        return nil
    }

    static func read(_ sheet: Sheet, layout: Layout, template t: Template, file: String, csvDelimiterIsSemicolon: Bool) -> [Submission] {
        let rows = sheet.rows.filter { $0.index > layout.header }
        let texts = rows.compactMap { $0[column: layout.value]?.value.text }
        let evidence = ValueParser.convention(texts: texts, semicolonCSV: csvDelimiterIsSemicolon)
        var order: [String] = []
        var subs: [String: Submission] = [:]
        var seen: [String: Set<String>] = [:]
        for r in rows {
            func text(_ c: Int?) -> String { c.flatMap { r[column: $0] }.map { CellText.csv($0.value).trimmedSpaces } ?? "" }
            let unitText = text(layout.unit), periodText = text(layout.period)
            let key = unitText + "|" + periodText
            if subs[key] == nil {
                var s = Submission(file: file, sheet: sheet.name)
                s.sheetData = sheet
                s.headerRow = layout.header
                s.convention = evidence.convention
                s.period = layout.sdmx != nil ? SDMXCodes.period(sdmx: periodText) : Period(periodText) ?? Identification.periodIn(periodText)
                let date = s.period?.referenceDate
                s.unit = date.flatMap { t.unit(unitText, on: $0) ?? Identification.matchUnit(unitText, t, on: $0) }
                    ?? t.unit(unitText) ?? Identification.matchUnit(unitText, t)
                s.unitSource = .csvColumns
                s.periodSource = .csvColumns
                if s.unit == nil {
                    s.findings.append(Finding(.unitUnknown, file: file, sheet: sheet.name, cell: CellRef(row: r.index, column: layout.unit), value: unitText,
                        vi: "đơn vị «\(unitText)» không có trong mẫu \(t.id)", en: "unit \"\(unitText)\" is not in template \(t.id)"))
                }
                if s.period == nil {
                    s.findings.append(Finding(.periodUnknown, file: file, sheet: sheet.name, cell: CellRef(row: r.index, column: layout.period), value: periodText,
                        vi: "kỳ báo cáo «\(periodText)» không hợp lệ (ví dụ \(layout.sdmx == nil ? "2024, 2024-6T" : "2024, 2024-01-01/P6M"))",
                        en: "period \"\(periodText)\" is not valid (e.g. \(layout.sdmx == nil ? "2024, 2024-6T" : "2024, 2024-01-01/P6M"))"))
                }
                subs[key] = s
                order.append(key)
            }
            var s = subs[key]!
            let code = text(layout.code).uppercased()
            guard let ind = t.indicator(code) else {
                if !code.isEmpty {
                    s.findings.append(Finding(.unknownCode, file: file, sheet: sheet.name, cell: CellRef(row: r.index, column: layout.code), value: code,
                        vi: "mã chỉ tiêu «\(code)» không có trong mẫu \(t.id); dòng này bị bỏ qua", en: "indicator code \"\(code)\" is not in template \(t.id)"))
                }
                subs[key] = s
                continue
            }
            let colText = text(layout.column)
            let period = s.period ?? Period(year: 2000)
            let colKey = VietFold.loose(colText)
            guard let col = t.columns.first(where: { $0.key == colText || ([$0.label(for: period)] + $0.aliases.map(period.fill)).contains { VietFold.loose($0) == colKey } })
                ?? t.columns.first(where: { HeaderMatcher.shared(for: t).role(of: colText) == .value($0.key) }) else {
                s.findings.append(Finding(.tableNotFound, file: file, sheet: sheet.name, cell: CellRef(row: r.index, column: layout.column), value: colText,
                    expected: t.columns.map(\.key).joined(separator: ", "),
                    vi: "cột số liệu «\(colText)» không có trong mẫu (\(t.columns.map(\.key).joined(separator: ", ")))",
                    en: "value column \"\(colText)\" is not in the template (\(t.columns.map(\.key).joined(separator: ", ")))"))
                subs[key] = s
                continue
            }
            var row: SubmissionRow
            if let i = s.rows.firstIndex(where: { $0.indicator?.code == ind.code }) {
                row = s.rows.remove(at: i)
            } else {
                row = SubmissionRow(indicator: ind, row: r.index, codeText: code, nameText: ind.name)
            }
            if seen[key, default: []].contains(ind.code + "|" + col.key) {
                s.findings.append(Finding(.duplicateRow, file: file, sheet: sheet.name, cell: CellRef(row: r.index, column: layout.code), indicator: ind.code, column: col.key,
                    value: code, vi: "\(ind.code), cột «\(col.label(for: s.period ?? Period(year: 2000)))»: ghi hai lần", en: "\(ind.code), column \"\(col.label(for: s.period ?? Period(year: 2000), .en))\": given twice"))
                s.rows.append(row)
                subs[key] = s
                continue
            }
            seen[key, default: []].insert(ind.code + "|" + col.key)
            if let sd = layout.sdmx {
                if let v = sdmxValue(r, layout: layout, sd, template: t, indicator: ind, column: col, submission: &s) { row.values[col.key] = v }
                s.rows.append(row)
                subs[key] = s
                continue
            }
            var rowUnit: (MeasureUnit, CellRef)? = nil
            if let uc = layout.unitOfMeasure, let ut = r[column: uc]?.value.text, let mu = MeasureUnit(ut), let target = ind.unit,
               mu.base != target.base || mu.scale != target.scale {
                rowUnit = (mu, CellRef(row: r.index, column: uc))
            }
            var parser = ValueParser(file: file, sheet: sheet.name, template: t, convention: evidence.convention, conventionDecided: evidence.decided)
            parser.provenGrouping = evidence.provenGrouping
            parser.provenDecimal = evidence.provenDecimal
            parser.period = s.period
            if let v = parser.parse(r[column: layout.value], ref: CellRef(row: r.index, column: layout.value), indicator: ind, column: col,
                                    rowUnit: rowUnit, findings: &s.findings) {
                row.values[col.key] = v
            }
            s.rows.append(row)
            subs[key] = s
        }
        return order.map { subs[$0]! }
    }
}
