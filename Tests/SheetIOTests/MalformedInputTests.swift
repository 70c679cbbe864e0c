import Foundation
import XCTest
@testable import SheetIO
import TestSupport

/// The classic malformed inputs, written by Tests/Support/make_malformed.py with Python's
/// zipfile: each gives a clear error naming the file (and part), never a crash or a hang,
/// with memory bounded.
final class MalformedInputTests: XCTestCase {
    static let dir: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tonghop-malformed-\(getpid())")
        let r = try! TestSupport.python([TestSupport.support.appendingPathComponent("make_malformed.py").path, dir.path])
        precondition(r.status == 0, r.stderr)
        return dir
    }()

    override class func tearDown() {
        try? FileManager.default.removeItem(at: dir)
        super.tearDown()
    }

    private func path(_ name: String) -> String { Self.dir.appendingPathComponent(name).path }

    /// Reads every sheet of a file completely.
    private func readEverything(_ name: String, limits: ReadLimits = .default) throws -> Int {
        let doc = try SpreadsheetDocument(path: path(name), displayName: name, limits: limits)
        var cells = 0
        for i in doc.sheets.indices {
            let r = try doc.rows(ofSheet: i)
            while let row = try r.next() { cells += row.cells.count }
        }
        return cells
    }

    private func assertFails(_ name: String, limits: ReadLimits = .default, _ check: (SheetIOError) -> Void,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try readEverything(name, limits: limits), file: file, line: line) { e in
            guard let err = e as? SheetIOError else { return XCTFail("not a SheetIOError: \(e)", file: file, line: line) }
            XCTAssertEqual(err.file, name, file: file, line: line)
            for lang in MessageLanguage.allCases {
                let m = err.message(lang)
                XCTAssertTrue(m.hasPrefix(name), m, file: file, line: line)
                XCTAssertFalse(m.contains("\n"), m, file: file, line: line)
            }
            check(err)
        }
    }

    func testTruncatedZipIsReportedAsDamaged() {
        assertFails("truncated.xlsx") { e in
            guard case .corruptZip = e.kind else { return XCTFail("\(e)") }
            XCTAssertTrue(e.message(.en).contains("truncated"), e.message(.en))
        }
    }

    func testZipBombStopsAtTheInflateLimitNotAtTheDeclaredSize() {
        var limits = ReadLimits()
        limits.maxEntryBytes = 8 << 20
        assertFails("zip-bomb.xlsx", limits: limits) { e in
            XCTAssertEqual(e.kind, .limitExceeded(.entryBytes, 8 << 20))
            XCTAssertEqual(e.part, "xl/worksheets/sheet1.xml")
        }
        limits.maxEntryBytes = 1 << 30
        limits.maxTotalBytes = 4 << 20
        assertFails("zip-bomb.xlsx", limits: limits) { e in XCTAssertEqual(e.kind, .limitExceeded(.totalBytes, 4 << 20)) }
    }

    func testEntityBombIsRefusedBeforeAnyExpansion() {
        assertFails("entity-bomb.xlsx") { e in
            guard case .forbiddenXML = e.kind else { return XCTFail("\(e)") }
            XCTAssertEqual(e.part, "xl/sharedStrings.xml")
        }
        assertFails("undefined-entity.xlsx") { e in
            guard case .forbiddenXML(let why) = e.kind else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("&xxe;"))
        }
    }

    func testDeepNestingHitsTheDepthLimit() {
        assertFails("deep-nesting.xlsx") { e in XCTAssertEqual(e.kind, .limitExceeded(.xmlDepth, 256)) }
    }

    func testTenMegabyteStringHitsTheStringLimit() {
        assertFails("ten-mb-string.xlsx") { e in XCTAssertEqual(e.kind, .limitExceeded(.stringBytes, 131_072)) }
    }

    func testInvalidUTF8IsAnErrorNotReplacementCharacters() {
        assertFails("invalid-utf8.xlsx") { e in
            XCTAssertEqual(e.kind, .invalidUTF8)
            XCTAssertEqual(e.part, "xl/sharedStrings.xml")
        }
    }

    func testCellAtXFD1048576IsReadSparselyAndBeyondXFDIsAnError() throws {
        let wb = try XLSXWorkbook(path: path("cell-at-xfd1048576.xlsx"))
        let sheet = try wb.readSheet(0)
        XCTAssertEqual(sheet.rows.count, 2)
        XCTAssertEqual(sheet["XFD1048576"], .number(2))
        XCTAssertEqual(sheet.extent, CellRef(row: 1_048_575, column: 16_383))
        assertFails("cell-beyond-xfd.xlsx") { e in
            guard case .invalidCell(let why) = e.kind else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("XFE1"))
        }
    }

    func testLegacyAndNonSpreadsheetFilesSayWhatToDo() {
        // An OLE header with nothing behind it: the compound-file reader's refusal, with what to do.
        assertFails("old-excel.xls") { e in
            XCTAssertEqual(e.kind, .xlsUnreadable("the OLE container is damaged"))
            XCTAssertTrue(e.message(.vi).contains(".xlsx"))
        }
        assertFails("not-a-zip.xlsx") { e in XCTAssertEqual(e.kind, .notASpreadsheet) }
        assertFails("empty.xlsx") { e in XCTAssertEqual(e.kind, .notASpreadsheet) }
    }

    func testReaderLimitsOnRowsAndFileSize() {
        var limits = ReadLimits()
        limits.maxFileBytes = 100
        assertFails("good.xlsx", limits: limits) { e in XCTAssertEqual(e.kind, .limitExceeded(.fileBytes, 100)) }
        limits = ReadLimits()
        limits.maxRows = 1000
        assertFails("cell-at-xfd1048576.xlsx", limits: limits) { e in XCTAssertEqual(e.kind, .limitExceeded(.rows, 1000)) }
    }
}
