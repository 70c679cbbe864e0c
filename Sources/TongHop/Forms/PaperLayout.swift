import Foundation
import SheetIO

/// What every printed paper shares: the words in the paper's language, row heights for
/// wrapped text, the margins of Nghị định 30/2020/NĐ-CP and the page header that carries
/// the page number and, on partial data, the mark.
public struct PaperWords: Sendable {
    public let lang: Language
    public init(_ lang: Language) { self.lang = lang }
    /// The Vietnamese or the English text of a fixed label.
    public func callAsFunction(_ vi: String, _ en: String) -> String { lang == .vi ? vi : en }
}

enum PaperLayout {
    /// Margins in inches (left, right, top, bottom): 31 mm left and 18 mm right as
    /// Nghị định 30 asks (30–35 mm and 15–20 mm), 20 mm top and bottom.
    static let margins = (31.0 / 25.4, 18.0 / 25.4, 20.0 / 25.4, 20.0 / 25.4)

    /// Lines a text takes in a cell `width` characters wide (Excel's column unit: the
    /// width of "0" in the default 11 pt font) at `fontSize` points, wrapped at spaces as
    /// Excel and LibreOffice wrap it. Measured on LibreOffice's renders: a Times New Roman
    /// letter at 11 pt takes about 0.8 of a column unit (0.85 bold); capitals weigh more.
    /// (0.75 left long Vietnamese messages, with «» and figures, a line short.)
    static func lines(_ text: String, width: Double, fontSize: Double, bold: Bool = false) -> Int {
        guard !text.isEmpty else { return 1 }
        // Usable width: the cell's padding (about 0.6 of a unit) is not for text.
        let capacity = max(1, (width - 0.4) * 11 / fontSize / (bold ? 0.85 : 0.8))
        var total = 0
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var n = 1, used = 0.0
            for word in paragraph.split(separator: " ") {
                let w = Worksheet.displayWidth(String(word)) * charWeight(word)
                if used == 0 { used = w } else if used + 1 + w <= capacity { used += 1 + w } else { n += 1; used = w }
                // A word longer than the line breaks inside it.
                while used > capacity { n += 1; used -= capacity }
            }
            total += n
        }
        return max(1, total)
    }

    /// Capitals are wider than the lower case the estimate assumes.
    private static func charWeight(_ word: Substring) -> Double {
        let upper = word.filter { $0.isUppercase }.count
        return word.isEmpty ? 1 : 1 + 0.3 * Double(upper) / Double(word.count)
    }

    /// The height in points of `lines` lines of `fontSize` text, with the cell's padding.
    static func height(lines: Int, fontSize: Double) -> Double {
        (Double(lines) * fontSize * 1.25 + 3).rounded(.up)
    }

    /// The height a row needs for the wrapped texts written in it: each (text, column
    /// width, font size); at least `minimum` points.
    static func rowHeight(_ cells: [(String, Double, Double)], minimum: Double = 15, bold: Bool = false) -> Double {
        cells.map { height(lines: lines($0.0, width: $0.1, fontSize: $0.2, bold: bold), fontSize: $0.2) }.max().map { max($0, minimum) } ?? minimum
    }

    /// The page header: the page number top centre (Nghị định 30), and on partial data the
    /// mark on the line under it, on every page. Excel keeps a header under 255
    /// characters; "&" is written "&&".
    static func header(mark: String?) -> String {
        let number = "&C&\"Times New Roman,Regular\"&12&P"
        guard let mark, !mark.isEmpty else { return number }
        var m = mark.replacingOccurrences(of: "&", with: "&&")
        let room = 250 - number.count - 30
        if m.count > room { m = String(m.prefix(room - 1)) + "…" }
        return number + "\n&\"Times New Roman,Bold\"&10\(m)"
    }

    /// The first page's header: no page number (Nghị định 30 numbers pages from the
    /// second), the mark when there is one.
    static func firstPageHeader(mark: String?) -> String {
        guard let mark, !mark.isEmpty else { return "&C " }
        var m = mark.replacingOccurrences(of: "&", with: "&&")
        if m.count > 200 { m = String(m.prefix(199)) + "…" }
        return "&C&\"Times New Roman,Bold\"&10\(m)"
    }

    /// "SỐ LIỆU CHƯA ĐẦY ĐỦ: 7/9 đơn vị đã báo cáo; thiếu: Mường Tè, Sìn Hồ" (nil when every
    /// unit reported): the mark every page of a partial paper carries.
    static func partialMark(_ d: SummaryData, _ w: PaperWords, limit: Int = 6) -> String? {
        let missing = d.status.filter { !$0.received }
        guard !missing.isEmpty else { return nil }
        let received = d.status.count - missing.count
        let names = missing.prefix(limit).map { $0.unit.level == .provincePart ? $0.unit.name : VietFold.withoutAdministrativePrefix($0.unit.name) }
        let more = missing.count > limit ? w(" và \(missing.count - limit) đơn vị khác", " and \(missing.count - limit) more") : ""
        return w("SỐ LIỆU CHƯA ĐẦY ĐỦ: \(received)/\(d.status.count) đơn vị đã báo cáo; thiếu: ",
                 "INCOMPLETE DATA: \(received) of \(d.status.count) units reported; missing: ") + names.joined(separator: ", ") + more
    }

    /// The missing units named (for a row inside the print area): every one, or the
    /// first `limit` and how many more (a table's heading row stays a few lines tall).
    static func missingUnits(_ d: SummaryData, _ w: PaperWords, limit: Int? = nil) -> String? {
        let missing = d.status.filter { !$0.received }
        guard !missing.isEmpty else { return nil }
        let shown = limit.map { Array(missing.prefix($0)) } ?? missing
        let more = missing.count - shown.count
        return w("Đơn vị chưa báo cáo (\(missing.count)): ", "Units that have not reported (\(missing.count)): ")
            + shown.map { "\($0.unit.code) \($0.unit.level == .provincePart ? $0.unit.name : FormBuilder.unitTitle($0.unit))" }.joined(separator: "; ")
            + (more > 0 ? w(" và \(more) đơn vị khác (xem trang Tình hình nộp)", " and \(more) more (see the submissions sheet)") : "")
    }
}

/// Where a long paper's pages end, decided by us rather than left to the renderer (issue
/// 26): a group heading never ends a page, the notes and signature block are never split
/// and never stand alone with a row or two, and no page is only the repeated header.
///
/// The sheet prints at an explicit scale (not "fit to width", whose scale Excel and
/// LibreOffice compute from different column measures) so the rows of a page are the same
/// in both; the breaks are set where the rows' own heights (set on every row) fill a page,
/// less a safety margin for the renderer's rounding.
struct PagePlan {
    /// Printable height of landscape A4 within the margins (points).
    static let landscapeHeight = 595.3 - 2 * 72 * PaperLayout.margins.2
    /// Printable width of landscape A4 within the margins (points).
    static let landscapeWidth = 841.9 - 72 * (PaperLayout.margins.0 + PaperLayout.margins.1)
    /// A column unit as LibreOffice prints these workbooks (Tests/Support/paper_setup.py).
    static let columnUnit = 7.3
    /// Part of a page the rows may fill.
    static let fill = 0.93

    /// The scale (per cent) that fits columns `widths` (column units) to the page width,
    /// with 4 % to spare: LibreOffice rounds each column to whole pixels, and a table
    /// fitted to the point pushed the form's last column onto pages of its own.
    static func scale(widths: [Double]) -> Int {
        let printed = widths.reduce(0, +) * columnUnit
        return max(10, min(100, Int((landscapeWidth * 0.96 / printed * 100).rounded(.down))))
    }

    /// The rows before which a page breaks, for rows 0…`last` of heights `height(row)`
    /// printed at `scale` per cent; `repeated` rows print again at the top of each later
    /// page; a row in `keepWithNext` (a group heading) never ends a page; `tail` (notes
    /// and signatures) stays on one page with at least `withTail` rows before it.
    static func breaks(last: Int, height: (Int) -> Double, scale: Int, repeated: ClosedRange<Int>?,
                       keepWithNext: Set<Int>, tail: ClosedRange<Int>?, withTail: Int = 3) -> [Int] {
        let capacity = landscapeHeight * fill * 100 / Double(scale)
        let header = repeated.map { $0.reduce(0.0) { $0 + height($1) } } ?? 0
        var out: [Int] = []
        var start = 0, used = 0.0
        var r = 0
        func breakBefore(_ b: Int) {
            out.append(b)
            start = b
            used = header
            r = b
        }
        while r <= last {
            if let tail, r == tail.lowerBound {
                let need = tail.reduce(0.0) { $0 + height($1) }
                if used + need > capacity, r > start {
                    // The block on the next page with the last rows before it (never
                    // past the page's start, and never leaving a heading behind).
                    var b = max(start + 1, r - withTail)
                    while b > start + 1, keepWithNext.contains(b - 1) { b -= 1 }
                    if b <= start { b = r }
                    breakBefore(b)
                    continue
                }
                used += need
                r = tail.upperBound + 1
                continue
            }
            let h = height(r)
            if used + h > capacity, r > start {
                var b = r
                while b > start + 1, keepWithNext.contains(b - 1) { b -= 1 }
                breakBefore(b)
                // Row b opens the new page.
                used += height(b)
                r = b + 1
                continue
            }
            used += h
            r += 1
        }
        return out
    }
}
