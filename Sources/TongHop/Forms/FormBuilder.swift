import Foundation
import SheetIO

/// Writes the blank form a unit fills in: XLSX (protected, with input validation, an
/// instructions sheet and a hidden identification sheet) or CSV.
public enum FormBuilder {
    /// "lai-chau-ktxh_107-muong-te_2024.xlsx".
    public static func fileName(template: Template, unit: ReportingUnit, period: Period, ext: String) -> String {
        let slug = VietFold.loose(unit.name).replacingOccurrences(of: " ", with: "-")
        return "\(template.id)_\(unit.code)-\(slug)_\(period).\(ext)"
    }

    static let inputFill: UInt32 = 0xFFF9E6
    static let headerFill: UInt32 = 0xDDEBF7

    /// Writes the XLSX form.
    ///
    /// `values` pre-fills input cells (indicator → column key → value): for tests,
    /// benchmarks and forms handed out with last year's figures already in.
    /// `planTexts` writes the plan column from target text (`tonghop targets`): the text the
    /// reader takes back ("Trên 97", "6,6-6,8") with a comment quoting its phrase.
    /// `previous` pre-fills the previous-year column (`form --prefill-previous`): each cell
    /// in an orange "to confirm" fill with a comment saying where the figure came from.
    public static func writeXLSX(template: Template, unit: ReportingUnit, period: Period, path: String, generatedAt: Date = Date(),
                                 values: [String: [String: Double]] = [:], planTexts: [String: (text: String, comment: String)] = [:],
                                 previous: [String: (value: Double, comment: String)] = [:], lang: Language = .vi) throws {
        let layout = FormLayout(template: template)
        let w = PaperWords(lang)
        let wb = try XLSXWriter(path: path)
        try wb.setProperties(DocumentProperties(title: "\(template.title) \(period.label().uppercased())",
                                                subject: unit.name, author: "tonghop", company: template.receiver(for: period),
                                                keywords: "\(template.id) v\(template.version) \(unit.code) \(period)"))
        let ws = try wb.addWorksheet(FormLayout.formSheet)
        try writeTable(ws, template: template, unit: unit, period: period, layout: layout, values: values, planTexts: planTexts, previous: previous, words: w)
        try writeInstructions(wb, template: template, period: period, words: w)
        try writeMeta(wb, template: template, unit: unit, period: period, generatedAt: generatedAt)
        ws.activate()
        try wb.close()
    }

    /// The fill of a pre-filled cell the officer must confirm (light orange).
    static let prefillFill: UInt32 = 0xFCE4D6

    static func writeTable(_ ws: Worksheet, template: Template, unit: ReportingUnit, period: Period, layout: FormLayout,
                           values: [String: [String: Double]] = [:], planTexts: [String: (text: String, comment: String)] = [:],
                           previous: [String: (value: Double, comment: String)] = [:], words w: PaperWords = PaperWords(.vi)) throws {
        let last = layout.columns.count - 1
        let base = CellFormat().with { $0.fontName = "Times New Roman"; $0.fontSize = 12; $0.vAlign = .center }
        let bold = base.with { $0.bold = true }
        let title = bold.with { $0.fontSize = 14; $0.hAlign = .center; $0.wrap = true }
        let centerItalic = base.with { $0.italic = true; $0.hAlign = .center }
        let header = bold.with { $0.hAlign = .center; $0.wrap = true; $0.border = .thin; $0.fillColor = headerFill }
        let numbering = base.with { $0.italic = true; $0.hAlign = .center; $0.border = .thin; $0.fontSize = 10 }
        let cell = base.with { $0.border = .thin; $0.wrap = true }
        let centered = cell.with { $0.hAlign = .center }
        let groupCell = cell.with { $0.bold = true }
        let note = cell.with { $0.unlocked = true; $0.fillColor = inputFill }

        // Title block, as an official paper: the unit's authority and the motto, the form
        // code and the place-and-date line the unit completes; no internal ids (those stay
        // in the hidden sheet and the document properties).
        // The issuing body written out (Nghị định 30: no abbreviation in the agency line).
        let province = template.province?.name.uppercased() ?? ""
        let issuer = unit.level == .provincePart ? province : w("ỦY BAN NHÂN DÂN \(unitTitle(unit).uppercased())", "PEOPLE'S COMMITTEE OF \(unitTitle(unit).uppercased())")
        var official = Template.Official()
        official.governingBody = issuer
        official.issuingOffice = unit.level == .provincePart ? unit.name : ""
        let place = unit.level == .provincePart ? template.official.place : VietFold.withoutAdministrativePrefix(unit.name)
        let formCode = template.formCode.map { w.lang == .vi ? $0 : $0.replacingOccurrences(of: "Biểu số", with: "Form") }
        let widths = layout.columns.map(columnWidth)
        // "Ban hành kèm theo …" under the form code, over the head's left columns.
        let issuedWith = template.official.issuedWith.map { text -> (text: String, height: Double) in
            let shown = w.lang == .vi ? text : "Issued with: " + text
            let leftWidth = widths.prefix(max(1, min(3, last / 2))).reduce(0, +)
            return (shown, PaperLayout.rowHeight([((formCode.map { $0 + "\n" } ?? "") + shown, leftWidth, 10)]))
        }
        try OfficialPaper.writeHead(ws, official, formCode: formCode, dateLine: OfficialPaper.blankDate(place, w),
                                    last: last, base: base, words: w, formNote: issuedWith)
        let pageWidth = widths.reduce(0, +)
        let titleText = w("\(template.title) \(period.label().uppercased())", "\(template.title)\n\(period.label(.en).uppercased())")
        try ws.merge(CellRange(first: CellRef(row: 3, column: 0), last: CellRef(row: 3, column: last)), text: titleText, title)
        try ws.setRow(3, height: max(36, PaperLayout.rowHeight([(titleText, pageWidth, 14)], bold: true)))
        // Statistical forms name the receiving unit ("Đơn vị nhận báo cáo"; "Nơi nhận" is a
        // letter's list of recipients) and, when there is a deadline, the day it is due.
        var lineParts = [w("Đơn vị báo cáo: ", "Reporting unit: ") + unitTitle(unit), w("Kỳ báo cáo: ", "Period: ") + period.label(w.lang)]
        if let r = template.receiver(for: period) { lineParts.append(w("Đơn vị nhận báo cáo: ", "Receiving unit: ") + r) }
        if let due = template.deadline(for: period) { lineParts.append(w("Ngày nhận báo cáo: ", "Due: ") + UnitStatus.vietDate(due)) }
        let unitLine = lineParts.joined(separator: " — ")
        try ws.merge(CellRange(first: CellRef(row: 4, column: 0), last: CellRef(row: 4, column: last)), text: unitLine, centerItalic.with { $0.wrap = true })
        try ws.setRow(4, height: PaperLayout.rowHeight([(unitLine, pageWidth, 12)]))
        if !previous.isEmpty, let prev = template.previousColumn {
            // Pre-filled from the store: the officer confirms or corrects each figure.
            try ws.merge(CellRange(first: CellRef(row: 5, column: 0), last: CellRef(row: 5, column: last)),
                         text: w("Cột \"\(prev.label(for: period))\" đã điền sẵn từ số liệu đã nộp (ô màu cam, xem ghi chú từng ô): đơn vị kiểm tra, sửa nếu cần trước khi gửi.",
                                 "The column \"\(prev.label(for: period, .en))\" is filled in from figures already sent (orange cells, see each cell's note): check them and correct them if needed before sending."),
                         base.with { $0.italic = true; $0.fontSize = 10; $0.hAlign = .center; $0.wrap = true; $0.fontColor = 0x9C4A00 })
            try ws.setRow(5, height: 28)
        }

        // Header and numbering rows. In English the cell keeps the header the reader knows
        // ("Mã", "Chỉ tiêu") and shows the English one through the format's text section
        // (`;;;"Code"`): the form prints in English and still reads back.
        var shown: [String] = []
        for (c, col) in layout.columns.enumerated() {
            let vi = layout.header(col, template: template, period: period)
            let en = englishHeader(col, template: template, period: period)
            shown.append(w(vi, en))
            let f = w.lang == .vi ? header : header.with { $0.numberFormat = ";;;\"" + en.replacingOccurrences(of: "\"", with: "'") + "\"" }
            try ws.write(layout.headerRow, c, text: vi, f)
        }
        for (c, n) in layout.numbering(template: template).enumerated() { try ws.write(layout.numberingRow, c, text: n, numbering) }
        try ws.setRow(layout.headerRow, height: PaperLayout.rowHeight(zip(shown, widths).map { ($0, $1, 12) }, minimum: 30, bold: true))
        for (c, width) in widths.enumerated() { try ws.setColumns(c, c, width: width) }

        // Indicator rows, with group headings.
        var row = layout.firstDataRow
        var group: String? = nil
        var stt = 0
        var groupRows: Set<Int> = []
        let colIndex = { (k: String) in layout.index(of: .value(k)) }
        for ind in template.indicators(for: unit) {
            if ind.group != group, let g = ind.group {
                group = g
                stt = 0
                groupRows.insert(row)
                try writeGroupRow(ws, row, g, lastColumn: last, groupCell)
                try ws.setRow(row, height: PaperLayout.rowHeight([(splitGroup(g).1, widths[2], 12)], minimum: 18, bold: true))
                row += 1
            }
            stt += 1
            try writeLabels(ws, row, stt: stt, ind, centered: centered, cell: cell)
            // Wrapped names and units ("triệu đồng/người") get their lines' height.
            try ws.setRow(row, height: PaperLayout.rowHeight([(ind.name, widths[2], 12), (ind.unitText, widths[3], 12)], minimum: 18))
            let numberFormat = ind.decimals == 0 ? "#,##0" : "#,##0." + String(repeating: "0", count: ind.decimals)
            for col in template.columns {
                let c = colIndex(col.key)
                if col.role == .plan && !template.plan(col, covers: ind) {
                    try ws.writeBlank(row, c, cell.with { $0.fillColor = 0xEDEDED })  // no plan: not an input
                    continue
                }
                let f = cell.with { $0.unlocked = true; $0.fillColor = inputFill; $0.numberFormat = numberFormat; $0.hAlign = .right }
                if col.role == .plan, let p = planTexts[ind.code] {
                    // A plain number stays a number; a range or bound is text the reader accepts.
                    if let n = VietNumber.parse(p.text, convention: .vi), case .number(let x) = n.value { try ws.write(row, c, number: x, f) }
                    else { try ws.write(row, c, text: p.text, f) }
                    try ws.addComment(row, c, p.comment, author: "tonghop targets", width: 300, height: 80)
                } else if col.role == .previous, let p = previous[ind.code] {
                    try ws.write(row, c, number: p.value, f.with { $0.fillColor = prefillFill })
                    try ws.addComment(row, c, p.comment, author: "tonghop", width: 320, height: 90)
                } else if let v = values[ind.code]?[col.key] { try ws.write(row, c, number: v, f) } else { try ws.writeBlank(row, c, f) }
                try ws.addDataValidation(CellRange(first: CellRef(row: row, column: c), last: CellRef(row: row, column: c)),
                                         validation(ind, column: col, ref: CellRef(row: row, column: c), w))
            }
            for cmp in template.comparisons {
                let c = layout.index(of: .comparison(cmp.key))
                let num = CellRef(row: row, column: colIndex(cmp.numerator)).a1
                let den = CellRef(row: row, column: colIndex(cmp.denominator)).a1
                try ws.writeFormula(row, c, "=IF(AND(ISNUMBER(\(num)),ISNUMBER(\(den)),\(den)<>0),\(num)/\(den)*100,\"\")",
                                    result: .text(""), cell.with { $0.numberFormat = "0.0"; $0.hAlign = .right })
            }
            try ws.writeBlank(row, layout.index(of: .note), note)
            row += 1
        }

        // Signature block: who drew up the form, who checked it, the head of the unit.
        let lastDataRow = row - 1
        row += 1
        let blocks: [(ClosedRange<Int>, String, String)] = [
            (0...2, w("NGƯỜI LẬP BIỂU", "PREPARED BY"), w("(Ký, ghi rõ họ tên)", "(Signature, full name)")),
            (3...max(3, last - 4), w("NGƯỜI KIỂM TRA BIỂU", "CHECKED BY"), w("(Ký, ghi rõ họ tên)", "(Signature, full name)")),
            ((last - 3)...last, w("THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF UNIT"), w("(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name, seal)")),
        ]
        // (The checker's block only when the table is wide enough for three.)
        for (k, (cols, title, hint)) in blocks.enumerated() where k != 1 || last - 4 >= 3 {
            let range = { (r: Int) in CellRange(first: CellRef(row: r, column: cols.lowerBound), last: CellRef(row: r, column: cols.upperBound)) }
            if cols.count > 1 { try ws.merge(range(row), text: title, bold.with { $0.hAlign = .center }) } else { try ws.write(row, cols.lowerBound, text: title, bold.with { $0.hAlign = .center }) }
            if cols.count > 1 { try ws.merge(range(row + 1), text: hint, centerItalic) } else { try ws.write(row + 1, cols.lowerBound, text: hint, centerItalic) }
        }

        ws.freezePanes(row: layout.firstDataRow, col: 4)
        ws.protect()
        var print = PrintSetup()
        print.landscape = true
        // Our own pages (``PagePlan``, as the summary): no group heading at a page's foot, the
        // signature block (with room to sign) with at least three rows of the table.
        print.scale = PagePlan.scale(widths: widths)
        let heights = ws.rowHeights
        print.rowBreaks = PagePlan.breaks(last: row + 5, height: { heights[$0] ?? 15 }, scale: print.scale!, repeated: layout.headerRow...layout.numberingRow,
                                          keepWithNext: groupRows, tail: (lastDataRow + 1)...(row + 5))
        print.repeatRows = layout.headerRow...layout.numberingRow
        print.header = PaperLayout.header(mark: nil)
        print.firstPageHeader = PaperLayout.firstPageHeader(mark: nil)
        print.margins = PaperLayout.margins
        print.centerHorizontally = true
        try ws.setPrint(print)
    }

    /// A column's width in the table.
    static func columnWidth(_ col: FormLayout.Column) -> Double {
        switch col {
        case .stt: return 5
        case .code: return 7
        case .name: return 40
        case .unit: return 12
        case .value: return 13
        case .comparison: return 10
        case .note: return 16
        }
    }

    /// A column's header in English (a value column by its role; a comparison by its parts).
    static func englishHeader(_ c: FormLayout.Column, template: Template, period: Period) -> String {
        switch c {
        case .stt: return "No."
        case .code: return "Code"
        case .name: return "Indicator"
        case .unit: return "Unit"
        case .value(let k): return template.column(k)!.label(for: period, .en)
        case .comparison(let k):
            guard let cmp = template.comparisons.first(where: { $0.key == k }), let n = template.column(cmp.numerator), let d = template.column(cmp.denominator) else { return k }
            return "\(n.label(for: period, .en)) / \(d.label(for: period, .en)) (%)"
        case .note: return "Notes"
        }
    }

    /// The Excel validation of one input cell: a number in the hard range (a whole number
    /// for integer indicators) or a statistical symbol; plans may also be text ("6,6-6,8").
    static func validation(_ ind: Indicator, column: ValueColumn, ref: CellRef, _ w: PaperWords = PaperWords(.vi)) -> DataValidation {
        let a = ref.a1
        let unitText = ind.unitText.isEmpty ? "" : w("ĐVT: ", "Unit: ") + "\(ind.unitText). "
        let symbols = w("Ký hiệu: - (không phát sinh), ... (không có số liệu), x (không áp dụng).", "Symbols: - (nothing to report), ... (no information), x (not applicable).")
        if column.acceptsTargets {
            return DataValidation(.any, inputTitle: w("Kế hoạch", "Plan"), inputMessage: unitText + w("Ghi số, khoảng (6,6-6,8) hoặc ngưỡng (Trên 97, Dưới 4). ", "A number, a range (6,6-6,8) or a bound (Trên 97, Dưới 4). ") + symbols)
        }
        var conditions = ["ISNUMBER(\(a))"]
        if let lo = ind.hard?.min { conditions.append("\(a)>=\(CellText.number(lo))") }
        if let hi = ind.hard?.max { conditions.append("\(a)<=\(CellText.number(hi))") }
        if ind.kind == .integer { conditions.append("\(a)=INT(\(a))") }
        let formula = "=OR(AND(\(conditions.joined(separator: ","))),\(a)=\"-\",\(a)=\"...\",\(a)=\"x\")"
        let kind = ind.kind == .integer ? w("Số nguyên", "A whole number") : w("Số", "A number")
        let range = ind.hard.map { " " + $0.text(w.lang, decimals: ind.decimals) } ?? ""
        return DataValidation(.custom(formula), inputTitle: ind.code, inputMessage: "\(unitText)\(kind)\(range). \(symbols)",
                              errorTitle: w("Giá trị không hợp lệ", "Invalid value"),
                              errorMessage: w("\(ind.name): cần \(kind.lowercased())\(range) (\(ind.unitText)) hoặc ký hiệu -, ..., x.",
                                              "\(ind.name): \(kind.lowercased())\(range) (\(ind.unitText)) or a symbol -, ..., x is expected."))
    }

    /// A group heading row of a table: letter in STT, heading in Chỉ tiêu, bordered to the end.
    static func writeGroupRow(_ ws: Worksheet, _ row: Int, _ group: String, lastColumn: Int, _ format: CellFormat) throws {
        let (letter, text) = splitGroup(group)
        try ws.write(row, 0, text: letter, format.with { $0.hAlign = .center })
        try ws.writeBlank(row, 1, format)
        try ws.write(row, 2, text: text, format)
        for c in 3...lastColumn { try ws.writeBlank(row, c, format) }
    }

    /// The STT, Mã, Chỉ tiêu and ĐVT cells of an indicator row.
    static func writeLabels(_ ws: Worksheet, _ row: Int, stt: Int, _ ind: Indicator, centered: CellFormat, cell: CellFormat) throws {
        try ws.write(row, 0, number: Double(stt), centered)
        try ws.write(row, 1, text: ind.code, centered)
        try ws.write(row, 2, text: ind.name, cell)
        try ws.write(row, 3, text: ind.unitText, centered)
    }

    /// "A. SỐ LIỆU CƠ SỞ" → ("A", "SỐ LIỆU CƠ SỞ").
    static func splitGroup(_ g: String) -> (String, String) {
        if let dot = g.firstIndex(of: "."), g.distance(from: g.startIndex, to: dot) <= 4 {
            return (String(g[..<dot]), g[g.index(after: dot)...].trimmingCharacters(in: .whitespaces))
        }
        return ("", g)
    }

    /// "Huyện Mường Tè", "Thành phố Lai Châu", "Khối tỉnh".
    public static func unitTitle(_ u: ReportingUnit) -> String {
        switch u.level {
        case .district:
            let l = VietFold.loose(u.name)
            return l.hasPrefix("thanh pho") || l.hasPrefix("thi xa") || l.hasPrefix("huyen") || l.hasPrefix("quan") ? u.name : "Huyện \(u.name)"
        case .commune:
            let l = VietFold.loose(u.name)
            return l.hasPrefix("xa") || l.hasPrefix("phuong") || l.hasPrefix("thi tran") || l.hasPrefix("dac khu") ? u.name : "Xã \(u.name)"
        default: return u.name
        }
    }

    /// The Hướng dẫn sheet: what the officer can do in Excel, consistent with the cells'
    /// input validation (numbers within the indicator's limits or a statistical symbol),
    /// and that the province checks the file on receipt. Prints on one A4 page width,
    /// each paragraph's row tall enough for its wrapped lines; no internal ids.
    static func writeInstructions(_ wb: XLSXWriter, template: Template, period: Period, words w: PaperWords = PaperWords(.vi)) throws {
        let ws = try wb.addWorksheet(FormLayout.instructionsSheet)
        let base = CellFormat().with { $0.fontName = "Times New Roman"; $0.fontSize = 12; $0.wrap = true; $0.vAlign = .top }
        let bold = base.with { $0.bold = true }
        let width = 92.0
        try ws.setColumns(0, 0, width: 3)
        try ws.setColumns(1, 1, width: width)
        let receiver = template.receiver(for: period).map { " về \($0)" } ?? ""
        let lines: [(String, Bool)] = w.lang == .en ? englishInstructions(template, period: period) : [
            ("HƯỚNG DẪN GHI BIỂU", true),
            ("1. Chỉ ghi vào các ô nền vàng. Không sửa, thêm hoặc xoá dòng, cột, mã chỉ tiêu (cột Mã) và không đổi tên, xoá các trang của tệp; trang biểu được khoá để tránh sửa nhầm.", false),
            ("2. Ghi số liệu theo đúng đơn vị tính ở cột ĐVT. Số liệu có đơn vị khác thì quy đổi trước khi ghi: ví dụ 8.200 tấn khi ĐVT là nghìn tấn thì ghi 8,2.", false),
            ("3. Gõ số trực tiếp vào ô như thường lệ (dấu thập phân theo cài đặt của máy). Mỗi ô chỉ nhận một số trong giới hạn của chỉ tiêu (xem gợi ý hiện ra khi chọn ô) hoặc một ký hiệu thống kê dưới đây; ghi sai, Excel báo ngay. Chỉ tiêu tỷ lệ (%) ghi số phần trăm, ví dụ 52,3.", false),
            ("KÝ HIỆU THỐNG KÊ", true),
            ("-  (gạch ngang): không phát sinh hiện tượng; được tính là 0 khi tổng hợp.", false),
            ("... (ba chấm): có phát sinh nhưng chưa có thông tin; không được tính là 0.", false),
            ("x  : chỉ tiêu không áp dụng cho đơn vị; không đưa vào tổng hợp.", false),
            ("Để trống ô nghĩa là chưa báo cáo; chỉ tiêu bắt buộc để trống sẽ bị báo lỗi.", false),
            ("KẾ HOẠCH", true),
            ("Cột kế hoạch nhận một số, một khoảng (6,6-6,8) hoặc một ngưỡng (Trên 97; Dưới 4; ≥ 97).", false),
            ("CÁC CỘT SO SÁNH (%)", true),
            ("Được tính tự động từ số liệu đã ghi; không cần ghi.", false),
            ("GỬI BIỂU", true),
            ("Ghi nơi, ngày lập biểu và ký ở cuối biểu; lưu tệp dạng .xlsx và gửi\(receiver). Khi nhận, tệp được kiểm tra tự động: nếu có chỗ cần sửa, đơn vị nhận lại danh sách từng ô, giá trị đã ghi và giá trị cần có, cùng một bản biểu có đánh dấu các ô đó; sửa rồi gửi lại.", false),
        ]
        for (i, (text, isHeading)) in lines.enumerated() {
            try ws.write(i, 1, text: text, isHeading ? bold : base)
            // Wrapped text does not grow its row in print: give each row its lines' height.
            try ws.setRow(i, height: PaperLayout.rowHeight([(text, width, 12)], bold: isHeading) + (isHeading ? 4 : 1))
        }
        var print = PrintSetup()
        print.fitWidth = 1
        print.fitHeight = 0
        print.margins = PaperLayout.margins
        try ws.setPrint(print)
        ws.hideScreenGridlines()
        ws.protect()
    }

    /// The Hướng dẫn sheet's paragraphs in English.
    static func englishInstructions(_ template: Template, period: Period) -> [(String, Bool)] {
        let receiver = template.receiver(for: period).map { " to \($0)" } ?? ""
        return [
            ("HOW TO FILL IN THE FORM", true),
            ("1. Write only in the yellow cells. Do not edit, add or delete rows, columns or indicator codes (column Code), and do not rename or delete the sheets of the file; the form sheet is locked against mistakes.", false),
            ("2. Write each figure in the unit of the column Unit. Convert figures in another unit first: 8,200 tonnes where the unit is thousand tonnes is written 8.2.", false),
            ("3. Type numbers into the cells as usual (the decimal sign follows the computer's settings). A cell takes a number within the indicator's limits (see the hint shown when the cell is selected) or one of the statistical symbols below; Excel refuses anything else at once. Percentages are written as a number of percent, e.g. 52.3.", false),
            ("STATISTICAL SYMBOLS", true),
            ("-  (dash): nothing to report; counts as 0 in the totals.", false),
            ("... (three dots): there is something to report but no information yet; never counted as 0.", false),
            ("x  : the indicator does not apply to the unit; left out of the totals.", false),
            ("An empty cell means not reported; a required indicator left empty is an error.", false),
            ("PLAN", true),
            ("The plan column takes a number, a range (6,6-6,8) or a bound (Trên 97; Dưới 4; ≥ 97).", false),
            ("COMPARISON COLUMNS (%)", true),
            ("Computed from the figures written; nothing to write.", false),
            ("SENDING THE FORM", true),
            ("Write the place and date and sign at the foot of the form; save the file as .xlsx and send it\(receiver). On receipt the file is checked automatically: if anything needs correcting, the unit receives the list of cells, the value written and the value expected, with a copy of the form marking those cells; correct them and send the file again.", false),
        ]
    }

    static func writeMeta(_ wb: XLSXWriter, template: Template, unit: ReportingUnit, period: Period, generatedAt: Date) throws {
        let ws = try wb.addWorksheet(FormLayout.metaSheet)
        let iso = Store.stamp(generatedAt)
        let pairs: [(String, String)] = [
            ("template_id", template.id), ("template_version", String(template.version)),
            ("unit_code", unit.code), ("unit_name", unit.name), ("period", period.description),
            ("generated_at", iso), ("generator", "tonghop"),
        ]
        for (i, (k, v)) in pairs.enumerated() {
            try ws.write(i, 0, text: k)
            try ws.write(i, 1, text: v)
        }
        ws.protect()
        ws.hide()
    }

    /// Writes the same table as CSV (UTF-8 with BOM, ";" as Vietnamese Excel expects),
    /// with identification lines above the table; comparison columns are left out
    /// (they are computed).
    public static func writeCSV(template: Template, unit: ReportingUnit, period: Period, path: String) throws {
        var lines: [[String]] = [
            ["Biểu mẫu", template.id, "Phiên bản", String(template.version)],
            ["Đơn vị", unit.code, unit.name],
            ["Kỳ báo cáo", period.description, period.label()],
            [],
        ]
        var header = ["STT", "Mã", "Chỉ tiêu", "ĐVT"]
        header += template.columns.map { $0.label(for: period) }
        header.append("Ghi chú")
        lines.append(header)
        var stt = 0
        var group: String? = nil
        for ind in template.indicators(for: unit) {
            if ind.group != group, let g = ind.group {
                group = g
                stt = 0
                let (letter, text) = splitGroup(g)
                lines.append([letter, "", text, ""] + template.columns.map { _ in "" } + [""])
            }
            stt += 1
            lines.append([String(stt), ind.code, ind.name, ind.unitText] + template.columns.map { _ in "" } + [""])
        }
        let width = header.count
        var text = "\u{FEFF}"
        for l in lines {
            let padded = l + Array(repeating: "", count: max(0, width - l.count))
            text += padded.map { CellText.quoteCSV(CellText.neutralised($0), delimiter: ";") }.joined(separator: ";") + "\r\n"
        }
        try AtomicFile.write(Data(text.utf8), to: path)
    }
}
