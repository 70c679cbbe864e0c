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

    /// "Số:      /BC-STC": the number line under the issuing office, the number left blank
    /// for the clerk (the office's initials from its name).
    static func numberLine(_ o: Template.Official, _ w: PaperWords) -> String {
        let words = (o.issuingOffice ?? o.governingBody ?? "").split(separator: " ")
        let initials = words.compactMap { $0.first.map { String($0).uppercased() } }.joined()
        return w("Số:        /BC-", "No.:        /BC-") + (initials.isEmpty ? "…" : initials)
    }

    /// Rows 0–2 across columns 0…`last`: agency lines and the number or form code on the
    /// left, the motto (13 and 14 pt bold, Nghị định 30) and the place and date on the
    /// right. Returns the next free row.
    @discardableResult
    static func writeHead(_ ws: Worksheet, _ o: Template.Official, formCode: String?, dateLine: String, last: Int, base: CellFormat,
                          words w: PaperWords = PaperWords(.vi), formNote: (text: String, height: Double)? = nil) throws -> Int {
        let split = max(1, min(3, last / 2))
        let left = { (r: Int) in CellRange(first: CellRef(row: r, column: 0), last: CellRef(row: r, column: split - 1)) }
        let right = { (r: Int) in CellRange(first: CellRef(row: r, column: split), last: CellRef(row: r, column: last)) }
        let center = base.with { $0.hAlign = .center; $0.fontSize = 13 }
        try ws.merge(left(0), text: (o.governingBody ?? "").uppercased(), center)
        try ws.merge(left(1), text: (o.issuingOffice ?? "").uppercased(), center.with { $0.bold = true; $0.underline = true })
        if let formNote {
            // A statistical form's code with the act it is issued with under it, small.
            try ws.merge(left(2), text: (formCode.map { $0 + "\n" } ?? "") + formNote.text, center.with { $0.italic = true; $0.fontSize = 10; $0.wrap = true })
        } else {
            try ws.merge(left(2), text: formCode ?? "", center.with { $0.italic = formCode?.hasPrefix("Số") == false; $0.fontSize = 12 })
        }
        try ws.merge(right(0), text: w(motto, "SOCIALIST REPUBLIC OF VIET NAM"), center.with { $0.bold = true; $0.fontSize = 13 })
        try ws.merge(right(1), text: w(mottoLine2, "Independence - Freedom - Happiness"), center.with { $0.bold = true; $0.underline = true; $0.fontSize = 14 })
        try ws.merge(right(2), text: dateLine, center.with { $0.italic = true })
        for r in 0...2 { try ws.setRow(r, height: r == 2 ? max(20, formNote?.height ?? 0) : 20) }
        return 3
    }

    /// "Place, date …" in English: left blank to fill in by hand.
    static func blankDate(_ place: String?, _ w: PaperWords) -> String {
        w.lang == .vi ? blankDate(place) : "\(place.map { $0 + ", " } ?? "")date …/…/……"
    }

    /// The signature block from `row`: one block per signature spread over columns
    /// 0…`last`, the title (bold, may hold line breaks), room to sign, the name (a dotted
    /// line for it when the template names nobody); then, left, "Nơi nhận" (the
    /// recipients, and the copy kept on file). Returns the row after it.
    @discardableResult
    static func writeSignatures(_ ws: Worksheet, _ o: Template.Official, row: Int, last: Int, base: CellFormat,
                                receiver: String? = nil, words w: PaperWords = PaperWords(.vi)) throws -> Int {
        let n = max(1, o.signatures.count)
        let width = (last + 1) / n
        let lines = o.signatures.map { $0.title.split(separator: "\n").count }.max() ?? 1
        for (i, s) in o.signatures.enumerated() {
            let first = i * width, lastCol = i == n - 1 ? last : first + width - 1
            try ws.merge(CellRange(first: CellRef(row: row, column: first), last: CellRef(row: row, column: lastCol)), text: w(s.title, englishTitle(s.title)),
                         base.with { $0.bold = true; $0.hAlign = .center; $0.wrap = true; $0.vAlign = .top })
            try ws.merge(CellRange(first: CellRef(row: row + 1, column: first), last: CellRef(row: row + 1, column: lastCol)),
                         text: w("(Ký, ghi rõ họ tên)", "(Signature, full name)"), base.with { $0.italic = true; $0.hAlign = .center })
            try ws.merge(CellRange(first: CellRef(row: row + 5, column: first), last: CellRef(row: row + 5, column: lastCol)),
                         text: s.name.isEmpty ? "………………………………" : s.name, base.with { $0.bold = true; $0.hAlign = .center })
        }
        try ws.setRow(row, height: Double(16 * lines + 2))
        guard let receiver else { return row + 6 }
        let end = max(0, min(last, width - 1))
        let recipients = [w("Nơi nhận:", "Recipients:"), "- \(receiver);", w("- Lưu: VT.", "- Filed: VT.")]
        for (k, text) in recipients.enumerated() {
            try ws.merge(CellRange(first: CellRef(row: row + 7 + k, column: 0), last: CellRef(row: row + 7 + k, column: end)), text: text,
                         base.with { $0.bold = k == 0; $0.italic = k == 0; $0.fontSize = k == 0 ? 12 : 11 })
        }
        return row + 10
    }

    /// The English of the usual signature titles ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC").
    static func englishTitle(_ vi: String) -> String {
        let map = ["NGƯỜI LẬP BIỂU": "PREPARED BY", "THỦ TRƯỞNG ĐƠN VỊ": "HEAD OF UNIT", "GIÁM ĐỐC": "DIRECTOR", "PHÓ GIÁM ĐỐC": "DEPUTY DIRECTOR",
                   "NGƯỜI KIỂM TRA BIỂU": "CHECKED BY", "CHỦ TỊCH": "CHAIRMAN", "PHÓ CHỦ TỊCH": "VICE CHAIRMAN"]
        return vi.split(separator: "\n").map { line -> String in
            var l = String(line)
            if l.hasPrefix("KT. ") { l = String(l.dropFirst(4)); return "p.p. " + (map[l] ?? VietFold.loose(l).uppercased()) }
            return map[l] ?? VietFold.loose(l).uppercased()
        }.joined(separator: "\n")
    }
}
