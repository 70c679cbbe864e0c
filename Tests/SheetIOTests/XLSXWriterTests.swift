import Foundation
import XCTest
@testable import SheetIO
import TestSupport

final class XLSXWriterTests: XCTestCase {
    /// Writes a workbook with every kind of content the writer offers.
    private func writeSample(_ path: String) throws {
        let wb = try XLSXWriter(path: path)
        try wb.setProperties(DocumentProperties(title: "Báo cáo tổng hợp", author: "Sở Kế hoạch và Đầu tư Lai Châu"))
        try wb.setCustomProperty("template", "lai-chau-ktxh")
        let ws = try wb.addWorksheet("Tổng hợp")
        ws.autofitColumns()
        let bold = CellFormat().with { $0.bold = true; $0.border = .thin }
        let pct = CellFormat().with { $0.numberFormat = "0.0" }
        let input = CellFormat().with { $0.unlocked = true; $0.fillColor = 0xFFF2CC }
        try ws.merge(CellRange(a1: "A1:E1")!, text: "TỔNG HỢP CHỈ TIÊU KINH TẾ - XÃ HỘI", bold)
        for (c, h) in ["Mã", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Ước TH"].enumerated() { try ws.write(2, c, text: h, bold) }
        try ws.write(3, 0, text: "KT01")
        try ws.write(3, 1, text: "Sản lượng lương thực có hạt")
        try ws.write(3, 2, text: "nghìn tấn")
        try ws.write(3, 3, number: 225, input)
        try ws.write(3, 4, number: 226.4, input)
        try ws.write(4, 0, text: "=SUM(D4:D5)")            // text that looks like a formula
        try ws.write(4, 1, text: "literal _x0041_ stays")  // text that looks like an OOXML escape
        try ws.write(4, 2, text: "Dòng 1\nDòng 2")
        try ws.write(4, 3, number: 52.9)
        try ws.write(4, 4, bool: true)
        try ws.write(5, 0, date: ExcelDateTime(serial: Double(ExcelDateTime.serial(year: 2024, month: 1, day: 31)), kind: .date))
        try ws.writeFormula(5, 3, "=D4+D5", result: .number(277.9))
        try ws.writeFormula(5, 4, "=E4/D4*100", result: .number(226.4 / 225 * 100), pct)
        try ws.writeFormula(5, 1, "=B4&\" (tấn)\"", result: .text("Sản lượng lương thực có hạt (tấn)"))
        try ws.write(6, 0, value: .error("#N/A"))
        try ws.write(6, 1, number: 0.1 + 0.2)
        try ws.write(6, 2, text: "tab\there\u{01}ctl")
        try ws.freezePanes(row: 3, col: 2)
        try ws.addDataValidation(CellRange(a1: "D4:E4")!, DataValidation(.decimal(min: 0, max: 1000),
                                 inputTitle: "Nhập số", inputMessage: "Đơn vị: nghìn tấn; từ 0 đến 1.000"))
        try ws.write(0, 8, text: "Có")
        try ws.write(1, 8, text: "Không")
        try ws.addDataValidation(CellRange(a1: "F4")!, DataValidation(.listFromRange("=$I$1:$I$2")))
        try ws.addConditionalFormat(CellRange(a1: "E6")!, ConditionalFormat(.cell(.less, 100), format: CellFormat().with { $0.fontColor = 0xC00000 }))
        try ws.addComment(3, 4, "Ước tính của Phòng Kinh tế", author: "tonghop")
        ws.protect()
        var print = PrintSetup()
        print.landscape = true
        print.fitWidth = 1
        print.fitHeight = 0
        print.repeatRows = 2...2
        print.footer = "&CTrang &P/&N"
        try ws.setPrint(print)
        let chart = try wb.addChart(.column)
        chart.addSeries(categories: "='Tổng hợp'!$A$4:$A$4", values: "='Tổng hợp'!$E$4:$E$4", name: "Ước TH")
        chart.setTitle("Sản lượng")
        try ws.insertChart(chart, at: CellRef(a1: "G8")!)
        let hidden = try wb.addWorksheet("_meta")
        try hidden.write(0, 0, text: "template_id")
        hidden.hide()
        try wb.defineName("DonVi", "='Tổng hợp'!$A$4:$A$4")
        try wb.close()
    }

    func testWhatWeWriteOurReaderReadsBackIdentically() throws {
        let dir = try TestSupport.tempDir(self)
        let path = dir.appendingPathComponent("sample.xlsx").path
        try writeSample(path)
        let book = try XLSXWorkbook(path: path)
        XCTAssertEqual(book.sheets.map(\.name), ["Tổng hợp", "_meta"])
        XCTAssertEqual(book.sheets[1].visibility, .hidden)
        let s = try book.readSheet(0)
        XCTAssertEqual(s["A1"], .text("TỔNG HỢP CHỈ TIÊU KINH TẾ - XÃ HỘI"))
        XCTAssertEqual(s.mergedRanges, [CellRange(a1: "A1:E1")!])
        XCTAssertEqual(s["B3"], .text("Chỉ tiêu"))
        XCTAssertEqual(s["D4"], .number(225))
        XCTAssertEqual(s["E4"], .number(226.4))
        XCTAssertEqual(s["A5"], .text("=SUM(D4:D5)"))
        XCTAssertFalse(s.cell(at: CellRef(a1: "A5")!)!.hasFormula)
        XCTAssertEqual(s["B5"], .text("literal _x0041_ stays"))
        XCTAssertEqual(s["C5"], .text("Dòng 1\nDòng 2"))
        XCTAssertEqual(s["E5"], .bool(true))
        XCTAssertEqual(s["A6"], .date(ExcelDateTime(serial: 45322, kind: .date)))
        XCTAssertEqual(s["D6"], .number(277.9))
        XCTAssertTrue(s.cell(at: CellRef(a1: "D6")!)!.hasFormula)
        // libxlsxwriter 1.1.4 prints doubles with "%.16G": a value that needs 17 significant
        // digits comes back rounded to 16 (100.62222222222223 → 100.6222222222222).
        XCTAssertEqual(s["E6"], .number(Double(String(format: "%.16G", 226.4 / 225 * 100))!))
        XCTAssertEqual(s["B6"], .text("Sản lượng lương thực có hạt (tấn)"))
        // An error value is written as the formula that makes it (=NA()); 1.1.4 can only
        // cache a formula's result as a number or text, so the cached value is the text.
        XCTAssertEqual(s["A7"], .text("#N/A"))
        XCTAssertTrue(s.cell(at: CellRef(a1: "A7")!)!.hasFormula)
        // libxlsxwriter 1.1.4 prints doubles with 16 significant digits: 0.30000000000000004 → 0.3.
        XCTAssertEqual(s["B7"], .number(0.3))
        XCTAssertEqual(s["C7"], .text("tab\there\u{01}ctl"), "control characters survive (libxlsxwriter writes _x0001_)")
    }

    func testOpenpyxlReadsTheSameWorkbookWithoutWarnings() throws {
        let dir = try TestSupport.tempDir(self)
        let path = dir.appendingPathComponent("sample.xlsx").path
        try writeSample(path)
        let r = try TestSupport.python([TestSupport.support.appendingPathComponent("openpyxl_inspect.py").path, path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        XCTAssertEqual(j["warnings"] as? [String], [])
        XCTAssertEqual(j["title"] as? String, "Báo cáo tổng hợp")
        XCTAssertEqual((j["custom"] as? [String: Any])?["template"] as? String, "lai-chau-ktxh")
        XCTAssertEqual(j["defined_names"] as? [String], ["DonVi"])
        let sheet = (j["sheets"] as! [[String: Any]])[0]
        let cells = sheet["cells"] as! [String: [String: Any]]
        XCTAssertEqual(cells["B3"]?["value"] as? String, "Chỉ tiêu")
        XCTAssertEqual(cells["A5"]?["value"] as? String, "=SUM(D4:D5)")
        XCTAssertEqual(cells["A5"]?["type"] as? String, "s", "text, not a formula")
        XCTAssertEqual(cells["D6"]?["value"] as? String, "=D4+D5")
        XCTAssertEqual(cells["D6"]?["cached"] as? String, "277.9")
        XCTAssertEqual(cells["B6"]?["cached"] as? String, "Sản lượng lương thực có hạt (tấn)")
        XCTAssertEqual(cells["D4"]?["locked"] as? Bool, false)
        XCTAssertEqual(cells["A4"]?["locked"] as? Bool, true)
        XCTAssertEqual(cells["B3"]?["bold"] as? Bool, true)
        XCTAssertEqual(cells["A6"]?["value"] as? String, "2024-01-31T00:00:00")
        XCTAssertEqual(sheet["merged"] as? [String], ["A1:E1"])
        XCTAssertEqual(sheet["freeze"] as? String, "C4")
        XCTAssertEqual(sheet["protected"] as? Bool, true)
        XCTAssertEqual(sheet["orientation"] as? String, "landscape")
        XCTAssertEqual(sheet["paper"] as? Int, 9)
        XCTAssertEqual(sheet["fit_to_page"] as? Bool, true)
        XCTAssertEqual(sheet["fit_height"] as? Int, 0)
        XCTAssertEqual(sheet["print_title_rows"] as? String, "$3:$3")
        XCTAssertEqual(sheet["footer"] as? String, "Trang &P/&N")
        XCTAssertEqual((sheet["comments"] as? [String: String])?["E4"], "Ước tính của Phòng Kinh tế")
        XCTAssertEqual(sheet["conditional"] as? [String], ["E6"])
        let validations = sheet["validations"] as! [[String: Any]]
        XCTAssertEqual(validations.count, 2)
        let decimal = validations.first { $0["type"] as? String == "decimal" }
        XCTAssertEqual(decimal?["sqref"] as? String, "D4:E4")
        XCTAssertEqual(decimal?["prompt"] as? String, "Đơn vị: nghìn tấn; từ 0 đến 1.000")
        let list = validations.first { $0["type"] as? String == "list" }
        XCTAssertEqual(list?["formula1"] as? String, "$I$1:$I$2")
        // Column B is as wide as its longest text, counting "ư" or "ợ" as one character.
        let widths = sheet["widths"] as! [String: Double]
        let expected = (Double("Sản lượng lương thực có hạt (tấn)".count) * 1.1 + 2).rounded(.up)
        XCTAssertEqual(widths["B"]!, expected, accuracy: 1)  // libxlsxwriter rounds to whole pixels
        // The chart is there.
        let zip = try ZipArchive(path: path)
        XCTAssertTrue(zip.contains("xl/charts/chart1.xml"))
    }

    func testAFailedCloseLeavesNoFileBehind() throws {
        let dir = try TestSupport.tempDir(self)
        // The destination is a folder: the rename must fail, and nothing else may remain.
        let dest = dir.appendingPathComponent("report.xlsx")
        try FileManager.default.createDirectory(at: dest, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(at: dest.appendingPathComponent("keep"), withIntermediateDirectories: false)
        let wb = try XLSXWriter(path: dest.path)
        try wb.addWorksheet("A").write(0, 0, number: 1)
        XCTAssertThrowsError(try wb.close()) { e in
            guard case .write = (e as! SheetIOError).kind else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["report.xlsx"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dest.path), ["keep"])
    }

    func testAWorkbookDroppedWithoutCloseWritesNothing() throws {
        let dir = try TestSupport.tempDir(self)
        do {
            let wb = try XLSXWriter(path: dir.appendingPathComponent("x.xlsx").path)
            try wb.addWorksheet("A").write(0, 0, text: "Mường Tè")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    func testAnExistingFileIsReplacedOnlyWhenTheNewOneIsComplete() throws {
        let dir = try TestSupport.tempDir(self)
        let path = dir.appendingPathComponent("x.xlsx").path
        try writeSample(path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let wb = try XLSXWriter(path: path)
        _ = try wb.addWorksheet("Mới")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "unchanged until close")
        try wb.close()
        XCTAssertEqual(try XLSXWorkbook(path: path).sheets.map(\.name), ["Mới"])
    }

    func testBadSheetNamesAndOverlongTextAreErrorsNamingTheCell() throws {
        let dir = try TestSupport.tempDir(self)
        let wb = try XLSXWriter(path: dir.appendingPathComponent("x.xlsx").path)
        XCTAssertThrowsError(try wb.addWorksheet("a/b"))
        let ws = try wb.addWorksheet("A")
        XCTAssertThrowsError(try ws.write(3, 1, text: String(repeating: "x", count: 40_000))) { e in
            XCTAssertEqual((e as! SheetIOError).cell, "B4")
        }
    }

    func testColumnWidthsCountVietnameseLettersAsOneCharacter() {
        XCTAssertEqual(Worksheet.displayWidth("Mường Tè"), 8)
        XCTAssertEqual(Worksheet.displayWidth("Mường Tè".decomposedStringWithCanonicalMapping), 8)
        XCTAssertEqual(Worksheet.displayWidth("ab\nlonger line"), 11)
        XCTAssertEqual(Worksheet.displayWidth("漢字"), 4)
    }
}
