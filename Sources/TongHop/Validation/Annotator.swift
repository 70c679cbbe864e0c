import Foundation
import SheetIO

/// Writes a copy of a submitted table with error cells red and warnings yellow, a
/// comment on each flagged cell, and a findings sheet.
public enum Annotator {
    public static func write(_ s: Submission, report: FileReport, template: Template? = nil, to path: String) throws {
        let wb = try XLSXWriter(path: path)
        try wb.setProperties(DocumentProperties(title: "Kết quả kiểm tra: \((s.file as NSString).lastPathComponent)", author: "tonghop"))
        let ws = try wb.addWorksheet(String(("Kiểm tra - " + (s.sheet.isEmpty ? "Bảng" : s.sheet)).prefix(31)).replacingOccurrences(of: "/", with: "-"))
        ws.autofitColumns(min: 5, max: 30)  // the header row wraps; a landscape page holds the table at full size
        var byCell: [String: [Finding]] = [:]
        for f in report.findings { if let c = f.cell, f.sheet == s.sheet || f.sheet == nil { byCell[c, default: []].append(f) } }
        let base = CellFormat()
        let errorFill = base.with { $0.fillColor = 0xFFC7CE; $0.fontColor = 0x9C0006; $0.border = .thin }
        let warnFill = base.with { $0.fillColor = 0xFFEB9C; $0.fontColor = 0x7F6000; $0.border = .thin }
        let infoFill = base.with { $0.fillColor = 0xDDEBF7; $0.border = .thin }
        let headerFormat = base.with { $0.bold = true; $0.wrap = true }
        var written = Set<String>()
        if let sheet = s.sheetData {
            for row in sheet.rows {
                for cell in row.cells {
                    let ref = CellRef(row: row.index, column: cell.column)
                    let flagged = byCell[ref.a1]
                    let worst = flagged?.map(\.severity).max()
                    let fmt: CellFormat? = worst == .error ? errorFill : worst == .warning ? warnFill : worst == .info ? infoFill
                        : (row.index == s.headerRow ? headerFormat : nil)
                    switch cell.value {
                    case .empty: try ws.writeBlank(ref.row, ref.column, fmt ?? base.with { $0.border = .thin })
                    default: try ws.write(ref.row, ref.column, value: cell.value, fmt)
                    }
                    written.insert(ref.a1)
                }
            }
        }
        // Flagged cells that were blank, and comments.
        for (a1, fs) in byCell {
            guard let ref = CellRef(a1: a1) else { continue }
            let worst = fs.map(\.severity).max()
            if !written.contains(a1) {
                try ws.writeBlank(ref.row, ref.column, worst == .error ? errorFill : worst == .warning ? warnFill : infoFill)
            }
            let text = fs.map { "\($0.code): \($0.message)" }.joined(separator: "\n")
            try ws.addComment(ref.row, ref.column, text, author: "tonghop", width: 360, height: 120 + 40 * min(fs.count, 6))
        }
        if let h = s.headerRow { ws.freezePanes(row: h + 1, col: 0) }
        // Printed on A4 landscape, one page wide, the header repeated on every page.
        var tablePrint = PrintSetup()
        tablePrint.landscape = true
        tablePrint.fitWidth = 1
        tablePrint.fitHeight = 0
        if let h = s.headerRow { tablePrint.repeatRows = 0...h }
        tablePrint.margins = (0.4, 0.4, 0.5, 0.5)
        tablePrint.footer = "&CTrang &P/&N"
        try ws.setPrint(tablePrint)

        let fsheet = try wb.addWorksheet("Kết quả kiểm tra")
        let head = base.with { $0.bold = true; $0.fillColor = 0xDDEBF7; $0.border = .thin; $0.wrap = true; $0.vAlign = .center }
        let cellFmt = base.with { $0.border = .thin; $0.wrap = true; $0.vAlign = .top }
        try fsheet.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 7)),
                         text: "KẾT QUẢ KIỂM TRA: \((s.file as NSString).lastPathComponent)", base.with { $0.bold = true; $0.fontSize = 13 })
        let verdict = report.valid ? "HỢP LỆ" : "KHÔNG HỢP LỆ"
        try fsheet.merge(CellRange(first: CellRef(row: 1, column: 0), last: CellRef(row: 1, column: 7)),
                         text: "\(verdict): \(report.errors) lỗi, \(report.warnings) cảnh báo, \(report.infos) thông tin", base.with { $0.bold = true })
        let headers = ["Mã", "Mức", "Ô", "Chỉ tiêu", "Cột", "Giá trị đã ghi", "Cần", "Nội dung"]
        let widths: [Double] = [7, 10, 8, 10, 14, 18, 22, 80]
        for (c, h) in headers.enumerated() {
            try fsheet.write(3, c, text: h, head)
            try fsheet.setColumns(c, c, width: widths[c])
        }
        for (i, f) in report.findings.enumerated() {
            let r = 4 + i
            let sev = f.severity == .error ? "Lỗi" : f.severity == .warning ? "Cảnh báo" : "Thông tin"
            let fill = f.severity == .error ? errorFill.with { $0.wrap = true; $0.vAlign = .top } : f.severity == .warning ? warnFill.with { $0.wrap = true; $0.vAlign = .top } : cellFmt
            try fsheet.write(r, 0, text: f.code, fill)
            try fsheet.write(r, 1, text: sev, cellFmt)
            try fsheet.write(r, 2, text: f.cell ?? "", cellFmt)
            try fsheet.write(r, 3, text: f.indicator ?? "", cellFmt)
            // The column by its header on the form, not the template's key.
            let column = f.column.map { key in template?.column(key)?.label(for: s.period ?? Period(year: 2000)) ?? key } ?? ""
            try fsheet.write(r, 4, text: column, cellFmt)
            try fsheet.write(r, 5, text: f.value ?? "", cellFmt)
            try fsheet.write(r, 6, text: f.expected ?? "", cellFmt)
            try fsheet.write(r, 7, text: f.message, cellFmt)
        }
        fsheet.freezePanes(row: 4, col: 0)
        if !report.findings.isEmpty {
            try fsheet.autofilter(CellRange(first: CellRef(row: 3, column: 0), last: CellRef(row: 3 + report.findings.count, column: 7)))
        }
        var print = PrintSetup()
        print.landscape = true
        print.fitWidth = 1
        print.fitHeight = 0
        print.repeatRows = 3...3
        print.footer = "&CTrang &P/&N"
        try fsheet.setPrint(print)
        try wb.close()
    }
}
