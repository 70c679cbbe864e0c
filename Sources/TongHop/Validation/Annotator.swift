import Foundation
import SheetIO

/// Writes a copy of a submitted table with error cells red and warnings yellow, a
/// comment on each flagged cell, and a findings sheet.
public enum Annotator {
    public static func write(_ s: Submission, report: FileReport, template: Template? = nil, to path: String, lang: Language = .vi) throws {
        let w = PaperWords(lang)
        let wb = try XLSXWriter(path: path)
        try wb.setProperties(DocumentProperties(title: w("Kết quả kiểm tra: ", "Check results: ") + (s.file as NSString).lastPathComponent, author: "tonghop"))
        let ws = try wb.addWorksheet(String((w("Kiểm tra - ", "Checked - ") + (s.sheet.isEmpty ? w("Bảng", "Table") : s.sheet)).prefix(31)).replacingOccurrences(of: "/", with: "-"))
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
            let text = fs.map { "\($0.code): \($0.message(w.lang))" }.joined(separator: "\n")
            try ws.addComment(ref.row, ref.column, text, author: "tonghop", width: 360, height: 120 + 40 * min(fs.count, 6))
        }
        if let h = s.headerRow { ws.freezePanes(row: h + 1, col: 0) }
        // Printed on A4 landscape, one page wide, the header repeated on every page.
        var tablePrint = PrintSetup()
        tablePrint.landscape = true
        tablePrint.fitWidth = 1
        tablePrint.fitHeight = 0
        if let h = s.headerRow { tablePrint.repeatRows = 0...h }
        tablePrint.margins = PaperLayout.margins
        tablePrint.centerHorizontally = true
        // The page number top centre (Nghị định 30), this sheet's own: "&N" counted the findings too.
        tablePrint.header = PaperLayout.header(mark: nil)
        try ws.setPrint(tablePrint)

        // The findings as a paper, as the in-place copy writes them (PackageAnnotator):
        // "BẢN KIỂM TRA", the verdict, the colour legend (comments do not print), one row a
        // finding in Times New Roman with borders, landscape one page wide, Nghị định 30's
        // margins and the page number top centre.
        let fsheet = try wb.addWorksheet(w("Kết quả kiểm tra", "Check results"))
        let paper = base.with { $0.fontName = "Times New Roman"; $0.fontSize = 11; $0.vAlign = .center }
        let head = paper.with { $0.bold = true; $0.fillColor = 0xDDEBF7; $0.border = .thin; $0.wrap = true; $0.hAlign = .center }
        let body = paper.with { $0.border = .thin; $0.wrap = true; $0.vAlign = .top }
        let centered = body.with { $0.hAlign = .center }
        let widths = FindingsPaper.widths
        for (c, width) in widths.enumerated() { try fsheet.setColumns(c, c, width: width) }
        try fsheet.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 7)), text: FindingsPaper.title(s, w),
                         paper.with { $0.bold = true; $0.fontSize = 13 })
        try fsheet.setRow(0, height: 20)
        try fsheet.merge(CellRange(first: CellRef(row: 1, column: 0), last: CellRef(row: 1, column: 7)), text: FindingsPaper.verdict(report, w),
                         paper.with { $0.bold = true })
        let legend = FindingsPaper.legend(w)
        try fsheet.merge(CellRange(first: CellRef(row: 2, column: 0), last: CellRef(row: 2, column: 7)), text: legend,
                         paper.with { $0.italic = true; $0.fontSize = 10; $0.wrap = true })
        try fsheet.setRow(2, height: PaperLayout.rowHeight([(legend, widths.reduce(0, +), 10)]))
        let headers = FindingsPaper.headers(w)
        for (c, h) in headers.enumerated() { try fsheet.write(3, c, text: h, head) }
        try fsheet.setRow(3, height: PaperLayout.rowHeight(zip(headers, widths).map { ($0, $1, 11) }, bold: true))
        for (i, f) in report.findings.enumerated() {
            let r = 4 + i
            let fill = f.severity == .error ? errorFill : f.severity == .warning ? warnFill : infoFill
            let values = FindingsPaper.row(f, s, template, w)
            for (c, v) in values.enumerated() {
                try fsheet.write(r, c, text: v, c == 1 ? fill.with { $0.fontName = "Times New Roman"; $0.fontSize = 11; $0.hAlign = .center; $0.vAlign = .top }
                                                   : c <= 3 ? centered : body)
            }
            try fsheet.setRow(r, height: PaperLayout.rowHeight(zip(values, widths).map { ($0, $1, 11) }))
        }
        fsheet.freezePanes(row: 4, col: 0)
        var print = PrintSetup()
        print.landscape = true
        print.fitWidth = 1
        print.fitHeight = 0
        print.repeatRows = 3...3
        print.margins = PaperLayout.margins
        print.centerHorizontally = true
        print.header = PaperLayout.header(mark: nil)
        try fsheet.setPrint(print)
        try wb.close()
    }
}
