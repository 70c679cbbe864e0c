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
                                 previous: [String: (value: Double, comment: String)] = [:]) throws {
        let layout = FormLayout(template: template)
        let wb = try XLSXWriter(path: path)
        try wb.setProperties(DocumentProperties(title: "\(template.title) \(period.label().uppercased())",
                                                subject: unit.name, author: "tonghop", company: template.receiver,
                                                keywords: "\(template.id) v\(template.version) \(unit.code) \(period)"))
        let ws = try wb.addWorksheet(FormLayout.formSheet)
        try writeTable(ws, template: template, unit: unit, period: period, layout: layout, values: values, planTexts: planTexts, previous: previous)
        try writeInstructions(wb, template: template)
        try writeMeta(wb, template: template, unit: unit, period: period, generatedAt: generatedAt)
        ws.activate()
        try wb.close()
    }

    /// The fill of a pre-filled cell the officer must confirm (light orange).
    static let prefillFill: UInt32 = 0xFCE4D6

    static func writeTable(_ ws: Worksheet, template: Template, unit: ReportingUnit, period: Period, layout: FormLayout,
                           values: [String: [String: Double]] = [:], planTexts: [String: (text: String, comment: String)] = [:],
                           previous: [String: (value: Double, comment: String)] = [:]) throws {
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
        let province = template.province?.name.uppercased() ?? ""
        let issuer = unit.level == .provincePart ? province : "UBND \(unitTitle(unit).uppercased())"
        var official = Template.Official()
        official.governingBody = issuer
        official.issuingOffice = unit.level == .provincePart ? unit.name : ""
        let place = unit.level == .provincePart ? template.official.place : VietFold.withoutAdministrativePrefix(unit.name)
        try OfficialPaper.writeHead(ws, official, formCode: template.formCode, dateLine: OfficialPaper.blankDate(place),
                                    last: last, base: base)
        try ws.merge(CellRange(first: CellRef(row: 3, column: 0), last: CellRef(row: 3, column: last)),
                     text: "\(template.title) \(period.label().uppercased())", title)
        try ws.setRow(3, height: 36)
        let receiver = template.receiver.map { " — Nơi nhận: \($0)" } ?? ""
        try ws.merge(CellRange(first: CellRef(row: 4, column: 0), last: CellRef(row: 4, column: last)),
                     text: "Đơn vị báo cáo: \(unitTitle(unit)) — Kỳ báo cáo: \(period.label())\(receiver)", centerItalic.with { $0.wrap = true })
        try ws.setRow(4, height: 32)
        if !previous.isEmpty, let prev = template.previousColumn {
            // Pre-filled from the store: the officer confirms or corrects each figure.
            try ws.merge(CellRange(first: CellRef(row: 5, column: 0), last: CellRef(row: 5, column: last)),
                         text: "Cột \"\(prev.label(for: period))\" đã điền sẵn từ số liệu đã nộp (ô màu cam, xem ghi chú từng ô): đơn vị kiểm tra, sửa nếu cần trước khi gửi.",
                         base.with { $0.italic = true; $0.fontSize = 10; $0.hAlign = .center; $0.wrap = true; $0.fontColor = 0x9C4A00 })
            try ws.setRow(5, height: 28)
        }

        // Header and numbering rows.
        for (c, col) in layout.columns.enumerated() {
            try ws.write(layout.headerRow, c, text: layout.header(col, template: template, period: period), header)
        }
        for (c, n) in layout.numbering(template: template).enumerated() { try ws.write(layout.numberingRow, c, text: n, numbering) }
        try ws.setRow(layout.headerRow, height: 48)

        // Column widths.
        for (c, col) in layout.columns.enumerated() {
            let width: Double
            switch col {
            case .stt: width = 5
            case .code: width = 7
            case .name: width = 46
            case .unit: width = 14
            case .value: width = 15
            case .comparison: width = 11
            case .note: width = 22
            }
            try ws.setColumns(c, c, width: width)
        }

        // Indicator rows, with group headings.
        var row = layout.firstDataRow
        var group: String? = nil
        var stt = 0
        let colIndex = { (k: String) in layout.index(of: .value(k)) }
        for ind in template.indicators(for: unit) {
            if ind.group != group, let g = ind.group {
                group = g
                stt = 0
                try writeGroupRow(ws, row, g, lastColumn: last, groupCell)
                row += 1
            }
            stt += 1
            try writeLabels(ws, row, stt: stt, ind, centered: centered, cell: cell)
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
                                         validation(ind, column: col, ref: CellRef(row: row, column: c)))
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

        // Signature block.
        row += 1
        try ws.merge(CellRange(first: CellRef(row: row, column: 0), last: CellRef(row: row, column: 2)), text: "NGƯỜI LẬP BIỂU", bold.with { $0.hAlign = .center })
        try ws.merge(CellRange(first: CellRef(row: row, column: last - 3), last: CellRef(row: row, column: last)),
                     text: "THỦ TRƯỞNG ĐƠN VỊ", bold.with { $0.hAlign = .center })
        try ws.merge(CellRange(first: CellRef(row: row + 1, column: 0), last: CellRef(row: row + 1, column: 2)), text: "(Ký, ghi rõ họ tên)", centerItalic)
        try ws.merge(CellRange(first: CellRef(row: row + 1, column: last - 3), last: CellRef(row: row + 1, column: last)),
                     text: "(Ký, ghi rõ họ tên, đóng dấu)", centerItalic)

        ws.freezePanes(row: layout.firstDataRow, col: 4)
        ws.protect()
        var print = PrintSetup()
        print.landscape = true
        print.fitWidth = 1
        print.fitHeight = 0
        print.repeatRows = layout.headerRow...layout.numberingRow
        print.footer = "&CTrang &P/&N"
        print.margins = (0.5, 0.4, 0.6, 0.6)
        print.centerHorizontally = true
        try ws.setPrint(print)
    }

    /// The Excel validation of one input cell: a number in the hard range (a whole number
    /// for integer indicators) or a statistical symbol; plans may also be text ("6,6-6,8").
    static func validation(_ ind: Indicator, column: ValueColumn, ref: CellRef) -> DataValidation {
        let a = ref.a1
        let unitText = ind.unitText.isEmpty ? "" : "ĐVT: \(ind.unitText). "
        let symbols = "Ký hiệu: - (không phát sinh), ... (không có số liệu), x (không áp dụng)."
        if column.acceptsTargets {
            return DataValidation(.any, inputTitle: "Kế hoạch", inputMessage: "\(unitText)Ghi số, khoảng (6,6-6,8) hoặc ngưỡng (Trên 97, Dưới 4). \(symbols)")
        }
        var conditions = ["ISNUMBER(\(a))"]
        if let lo = ind.hard?.min { conditions.append("\(a)>=\(CellText.number(lo))") }
        if let hi = ind.hard?.max { conditions.append("\(a)<=\(CellText.number(hi))") }
        if ind.kind == .integer { conditions.append("\(a)=INT(\(a))") }
        let formula = "=OR(AND(\(conditions.joined(separator: ","))),\(a)=\"-\",\(a)=\"...\",\(a)=\"x\")"
        let kind = ind.kind == .integer ? "Số nguyên" : "Số"
        let range = ind.hard.map { " " + $0.text(.vi, decimals: ind.decimals) } ?? ""
        return DataValidation(.custom(formula), inputTitle: ind.code, inputMessage: "\(unitText)\(kind)\(range). \(symbols)",
                              errorTitle: "Giá trị không hợp lệ",
                              errorMessage: "\(ind.name): cần \(kind.lowercased())\(range) (\(ind.unitText)) hoặc ký hiệu -, ..., x.")
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
    static func writeInstructions(_ wb: XLSXWriter, template: Template) throws {
        let ws = try wb.addWorksheet(FormLayout.instructionsSheet)
        let base = CellFormat().with { $0.fontName = "Times New Roman"; $0.fontSize = 12; $0.wrap = true; $0.vAlign = .top }
        let bold = base.with { $0.bold = true }
        let width = 92.0
        try ws.setColumns(0, 0, width: 3)
        try ws.setColumns(1, 1, width: width)
        let receiver = template.receiver.map { " về \($0)" } ?? ""
        let lines: [(String, Bool)] = [
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
        let charsPerLine = width * 1.05
        for (i, (text, isHeading)) in lines.enumerated() {
            try ws.write(i, 1, text: text, isHeading ? bold : base)
            // Wrapped text does not grow its row in print: give each row its lines' height.
            let wrapped = max(1, Int((Double(text.count) / charsPerLine).rounded(.up)))
            try ws.setRow(i, height: Double(wrapped) * 16.5 + (isHeading ? 6 : 3))
        }
        var print = PrintSetup()
        print.fitWidth = 1
        print.fitHeight = 0
        print.margins = (0.7, 0.6, 0.75, 0.75)
        try ws.setPrint(print)
        ws.hideScreenGridlines()
        ws.protect()
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
