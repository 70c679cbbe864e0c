import Foundation
import XCTest
@testable import SheetIO
import TestSupport

/// Every .xls of ../shared/corpus/xls (calamine's and readxl's test files, copied to
/// Tests/Corpus/xls) yields the cells python-calamine yields, formula results included,
/// except for the deliberate differences of ``agree(_:type:value:file:)``; the files
/// calamine refuses (a damaged container, a text file, a password) fail with one line
/// naming the file, never a crash or an unbounded allocation. And the workbook
/// LibreOffice made for us (Tests/Corpus/xls-made, `make_xls_fixtures.py`) reads as written.
final class XLSCorpusTests: XCTestCase {
    static let corpus = TestSupport.packageRoot.appendingPathComponent("Tests/Corpus/xls")
    static let made = TestSupport.packageRoot.appendingPathComponent("Tests/Corpus/xls-made")

    /// Refused, and why (calamine refuses the same three).
    static let refused: [String: String] = [
        "calamine/OOM_alloc3.xls": "a FAT sector number past the end of the file",
        "calamine/too_small.xls": "68 bytes of text, not a compound file",
        "calamine/issue_385.xls": "password-protected (FILEPASS)",
    ]

    /// Files that differ from python-calamine in a listed way, and why.
    static let deliberate: [String: String] = [
        "calamine/biff5-rich-text-string.xls": "BIFF5 without CODEPAGE: bytes 0x80-0x9F read as Windows-1252 (• ’), calamine gives C1 controls",
        "readxl/biff5-rich-text-string.xls": "the same file",
        "calamine/sheet_name_parsing.xls": "BIFF8 LABEL text in UTF-16 in a workbook whose CODEPAGE is 1252: calamine reads it byte by byte (\"T\\0i\\0t\\0…\"), we read \"Titel\"",
        "readxl/mtcars.xls": "the same: UTF-16 LABEL text under CODEPAGE 1252 (\"m\\0p\\0g\\0\" in calamine)",
    ]

    func testEveryXLSFileReadsAsPythonCalamineReadsIt() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".xls") }.sorted()
        XCTAssertEqual(files.count, 66, "corpus not found at \(Self.corpus.path)")
        let paths = files.map { Self.corpus.appendingPathComponent($0).path }
        let r = try TestSupport.python([TestSupport.support.appendingPathComponent("calamine_cells.py").path] + paths)
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected = try JSONSerialization.jsonObject(with: r.stdout) as! [String: [String: Any]]
        var compared = 0, cellsAgreeing = 0, filesRead = 0, filesAgreeing = 0, filesIdentical = 0
        var unreadable: [String] = []
        for (file, path) in zip(files, paths) {
            let ours: [(String, [String: CellValue])]
            do {
                ours = try readAll(path)
            } catch let e as SheetIOError {
                for lang in MessageLanguage.allCases {
                    XCTAssertTrue(e.message(lang).hasPrefix(path), e.message(lang))
                    XCTAssertFalse(e.message(lang).contains("\n"))
                }
                XCTAssertNotNil(expected[path]?["error"], "\(file): calamine reads it, we refuse it: \(e)")
                unreadable.append(file)
                continue
            }
            filesRead += 1
            guard let sheets = expected[path]?["sheets"] as? [[String: Any]] else {
                XCTFail("\(file): we read it, calamine refuses it (\(expected[path]?["error"] ?? ""))")
                continue
            }
            var fileAgrees = ours.map(\.0) == sheets.map { $0["name"] as! String }
            var identical = fileAgrees
            XCTAssertTrue(fileAgrees, "\(file): sheet names \(ours.map(\.0))")
            for (sheet, (name, cells)) in zip(sheets, ours) {
                guard let theirs = sheet["cells"] as? [String: [Any]] else { continue }
                for (ref, tv) in theirs {
                    compared += 1
                    let what = "\(file) \(name)!\(ref)"
                    guard let mine = cells[ref] else { fileAgrees = false; XCTFail("\(what): we read nothing, calamine \(tv)"); continue }
                    if !CorpusTests.agree(mine, type: tv[0] as! String, value: tv[1]) { identical = false }
                    if XLSCorpusTests.agree(mine, type: tv[0] as! String, value: tv[1], file: file) {
                        cellsAgreeing += 1
                    } else {
                        fileAgrees = false
                        XCTFail("\(what): ours \(mine), calamine \(tv)")
                    }
                }
                for (ref, mine) in cells where theirs[ref] == nil {
                    // python-calamine shows error values and empty text as "" (left out by
                    // calamine_cells.py); anything else we read that it does not is a difference.
                    switch mine {
                    case .error, .text(""), .empty: continue
                    default:
                        fileAgrees = false
                        XCTFail("\(file) \(name)!\(ref): we read \(mine), calamine nothing")
                    }
                }
            }
            if fileAgrees { filesAgreeing += 1 }
            if identical { filesIdentical += 1 }
            if !identical { XCTAssertNotNil(Self.deliberate[file], "\(file) differs without a listed reason") }
        }
        XCTAssertEqual(Set(unreadable), Set(Self.refused.keys), "refused: \(unreadable)")
        XCTAssertEqual(filesRead, 63)
        XCTAssertGreaterThan(compared, 40_000)
        let fileShare = Double(filesAgreeing) / Double(filesRead), cellShare = Double(cellsAgreeing) / Double(compared)
        XCTAssertGreaterThanOrEqual(fileShare, 0.97, "\(filesAgreeing) of \(filesRead) files agree")
        XCTAssertGreaterThanOrEqual(cellShare, 0.999, "\(cellsAgreeing) of \(compared) cells agree")
        print("XLS corpus: \(filesAgreeing)/\(filesRead) files and \(cellsAgreeing)/\(compared) cells agree with python-calamine "
              + "(\(filesIdentical) files identical without the listed differences); refused \(unreadable.sorted())")
    }

    /// calamine's own test opens OOM_alloc.xls and OOM_alloc2.xls (fuzzed files that once
    /// made readers allocate without bound) and expects a CFB error from OOM_alloc3.xls:
    /// the first two read quickly here too, the third fails in one line.
    func testOOMFilesReadFastOrAreRefusedInOneLine() throws {
        for name in ["OOM_alloc.xls", "OOM_alloc2.xls"] {
            let start = Date()
            let doc = try SpreadsheetDocument(path: Self.corpus.appendingPathComponent("calamine/\(name)").path)
            for i in doc.sheets.indices { _ = try doc.readSheet(i) }
            XCTAssertLessThan(Date().timeIntervalSince(start), 10, name)  // about 0.1 s; a shared machine
        }
        let path = Self.corpus.appendingPathComponent("calamine/OOM_alloc3.xls").path
        XCTAssertThrowsError(try SpreadsheetDocument(path: path)) { e in
            let e = e as! SheetIOError
            XCTAssertEqual(e.kind, .xlsUnreadable("the OLE container is damaged"))
            XCTAssertEqual(e.message(.vi), "\(path): không đọc được tệp Excel 97-2003 (.xls): vỏ OLE của tệp bị hỏng; mở trong Excel hoặc LibreOffice và lưu lại dạng .xlsx")
        }
        let password = Self.corpus.appendingPathComponent("calamine/issue_385.xls").path
        XCTAssertThrowsError(try SpreadsheetDocument(path: password)) { XCTAssertEqual(($0 as! SheetIOError).kind, .encrypted) }
    }

    /// Excel's own any_sheets.xls: visible, hidden, very hidden and chart sheets.
    func testSheetVisibilityAndKindFromBoundSheet() throws {
        let wb = try XLSWorkbook(path: Self.corpus.appendingPathComponent("calamine/any_sheets.xls").path)
        XCTAssertEqual(wb.sheets.map(\.name), ["Visible", "Hidden", "VeryHidden", "Chart"])
        XCTAssertEqual(wb.sheets.map(\.visibility), [.visible, .hidden, .veryHidden, .visible])
        XCTAssertEqual(wb.sheets.map(\.kind), [.worksheet, .worksheet, .worksheet, .chartsheet])
    }

    func testMergedRangesAndDatesOfTheCorpus() throws {
        let merged = try XLSWorkbook(path: Self.corpus.appendingPathComponent("calamine/merge_cells.xls").path).readSheet(0)
        XCTAssertFalse(merged.mergedRanges.isEmpty)
        let d1904 = try XLSWorkbook(path: Self.corpus.appendingPathComponent("readxl/dates-1904.xls").path)
        XCTAssertTrue(d1904.date1904)
        let d1900 = try XLSWorkbook(path: Self.corpus.appendingPathComponent("readxl/dates-1900.xls").path)
        XCTAssertFalse(d1900.date1904)
        XCTAssertEqual(try d1904.readSheet(0).rows.first?.cells.first?.value.typeName, try d1900.readSheet(0).rows.first?.cells.first?.value.typeName)
    }

    /// sst_continue.xls (calamine's): shared strings spread over CONTINUE records read
    /// whole; every cell is also checked against calamine in the corpus test.
    func testSharedStringsOverContinueRecords() throws {
        let sheet = try XLSWorkbook(path: Self.corpus.appendingPathComponent("calamine/sst_continue.xls").path).readSheet(0)
        let texts = sheet.rows.flatMap(\.cells).compactMap(\.value.text)
        XCTAssertEqual(texts.count, 136)
    }

    // MARK: The workbook LibreOffice made

    /// `make_xls_fixtures.py`: openpyxl wrote the XLSX, LibreOffice converted it to .xls
    /// and stored each formula's result.
    func testLibreOfficeWorkbookReadsAsWritten() throws {
        let path = Self.made.appendingPathComponent("libreoffice-report.xls").path
        let doc = try SpreadsheetDocument(path: path)
        XCTAssertEqual(doc.kind, .xls)
        XCTAssertEqual(doc.sheets.map(\.name), ["Hướng dẫn", "Báo cáo", "_tonghop"])
        XCTAssertEqual(doc.sheets.map(\.visibility), [.visible, .visible, .hidden])
        XCTAssertEqual(doc.activeSheet, 1)
        let guide = try doc.readSheet(0)
        XCTAssertEqual(guide["A2"], .text("Đơn vị: Huyện Mường Tè, tỉnh Lai Châu"))

        let s = try doc.readSheet(1)
        XCTAssertEqual(s["A2"], .text("Tỷ lệ hộ nghèo"))
        // Formula results, each with its formula flag.
        XCTAssertEqual(s["B4"], .number(4.19))
        XCTAssertEqual(s["B5"], .number(1_234_567_890.0419))
        XCTAssertEqual(s["B6"], .text("Xã Mường Tè"))
        XCTAssertEqual(s["B7"], .error("#DIV/0!"))
        XCTAssertEqual(s["B8"], .bool(true))
        XCTAssertEqual(s["B13"], .error("#N/A"))
        XCTAssertEqual(s["B14"], .text(""))
        for ref in ["B4", "B5", "B6", "B7", "B8", "B13", "B14"] {
            XCTAssertEqual(s.cell(at: CellRef(a1: ref)!)?.hasFormula, true, ref)
        }
        XCTAssertEqual(s.cell(at: CellRef(a1: "B2")!)?.hasFormula, false)
        // Constants: booleans, dates (1900 system).
        XCTAssertEqual(s["B9"], .bool(true))
        XCTAssertEqual(s["B10"], .bool(false))
        XCTAssertEqual(s["B11"], .date(ExcelDateTime(serial: Double(ExcelDateTime.serial(year: 2024, month: 6, day: 30)), kind: .date)))
        if case .date(let d) = s["B12"] {
            XCTAssertEqual(d.iso8601, "2024-06-30T14:30:00")
        } else { XCTFail("B12 \(s["B12"])") }
        // Number formats: percent, scaling, date.
        func format(_ ref: String) -> String? { s.cell(at: CellRef(a1: ref)!).flatMap { doc.numberFormatCode(id: $0.numberFormatID) } }
        func display(_ ref: String) -> NumberFormat.Display? { s.cell(at: CellRef(a1: ref)!).map { doc.numberFormatDisplay(id: $0.numberFormatID) } }
        XCTAssertEqual(s["B2"], .number(0.0419))
        XCTAssertEqual(format("B2"), "0.00%")
        XCTAssertEqual(display("B2"), .percent)
        XCTAssertEqual(format("B3"), "#,##0.0,,,")
        XCTAssertEqual(display("B3"), .number)
        XCTAssertEqual(format("B11")?.lowercased(), "dd/mm/yyyy")
        XCTAssertEqual(display("B11"), .date(.date))
        // Merges, hidden rows and columns.
        XCTAssertEqual(Set(s.mergedRanges.map(\.description)), ["A1:B1", "C3:D4"])
        XCTAssertEqual(s.hiddenRows, [19...20])
        XCTAssertEqual(s.hiddenColumns, [4...5])
        XCTAssertTrue(s.isHidden(row: 19) && !s.isHidden(row: 18))
        XCTAssertTrue(s.isHidden(column: 5) && !s.isHidden(column: 6))
    }

    /// The same bytes from memory read as from the file.
    func testXLSFromMemoryReadsAsFromFile() throws {
        let path = Self.made.appendingPathComponent("libreoffice-report.xls").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let fromMemory = try SpreadsheetDocument(bytes: bytes, displayName: "bao-cao.xls")
        let fromFile = try SpreadsheetDocument(path: path)
        XCTAssertEqual(fromMemory.kind, .xls)
        XCTAssertEqual(fromMemory.activeSheet, 1)
        XCTAssertEqual(try fromMemory.readSheet(1).rows.map(\.cells), try fromFile.readSheet(1).rows.map(\.cells))
        XCTAssertThrowsError(try SpreadsheetDocument(bytes: Array(bytes.prefix(600)), displayName: "bao-cao.xls")) { e in
            XCTAssertTrue((e as! SheetIOError).message(.en).hasPrefix("bao-cao.xls: cannot read this Excel 97-2003 (.xls) file"))
        }
    }

    /// `maxRows` keeps the first rows and still reads the merged ranges after the cells.
    func testRowCapKeepsMergesAndNamesTheFirstRowLeftOut() throws {
        let wb = try XLSWorkbook(path: Self.made.appendingPathComponent("libreoffice-report.xls").path)
        let s = try wb.readSheet(1, maxRows: 3)
        XCTAssertEqual(s.rows.count, 3)
        XCTAssertEqual(s.truncatedAt, 3)
        XCTAssertEqual(s.mergedRanges.count, 2)
    }

    /// Hidden rows come from XLSX too (`<row hidden="1">`, written here by openpyxl).
    func testXLSXHiddenRowsReadLikeXLS() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hidden-rows-\(getpid()).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try TestSupport.python(["-c", """
            import openpyxl, sys
            wb = openpyxl.Workbook(); ws = wb.active
            for i in range(1, 8): ws.cell(i, 1, i)
            for i in (3, 4, 10): ws.row_dimensions[i].hidden = True
            wb.save(sys.argv[1])
            """, path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let sheet = try SpreadsheetDocument(path: path).readSheet(0)
        XCTAssertEqual(sheet.hiddenRows, [2...3, 9...9])
    }

    private func readAll(_ path: String) throws -> [(String, [String: CellValue])] {
        let doc = try SpreadsheetDocument(path: path)
        return try doc.sheets.indices.map { i in
            let sheet = try doc.readSheet(i)
            var cells: [String: CellValue] = [:]
            for row in sheet.rows { for c in row.cells { cells[CellRef(row: row.index, column: c.column).a1] = c.value } }
            return (doc.sheets[i].name, cells)
        }
    }

    /// ``CorpusTests/agree(_:type:value:)`` with the listed differences, in the files of
    /// ``deliberate`` only: calamine reads BIFF8 UTF-16 LABEL text under a non-Unicode
    /// CODEPAGE byte by byte (a NUL after each letter), and, in a BIFF5 workbook without a
    /// CODEPAGE record, bytes 0x80-0x9F as the C1 controls U+0080-U+009F (Latin-1) where
    /// Excel and we read Windows-1252 ("•", "’").
    static func agree(_ mine: CellValue, type: String, value: Any, file: String) -> Bool {
        if CorpusTests.agree(mine, type: type, value: value) { return true }
        switch (mine, type) {
        case (.text(let s), "text") where deliberate[file] != nil:
            let theirs = String(String.UnicodeScalarView((value as! String).unicodeScalars.compactMap { u in
                u.value == 0 ? nil : (0x80...0x9F).contains(u.value) ? Unicode.Scalar(CodePages.windows1252[Int(u.value - 0x80)])! : u
            }))
            return s == theirs
        default: return false
        }
    }
}
