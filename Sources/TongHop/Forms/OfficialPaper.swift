import Foundation
import SheetIO

/// The parts of an official paper (the layout of Nghị định 30/2020/NĐ-CP) that the
/// summary and the forms print: the governing body and issuing office top left, the
/// national motto top right, the form code, the place and date, and the signature block.
enum OfficialPaper {
    static let motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    static let mottoLine2 = "Độc lập - Tự do - Hạnh phúc"

    /// "Mường Tè, ngày … tháng … năm …": the line a unit fills in by hand (the year too: a
    /// 2024 report is often signed in 2025).
    static func blankDate(_ place: String?) -> String { "\(place.map { $0 + ", " } ?? "")ngày … tháng … năm …" }

    /// "Lai Châu, ngày 26 tháng 11 năm 2026" (the date in Asia/Ho_Chi_Minh).
    static func placeAndDate(_ place: String?, _ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Ho_Chi_Minh")!, from: date)
        let day = String(format: "%02d", c.day!), month = String(format: "%02d", c.month!)
        return "\(place.map { $0 + ", " } ?? "")ngày \(day) tháng \(month) năm \(c.year!)"
    }

    /// Rows 0–2 across columns 0…`last`: agency lines and form code on the left, the motto
    /// and the place and date on the right. Returns the next free row.
    @discardableResult
    static func writeHead(_ ws: Worksheet, _ o: Template.Official, formCode: String?, dateLine: String, last: Int, base: CellFormat) throws -> Int {
        let split = max(1, min(3, last / 2))
        let left = { (r: Int) in CellRange(first: CellRef(row: r, column: 0), last: CellRef(row: r, column: split - 1)) }
        let right = { (r: Int) in CellRange(first: CellRef(row: r, column: split), last: CellRef(row: r, column: last)) }
        let center = base.with { $0.hAlign = .center }
        try ws.merge(left(0), text: (o.governingBody ?? "").uppercased(), center)
        try ws.merge(left(1), text: (o.issuingOffice ?? "").uppercased(), center.with { $0.bold = true; $0.underline = true })
        try ws.merge(left(2), text: formCode ?? "", center.with { $0.italic = true })
        try ws.merge(right(0), text: motto, center.with { $0.bold = true })
        try ws.merge(right(1), text: mottoLine2, center.with { $0.bold = true; $0.underline = true })
        try ws.merge(right(2), text: dateLine, center.with { $0.italic = true })
        return 3
    }

    /// The signature block from `row`: one block per signature spread over columns
    /// 0…`last`, the title (bold, may hold line breaks), room to sign, the name.
    /// Returns the row after it.
    @discardableResult
    static func writeSignatures(_ ws: Worksheet, _ o: Template.Official, row: Int, last: Int, base: CellFormat) throws -> Int {
        let n = max(1, o.signatures.count)
        let width = (last + 1) / n
        let lines = o.signatures.map { $0.title.split(separator: "\n").count }.max() ?? 1
        for (i, s) in o.signatures.enumerated() {
            let first = i * width, lastCol = i == n - 1 ? last : first + width - 1
            try ws.merge(CellRange(first: CellRef(row: row, column: first), last: CellRef(row: row, column: lastCol)), text: s.title,
                         base.with { $0.bold = true; $0.hAlign = .center; $0.wrap = true; $0.vAlign = .top })
            try ws.merge(CellRange(first: CellRef(row: row + 1, column: first), last: CellRef(row: row + 1, column: lastCol)),
                         text: "(Ký, ghi rõ họ tên)", base.with { $0.italic = true; $0.hAlign = .center })
            try ws.merge(CellRange(first: CellRef(row: row + 5, column: first), last: CellRef(row: row + 5, column: lastCol)),
                         text: s.name, base.with { $0.bold = true; $0.hAlign = .center })
        }
        try ws.setRow(row, height: Double(16 * lines + 2))
        return row + 6
    }
}
