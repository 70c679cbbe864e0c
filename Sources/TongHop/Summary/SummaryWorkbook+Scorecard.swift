import Foundation
import SheetIO

extension SummaryWorkbook {
    /// The Chấm điểm sheet: each unit's own estimate against its own plan, ranked, with a
    /// bar chart best first. The province line follows the summary sheet's rule: no verdict
    /// while units are missing (the missing units named instead), and the ranking said to
    /// be among the units that reported.
    static func writeScorecard(_ ws: Worksheet, _ wb: XLSXWriter, _ d: SummaryData, _ w: PaperWords) throws {
        let extraPlans = Array(d.template.planColumns.dropFirst())
        let lastCol = 6 + 2 * extraPlans.count
        let widths: [Double] = [8, 8, 22, 12, 10, 10, extraPlans.isEmpty ? 52 : 40] + extraPlans.flatMap { _ -> [Double] in [11, 20] }
        for (i, width) in widths.enumerated() { try ws.setColumns(i, i, width: width) }
        let pageWidth = widths.reduce(0, +)
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: lastCol)),
                     text: w("KẾT QUẢ THỰC HIỆN KẾ HOẠCH THEO ĐƠN VỊ — \(d.period.label().uppercased())",
                             "PLAN ATTAINMENT BY UNIT — \(d.period.label(.en).uppercased())"), bold.with { $0.fontSize = 13; $0.hAlign = .center })
        let received = d.status.filter(\.received).count
        let complete = received == d.status.count
        let p = d.provinceScore
        let province: String
        if complete {
            // The indicators by name, not by a bare code.
            let lagging = p.lagging.isEmpty ? "" : w("; chưa đạt: ", "; not met: ") + p.lagging.map { "\($0.code) \($0.name)" }.joined(separator: "; ")
            province = w("Toàn tỉnh: \(p.headline(.vi))", "Province: \(p.headline(.en))") + lagging
        } else {
            // The same rule as Tổng hợp and `tonghop scorecard`: no province verdict on partial data.
            province = w("Toàn tỉnh: chưa đánh giá, số liệu chưa đầy đủ (\(received)/\(d.status.count) đơn vị). Mỗi đơn vị được chấm trên số liệu của chính đơn vị; xếp hạng trong số \(received) đơn vị đã báo cáo.",
                         "Province: not assessed, incomplete data (\(received) of \(d.status.count) units). Each unit is scored on its own figures; ranks are among the \(received) units that reported.")
                + (PaperLayout.missingUnits(d, w, limit: 20).map { "\n" + $0 } ?? "")
        }
        try ws.merge(CellRange(first: CellRef(row: 1, column: 0), last: CellRef(row: 1, column: lastCol)), text: province,
                     complete ? base.with { $0.italic = true; $0.wrap = true } : bold.with { $0.fontColor = 0xC00000; $0.wrap = true })
        try ws.setRow(1, height: PaperLayout.rowHeight([(province, pageWidth, 11)], bold: !complete))
        // With several plans: the primary's columns, then for each other plan its own count
        // (its own denominator) and lagging indicators.
        let primaryName = d.template.planColumns.first.map { extraPlans.isEmpty ? w("KH", "plan") : $0.planName } ?? w("KH", "plan")
        var headers = [w("Xếp hạng", "Rank"), w("Mã ĐV", "Unit code"), w("Đơn vị", "Unit"), w("Chỉ tiêu có \(primaryName)", "Indicators with a \(primaryName)"),
                       w("Đạt và vượt", "Met or beaten"), w("Tỷ lệ đạt (%)", "Share met (%)"), w("Chỉ tiêu chưa đạt", "Indicators not met")]
        for plan in extraPlans { headers += [w("Đạt và vượt \(plan.planName)", "Met or beaten: \(plan.planName)"), w("Chưa đạt \(plan.planName)", "Not met: \(plan.planName)")] }
        for (i, h) in headers.enumerated() { try ws.write(3, i, text: h, header) }
        let headerHeight = PaperLayout.rowHeight(zip(headers, widths).map { ($0, $1, 11) }, minimum: 30, bold: true)
        try ws.setRow(3, height: headerHeight)
        // The printed height so far (points): the chart goes under the table when both fit a page.
        var used = 20 + PaperLayout.rowHeight([(province, pageWidth, 11)], bold: !complete) + 15 + headerHeight
        // Ranked units first (best first), the province-managed part after them, unranked.
        let ranked = d.scorecards.filter { $0.rank > 0 }.sorted { $0.rank != $1.rank ? $0.rank < $1.rank : ($0.unit?.code ?? "") < ($1.unit?.code ?? "") }
        let cards = ranked + d.scorecards.filter { $0.rank == 0 }
        for (i, s) in cards.enumerated() {
            let r = 4 + i
            let name = s.unit.map { $0.level == .provincePart ? $0.name : FormBuilder.unitTitle($0) } ?? ""
            var lagging = s.lagging.map { "\($0.code) \($0.name)" }.joined(separator: "; ")
            // A unit's count never looks complete when its own figures are not: the planned
            // indicators it left without an estimate are named.
            if let u = s.unit, let primary = d.template.planColumns.first, let est = d.template.estimateColumn?.key {
                let unfilled = d.template.indicators(for: u).filter { ind in
                    guard d.template.plan(primary, covers: ind) else { return false }
                    if case .empty = d.consolidation.raw(u.code, ind.code, primary.key) { return false }
                    let v = d.consolidation.raw(u.code, ind.code, est)
                    return v == .empty || v == .symbol(.missing)
                }
                if !unfilled.isEmpty {
                    lagging += (lagging.isEmpty ? "" : "\n") + w("Chưa có số liệu ước thực hiện, chưa chấm: ", "No estimate yet, not scored: ")
                        + unfilled.map(\.code).joined(separator: ", ")
                }
            }
            var cells: [(String, Double, Double)] = [(name, widths[2], 11), (lagging, widths[6], 9)]
            for (k, plan) in extraPlans.enumerated() {
                cells.append((s.plans.first { $0.key == plan.key }?.lagging.map(\.code).joined(separator: ", ") ?? "", widths[8 + 2 * k], 9))
            }
            try ws.setRow(r, height: PaperLayout.rowHeight(cells))
            used += PaperLayout.rowHeight(cells)
            if s.rank > 0 { try ws.write(r, 0, number: Double(s.rank), centered) } else { try ws.write(r, 0, text: "—", centered) }
            // The province-managed part's code is an internal id ("12-KT"): not printed.
            try ws.write(r, 1, text: s.unit?.level == .provincePart ? "" : s.unit?.code ?? "", centered)
            try ws.write(r, 2, text: name, cell)
            try ws.write(r, 3, number: Double(s.assessed), centered)
            try ws.write(r, 4, number: Double(s.met), centered)
            try ws.writeFormula(r, 5, "=IF(D\(r + 1)>0,E\(r + 1)/D\(r + 1)*100,\"\")", result: s.assessed > 0 ? .number(s.share * 100) : .text(""),
                                cell.with { $0.numberFormat = "#,##0.0"; $0.hAlign = .right })
            try ws.write(r, 6, text: lagging, cell.with { $0.fontSize = 9 })
            for (k, plan) in extraPlans.enumerated() {
                let ps = s.plans.first { $0.key == plan.key }
                try ws.write(r, 7 + 2 * k, text: ps.map { "\($0.met)/\($0.assessed)" } ?? "", centered)
                try ws.write(r, 8 + 2 * k, text: ps?.lagging.map(\.code).joined(separator: ", ") ?? "", cell.with { $0.fontSize = 9 })
            }
        }
        let tableEnd = 4 + cards.count - 1
        var rowBreaks: [Int] = []
        var lastRow = max(tableEnd, 3)
        if !ranked.isEmpty {
            // The chart's data beside the table, outside the print area, in reverse rank
            // order: a bar chart draws its first category at the bottom, so the best unit
            // is drawn on top without reversing an axis (LibreOffice then draws the bars
            // right to left).
            let hc = lastCol + 2
            try ws.setColumns(hc, hc + 1, width: 20)
            for (k, s) in ranked.reversed().enumerated() {
                let source = 4 + (ranked.count - 1 - k)
                try ws.writeFormula(4 + k, hc, "=C\(source + 1)", result: .text(s.unit.map { $0.level == .provincePart ? $0.name : FormBuilder.unitTitle($0) } ?? ""), base)
                try ws.writeFormula(4 + k, hc + 1, "=F\(source + 1)", result: s.assessed > 0 ? .number(s.share * 100) : .text(""), base.with { $0.numberFormat = "0.0" })
            }
            let c1 = CellRef.columnName(hc), c2 = CellRef.columnName(hc + 1), last = 4 + ranked.count
            let chart = try wb.addChart(.bar)
            chart.addLabelledSeries(categories: "='\(scoreSheet)'!$\(c1)$5:$\(c1)$\(last)", values: "='\(scoreSheet)'!$\(c2)$5:$\(c2)$\(last)",
                                    name: w("Tỷ lệ chỉ tiêu đạt và vượt kế hoạch (%)", "Share of indicators meeting the plan (%)"), color: 0x2E75B6, numberFormat: "0.0")
            chart.setTitle(w("Tỷ lệ chỉ tiêu đạt và vượt kế hoạch theo đơn vị (%)", "Share of indicators meeting the plan, by unit (%)"))
            chart.setLegend(.none)
            // From 0 to 100: a share, never an axis that starts at 44.
            chart.setValueAxis(min: 0, max: 100, numberFormat: "0")
            // Under the table when both fit a page (landscape A4 within the margins: about 460
            // points), else on a page of its own (a chart across a page break prints under
            // the repeated header); sized to fit a page: about 20 points a bar.
            let chartRow = tableEnd + 2
            let height = min(440, max(220, 40 + 20 * Double(ranked.count)))
            if used + 30 + height > 460 { rowBreaks.append(chartRow) }
            try ws.insertChart(chart, at: CellRef(row: chartRow, column: 0), scale: (min(1.9, pageWidth * 6.3 / 480), height / 288))
            lastRow = chartRow + Int((height / 15).rounded(.up)) + 1
        }
        ws.freezePanes(row: 4, col: 0)
        // The header row repeated on a long table only: over a chart page it stands alone.
        try printSetup(ws, repeat: cards.count > 25 ? 3...3 : nil, d, w,
                       area: CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: lastRow, column: lastCol)), rowBreaks: rowBreaks)
    }
}
