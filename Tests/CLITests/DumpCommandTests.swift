import Foundation
import XCTest
import SheetIO
import TestSupport

/// `tonghop dump`, run as a user runs it: the built binary, stdout, stderr, exit code.
final class DumpCommandTests: XCTestCase {
    private func dump(_ args: [String], env: [String: String] = [:]) throws -> TestSupport.ProcessResult {
        try TestSupport.run(TestSupport.tonghop, ["dump"] + args, env: env)
    }

    /// A workbook written with openpyxl (an independent writer).
    private func openpyxlBook(_ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("book.xlsx").path
        let script = """
        import datetime, openpyxl
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Số liệu"
        ws.append(["Mã", "Chỉ tiêu", "Giá trị", "Đạt", "Ngày"])
        ws.append(["KT01", "Thu ngân sách, \\"trên địa bàn\\"", 2450, True, datetime.date(2024, 1, 31)])
        ws.append(["KT02", "Dòng 1\\nDòng 2", 52.9, False, datetime.datetime(2024, 1, 31, 10, 20, 30)])
        ws["C4"] = "=C2/C3"
        ws["E4"] = datetime.time(10, 20, 30)
        ws["A6"] = 1234567.891
        ws["B6"] = 52.9 * 3
        wb.create_sheet("Trang 2")["B2"] = "thứ hai"
        wb.save(r"\(path)")
        """
        let r = try TestSupport.python(["-c", script])
        XCTAssertEqual(r.status, 0, r.stderr)
        return path
    }

    func testCSVOutputIsRFC4180WithShortestNumbersAndISODates() throws {
        let path = try openpyxlBook(try TestSupport.tempDir(self))
        let r = try dump([path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.out, [
            "Mã,Chỉ tiêu,Giá trị,Đạt,Ngày",
            "KT01,\"Thu ngân sách, \"\"trên địa bàn\"\"\",2450,TRUE,2024-01-31",
            "KT02,\"Dòng 1\nDòng 2\",52.9,FALSE,2024-01-31T10:20:30",
            ",,,,10:20:30",   // C4 is a formula openpyxl saved without a value: no value, not 0
            ",,,,",
            "1234567.891,158.7,,,",
        ].joined(separator: "\r\n") + "\r\n")
        // A sheet too large to hold is read twice instead; the output is the same.
        let twice = try dump([path], env: ["TONGHOP_TEST_DUMP_HELD_BYTES": "16"])
        XCTAssertEqual(twice.status, 0, twice.stderr)
        XCTAssertEqual(twice.out, r.out)
    }

    func testSheetByNumberOrNameAndJSONWithTypes() throws {
        let path = try openpyxlBook(try TestSupport.tempDir(self))
        var r = try dump([path, "--sheet", "2"])
        XCTAssertEqual(r.out, ",\r\n,thứ hai\r\n")
        r = try dump([path, "--sheet", "Trang 2", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        XCTAssertEqual(j["sheet"] as? String, "Trang 2")
        XCTAssertEqual(j["range"] as? String, "A1:B2")
        let cells = j["cells"] as! [[String: Any]]
        XCTAssertEqual(cells.count, 1)
        XCTAssertEqual(cells[0]["ref"] as? String, "B2")
        XCTAssertEqual(cells[0]["type"] as? String, "text")
        r = try dump([path, "--format", "json"])
        let first = (try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any])["cells"] as! [[String: Any]]
        let byRef = Dictionary(uniqueKeysWithValues: first.map { ($0["ref"] as! String, $0) })
        XCTAssertEqual(byRef["C2"]?["type"] as? String, "number")
        XCTAssertEqual(byRef["D2"]?["type"] as? String, "bool")
        XCTAssertEqual(byRef["E2"]?["type"] as? String, "date")
        XCTAssertEqual(byRef["E3"]?["type"] as? String, "datetime")
        XCTAssertEqual(byRef["C4"]?["formula"] as? Bool, true)
        XCTAssertEqual(byRef["C4"]?["type"] as? String, "empty")
    }

    func testCSVInputIsDumpedToo() throws {
        let dir = try TestSupport.tempDir(self)
        let csv = dir.appendingPathComponent("don-vi.csv")
        try Data(("\u{FEFF}Mã;Giá trị\r\nKT01;52,9\r\n").utf8).write(to: csv)
        let r = try dump([csv.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.out, "Mã,Giá trị\r\nKT01,\"52,9\"\r\n")
    }

    func testUnreadableFilesExitWithCode2AndOneLineInTheChosenLanguage() throws {
        let dir = try TestSupport.tempDir(self)
        let xls = dir.appendingPathComponent("bao-cao.xls")
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 600)).write(to: xls)
        var r = try dump([xls.path], env: ["LANG": "vi_VN.UTF-8"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout.count, 0)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        XCTAssertTrue(r.stderr.hasPrefix(xls.path + ": không đọc được tệp Excel 97-2003 (.xls)"), r.stderr)
        r = try dump([xls.path, "--lang", "en"])
        XCTAssertTrue(r.stderr.contains("save it as .xlsx"), r.stderr)
        r = try dump([dir.appendingPathComponent("missing.xlsx").path, "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("no such file"), r.stderr)
        let path = try openpyxlBook(dir)
        r = try dump([path, "--sheet", "9", "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("no sheet 9"), r.stderr)
    }

    func testAZipBombIsStoppedWithBoundedMemory() throws {
        // 1.1 GiB of XML behind about 1 MB of ZIP: over the default 1 GiB per-part limit.
        let dir = try TestSupport.tempDir(self)
        let r0 = try TestSupport.python([TestSupport.support.appendingPathComponent("make_malformed.py").path, dir.path, "--bomb-gib", "1.1"])
        XCTAssertEqual(r0.status, 0, r0.stderr)
        let r = try TestSupport.run(TestSupport.tonghop, ["dump", dir.appendingPathComponent("zip-bomb.xlsx").path, "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("inflates to more than 1 GiB"), r.stderr)
        XCTAssertLessThan(r.maxRSSKiB, 100 * 1024, "peak memory \(r.maxRSSKiB) KiB")
    }

    func testACellAtXFD1048576NeitherHangsNorExhaustsMemory() throws {
        let dir = try TestSupport.tempDir(self)
        _ = try TestSupport.python([TestSupport.support.appendingPathComponent("make_malformed.py").path, dir.path])
        let file = dir.appendingPathComponent("cell-at-xfd1048576.xlsx").path
        var r = try TestSupport.run(TestSupport.tonghop, ["dump", file, "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("A1:XFD1048576"), r.stderr)
        XCTAssertEqual(r.stdout.count, 0, "nothing printed before the refusal")
        r = try TestSupport.run(TestSupport.tonghop, ["dump", file, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.out.contains("\"ref\":\"XFD1048576\""))
        XCTAssertLessThan(r.maxRSSKiB, 100 * 1024)
    }
}
