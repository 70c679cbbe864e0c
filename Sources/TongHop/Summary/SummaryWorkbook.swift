import Foundation
import SheetIO

/// Writes the province summary workbook: every province figure a live Excel formula over
/// the unit sheet (SUM, ratio of SUMPRODUCTs, growth from levels), written with the value
/// our consolidation computes, so it shows right before and after recalculation.
public enum SummaryWorkbook {
    /// The language of the workbook being written: its sheets are named in it, and the
    /// formulas that refer to them follow (set by ``write(_:to:lang:)`` for its call).
    @TaskLocal static var language: Language = .vi
    static func name(_ vi: String, _ en: String) -> String { language == .vi ? vi : en }
    static var summarySheet: String { name("Tổng hợp", "Summary") }
    static var unitSheet: String { name("Số liệu đơn vị", "Unit figures") }
    static var scoreSheet: String { name("Chấm điểm", "Scorecard") }
    static var levelSheet: String { name("Theo đơn vị cấp trên", "By higher-level unit") }
    static var findingsSheet: String { name("Kết quả kiểm tra", "Findings") }
    static var statusSheet: String { name("Tình hình nộp", "Submissions") }
    static var printSheet: String { name("Bảng in theo đơn vị", "Printable by unit") }
    static var trendSheet: String { name("Diễn biến", "Trends") }
    static var yearEndSheet: String { name("Ước cả năm", "Year-end estimate") }

    /// Positions on the unit sheet.
    struct UnitLayout {
        let firstRow = 4                 // 0-based row of the first leaf unit
        let leafCount: Int
        let hasPart: Bool
        let indicatorColumn: [String: Int]   // indicator code → first of its value columns
        let columns: [ValueColumn]
        let helperColumn: [String: Int]      // growth indicator → helper column (level a year earlier)
        /// Rows of each intermediate unit's leaves (contiguous: leaves are sorted by parent).
        var spans: [String: ClosedRange<Int>] = [:]
        /// Each unit of the sheet with its row: the leaves, then the province part.
        var unitRows: [(unit: ReportingUnit, row: Int)] = []

        var lastLeafRow: Int { firstRow + leafCount - 1 }
        var partRow: Int { firstRow + leafCount }

        func col(_ code: String, _ key: String) -> Int {
            indicatorColumn[code]! + columns.firstIndex { $0.key == key }!
        }

        /// "'Số liệu đơn vị'!$E$5:$E$12": all leaves (plus the province part when asked), or
        /// the given rows.
        func range(_ code: String, _ key: String, withPart: Bool = false, rows: ClosedRange<Int>? = nil) -> String {
            let c = CellRef.columnName(col(code, key))
            let first = rows?.lowerBound ?? firstRow
            let last = rows?.upperBound ?? (withPart && hasPart ? partRow : lastLeafRow)
            return "'\(unitSheet)'!$\(c)$\(first + 1):$\(c)$\(last + 1)"
        }

        func cell(_ code: String, _ key: String, row: Int) -> String {
            "'\(unitSheet)'!$\(CellRef.columnName(col(code, key)))$\(row + 1)"
        }

        func helperRange(_ code: String, rows: ClosedRange<Int>? = nil) -> String {
            let c = CellRef.columnName(helperColumn[code]!)
            return "'\(unitSheet)'!$\(c)$\((rows?.lowerBound ?? firstRow) + 1):$\(c)$\((rows?.upperBound ?? lastLeafRow) + 1)"
        }
    }

    /// Writes the workbook in `lang`: every fixed label, header and note in that language;
    /// the template's own texts (indicator names, units, groups) as the template writes them.
    public static func write(_ d: SummaryData, to path: String, lang: Language = .vi) throws {
        try $language.withValue(lang) { try writeWorkbook(d, to: path, lang: lang) }
    }

    static func writeWorkbook(_ d: SummaryData, to path: String, lang: Language) throws {
        let wb = try XLSXWriter(path: path)
        let t = d.template
        let w = PaperWords(lang)
        try wb.setProperties(DocumentProperties(title: w("Tổng hợp \(t.title.lowercased()) \(d.period.label())", "Summary: \(t.title) \(d.period.label(.en))"), subject: t.id,
                                                author: "tonghop", company: t.receiver, keywords: "\(t.id) \(d.period)"))
        let summary = try wb.addWorksheet(summarySheet)
        let units = try wb.addWorksheet(unitSheet, streamed: true)
        let layout = try writeUnitSheet(units, d, w)
        // The printable unit table is a province's paper (up to a few hundred units on a
        // few dozen pages); a national batch of thousands of units gets none.
        let printed = d.consolidation.leaves.count <= maxPrintedUnits ? try wb.addWorksheet(printSheet) : nil
        let summaryLayout = try writeSummarySheet(summary, d, layout, w)
        if let printed { try writePrintedUnitTable(printed, d, layout, summaryLayout, w) }
        if !layout.spans.isEmpty { try writeIntermediateSheet(try wb.addWorksheet(levelSheet), d, layout, w) }
        try writeScorecard(try wb.addWorksheet(scoreSheet, streamed: true), wb, d, w)
        if let f = d.yearEnd { try writeYearEnd(try wb.addWorksheet(yearEndSheet), d, f, summaryLayout, w) }
        if let tr = d.trends, !tr.rows.isEmpty { try writeTrends(try wb.addWorksheet(trendSheet), wb, d, tr, summaryLayout, w) }
        try writeFindings(try wb.addWorksheet(findingsSheet, streamed: true), d, w)
        try writeStatus(try wb.addWorksheet(statusSheet, streamed: true), d, w)
        summary.activate()
        try wb.close()
    }

    // MARK: Formats

    static let base = CellFormat().with { $0.fontName = "Times New Roman"; $0.fontSize = 11; $0.vAlign = .center }
    static let bold = base.with { $0.bold = true }
    static let title = bold.with { $0.fontSize = 14; $0.hAlign = .center; $0.wrap = true }
    static let italicCenter = base.with { $0.italic = true; $0.hAlign = .center }
    static let header = bold.with { $0.hAlign = .center; $0.wrap = true; $0.border = .thin; $0.fillColor = 0xDDEBF7 }
    static let numbering = base.with { $0.italic = true; $0.hAlign = .center; $0.border = .thin; $0.fontSize = 9 }
    static let cell = base.with { $0.border = .thin; $0.wrap = true }
    static let centered = cell.with { $0.hAlign = .center }
    static let group = cell.with { $0.bold = true }

    static func numberFormat(_ decimals: Int) -> CellFormat { numberFormats[max(0, min(decimals, 6))] }

    /// Partial totals: the same formats in grey italics.
    static let partialFormats: [CellFormat] = numberFormats.map { $0.with { $0.italic = true; $0.fontColor = 0x7F7F7F } }

    /// "-" (no phenomenon) is stored as 0 and shown as "-".
    static let numberFormats: [CellFormat] = (0...6).map { decimals in
        let n = decimals == 0 ? "#,##0" : "#,##0." + String(repeating: "0", count: decimals)
        return cell.with { $0.numberFormat = "\(n);-\(n);\"-\""; $0.hAlign = .right }
    }

    /// A4 landscape fitted to the page width, Nghị định 30 margins, the page number top
    /// centre, and on partial data the mark on every page (the page header).
    static func printSetup(_ ws: Worksheet, repeat rows: ClosedRange<Int>?, _ d: SummaryData, _ w: PaperWords, area: CellRange? = nil, firstPage: Bool = false,
                           scale: Int? = nil, rowBreaks: [Int] = []) throws {
        var p = PrintSetup()
        p.landscape = true
        p.rowBreaks = rowBreaks
        if let scale {
            // Our own pages (``PagePlan``): the same scale and breaks in Excel and LibreOffice.
            p.scale = scale
        } else {
            p.fitWidth = 1
            p.fitHeight = 0
        }
        p.repeatRows = rows
        p.printArea = area
        p.header = PaperLayout.header(mark: PaperLayout.partialMark(d, w))
        // The paper's own first page (Tổng hợp): no page number on it.
        if firstPage { p.firstPageHeader = PaperLayout.firstPageHeader(mark: PaperLayout.partialMark(d, w)) }
        p.margins = PaperLayout.margins
        p.centerHorizontally = true
        try ws.setPrint(p)
    }

    /// A cell value as stored: numbers (and "-" as 0 shown "-"), symbols and targets as text.
    static func writeValue(_ ws: Worksheet, _ r: Int, _ c: Int, _ v: ReportedValue, written: String?, decimals: Int) throws {
        switch v {
        case .number(let x): try ws.write(r, c, number: x, numberFormat(decimals))
        case .symbol(.none): try ws.write(r, c, number: 0, numberFormat(decimals))
        case .symbol(let s): try ws.write(r, c, text: s.rawValue, centered)
        case .range, .atLeast, .atMost: try ws.write(r, c, text: v.text(decimals: decimals), centered)
        case .empty: try ws.writeBlank(r, c, cell)
        }
    }

    // MARK: Unit sheet

    static func writeUnitSheet(_ ws: Worksheet, _ d: SummaryData, _ w: PaperWords) throws -> UnitLayout {
        let t = d.template, c = d.consolidation
        // Leaves grouped by their parent, so an intermediate unit's leaves are one block of rows.
        let leaves = c.intermediates.isEmpty ? c.leaves : c.leaves.sorted { ($0.parent ?? "", $0.code) < ($1.parent ?? "", $1.code) }
        let part = c.provincePart
        var indicatorColumn: [String: Int] = [:]
        var col = 4
        for ind in t.indicators {
            indicatorColumn[ind.code] = col
            col += t.columns.count
        }
        var helper: [String: Int] = [:]
        for ind in t.indicators { if case .growth = ind.aggregation { helper[ind.code] = col; col += 1 } }
        var layout = UnitLayout(leafCount: leaves.count, hasPart: part != nil, indicatorColumn: indicatorColumn, columns: t.columns, helperColumn: helper)
        for u in c.intermediates {
            let rows = leaves.indices.filter { leaves[$0].parent == u.code }.map { layout.firstRow + $0 }
            // Only a unit whose leaves are its direct children gets a block (a 3-tier tree).
            if let lo = rows.first, let hi = rows.last, hi - lo + 1 == rows.count, rows.count == c.leaves(under: u).count {
                layout.spans[u.code] = lo...hi
            }
        }

        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 10)),
                     text: w("SỐ LIỆU CỦA CÁC ĐƠN VỊ — \(d.period.label().uppercased())", "UNITS' FIGURES — \(d.period.label(.en).uppercased())"), bold.with { $0.fontSize = 13 })
        try ws.write(1, 0, text: w("Số \"-\" là không phát sinh (tính là 0); \"...\" là chưa có thông tin; \"x\" là không áp dụng. Các số ở trang \(summarySheet) là công thức trên trang này. Trang này là nguồn của công thức, không để in: bản in theo đơn vị là trang \(printSheet).",
                                   "\"-\": nothing to report (counts as 0); \"...\": no information yet; \"x\": not applicable. The figures of the summary sheet are formulas over this sheet. This sheet is the formulas' source, not a paper: print the sheet \(printSheet)."),
                     base.with { $0.italic = true })
        try writeIndicatorHeaders(ws, t, layout, labels: [w("STT", "No."), w("Mã ĐV", "Unit code"), w("Đơn vị", "Unit"), w("Cấp trên", "Parent")], w, d.period)
        for (code, hc) in helper {
            try ws.merge(CellRange(first: CellRef(row: 2, column: hc), last: CellRef(row: 3, column: hc)),
                         text: w("Phụ trợ \(code): mức năm trước nữa", "Helper \(code): level two years before"), header)
            try ws.setColumns(hc, hc, width: 14)
        }

        layout.unitRows = leaves.enumerated().map { ($1, layout.firstRow + $0) } + (part.map { [($0, layout.partRow)] } ?? [])
        let rows = layout.unitRows
        for (n, (u, r)) in rows.enumerated() {
            try ws.write(r, 0, number: Double(n + 1), centered)
            try ws.write(r, 1, text: u.code, centered)
            try ws.write(r, 2, text: u.level == .provincePart ? u.name : FormBuilder.unitTitle(u), cell)
            try ws.write(r, 3, text: u.parent ?? "", centered)
            for ind in t.indicators {
                for vc in t.columns {
                    let v = d.consolidation.raw(u.code, ind.code, vc.key)
                    try writeValue(ws, r, layout.col(ind.code, vc.key), v, written: nil, decimals: ind.decimals)
                }
            }
            // Growth helpers: the level a year before last, from last year's level and growth.
            for ind in t.indicators {
                guard case .growth(let level) = ind.aggregation, let prev = t.previousColumn?.key, let hc = helper[ind.code] else { continue }
                let l = layout.cell(level, prev, row: r).replacingOccurrences(of: "'\(unitSheet)'!", with: "")
                let g = layout.cell(ind.code, prev, row: r).replacingOccurrences(of: "'\(unitSheet)'!", with: "")
                let lv = d.consolidation.number(u.code, level, prev), gv = d.consolidation.number(u.code, ind.code, prev)
                let result: FormulaResult = (lv != nil && gv != nil) ? .number(lv! / (1 + gv! / 100)) : .text("")
                try ws.writeFormula(r, hc, "=IF(AND(ISNUMBER(\(l)),ISNUMBER(\(g))),\(l)/(1+\(g)/100),\"\")", result: result, numberFormat(2))
            }
        }
        ws.freezePanes(row: layout.firstRow, col: 3)
        // Not a paper (a hundred columns would print at 1 pt): the print area is its title
        // and the note that sends the reader to the printable table.
        try printSetup(ws, repeat: nil, d, w, area: CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 1, column: 10)))
        return layout
    }

    /// The two header rows of a sheet with one row per unit: four merged labels, then per
    /// indicator its name over its value columns (TH, KH, ƯTH); widths set.
    static func writeIndicatorHeaders(_ ws: Worksheet, _ t: Template, _ L: UnitLayout, labels: [String], _ w: PaperWords, _ period: Period) throws {
        for (i, h) in labels.enumerated() {
            try ws.merge(CellRange(first: CellRef(row: 2, column: i), last: CellRef(row: 3, column: i)), text: h, header)
        }
        let short: [ValueColumn.Role: String] = [.previous: w("TH", "Act."), .plan: w("KH", "Plan"), .estimate: w("ƯTH", "Est."), .other: ""]
        for ind in t.indicators {
            let first = L.indicatorColumn[ind.code]!
            try ws.merge(CellRange(first: CellRef(row: 2, column: first), last: CellRef(row: 2, column: first + t.columns.count - 1)),
                         text: "\(ind.code) \(ind.name) (\(ind.unitText))", header)
            for (k, vc) in t.columns.enumerated() {
                try ws.write(3, first + k, text: short[vc.role].flatMap { $0.isEmpty ? nil : $0 } ?? vc.key, header)
            }
            try ws.setColumns(first, first + t.columns.count - 1, width: 12)
        }
        for (i, width) in [5.0, 8, 24, 9].enumerated() { try ws.setColumns(i, i, width: width) }
        let tallest = t.indicators.map { PaperLayout.lines("\($0.code) \($0.name) (\($0.unitText))", width: 12 * Double(t.columns.count), fontSize: 11, bold: true) }.max() ?? 1
        try ws.setRow(2, height: max(30, PaperLayout.height(lines: tallest, fontSize: 11)))
    }

    // MARK: Intermediate level

    /// In a 3-tier hierarchy, each intermediate unit's (district's) consolidated figures,
    /// live formulas over its block of rows of the unit sheet.
    static func writeIntermediateSheet(_ ws: Worksheet, _ d: SummaryData, _ L: UnitLayout, _ w: PaperWords) throws {
        let t = d.template, c = d.consolidation
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 10)),
                     text: w("TỔNG HỢP THEO ĐƠN VỊ CẤP TRÊN — \(d.period.label().uppercased())", "SUMMARY BY PARENT UNIT — \(d.period.label(.en).uppercased())"), bold.with { $0.fontSize = 13 })
        try writeIndicatorHeaders(ws, t, L, labels: [w("STT", "No."), w("Mã ĐV", "Unit code"), w("Đơn vị", "Unit"), w("Số đơn vị", "Units")], w, d.period)
        let nodes = c.intermediates.filter { L.spans[$0.code] != nil }
        for (i, u) in nodes.enumerated() {
            let r = L.firstRow + i
            let span = L.spans[u.code]!
            try ws.write(r, 0, number: Double(i + 1), centered)
            try ws.write(r, 1, text: u.code, centered)
            try ws.write(r, 2, text: FormBuilder.unitTitle(u), cell)
            try ws.write(r, 3, number: Double(span.count), centered)
            for ind in t.indicators {
                for vc in t.columns {
                    let col = L.col(ind.code, vc.key)
                    let value = c.aggregate(ind.code, vc.key, node: u).value
                    let f = formula(ind, vc, L, t, rows: span, rateCell: { code, key in "\(CellRef.columnName(L.col(code, key)))\(r + 1)" })
                    try ws.writeFormula(r, col, f, result: value.map { .number($0) } ?? .text(""), numberFormat(ind.decimals))
                }
            }
        }
        ws.freezePanes(row: L.firstRow, col: 3)
        // Three columns an indicator for every indicator: fitted to one page width it
        // would print at a few points. At 85 %, the labels and headers repeated, across
        // as many pages as it takes.
        var p = PrintSetup()
        p.landscape = true
        p.scale = 85
        p.repeatRows = 2...3
        p.repeatColumns = 0...3
        p.header = PaperLayout.header(mark: PaperLayout.partialMark(d, w))
        p.margins = PaperLayout.margins
        try ws.setPrint(p)
    }

    // MARK: Summary sheet

    @discardableResult
    static func writeSummarySheet(_ ws: Worksheet, _ d: SummaryData, _ L: UnitLayout, _ w: PaperWords) throws -> (rowOf: [String: Int], valueColumn: [String: Int]) {
        let t = d.template, c = d.consolidation
        let est = t.estimateColumn!.key, plan = t.planColumn?.key, prev = t.previousColumn?.key
        var headers = [w("STT", "No."), w("Mã", "Code"), w("Chỉ tiêu", "Indicator"), w("ĐVT", "Unit")] + t.columns.map { $0.label(for: d.period, w.lang) }
        var numberingTexts = ["A", "B", "C", "D"] + t.columns.indices.map { String($0 + 1) }
        let cmpPlanCol = headers.count, cmpPrevCol = headers.count + 1
        let vIndex = { (k: String) in 4 + t.columns.firstIndex { $0.key == k }! }
        if let plan { headers.append(w("ƯTH so KH (%)", "Estimate / plan (%)")); numberingTexts.append("\(t.columns.count + 1)=\(vIndex(est) - 3)/\(vIndex(plan) - 3)") }
        if let prev { headers.append(w("ƯTH so cùng kỳ (%)", "Estimate / last year (%)")); numberingTexts.append("\(t.columns.count + 2)=\(vIndex(est) - 3)/\(vIndex(prev) - 3)") }
        let judgeCol = headers.count
        headers += [w("Đánh giá", "Assessment"), w("Cách tổng hợp", "Method"), w("Đơn vị báo cáo", "Units reported")]
        numberingTexts += ["E", "F", "G"]
        let last = headers.count - 1
        let widths: [Double] = [5, 7, 40, 12] + t.columns.map { _ in 13 } + Array(repeating: 10, count: judgeCol - cmpPlanCol) + [11, 30, 18]
        for (i, width) in widths.enumerated() { try ws.setColumns(i, i, width: width) }

        // The printed page ends at "Đánh giá"; the method and coverage columns stay on screen.
        let printLast = judgeCol
        let printedWidth = widths.prefix(printLast + 1).reduce(0, +)
        try OfficialPaper.writeHead(ws, t.official, formCode: OfficialPaper.numberLine(t.official, w),
                                    dateLine: OfficialPaper.blankDate(t.official.place, w), last: printLast, base: base, words: w)
        let what = t.title.hasPrefix("BÁO CÁO ") ? String(t.title.dropFirst(8)) : t.title
        let titleText = w("TỔNG HỢP \(what) \(d.period.label().uppercased())", "SUMMARY REPORT — \(d.period.label(.en).uppercased())\n\(t.title)")
        try ws.merge(CellRange(first: CellRef(row: 3, column: 0), last: CellRef(row: 3, column: printLast)), text: titleText, title)
        try ws.setRow(3, height: max(36, PaperLayout.rowHeight([(titleText, printedWidth, 14)], bold: true)))
        let received = d.status.filter(\.received).count
        let complete = received == d.status.count
        try ws.merge(CellRange(first: CellRef(row: 4, column: 0), last: CellRef(row: 4, column: printLast)),
                     text: w("(Đơn vị tính ghi theo từng chỉ tiêu; số liệu của \(received)/\(d.status.count) đơn vị báo cáo)",
                             "(Units of measure by indicator; figures of \(received) of \(d.status.count) reporting units)"), italicCenter)
        // Incomplete data never looks final: a banner, the missing units named, and no
        // verdict on partial figures.
        let banner = complete ? w("Toàn tỉnh: \(d.provinceScore.headline(.vi)).", "Province: \(d.provinceScore.headline(.en)).")
            : w("SỐ LIỆU CHƯA ĐẦY ĐỦ — \(received)/\(d.status.count) đơn vị đã báo cáo; chưa đánh giá toàn tỉnh",
                "INCOMPLETE DATA — \(received) of \(d.status.count) units reported; the province is not assessed")
        try ws.merge(CellRange(first: CellRef(row: 5, column: 0), last: CellRef(row: 5, column: printLast)), text: banner,
                     complete ? italicCenter : bold.with { $0.hAlign = .center; $0.fontColor = 0xC00000; $0.fontSize = 12 })
        if let missing = PaperLayout.missingUnits(d, w) {
            try ws.merge(CellRange(first: CellRef(row: 6, column: 0), last: CellRef(row: 6, column: printLast)), text: missing,
                         base.with { $0.hAlign = .center; $0.wrap = true; $0.fontColor = 0xC00000; $0.fontSize = 10 })
            try ws.setRow(6, height: PaperLayout.rowHeight([(missing, printedWidth, 10)]))
        }
        let hRow = 7
        for (i, h) in headers.enumerated() { try ws.write(hRow, i, text: h, header) }
        for (i, n) in numberingTexts.enumerated() { try ws.write(hRow + 1, i, text: n, numbering) }
        try ws.setRow(hRow, height: PaperLayout.rowHeight(zip(headers, widths).map { ($0, $1, 11) }, minimum: 30, bold: true))

        var row = hRow + 2
        var rowOf: [String: Int] = [:]
        // First pass for row numbers (rate changes refer to their rate's row).
        var r0 = row, g0: String? = nil
        for ind in t.indicators {
            if ind.group != g0, ind.group != nil { g0 = ind.group; r0 += 1 }
            rowOf[ind.code] = r0
            r0 += 1
        }
        var group: String? = nil
        var stt = 0
        var groupRows: Set<Int> = []
        for ind in t.indicators {
            if ind.group != group, let g = ind.group {
                group = g
                stt = 0
                groupRows.insert(row)
                try FormBuilder.writeGroupRow(ws, row, g, lastColumn: last, SummaryWorkbook.group)
                try ws.setRow(row, height: PaperLayout.rowHeight([(FormBuilder.splitGroup(g).1, widths[2], 11)], bold: true))
                row += 1
            }
            stt += 1
            try FormBuilder.writeLabels(ws, row, stt: stt, ind, centered: centered, cell: cell)
            var aggs: [String: Aggregate] = [:]
            for vc in t.columns {
                let a = c.aggregate(ind.code, vc.key)
                aggs[vc.key] = a
                // A total that misses units is printed in grey italics (footnoted below).
                let fmt = a.partial ? partialFormats[max(0, min(ind.decimals, 6))] : numberFormat(ind.decimals)
                let formula = self.formula(ind, vc, L, t, rateCell: { code, key in "\(CellRef.columnName(vIndex(key)))\(rowOf[code]! + 1)" })
                try ws.writeFormula(row, vIndex(vc.key), formula, result: a.value.map { .number($0) } ?? .text(""), fmt)
            }
            let e = CellRef.columnName(vIndex(est))
            let pct = cell.with { $0.numberFormat = "#,##0.0"; $0.hAlign = .right }
            var verdictText = ""
            if let plan {
                let p = CellRef.columnName(vIndex(plan))
                let ea = aggs[est]!, pa = aggs[plan]!
                let ev = ea.value, pv = pa.value
                // The percentage rounded towards failure (down when higher is better, up when
                // lower is): "100,0" never stands beside "Chưa đạt".
                let (fn, exact): (String, (Double) -> Double) = switch ind.direction {
                case .higher: ("ROUNDDOWN", { ($0 * 10).rounded(.down) / 10 })
                case .lower: ("ROUNDUP", { ($0 * 10).rounded(.up) / 10 })
                case .none: ("ROUND", { ($0 * 10).rounded() / 10 })
                }
                try ws.writeFormula(row, cmpPlanCol, "=IF(AND(ISNUMBER(\(e)\(row + 1)),ISNUMBER(\(p)\(row + 1)),\(p)\(row + 1)<>0),\(fn)(\(e)\(row + 1)/\(p)\(row + 1)*100,1),\"\")",
                                    result: (ev != nil && pv != nil && pv != 0) ? .number(exact(ev! / pv! * 100 + 0)) : .text(""), pct)
                // Plan attainment in the indicator's direction.
                let test: String
                switch ind.direction {
                case .higher: test = "\(e)\(row + 1)>=\(p)\(row + 1)"
                case .lower: test = "\(e)\(row + 1)<=\(p)\(row + 1)"
                case .none: test = "ABS(\(e)\(row + 1)-\(p)\(row + 1))<=ABS(\(p)\(row + 1))*0.005"
                }
                // A plan the province writes as a bound or range ("Trên 90"): not a number to
                // compare in a formula, but a plan all the same.
                // The province part's own, else the bound every unit was given alike.
                let bound: ReportedValue? = {
                    guard pv == nil else { return nil }
                    func isBound(_ v: ReportedValue) -> Bool { switch v { case .range, .atLeast, .atMost: return true; default: return false } }
                    if let part = c.provincePart, case let v = c.raw(part.code, ind.code, plan), isBound(v) { return v }
                    let written = c.leaves.map { c.raw($0.code, ind.code, plan) }.filter { if case .empty = $0 { return false }; return true }
                    guard let first = written.first, isBound(first), written.allSatisfy({ $0 == first }) else { return nil }
                    return first
                }()
                let judged = ind.planned ? Attainment.assess(estimate: ev, plan: pv.map { .number($0) } ?? bound ?? .empty, direction: ind.direction) : .notAssessed
                if ind.planned && ea.partial {
                    verdictText = w("Chưa đủ số liệu", "Incomplete")
                    try ws.write(row, judgeCol, text: verdictText, centered.with { $0.italic = true; $0.fontColor = 0x7F7F7F; $0.fontSize = 9 })
                } else if ind.planned && pv == nil && bound == nil && ev != nil && pa.partial {
                    // The data is complete; the units' plans are bounds that do not add up
                    // to one province plan: nothing to compare with, not missing data.
                    verdictText = w("KH không quy về một số", "Plan not a single figure")
                    try ws.write(row, judgeCol, text: verdictText, centered.with { $0.italic = true; $0.fontColor = 0x7F7F7F; $0.fontSize = 9 })
                } else if ind.planned && bound != nil {
                    verdictText = judged.label(w.lang)
                    try ws.write(row, judgeCol, text: verdictText, centered)
                } else if ind.planned {
                    verdictText = judged.label(w.lang)
                    try ws.writeFormula(row, judgeCol, "=IF(AND(ISNUMBER(\(e)\(row + 1)),ISNUMBER(\(p)\(row + 1))),IF(\(test),\"\(Attainment.met.label(w.lang))\",\"\(Attainment.notMet.label(w.lang))\"),\"\")",
                                        result: .text(verdictText), centered)
                } else {
                    try ws.writeBlank(row, judgeCol, centered)
                }
            }
            if let prev {
                let p = CellRef.columnName(vIndex(prev))
                let ev = aggs[est]?.value, pv = aggs[prev]?.value
                try ws.writeFormula(row, cmpPrevCol, "=IF(AND(ISNUMBER(\(e)\(row + 1)),ISNUMBER(\(p)\(row + 1)),\(p)\(row + 1)<>0),\(e)\(row + 1)/\(p)\(row + 1)*100,\"\")",
                                    result: (ev != nil && pv != nil && pv != 0) ? .number(ev! / pv! * 100) : .text(""), pct)
            }
            try ws.write(row, judgeCol + 1, text: methodText(ind, t, w), cell.with { $0.fontSize = 9 })
            let a = aggs[est]!
            var cov = a.coverageText
            if !a.missing.isEmpty {
                let names = a.missing.prefix(3).map { code in t.unit(code, for: d.period)?.name ?? code }
                cov += w(" (thiếu: ", " (missing: ") + names.joined(separator: ", ") + (a.missing.count > 3 ? "…" : "") + ")"
            }
            try ws.write(row, judgeCol + 2, text: cov, (a.partial ? centered.with { $0.fontColor = 0xC00000 } : centered).with { $0.fontSize = 9 })
            // Wrapped text does not grow its row in print: the row gets its lines' height.
            try ws.setRow(row, height: PaperLayout.rowHeight([(ind.name, widths[2], 11), (ind.unitText, widths[3], 11), (verdictText, widths[judgeCol], 9)]))
            row += 1
        }
        let lastRow = row - 1
        try ws.addConditionalFormat(CellRange(first: CellRef(row: hRow + 2, column: judgeCol), last: CellRef(row: lastRow, column: judgeCol)),
                                    ConditionalFormat(.formula("=$\(CellRef.columnName(judgeCol))\(hRow + 3)=\"\(Attainment.notMet.label(w.lang))\""),
                                                      format: CellFormat().with { $0.fontColor = 0xC00000; $0.bold = true }))
        // Notes and signature.
        row += 1
        let note = w("Ghi chú: tỷ lệ, bình quân và tốc độ tăng được tính từ tổng tử số, mẫu số và mức của các đơn vị (không lấy bình quân các tỷ lệ). Số liệu là số (dấu thập phân, dấu phân cách hàng nghìn theo cài đặt của máy in bảng tính).",
                     "Note: rates, means and growth are computed from the summed numerators, denominators and levels of the units (never a mean of rates). Figures are numbers: their separators follow the settings of the computer that prints the workbook.")
        try ws.merge(CellRange(first: CellRef(row: row, column: 0), last: CellRef(row: row, column: printLast)), text: note,
                     base.with { $0.italic = true; $0.wrap = true; $0.fontSize = 10 })
        try ws.setRow(row, height: PaperLayout.rowHeight([(note, printedWidth, 10)]))
        if !complete {
            row += 1
            let grey = w("Số in nghiêng màu xám: tổng của các đơn vị đã báo cáo, chưa đủ các đơn vị phải báo cáo; chỉ tiêu đó chưa được đánh giá.",
                         "Grey italics: the total of the units that reported, not of all the units that must report; such an indicator is not assessed.")
            try ws.merge(CellRange(first: CellRef(row: row, column: 0), last: CellRef(row: row, column: printLast)), text: grey,
                         base.with { $0.italic = true; $0.wrap = true; $0.fontSize = 10; $0.fontColor = 0x7F7F7F })
            try ws.setRow(row, height: PaperLayout.rowHeight([(grey, printedWidth, 10)]))
        }
        let recipient = (t.official.governingBody ?? t.receiver).map { w("\($0) (để báo cáo)", "\($0) (for report)") } ?? w("Như trên", "As above")
        let end = try OfficialPaper.writeSignatures(ws, t.official, row: row + 2, last: printLast, base: base, receiver: recipient, words: w)
        ws.freezePanes(row: hRow + 2, col: 4)
        // Our own page breaks: no group heading at a page's foot, the notes and signatures
        // together with at least three rows of the table.
        let scale = PagePlan.scale(widths: Array(widths.prefix(printLast + 1)))
        let heights = ws.rowHeights
        let breaks = PagePlan.breaks(last: end, height: { heights[$0] ?? 15 }, scale: scale, repeated: hRow...(hRow + 1),
                                     keepWithNext: groupRows, tail: (lastRow + 1)...end)
        try printSetup(ws, repeat: hRow...(hRow + 1), d, w,
                       area: CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: end, column: printLast)), firstPage: true,
                       scale: scale, rowBreaks: breaks)
        return (rowOf, Dictionary(uniqueKeysWithValues: t.columns.map { ($0.key, vIndex($0.key)) }))
    }

    // MARK: Printable unit table

    /// Value columns per printed page width in the printable table: landscape A4 at full
    /// size within Nghị định 30's margins (248 mm, about 96 column units as LibreOffice
    /// prints them) holds the three label columns (41 units) and five of 9.5.
    static let unitsPerPage = 5
    /// Above this many units the printable table is not written (1,000 units: 167 pages a block).
    static let maxPrintedUnits = 1_000

    /// The printable unit table: indicators as rows, units across, one block per value
    /// column (the estimate first) with the province total last; each cell a formula on
    /// the unit sheet (the province's on Tổng hợp), so the view follows corrections.
    /// Printed landscape at full size: page breaks after every ``unitsPerPage`` units and
    /// at each block, indicator columns and the two header rows repeated on every page.
    static func writePrintedUnitTable(_ ws: Worksheet, _ d: SummaryData, _ L: UnitLayout,
                                      _ S: (rowOf: [String: Int], valueColumn: [String: Int]), _ w: PaperWords) throws {
        let t = d.template, c = d.consolidation
        let units = L.unitRows
        func order(_ r: ValueColumn.Role) -> Int { r == .estimate ? 0 : r == .plan ? 1 : 2 }
        let blocks = t.columns.enumerated().sorted { (order($0.element.role), $0.offset) < (order($1.element.role), $1.offset) }.map(\.element)
        let titleRow = 0, blockRow = 2, unitRow = 3, firstData = 4
        let fixed = 3
        // The title and the note stay on the first page's columns (a merge across a page
        // break prints over itself).
        let titleEnd = fixed + max(0, min(units.count, unitsPerPage) - 1)
        try ws.merge(CellRange(first: CellRef(row: titleRow, column: 0), last: CellRef(row: titleRow, column: titleEnd)),
                     text: w("SỐ LIỆU CÁC ĐƠN VỊ THEO CHỈ TIÊU — \(d.period.label().uppercased())", "UNITS' FIGURES BY INDICATOR — \(d.period.label(.en).uppercased())"), bold.with { $0.fontSize = 13 })
        var intro = w("Mỗi khối cột là một loại số liệu (ghi ở đầu mỗi trang); đơn vị xếp theo mã, cột cuối mỗi khối là toàn tỉnh. \"-\": không phát sinh; \"...\": chưa có thông tin; \"x\": không áp dụng.",
                      "Each block of columns is one kind of figure (named at the top of every page); units by code, the province total last in each block. \"-\": nothing to report; \"...\": no information yet; \"x\": not applicable.")
        if let missing = PaperLayout.missingUnits(d, w, limit: 10) { intro += "\n" + missing }
        try ws.merge(CellRange(first: CellRef(row: 1, column: 0), last: CellRef(row: 1, column: titleEnd)), text: intro,
                     base.with { $0.italic = true; $0.fontSize = 9; $0.wrap = true })
        try ws.setRow(1, height: PaperLayout.rowHeight([(intro, 41 + 9.5 * Double(titleEnd - fixed + 1), 9)]))
        for (i, h) in [w("Mã", "Code"), w("Chỉ tiêu", "Indicator"), w("ĐVT", "Unit")].enumerated() {
            try ws.merge(CellRange(first: CellRef(row: blockRow, column: i), last: CellRef(row: unitRow, column: i)), text: h, header)
        }
        try ws.setColumns(0, 0, width: 5)
        try ws.setColumns(1, 1, width: 28)
        try ws.setColumns(2, 2, width: 8)
        // Row of each indicator (group headings between).
        var rowOf: [String: Int] = [:]
        var groupRows: [(Int, String)] = []
        var r = firstData
        var g: String? = nil
        for ind in t.indicators {
            if ind.group != g, let gr = ind.group { g = gr; groupRows.append((r, gr)); r += 1 }
            rowOf[ind.code] = r
            r += 1
        }
        let lastRow = r - 1
        for (row, gr) in groupRows {
            try ws.merge(CellRange(first: CellRef(row: row, column: 0), last: CellRef(row: row, column: 2)), text: gr, group)
            try ws.setRow(row, height: PaperLayout.rowHeight([(gr, 41, 11)], bold: true))
        }
        for ind in t.indicators {
            let row = rowOf[ind.code]!
            try ws.write(row, 0, text: ind.code, centered)
            try ws.write(row, 1, text: ind.name, cell)
            try ws.write(row, 2, text: ind.unitText, centered)
            try ws.setRow(row, height: PaperLayout.rowHeight([(ind.name, 28, 11), (ind.unitText, 8, 11)]))
        }
        var col = fixed
        var breaks: [Int] = []
        var unitHeader = 30.0
        for vc in blocks {
            if col > fixed { breaks.append(col) }
            // The block's label over each page's part of it (a label merged across a page
            // break is cut, and a continuation page must say which figures it shows).
            var pageFirst = col
            let label = vc.label(for: d.period, w.lang)
            func closePage(_ lastCol: Int, continued: Bool) throws {
                let text = continued ? label + w(" (tiếp theo)", " (continued)") : label
                if lastCol > pageFirst {
                    try ws.merge(CellRange(first: CellRef(row: blockRow, column: pageFirst), last: CellRef(row: blockRow, column: lastCol)), text: text, header)
                } else {
                    try ws.write(blockRow, pageFirst, text: text, header)
                }
            }
            var pageIndex = 0
            for (n, (u, unitSheetRow)) in units.enumerated() {
                if n > 0 && n % unitsPerPage == 0 {
                    breaks.append(col)
                    try closePage(col - 1, continued: pageIndex > 0)
                    pageIndex += 1
                    pageFirst = col
                }
                // The unit's full title: the city's column is not labelled like the province.
                let name = u.level == .provincePart ? u.name : FormBuilder.unitTitle(u)
                unitHeader = max(unitHeader, PaperLayout.rowHeight([(name, 9.5, 10)], bold: true))
                try ws.write(unitRow, col, text: name, header.with { $0.fontSize = 10 })
                let reported = Set(t.indicators(for: u).map(\.code))
                for ind in t.indicators {
                    let row = rowOf[ind.code]!
                    guard reported.contains(ind.code) else { try ws.writeBlank(row, col, cell.with { $0.fillColor = 0xF2F2F2 }); continue }
                    let ref = "'\(unitSheet)'!\(CellRef.columnName(L.col(ind.code, vc.key)))\(unitSheetRow + 1)"
                    let v = c.raw(u.code, ind.code, vc.key)
                    let result: FormulaResult
                    switch v {
                    case .number(let x): result = .number(x)
                    case .symbol(.none): result = .number(0)
                    default: result = .text(v.text(decimals: ind.decimals))
                    }
                    try ws.writeFormula(row, col, "=IF(ISBLANK(\(ref)),\"\",\(ref))", result: result, numberFormat(ind.decimals))
                }
                try ws.setColumns(col, col, width: 9.5)
                col += 1
            }
            // The province total, from Tổng hợp (grey italics while partial).
            if units.count > 0 && units.count % unitsPerPage == 0 {
                breaks.append(col)
                try closePage(col - 1, continued: pageIndex > 0)
                pageIndex += 1
                pageFirst = col
            }
            try ws.write(unitRow, col, text: w("Toàn tỉnh", "Province"), header.with { $0.fontSize = 10 })
            for ind in t.indicators {
                let row = rowOf[ind.code]!
                guard let sr = S.rowOf[ind.code], let sc = S.valueColumn[vc.key] else { continue }
                let a = c.aggregate(ind.code, vc.key)
                let fmt = a.partial ? partialFormats[max(0, min(ind.decimals, 6))] : numberFormat(ind.decimals)
                try ws.writeFormula(row, col, "='\(summarySheet)'!\(CellRef.columnName(sc))\(sr + 1)",
                                    result: a.value.map { .number($0) } ?? .text(""), fmt.with { $0.bold = true })
            }
            try ws.setColumns(col, col, width: 9.5)
            try closePage(col, continued: pageIndex > 0)
            col += 1
        }
        try ws.setRow(blockRow, height: 30)
        try ws.setRow(unitRow, height: unitHeader)
        ws.freezePanes(row: firstData, col: fixed)
        var p = PrintSetup()
        p.landscape = true
        p.repeatRows = blockRow...unitRow
        p.repeatColumns = 0...(fixed - 1)
        p.columnBreaks = breaks
        p.printArea = CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: lastRow, column: col - 1))
        p.margins = PaperLayout.margins
        p.header = PaperLayout.header(mark: PaperLayout.partialMark(d, w))
        try ws.setPrint(p)
    }

    static func dateText(_ d: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Ho_Chi_Minh")!, from: d)
        return String(format: "%02d/%02d/%04d", c.day!, c.month!, c.year!)
    }

    /// The Excel formula of a province figure, mirroring ``Consolidation/aggregate(_:_:node:)``.
    static func formula(_ ind: Indicator, _ vc: ValueColumn, _ L: UnitLayout, _ t: Template, rows: ClosedRange<Int>? = nil,
                        rateCell: (String, String) -> String) -> String {
        let k = vc.key
        let prev = t.previousColumn?.key ?? k
        let withPart = rows == nil && ind.addsProvincePart
        // A plan the units set themselves is not summed: the province's own, from its part.
        if vc.role == .plan && !vc.consolidates {
            guard L.hasPart, rows == nil else { return "=\"\"" }
            let cellRef = L.cell(ind.code, k, row: L.partRow)
            return "=IF(ISNUMBER(\(cellRef)),\(cellRef),\"\")"
        }
        switch ind.aggregation {
        case .sum:
            let r = L.range(ind.code, k, withPart: withPart, rows: rows)
            return "=IF(COUNT(\(r))=0,\"\",SUM(\(r)))"
        case .min, .max:
            let r = L.range(ind.code, k, withPart: withPart, rows: rows)
            return "=IF(COUNT(\(r))=0,\"\",\(ind.aggregation == .min ? "MIN" : "MAX")(\(r)))"
        case .ratio(let num, let den, _) where vc.role == .plan && !(t.indicator(num)?.planned ?? true || t.indicator(den)?.planned ?? true):
            // Unit targets weighted by the denominator's estimate (its parts have no plan).
            let x = L.range(ind.code, k, withPart: withPart, rows: rows), w = L.range(den, t.estimateColumn!.key, withPart: withPart, rows: rows)
            return "=IFERROR(SUMPRODUCT(\(x),\(w))/SUMPRODUCT(--ISNUMBER(\(x)),\(w)),\"\")"
        case .ratio(let num, let den, let f):
            let n = L.range(num, k, withPart: withPart, rows: rows), d = L.range(den, k, withPart: withPart, rows: rows)
            return "=IFERROR(SUMPRODUCT(--ISNUMBER(\(d)),\(n))/SUMPRODUCT(--ISNUMBER(\(n)),\(d))*\(CellText.number(f)),\"\")"
        case .weightedMean(let w):
            let wk = vc.role == .plan && !(t.indicator(w)?.planned ?? true) ? t.estimateColumn!.key : k
            let x = L.range(ind.code, k, withPart: withPart, rows: rows), wr = L.range(w, wk, withPart: withPart, rows: rows)
            return "=IFERROR(SUMPRODUCT(\(x),\(wr))/SUMPRODUCT(--ISNUMBER(\(x)),\(wr)),\"\")"
        case .growth(let level):
            let part = rows == nil && (t.indicator(level)?.addsProvincePart ?? false)
            if vc.role == .previous {
                let h = L.helperRange(ind.code, rows: rows), l = L.range(level, k, rows: rows)
                return "=IFERROR(SUMPRODUCT(--ISNUMBER(\(h)),\(l))/SUM(\(h))*100-100,\"\")"
            }
            let a = L.range(level, k, withPart: part, rows: rows), b = L.range(level, prev, withPart: part, rows: rows)
            return "=IFERROR(SUMPRODUCT(--ISNUMBER(\(b)),\(a))/SUMPRODUCT(--ISNUMBER(\(a)),\(b))*100-100,\"\")"
        case .rateChange(let rate):
            if vc.role == .previous {
                guard let r = t.indicator(rate), case .ratio(_, let den, _) = r.aggregation else { return "=\"\"" }
                let x = L.range(ind.code, k, rows: rows), w = L.range(den, k, rows: rows)
                return "=IFERROR(SUMPRODUCT(\(x),\(w))/SUMPRODUCT(--ISNUMBER(\(x)),\(w)),\"\")"
            }
            if let r = t.indicator(rate), case .ratio(let num, let den, let f) = r.aggregation,
               !(vc.role == .plan && !(t.indicator(num)?.planned ?? true || t.indicator(den)?.planned ?? true)) {
                // Both years over the units with all four parts, as the consolidation does.
                let part = rows == nil && r.addsProvincePart
                let np = L.range(num, prev, withPart: part, rows: rows), dp = L.range(den, prev, withPart: part, rows: rows)
                let nk = L.range(num, k, withPart: part, rows: rows), dk = L.range(den, k, withPart: part, rows: rows)
                let m = "--ISNUMBER(\(np)),--ISNUMBER(\(dp)),--ISNUMBER(\(nk)),--ISNUMBER(\(dk))"
                let x = CellText.number(f)
                return "=IFERROR(SUMPRODUCT(\(m),\(np))/SUMPRODUCT(\(m),\(dp))*\(x)-SUMPRODUCT(\(m),\(nk))/SUMPRODUCT(\(m),\(dk))*\(x),\"\")"
            }
            let before = rateCell(rate, prev), after = rateCell(rate, k)
            return "=IF(AND(ISNUMBER(\(before)),ISNUMBER(\(after))),\(before)-\(after),\"\")"
        case .provinceOnly:
            guard L.hasPart, rows == nil else { return "=\"\"" }
            let cellRef = L.cell(ind.code, k, row: L.partRow)
            return "=IF(ISNUMBER(\(cellRef)),\(cellRef),\"\")"
        }
    }

    /// "Tỷ lệ: Σ CS06 ÷ Σ CS05 × 100".
    public static func methodText(_ ind: Indicator, _ t: Template, _ w: PaperWords = PaperWords(.vi)) -> String {
        let part = ind.addsProvincePart ? w(" + khối tỉnh", " + province part") : ""
        switch ind.aggregation {
        case .sum: return w("Tổng các đơn vị", "Sum of the units") + part
        case .ratio(let n, let d, let f): return "Σ \(n) ÷ Σ \(d)\(f == 1 ? "" : " × \(CellText.number(f))")"
        case .weightedMean(let x): return w("Bình quân gia quyền theo \(x)", "Mean weighted by \(x)")
        case .growth(let l): return w("Tăng trưởng từ tổng \(l): Σ năm nay ÷ Σ năm trước − 1", "Growth of the total \(l): Σ this year ÷ Σ last year − 1")
        case .rateChange(let r): return w("Tỷ lệ \(r) năm trước − năm nay", "Rate \(r) last year − this year")
        case .min: return w("Nhỏ nhất", "Minimum")
        case .max: return w("Lớn nhất", "Maximum")
        case .provinceOnly: return w("Số của tỉnh (khối tỉnh báo cáo)", "The province's figure (reported by the province part)")
        }
    }
}
