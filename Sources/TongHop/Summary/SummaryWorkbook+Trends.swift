import Foundation
import SheetIO

extension SummaryWorkbook {

    /// Pixels of a column `width` characters wide (Excel's default font: 7 px a character
    /// plus 5 px of padding), for sizing charts to the table above them.
    static func pixels(_ width: Double) -> Double { (width * 7 + 5).rounded(.down) }

    /// The "Diễn biến" sheet: the province's headline indicators over the store's periods of
    /// the summary's span, a table (each figure's source under its period) and a line chart
    /// per indicator, two side by side, four to a page. The summary's own period links to
    /// the Tổng hợp sheet, so an edited figure moves its chart.
    static func writeTrends(_ ws: Worksheet, _ wb: XLSXWriter, _ d: SummaryData, _ tr: Trends, _ S: (rowOf: [String: Int], valueColumn: [String: Int]), _ w: PaperWords) throws {
        let t = d.template
        let n = tr.periods.count
        let widths: [Double] = [5, 38, 12] + Array(repeating: 14, count: n)
        for (i, width) in widths.enumerated() { try ws.setColumns(i, i, width: width) }
        let last = widths.count - 1
        let pageWidth = widths.reduce(0, +)
        let span = "\(tr.periods.first!.label(w.lang)) – \(tr.periods.last!.label(w.lang))"
        let title = w("DIỄN BIẾN CÁC CHỈ TIÊU CHỦ YẾU TOÀN TỈNH (\(span.uppercased()))", "HEADLINE INDICATORS OF THE PROVINCE OVER TIME (\(span.uppercased()))")
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: last)), text: title, bold.with { $0.fontSize = 13; $0.hAlign = .center; $0.wrap = true })
        try ws.setRow(0, height: PaperLayout.rowHeight([(title, pageWidth, 13)], minimum: 20, bold: true))
        var note = w("Mỗi kỳ lấy số thực hiện do báo cáo kỳ sau ghi ở cột cùng kỳ năm trước khi kho đã có, nếu không thì số ước thực hiện của chính kỳ đó (dòng \"Nguồn\"); kỳ \(d.period.label()) lấy từ sheet \(summarySheet). Ô trống: kỳ đó còn đơn vị chưa có số liệu (không cộng thiếu).",
                     "Each period shows the actual the next period's reports give as last year's figure where the store has them, else that period's own estimate (row \"Source\"); \(d.period.label(.en)) is linked to the \(summarySheet) sheet. An empty cell: some unit had no figure for that period (never a partial sum).")
        if tr.acrossReform {
            note += w(" Các kỳ nằm hai bên đợt sắp xếp đơn vị hành chính (1/7/2025): số toàn tỉnh của mỗi kỳ tổng hợp từ các đơn vị của kỳ đó; số theo khu vực so sánh được: lệnh tonghop series --by-area.",
                      " The periods straddle the reform of the units (1 July 2025): each period's province figure consolidates that period's units; figures by comparable area: tonghop series --by-area.")
        }
        try ws.merge(CellRange(first: CellRef(row: 1, column: 0), last: CellRef(row: 1, column: last)), text: note, base.with { $0.italic = true; $0.wrap = true; $0.fontSize = 10 })
        try ws.setRow(1, height: PaperLayout.rowHeight([(note, pageWidth, 10)]))
        let headers = [w("STT", "No."), w("Chỉ tiêu", "Indicator"), w("ĐVT", "Unit")] + tr.periods.map { $0.label(w.lang) }
        for (i, h) in headers.enumerated() { try ws.write(3, i, text: h, header) }
        try ws.setRow(3, height: PaperLayout.rowHeight(zip(headers, widths).map { ($0, $1, 11) }, minimum: 30, bold: true))
        // The source of each period's figures (the same for every indicator but where a
        // final figure was incomplete and the estimate stands in).
        func sourceText(_ s: Trends.Source) -> String {
            switch s {
            case .final(let q): return w("thực hiện, theo báo cáo \(q.label())", "actual, from the \(q.label(.en)) report")
            case .estimate: return w("ước thực hiện", "estimate")
            case .current: return w("sheet \(summarySheet)", "\(summarySheet) sheet")
            }
        }
        let small = centered.with { $0.fontSize = 9; $0.italic = true }
        try ws.write(4, 0, text: "", small)
        try ws.write(4, 1, text: w("Nguồn", "Source"), small)
        try ws.write(4, 2, text: "", small)
        var sourceTexts: [String] = []
        for k in 0..<n {
            let kinds = tr.rows.map { $0.points[k].source }
            let main = kinds.first.map(sourceText) ?? ""
            let text = kinds.allSatisfy({ $0 == kinds.first }) ? main : main + w(" (có chỉ tiêu: ước thực hiện)", " (some: estimate)")
            sourceTexts.append(text)
            try ws.write(4, 3 + k, text: text, small)
        }
        try ws.setRow(4, height: PaperLayout.rowHeight(zip(sourceTexts, widths.dropFirst(3)).map { ($0, $1 - 2, 9) }))
        let first = 5
        for (i, row) in tr.rows.enumerated() {
            let r = first + i, ind = row.indicator
            try ws.write(r, 0, number: Double(i + 1), centered)
            try ws.write(r, 1, text: ind.name, cell)
            try ws.write(r, 2, text: ind.unitText, centered)
            let fmt = numberFormat(ind.decimals)
            for (k, p) in row.points.enumerated() {
                guard let v = p.value else { try ws.writeBlank(r, 3 + k, fmt); continue }
                if p.source == .current, let sr = S.rowOf[ind.code], let sc = S.valueColumn[t.estimateColumn?.key ?? ""] {
                    try ws.writeFormula(r, 3 + k, "='\(summarySheet)'!\(CellRef.columnName(sc))\(sr + 1)", result: .number(v), fmt)
                } else {
                    try ws.write(r, 3 + k, number: v, fmt)
                }
            }
            try ws.setRow(r, height: PaperLayout.rowHeight([(ind.name, widths[1], 11), (ind.unitText, widths[2], 11)]))
        }
        let tableEnd = first + tr.rows.count - 1
        // Charts on pages of their own (a chart across a page break prints on both): two
        // to a band of rows, two bands to a landscape page, each band one blank row below
        // its page break. The two charts of a band split the table's columns between them,
        // each over whole columns, so they line up with the table in any renderer.
        let bandRows = 15
        let px = widths.map(pixels)
        let total = px.reduce(0, +)
        var split = 1, acc = px[0]
        while split < widths.count - 1, abs(acc + px[split] - total / 2) < abs(acc - total / 2) { acc += px[split]; split += 1 }
        let sides = [(column: 0, width: acc - 8), (column: split, width: total - acc - 8)]
        let chartHeight = 255.0
        var rowBreaks: [Int] = []
        let chartStart = tableEnd + 2
        let periodsRange = "'\(trendSheet)'!$D$4:$\(CellRef.columnName(last))$4"
        let charted = tr.rows.enumerated().filter { $0.element.points.contains { $0.value != nil } }
        for (k, (i, row)) in charted.enumerated() {
            let band = k / 2, side = k % 2
            let top = chartStart + band * bandRows
            if side == 0, band % 2 == 0 { rowBreaks.append(top) }
            let r = first + i + 1
            let chart = try wb.addChart(.line)
            chart.addSeries(categories: periodsRange, values: "'\(trendSheet)'!$D$\(r):$\(CellRef.columnName(last))$\(r)",
                            name: row.indicator.name, color: 0x2E75B6)
            chart.markPoints()
            chart.setTitle("\(row.indicator.name) (\(row.indicator.unitText))", fontName: "Times New Roman", fontSize: 11)
            chart.setLegend(.none)
            chart.setYAxisNumberFormat(row.indicator.decimals == 0 ? "#,##0" : "#,##0." + String(repeating: "0", count: min(row.indicator.decimals, 2)))
            try ws.insertChart(chart, at: CellRef(row: top + 1, column: sides[side].column), offset: (side == 0 ? 0 : 4, 0),
                               scale: (sides[side].width / 480, chartHeight / 288))
        }
        let bands = (charted.count + 1) / 2
        let lastRow = max(tableEnd, chartStart + bands * bandRows)
        try printSetup(ws, repeat: nil, d, w, area: CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: lastRow, column: last)), rowBreaks: rowBreaks)
    }

    /// The "Ước cả năm" sheet of a 6- or 9-month summary: each flow indicator's year-end
    /// estimate for the province (live: the m-month figure links to Tổng hợp, the estimate
    /// divides it by the share, the call compares with the plan), then the calls by unit.
    static func writeYearEnd(_ ws: Worksheet, _ d: SummaryData, _ f: YearEndForecast, _ S: (rowOf: [String: Int], valueColumn: [String: Int]), _ w: PaperWords) throws {
        let t = d.template, m = f.months
        let primary = t.planColumns.first
        let widths: [Double] = [5, 28, 9, 11, 9, 11, 15, 11, 11, 8, 12, 15]
        for (i, width) in widths.enumerated() { try ws.setColumns(i, i, width: width) }
        let last = widths.count - 1
        let pageWidth = widths.reduce(0, +)
        let title = w("ƯỚC THỰC HIỆN CẢ NĂM \(f.period.year) VÀ KHẢ NĂNG ĐẠT KẾ HOẠCH (TỪ SỐ LIỆU \(m) THÁNG)",
                      "YEAR-END ESTIMATE FOR \(f.period.year) AND ON-TRACK CALL (FROM THE \(m)-MONTH FIGURES)")
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: last)), text: title, bold.with { $0.fontSize = 13; $0.hAlign = .center; $0.wrap = true })
        try ws.setRow(0, height: PaperLayout.rowHeight([(title, pageWidth, 13)], minimum: 20, bold: true))
        let note = w("Ước cả năm = số \(m) tháng ÷ tỷ trọng của \(m) tháng trong cả năm ở các năm trước (của chính đơn vị khi có ít nhất \(YearEndForecast.minimumYears) năm, nếu không thì của tỉnh; không có thì ngoại suy ×12/\(m)). Khoảng ước theo độ dao động của tỷ trọng (ít nhất ±\(Int(YearEndForecast.minimumUncertainty * 100)) %). \"Dự kiến đạt\": số ước đạt kế hoạch; \"có nguy cơ không đạt\": số ước chưa đạt nhưng cận trên của khoảng ước đạt; \"khó đạt\": cả cận trên chưa đạt. Chỉ các chỉ tiêu cộng dồn từ đầu năm; tỷ lệ, bình quân và số lũy kế không ngoại suy. Đây là ước tính, không phải số liệu báo cáo.",
                     "Year estimate = the \(m)-month figure ÷ the share of those \(m) months in the year in earlier years (the unit's own with at least \(YearEndForecast.minimumYears) years, else the province's; with none, ×12/\(m)). The range follows the spread of the shares (at least ±\(Int(YearEndForecast.minimumUncertainty * 100)) %). \"On track\": the estimate meets the plan; \"at risk\": it does not but the top of its range does; \"unlikely\": not even the top. Flows cumulated from January only; rates, means and cumulative counts are not extrapolated. An estimate, not a reported figure.")
        try ws.merge(CellRange(first: CellRef(row: 1, column: 0), last: CellRef(row: 1, column: last)), text: note, base.with { $0.italic = true; $0.wrap = true; $0.fontSize = 10 })
        try ws.setRow(1, height: PaperLayout.rowHeight([(note, pageWidth, 10)]))
        let planName = primary?.planName ?? w("kế hoạch", "plan")
        let headers = [w("STT", "No."), w("Chỉ tiêu", "Indicator"), w("ĐVT", "Unit"), w("Số \(m) tháng", "\(m) months"),
                       w("Tỷ trọng \(m) tháng (%)", "Share of \(m) months (%)"), w("Ước cả năm", "Year estimate"), w("Khoảng ước", "Range"),
                       w("Ngoại suy ×12/\(m)", "Naive ×12/\(m)"), w(planName.prefix(1).uppercased() + planName.dropFirst(), "Plan (\(planName))"),
                       w("Ước so KH (%)", "Estimate / plan (%)"), w("Khả năng đạt KH", "On-track call"), w("Tỷ trọng lấy theo", "Share from")]
        var row = 3
        let prov = f.estimates.filter { $0.unit == "province" }
        let received = d.status.filter(\.received).count
        let provinceLine = f.provinceLine(w.lang, plan: planName, received: received, expected: d.status.count)
        if prov.isEmpty {
            let text = provinceLine + (received < d.status.count ? PaperLayout.missingUnits(d, w, limit: 20).map { "\n" + $0 } ?? "" : "")
            try ws.merge(CellRange(first: CellRef(row: row, column: 0), last: CellRef(row: row, column: last)), text: text,
                         bold.with { $0.fontColor = 0xC00000; $0.wrap = true })
            try ws.setRow(row, height: PaperLayout.rowHeight([(text, pageWidth, 11)], bold: true))
            row += 2
        } else {
            try ws.merge(CellRange(first: CellRef(row: row, column: 0), last: CellRef(row: row, column: last)), text: provinceLine, bold)
            row += 1
            for (i, h) in headers.enumerated() { try ws.write(row, i, text: h, header) }
            try ws.setRow(row, height: PaperLayout.rowHeight(zip(headers, widths).map { ($0, $1, 11) }, minimum: 30, bold: true))
            row += 1
            let pct = numberFormat(1)
            for (i, e) in prov.enumerated() {
                guard let ind = t.indicator(e.indicator) else { continue }
                let R = row + 1
                let fmt = numberFormat(ind.decimals)
                try ws.write(row, 0, number: Double(i + 1), centered)
                try ws.write(row, 1, text: ind.name, cell)
                try ws.write(row, 2, text: ind.unitText, centered)
                if let sr = S.rowOf[ind.code], let sc = S.valueColumn[t.estimateColumn?.key ?? ""] {
                    try ws.writeFormula(row, 3, "='\(summarySheet)'!\(CellRef.columnName(sc))\(sr + 1)", result: .number(e.cumulative), fmt)
                } else {
                    try ws.write(row, 3, number: e.cumulative, fmt)
                }
                try ws.write(row, 4, number: e.share * 100, pct)
                try ws.writeFormula(row, 5, "=IF(AND(ISNUMBER(D\(R)),E\(R)>0),D\(R)/E\(R)*100,\"\")", result: .number(e.estimate), fmt)
                let range = "\(VietNumber.format(e.low, decimals: ind.decimals, w.lang)) – \(VietNumber.format(e.high, decimals: ind.decimals, w.lang))"
                try ws.write(row, 6, text: range, centered.with { $0.fontSize = 9 })
                try ws.writeFormula(row, 7, "=IF(ISNUMBER(D\(R)),D\(R)*12/\(m),\"\")", result: .number(e.naive), fmt)
                let call = e.calls.first
                let uncertainty = e.estimate > 0 ? (e.high - e.estimate) / e.estimate : YearEndForecast.minimumUncertainty
                if let call, case .number(let pv) = call.value, ind.direction != .none {
                    if let sr = S.rowOf[ind.code], let pc = primary, let sc = S.valueColumn[pc.key] {
                        try ws.writeFormula(row, 8, "='\(summarySheet)'!\(CellRef.columnName(sc))\(sr + 1)", result: .number(pv), fmt)
                    } else {
                        try ws.write(row, 8, number: pv, fmt)
                    }
                    let (fn, exact): (String, (Double) -> Double) = ind.direction == .lower
                        ? ("ROUNDUP", { ($0 * 10).rounded(.up) / 10 }) : ("ROUNDDOWN", { ($0 * 10).rounded(.down) / 10 })
                    try ws.writeFormula(row, 9, "=IF(AND(ISNUMBER(F\(R)),ISNUMBER(I\(R)),I\(R)<>0),\(fn)(F\(R)/I\(R)*100,1),\"\")",
                                        result: pv != 0 ? .number(exact(e.estimate / pv * 100)) : .text(""), pct)
                    // The call, live: the estimate against the plan, then the top (bottom) of its range.
                    let u = CellText.number((uncertainty * 1e6).rounded() / 1e6)
                    let (meets, best) = ind.direction == .lower
                        ? ("F\(R)<=I\(R)", "F\(R)*(1-\(u))<=I\(R)") : ("F\(R)>=I\(R)", "F\(R)*(1+\(u))>=I\(R)")
                    let on = YearEndForecast.Call.onTrack.label(w.lang), risk = YearEndForecast.Call.atRisk.label(w.lang), no = YearEndForecast.Call.unlikely.label(w.lang)
                    // The cached result is the formula's own reading (the same rounded range).
                    let ur = (uncertainty * 1e6).rounded() / 1e6
                    let cached = (ind.direction == .lower ? e.estimate <= pv : e.estimate >= pv) ? on
                        : (ind.direction == .lower ? e.estimate * (1 - ur) <= pv : e.estimate * (1 + ur) >= pv) ? risk : no
                    try ws.writeFormula(row, 10, "=IF(AND(ISNUMBER(F\(R)),ISNUMBER(I\(R))),IF(\(meets),\"\(on)\",IF(\(best),\"\(risk)\",\"\(no)\")),\"\")",
                                        result: .text(cached), centered)
                } else if let call {
                    // A plan written as a bound or range ("Trên 90"), or an indicator without direction.
                    try ws.write(row, 8, text: call.value.text(decimals: ind.decimals, w.lang), centered)
                    try ws.write(row, 9, text: "", pct)
                    try ws.write(row, 10, text: call.call.label(w.lang), centered)
                } else {
                    for col in 8...10 { try ws.writeBlank(row, col, centered) }
                }
                try ws.write(row, 11, text: e.source.label(w.lang), cell.with { $0.fontSize = 9 })
                try ws.setRow(row, height: PaperLayout.rowHeight([(ind.name, widths[1], 11), (ind.unitText, widths[2], 11), (e.source.label(w.lang), widths[11], 9),
                                                                  (call?.call.label(w.lang) ?? "", widths[10], 11)]))
                row += 1
            }
            let first = row - prov.count
            try ws.addConditionalFormat(CellRange(first: CellRef(row: first, column: 10), last: CellRef(row: row - 1, column: 10)),
                                        ConditionalFormat(.formula("=$K\(first + 1)<>\"\(YearEndForecast.Call.onTrack.label(w.lang))\""),
                                                          format: CellFormat().with { $0.fontColor = 0xC00000; $0.bold = true }))
            row += 1
        }
        // By unit: the counts, and the indicators not on track with their calls.
        let unitRows = d.reportingUnits.filter { u in f.estimates.contains { $0.unit == u.code } }
        if !unitRows.isEmpty {
            let uh = [w("STT", "No."), w("Đơn vị", "Unit"), w("Dự kiến đạt", "On track"), w("Có nguy cơ không đạt", "At risk"), w("Khó đạt", "Unlikely"),
                      w("Chỉ tiêu chưa chắc đạt (ước cả năm / kế hoạch)", "Indicators not on track (year estimate / plan)")]
            try ws.merge(CellRange(first: CellRef(row: row, column: 0), last: CellRef(row: row, column: last)),
                         text: w("Theo đơn vị (mỗi đơn vị trên số liệu và kế hoạch của chính đơn vị)", "By unit (each on its own figures and plan)"), bold)
            row += 1
            let spans = [(0, 0), (1, 2), (3, 3), (4, 4), (5, 5), (6, last)]
            for (i, h) in uh.enumerated() {
                let (a, b) = spans[i]
                if a == b { try ws.write(row, a, text: h, header) } else { try ws.merge(CellRange(first: CellRef(row: row, column: a), last: CellRef(row: row, column: b)), text: h, header) }
            }
            let listWidth = widths[6...].reduce(0, +)
            try ws.setRow(row, height: PaperLayout.rowHeight([(uh[3], widths[4], 11), (uh[5], listWidth, 11)], minimum: 30, bold: true))
            row += 1
            for (i, u) in unitRows.enumerated() {
                let c = f.counts(u.code)
                let name = u.level == .provincePart ? u.name : FormBuilder.unitTitle(u)
                let list = f.notOnTrack(u.code, w.lang)
                try ws.write(row, 0, number: Double(i + 1), centered)
                try ws.merge(CellRange(first: CellRef(row: row, column: 1), last: CellRef(row: row, column: 2)), text: name, cell)
                try ws.write(row, 3, number: Double(c.on), centered)
                try ws.write(row, 4, number: Double(c.risk), centered)
                try ws.write(row, 5, number: Double(c.unlikely), centered)
                try ws.merge(CellRange(first: CellRef(row: row, column: 6), last: CellRef(row: row, column: last)), text: list, cell.with { $0.fontSize = 9 })
                try ws.setRow(row, height: PaperLayout.rowHeight([(name, widths[1] + widths[2], 11), (list, listWidth, 9)]))
                row += 1
            }
        }
        try printSetup(ws, repeat: nil, d, w, area: CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: max(row - 1, 3), column: last)))
    }
}
