import Foundation
import SheetIO

/// Writes the province summary workbook: every province figure a live Excel formula over
/// the unit sheet (SUM, ratio of SUMPRODUCTs, growth from levels), written with the value
/// our consolidation computes, so it shows right before and after recalculation.
public enum SummaryWorkbook {
    static let summarySheet = "Tổng hợp"
    static let unitSheet = "Số liệu đơn vị"
    static let scoreSheet = "Chấm điểm"
    static let levelSheet = "Theo đơn vị cấp trên"
    static let findingsSheet = "Kết quả kiểm tra"
    static let statusSheet = "Tình hình nộp"
    static let printSheet = "Bảng in theo đơn vị"

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

    public static func write(_ d: SummaryData, to path: String) throws {
        let wb = try XLSXWriter(path: path)
        let t = d.template
        try wb.setProperties(DocumentProperties(title: "Tổng hợp \(t.title.lowercased()) \(d.period.label())", subject: t.id,
                                                author: "tonghop", company: t.receiver, keywords: "\(t.id) \(d.period)"))
        let summary = try wb.addWorksheet(summarySheet)
        let units = try wb.addWorksheet(unitSheet, streamed: true)
        let layout = try writeUnitSheet(units, d)
        // The printable unit table is a province's paper (up to a few hundred units on a
        // few dozen pages); a national batch of thousands of units gets none.
        let printed = d.consolidation.leaves.count <= maxPrintedUnits ? try wb.addWorksheet(printSheet) : nil
        let summaryLayout = try writeSummarySheet(summary, d, layout)
        if let printed { try writePrintedUnitTable(printed, d, layout, summaryLayout) }
        if !layout.spans.isEmpty { try writeIntermediateSheet(try wb.addWorksheet(levelSheet), d, layout) }
        try writeScorecard(try wb.addWorksheet(scoreSheet, streamed: true), wb, d)
        try writeFindings(try wb.addWorksheet(findingsSheet, streamed: true), d)
        try writeStatus(try wb.addWorksheet(statusSheet, streamed: true), d)
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

    static func printSetup(_ ws: Worksheet, repeat rows: ClosedRange<Int>, _ d: SummaryData, area: CellRange? = nil) throws {
        var p = PrintSetup()
        p.landscape = true
        p.fitWidth = 1
        p.fitHeight = 0
        p.repeatRows = rows
        p.printArea = area
        p.footer = "&CTrang &P/&N"
        p.margins = (0.5, 0.4, 0.6, 0.6)
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

    static func writeUnitSheet(_ ws: Worksheet, _ d: SummaryData) throws -> UnitLayout {
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
                     text: "SỐ LIỆU CỦA CÁC ĐƠN VỊ — \(d.period.label().uppercased())", bold.with { $0.fontSize = 13 })
        try ws.write(1, 0, text: "Số \"-\" là không phát sinh (tính là 0); \"...\" là chưa có thông tin; \"x\" là không áp dụng. Các số ở trang \(summarySheet) là công thức trên trang này.",
                     base.with { $0.italic = true })
        try writeIndicatorHeaders(ws, t, layout, labels: ["STT", "Mã ĐV", "Đơn vị", "Cấp trên"])
        for (code, hc) in helper {
            try ws.merge(CellRange(first: CellRef(row: 2, column: hc), last: CellRef(row: 3, column: hc)),
                         text: "Phụ trợ \(code): mức năm trước nữa", header)
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
        try printSetup(ws, repeat: 2...3, d)
        return layout
    }

    /// The two header rows of a sheet with one row per unit: four merged labels, then per
    /// indicator its name over its value columns (TH, KH, ƯTH); widths set.
    static func writeIndicatorHeaders(_ ws: Worksheet, _ t: Template, _ L: UnitLayout, labels: [String]) throws {
        for (i, h) in labels.enumerated() {
            try ws.merge(CellRange(first: CellRef(row: 2, column: i), last: CellRef(row: 3, column: i)), text: h, header)
        }
        let short: [ValueColumn.Role: String] = [.previous: "TH", .plan: "KH", .estimate: "ƯTH", .other: ""]
        for ind in t.indicators {
            let first = L.indicatorColumn[ind.code]!
            try ws.merge(CellRange(first: CellRef(row: 2, column: first), last: CellRef(row: 2, column: first + t.columns.count - 1)),
                         text: "\(ind.code) \(ind.name) (\(ind.unitText))", header)
            for (k, vc) in t.columns.enumerated() {
                try ws.write(3, first + k, text: short[vc.role].flatMap { $0.isEmpty ? nil : $0 } ?? vc.key, header)
            }
            try ws.setColumns(first, first + t.columns.count - 1, width: 12)
        }
        for (i, w) in [5.0, 8, 24, 9].enumerated() { try ws.setColumns(i, i, width: w) }
        try ws.setRow(2, height: 66)
    }

    // MARK: Intermediate level

    /// In a 3-tier hierarchy, each intermediate unit's (district's) consolidated figures,
    /// live formulas over its block of rows of the unit sheet.
    static func writeIntermediateSheet(_ ws: Worksheet, _ d: SummaryData, _ L: UnitLayout) throws {
        let t = d.template, c = d.consolidation
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 10)),
                     text: "TỔNG HỢP THEO ĐƠN VỊ CẤP TRÊN — \(d.period.label().uppercased())", bold.with { $0.fontSize = 13 })
        try writeIndicatorHeaders(ws, t, L, labels: ["STT", "Mã ĐV", "Đơn vị", "Số đơn vị"])
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
        try printSetup(ws, repeat: 2...3, d)
    }

    // MARK: Summary sheet

    @discardableResult
    static func writeSummarySheet(_ ws: Worksheet, _ d: SummaryData, _ L: UnitLayout) throws -> (rowOf: [String: Int], valueColumn: [String: Int]) {
        let t = d.template, c = d.consolidation
        let est = t.estimateColumn!.key, plan = t.planColumn?.key, prev = t.previousColumn?.key
        var headers = ["STT", "Mã", "Chỉ tiêu", "ĐVT"] + t.columns.map { $0.label(for: d.period) }
        var numberingTexts = ["A", "B", "C", "D"] + t.columns.indices.map { String($0 + 1) }
        let cmpPlanCol = headers.count, cmpPrevCol = headers.count + 1
        let vIndex = { (k: String) in 4 + t.columns.firstIndex { $0.key == k }! }
        if let plan { headers.append("ƯTH so KH (%)"); numberingTexts.append("\(t.columns.count + 1)=\(vIndex(est) - 3)/\(vIndex(plan) - 3)") }
        if let prev { headers.append("ƯTH so cùng kỳ (%)"); numberingTexts.append("\(t.columns.count + 2)=\(vIndex(est) - 3)/\(vIndex(prev) - 3)") }
        let judgeCol = headers.count
        headers += ["Đánh giá", "Cách tổng hợp", "Đơn vị báo cáo"]
        numberingTexts += ["E", "F", "G"]
        let last = headers.count - 1

        // The printed page ends at "Đánh giá"; the method and coverage columns stay on screen.
        let printLast = judgeCol
        try OfficialPaper.writeHead(ws, t.official, formCode: t.formCode.map { "Biểu tổng hợp — \($0)" }, dateLine: OfficialPaper.placeAndDate(t.official.place, d.generatedAt), last: printLast, base: base)
        let what = t.title.hasPrefix("BÁO CÁO ") ? String(t.title.dropFirst(8)) : t.title
        try ws.merge(CellRange(first: CellRef(row: 3, column: 0), last: CellRef(row: 3, column: printLast)),
                     text: "TỔNG HỢP \(what) \(d.period.label().uppercased())", title)
        try ws.setRow(3, height: 36)
        let received = d.status.filter(\.received).count
        let complete = received == d.status.count
        try ws.merge(CellRange(first: CellRef(row: 4, column: 0), last: CellRef(row: 4, column: printLast)),
                     text: "(Đơn vị tính ghi theo từng chỉ tiêu; số liệu của \(received)/\(d.status.count) đơn vị báo cáo)", italicCenter)
        // Incomplete data never looks final: a banner, and no verdict on partial figures.
        try ws.merge(CellRange(first: CellRef(row: 5, column: 0), last: CellRef(row: 5, column: printLast)),
                     text: complete ? "Toàn tỉnh: \(d.provinceScore.headline(.vi))."
                                    : "SỐ LIỆU CHƯA ĐẦY ĐỦ — \(received)/\(d.status.count) đơn vị đã báo cáo; chưa đánh giá toàn tỉnh",
                     complete ? italicCenter : bold.with { $0.hAlign = .center; $0.fontColor = 0xC00000; $0.fontSize = 12 })
        let hRow = 7
        for (i, h) in headers.enumerated() { try ws.write(hRow, i, text: h, header) }
        for (i, n) in numberingTexts.enumerated() { try ws.write(hRow + 1, i, text: n, numbering) }
        try ws.setRow(hRow, height: 48)
        let widths: [Double] = [5, 7, 44, 13] + t.columns.map { _ in 14 }
        for (i, w) in widths.enumerated() { try ws.setColumns(i, i, width: w) }
        for i in cmpPlanCol..<judgeCol { try ws.setColumns(i, i, width: 11) }
        try ws.setColumns(judgeCol, judgeCol, width: 10)
        try ws.setColumns(judgeCol + 1, judgeCol + 1, width: 30)
        try ws.setColumns(judgeCol + 2, judgeCol + 2, width: 18)

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
        for ind in t.indicators {
            if ind.group != group, let g = ind.group {
                group = g
                stt = 0
                try FormBuilder.writeGroupRow(ws, row, g, lastColumn: last, SummaryWorkbook.group)
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
            let partial = aggs.values.contains { $0.partial }
            let e = CellRef.columnName(vIndex(est))
            let pct = cell.with { $0.numberFormat = "0.0"; $0.hAlign = .right }
            if let plan {
                let p = CellRef.columnName(vIndex(plan))
                let ev = aggs[est]?.value, pv = aggs[plan]?.value
                try ws.writeFormula(row, cmpPlanCol, "=IF(AND(ISNUMBER(\(e)\(row + 1)),ISNUMBER(\(p)\(row + 1)),\(p)\(row + 1)<>0),\(e)\(row + 1)/\(p)\(row + 1)*100,\"\")",
                                    result: (ev != nil && pv != nil && pv != 0) ? .number(ev! / pv! * 100) : .text(""), pct)
                // Plan attainment in the indicator's direction.
                let test: String
                switch ind.direction {
                case .higher: test = "\(e)\(row + 1)>=\(p)\(row + 1)"
                case .lower: test = "\(e)\(row + 1)<=\(p)\(row + 1)"
                case .none: test = "ABS(\(e)\(row + 1)-\(p)\(row + 1))<=ABS(\(p)\(row + 1))*0.005"
                }
                let judged = ind.planned ? Attainment.assess(estimate: ev, plan: pv.map { .number($0) } ?? .empty, direction: ind.direction) : .notAssessed
                if ind.planned && partial {
                    try ws.write(row, judgeCol, text: "Chưa đủ số liệu", centered.with { $0.italic = true; $0.fontColor = 0x7F7F7F; $0.fontSize = 9 })
                } else if ind.planned {
                    try ws.writeFormula(row, judgeCol, "=IF(AND(ISNUMBER(\(e)\(row + 1)),ISNUMBER(\(p)\(row + 1))),IF(\(test),\"Đạt\",\"Chưa đạt\"),\"\")",
                                        result: .text(judged.label(.vi)), centered)
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
            try ws.write(row, judgeCol + 1, text: methodText(ind, t), cell.with { $0.fontSize = 9 })
            let a = aggs[est]!
            var cov = a.coverageText
            if !a.missing.isEmpty {
                let names = a.missing.prefix(3).map { code in t.unit(code, for: d.period)?.name ?? code }
                cov += " (thiếu: \(names.joined(separator: ", "))\(a.missing.count > 3 ? "…" : ""))"
            }
            try ws.write(row, judgeCol + 2, text: cov, (a.partial ? centered.with { $0.fontColor = 0xC00000 } : centered).with { $0.fontSize = 9 })
            row += 1
        }
        let lastRow = row - 1
        try ws.addConditionalFormat(CellRange(first: CellRef(row: hRow + 2, column: judgeCol), last: CellRef(row: lastRow, column: judgeCol)),
                                    ConditionalFormat(.formula("=$\(CellRef.columnName(judgeCol))\(hRow + 3)=\"Chưa đạt\""),
                                                      format: CellFormat().with { $0.fontColor = 0xC00000; $0.bold = true }))
        // Notes and signature.
        row += 1
        try ws.merge(CellRange(first: CellRef(row: row, column: 0), last: CellRef(row: row, column: last)),
                     text: "Ghi chú: tỷ lệ, bình quân và tốc độ tăng được tính từ tổng tử số, mẫu số và mức của các đơn vị (không lấy bình quân các tỷ lệ); cột \"Đơn vị báo cáo\" cho biết số đơn vị có số liệu trên số đơn vị phải báo cáo.",
                     base.with { $0.italic = true; $0.wrap = true; $0.fontSize = 10 })
        try ws.setRow(row, height: 30)
        if !complete {
            row += 1
            try ws.merge(CellRange(first: CellRef(row: row, column: 0), last: CellRef(row: row, column: printLast)),
                         text: "Số in nghiêng màu xám: tổng của các đơn vị đã báo cáo, chưa đủ các đơn vị phải báo cáo; chỉ tiêu đó chưa được đánh giá.",
                         base.with { $0.italic = true; $0.wrap = true; $0.fontSize = 10; $0.fontColor = 0x7F7F7F })
        }
        let end = try OfficialPaper.writeSignatures(ws, t.official, row: row + 2, last: printLast, base: base)
        ws.freezePanes(row: hRow + 2, col: 4)
        try printSetup(ws, repeat: hRow...(hRow + 1), d,
                       area: CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: end, column: printLast)))
        return (rowOf, Dictionary(uniqueKeysWithValues: t.columns.map { ($0.key, vIndex($0.key)) }))
    }

    // MARK: Printable unit table

    /// Value columns per printed page width in the printable table: landscape A4 at full
    /// size holds the three label columns (41 characters) and six of 9.5 (measured with
    /// LibreOffice: a seventh spills to a page of its own).
    static let unitsPerPage = 6
    /// Above this many units the printable table is not written (1,000 units: 167 pages a block).
    static let maxPrintedUnits = 1_000

    /// The printable unit table: indicators as rows, units across, one block per value
    /// column (the estimate first) with the province total last; each cell a formula on
    /// the unit sheet (the province's on Tổng hợp), so the view follows corrections.
    /// Printed landscape at full size: page breaks after every ``unitsPerPage`` units and
    /// at each block, indicator columns and the two header rows repeated on every page.
    static func writePrintedUnitTable(_ ws: Worksheet, _ d: SummaryData, _ L: UnitLayout,
                                      _ S: (rowOf: [String: Int], valueColumn: [String: Int])) throws {
        let t = d.template, c = d.consolidation
        let units = L.unitRows
        func order(_ r: ValueColumn.Role) -> Int { r == .estimate ? 0 : r == .plan ? 1 : 2 }
        let blocks = t.columns.enumerated().sorted { (order($0.element.role), $0.offset) < (order($1.element.role), $1.offset) }.map(\.element)
        let titleRow = 0, blockRow = 2, unitRow = 3, firstData = 4
        let fixed = 3
        let titleEnd = fixed + min(units.count, unitsPerPage)
        try ws.merge(CellRange(first: CellRef(row: titleRow, column: 0), last: CellRef(row: titleRow, column: titleEnd)),
                     text: "SỐ LIỆU CÁC ĐƠN VỊ THEO CHỈ TIÊU — \(d.period.label().uppercased())", bold.with { $0.fontSize = 13 })
        try ws.merge(CellRange(first: CellRef(row: 1, column: 0), last: CellRef(row: 1, column: titleEnd)),
                     text: "Mỗi khối cột là một loại số liệu; đơn vị xếp theo mã, cột cuối mỗi khối là toàn tỉnh. \"-\": không phát sinh; \"...\": chưa có thông tin; \"x\": không áp dụng.",
                     base.with { $0.italic = true; $0.fontSize = 9 })
        for (i, h) in ["Mã", "Chỉ tiêu", "ĐVT"].enumerated() {
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
        }
        for ind in t.indicators {
            let row = rowOf[ind.code]!
            try ws.write(row, 0, text: ind.code, centered)
            try ws.write(row, 1, text: ind.name, cell)
            try ws.write(row, 2, text: ind.unitText, centered)
        }
        var col = fixed
        var breaks: [Int] = []
        for vc in blocks {
            if col > fixed { breaks.append(col) }
            let first = col
            for (n, (u, unitSheetRow)) in units.enumerated() {
                if n > 0 && n % unitsPerPage == 0 { breaks.append(col) }
                let name = u.level == .provincePart ? u.name : VietFold.withoutAdministrativePrefix(u.name)
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
            if units.count > 0 && units.count % unitsPerPage == 0 { breaks.append(col) }
            try ws.write(unitRow, col, text: "Toàn tỉnh", header.with { $0.fontSize = 10 })
            for ind in t.indicators {
                let row = rowOf[ind.code]!
                guard let sr = S.rowOf[ind.code], let sc = S.valueColumn[vc.key] else { continue }
                let a = c.aggregate(ind.code, vc.key)
                let fmt = a.partial ? partialFormats[max(0, min(ind.decimals, 6))] : numberFormat(ind.decimals)
                try ws.writeFormula(row, col, "='\(summarySheet)'!\(CellRef.columnName(sc))\(sr + 1)",
                                    result: a.value.map { .number($0) } ?? .text(""), fmt.with { $0.bold = true })
            }
            try ws.setColumns(col, col, width: 9.5)
            try ws.merge(CellRange(first: CellRef(row: blockRow, column: first), last: CellRef(row: blockRow, column: col)),
                         text: vc.label(for: d.period), header)
            col += 1
        }
        try ws.setRow(unitRow, height: 30)
        ws.freezePanes(row: firstData, col: fixed)
        var p = PrintSetup()
        p.landscape = true
        p.repeatRows = blockRow...unitRow
        p.repeatColumns = 0...(fixed - 1)
        p.columnBreaks = breaks
        p.printArea = CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: lastRow, column: col - 1))
        p.margins = (0.4, 0.4, 0.5, 0.5)
        p.footer = "&CTrang &P/&N"
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
    public static func methodText(_ ind: Indicator, _ t: Template) -> String {
        let part = ind.addsProvincePart ? " + khối tỉnh" : ""
        switch ind.aggregation {
        case .sum: return "Tổng các đơn vị\(part)"
        case .ratio(let n, let d, let f): return "Σ \(n) ÷ Σ \(d)\(f == 1 ? "" : " × \(CellText.number(f))")"
        case .weightedMean(let w): return "Bình quân gia quyền theo \(w)"
        case .growth(let l): return "Tăng trưởng từ tổng \(l): Σ năm nay ÷ Σ năm trước − 1"
        case .rateChange(let r): return "Tỷ lệ \(r) năm trước − năm nay"
        case .min: return "Nhỏ nhất"
        case .max: return "Lớn nhất"
        case .provinceOnly: return "Số của tỉnh (khối tỉnh báo cáo)"
        }
    }

    // MARK: Scorecard, findings, status

    static func writeScorecard(_ ws: Worksheet, _ wb: XLSXWriter, _ d: SummaryData) throws {
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 6)),
                     text: "KẾT QUẢ THỰC HIỆN KẾ HOẠCH THEO ĐƠN VỊ — \(d.period.label().uppercased())", bold.with { $0.fontSize = 13 })
        try ws.merge(CellRange(first: CellRef(row: 1, column: 0), last: CellRef(row: 1, column: 6)),
                     text: "Toàn tỉnh: \(d.provinceScore.headline(.vi))\(d.provinceScore.lagging.isEmpty ? "" : "; chưa đạt: " + d.provinceScore.lagging.map(\.code).joined(separator: ", "))",
                     base.with { $0.italic = true })
        // With several plans: the primary's columns, then for each other plan its own count
        // (its own denominator) and lagging indicators.
        let extraPlans = Array(d.template.planColumns.dropFirst())
        let primaryName = d.template.planColumns.first.map { extraPlans.isEmpty ? "KH" : $0.planName } ?? "KH"
        var headers = ["Xếp hạng", "Mã ĐV", "Đơn vị", "Chỉ tiêu có \(primaryName)", "Đạt và vượt", "Tỷ lệ đạt (%)", "Chỉ tiêu chưa đạt"]
        for p in extraPlans { headers += ["Đạt và vượt \(p.planName)", "Chưa đạt \(p.planName)"] }
        for (i, h) in headers.enumerated() { try ws.write(3, i, text: h, header) }
        let widths: [Double] = [9, 8, 24, 12, 11, 11, 70] + extraPlans.flatMap { _ -> [Double] in [14, 30] }
        for (i, w) in widths.enumerated() { try ws.setColumns(i, i, width: w) }
        // Ranked units first (best first), the province-managed part after them, unranked.
        let ranked = d.scorecards.filter { $0.rank > 0 }.sorted { $0.rank != $1.rank ? $0.rank < $1.rank : ($0.unit?.code ?? "") < ($1.unit?.code ?? "") }
        let cards = ranked + d.scorecards.filter { $0.rank == 0 }
        for (i, s) in cards.enumerated() {
            let r = 4 + i
            if s.rank > 0 { try ws.write(r, 0, number: Double(s.rank), centered) } else { try ws.write(r, 0, text: "—", centered) }
            try ws.write(r, 1, text: s.unit?.code ?? "", centered)
            try ws.write(r, 2, text: s.unit.map { $0.level == .provincePart ? $0.name : FormBuilder.unitTitle($0) } ?? "", cell)
            try ws.write(r, 3, number: Double(s.assessed), centered)
            try ws.write(r, 4, number: Double(s.met), centered)
            try ws.writeFormula(r, 5, "=IF(D\(r + 1)>0,E\(r + 1)/D\(r + 1)*100,\"\")", result: s.assessed > 0 ? .number(s.share * 100) : .text(""),
                                cell.with { $0.numberFormat = "0.0" })
            let lagging = s.lagging.map { "\($0.code) \($0.name)" }.joined(separator: "; ")
            // libxlsxwriter does not size rows to wrapped text: about 80 small characters a line.
            let lines = max(1, Int((Worksheet.displayWidth(lagging) / 80).rounded(.up)))
            if lines > 1 { try ws.setRow(r, height: Double(12 * lines + 3)) }
            try ws.write(r, 6, text: lagging, cell.with { $0.fontSize = 9 })
            for (k, p) in extraPlans.enumerated() {
                let ps = s.plans.first { $0.key == p.key }
                try ws.write(r, 7 + 2 * k, text: ps.map { "\($0.met)/\($0.assessed)" } ?? "", centered)
                try ws.write(r, 8 + 2 * k, text: ps?.lagging.map(\.code).joined(separator: ", ") ?? "", cell.with { $0.fontSize = 9 })
            }
        }
        if !ranked.isEmpty {
            let chart = try wb.addChart(.bar)
            let last = 4 + ranked.count
            chart.addLabelledSeries(categories: "='\(scoreSheet)'!$C$5:$C$\(last)", values: "='\(scoreSheet)'!$F$5:$F$\(last)",
                                    name: "Tỷ lệ chỉ tiêu đạt và vượt kế hoạch (%)", color: 0x2E75B6, numberFormat: "0")
            chart.setTitle("Tỷ lệ chỉ tiêu đạt và vượt kế hoạch theo đơn vị (%)")
            chart.setLegend(.none)
            chart.setYAxisNumberFormat("0")
            chart.reverseCategories()  // bars read top-down in rank order, best first
            try ws.insertChart(chart, at: CellRef(row: 4 + cards.count + 2, column: 1), scale: (1.6, 1.2))
        }
        ws.freezePanes(row: 4, col: 0)
        try printSetup(ws, repeat: 3...3, d)
    }

    static func writeFindings(_ ws: Worksheet, _ d: SummaryData) throws {
        let headers = ["Đơn vị", "Tệp", "Mã", "Mức", "Ô", "Chỉ tiêu", "Cột", "Giá trị ghi", "Nội dung"]
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 8)),
                     text: "CẢNH BÁO VÀ THÔNG TIN KHI NHẬP SỐ LIỆU (các tệp có lỗi không được nhập)", bold.with { $0.fontSize = 13 })
        for (i, h) in headers.enumerated() { try ws.write(2, i, text: h, header) }
        for (i, w) in [20.0, 30, 7, 10, 7, 9, 12, 16, 80].enumerated() { try ws.setColumns(i, i, width: w) }
        for (i, x) in d.findings.enumerated() {
            let r = 3 + i
            let f = x.finding
            try ws.write(r, 0, text: d.template.unit(x.unit, for: d.period)?.name ?? x.unit, cell)
            try ws.write(r, 1, text: (x.file as NSString).lastPathComponent, cell)
            try ws.write(r, 2, text: f.code, centered)
            try ws.write(r, 3, text: f.severity == .warning ? "Cảnh báo" : f.severity == .info ? "Thông tin" : "Lỗi", centered)
            try ws.write(r, 4, text: f.cell ?? "", centered)
            try ws.write(r, 5, text: f.indicator ?? "", centered)
            try ws.write(r, 6, text: f.column ?? "", centered)
            try ws.write(r, 7, text: f.value ?? "", cell)
            try ws.write(r, 8, text: f.message, cell)
        }
        if d.findings.isEmpty { try ws.write(3, 0, text: "Không có cảnh báo.", base.with { $0.italic = true }) }
        ws.freezePanes(row: 3, col: 0)
        try printSetup(ws, repeat: 2...2, d)
    }

    static func writeStatus(_ ws: Worksheet, _ d: SummaryData) throws {
        let received = d.status.filter(\.received).count
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 8)),
                     text: "TÌNH HÌNH NỘP BÁO CÁO — \(d.period.label().uppercased()): \(received)/\(d.status.count) đơn vị (\(VietNumber.format(d.completeness * 100, decimals: 1))%)",
                     bold.with { $0.fontSize = 13 })
        let due = d.template.deadline(for: d.period)
        if let due {
            let late = d.status.filter { $0.daysLate != nil }.count
            try ws.merge(CellRange(first: CellRef(row: 1, column: 0), last: CellRef(row: 1, column: 8)),
                         text: "Hạn nộp: \(UnitStatus.vietDate(due)) — \(late) đơn vị nộp muộn hoặc quá hạn chưa nộp", cell.with { $0.border = .none; $0.italic = true })
        }
        let headers = ["STT", "Mã ĐV", "Đơn vị", "Trạng thái", "Lần nộp", "Thời gian nhập (giờ Việt Nam)", "Tệp", "Cảnh báo", "Thông tin", "Tệp bị từ chối", "Muộn (ngày)"]
        for (i, h) in headers.enumerated() { try ws.write(2, i, text: h, header) }
        for (i, w) in [5.0, 8, 24, 14, 8, 18, 36, 9, 9, 60, 9].enumerated() { try ws.setColumns(i, i, width: w) }
        let missing = centered.with { $0.fontColor = 0xC00000; $0.bold = true }
        for (i, s) in d.status.enumerated() {
            let r = 3 + i
            try ws.write(r, 0, number: Double(i + 1), centered)
            try ws.write(r, 1, text: s.unit.code, centered)
            try ws.write(r, 2, text: s.unit.level == .provincePart ? s.unit.name : FormBuilder.unitTitle(s.unit), cell)
            let state = s.received ? (s.rejection != nil ? "Đã nộp; tệp mới bị từ chối" : "Đã nộp") : (s.rejection != nil ? "Tệp bị từ chối" : "Chưa nộp")
            try ws.write(r, 3, text: state, s.received && s.rejection == nil ? centered : missing.with { $0.wrap = true })
            if let sub = s.submission {
                try ws.write(r, 4, number: Double(sub.revision), centered)
                try ws.write(r, 5, text: UnitStatus.localTime(sub.importedAt), centered)
                try ws.write(r, 6, text: (sub.fileName as NSString).lastPathComponent, cell)
                try ws.write(r, 7, number: Double(sub.warnings), centered)
                try ws.write(r, 8, number: Double(sub.infos), centered)
            } else {
                for k in 4...8 { try ws.writeBlank(r, k, cell) }
            }
            if let rej = s.rejection {
                try ws.write(r, 9, text: "\(UnitStatus.localTime(rej.rejectedAt)) — \((rej.fileName as NSString).lastPathComponent): \(rej.errors) lỗi; lỗi đầu: \(rej.firstError)",
                             cell.with { $0.fontSize = 9; $0.fontColor = 0xC00000 })
            } else {
                try ws.writeBlank(r, 9, cell)
            }
            // Days past the deadline (a unit still missing: as of today).
            if let late = s.daysLate { try ws.write(r, 10, number: Double(late), missing) }
            else { try ws.writeBlank(r, 10, centered) }
        }
        ws.freezePanes(row: 3, col: 0)
        try printSetup(ws, repeat: 2...2, d)
    }
}
