import XCTest
@testable import SheetIO

/// BIFF records and compound-file structures built byte by byte (``XLSBuilder``), for
/// what the corpus does not pin exactly: strings split across CONTINUE records, BIFF5
/// code pages, RK numbers and formats, limits, and damaged containers.
final class XLSRecordTests: XCTestCase {
    typealias B = XLSBuilder

    private func xf(format: Int) -> [UInt8] { B.record(0x00E0, B.u16(0) + B.u16(format) + [UInt8](repeating: 0, count: 16)) }

    private func labelSST(row: Int, col: Int, xf: Int = 0, _ index: Int) -> [UInt8] {
        B.record(0x00FD, B.u16(row) + B.u16(col) + B.u16(xf) + B.u32(index))
    }

    /// An SST whose second string changes from 8-bit to UTF-16 at a CONTINUE boundary (the
    /// continuation starts with a fresh flag byte), whose third string's rich-text runs
    /// straddle two CONTINUE records (no flag byte there), and whose fourth has a
    /// phonetic block.
    func testSharedStringsSplitAcrossContinueRecordsReReadTheFlagByte() throws {
        let s0 = B.chars("Mường Tè")
        var sst = B.u32(4) + B.u32(4) + B.u16(8) + [s0.flag] + s0.bytes
        sst += B.u16(7) + [0] + Array("abc".utf8)                       // 3 of 7 characters, 8-bit
        var cont1: [UInt8] = [1] + "ệxyz".utf16.flatMap { (c: UInt16) -> [UInt8] in B.u16(Int(c)) }        // the other 4, UTF-16
        let rich = B.chars("Tổng!")
        cont1 += B.u16(5) + [rich.flag | 0x08] + B.u16(2) + rich.bytes + [1, 0, 2]
        var cont2: [UInt8] = [0, 5, 0, 3, 0]                             // the rest of the 2 runs
        cont2 += B.u16(2) + [0x04] + B.u32(6) + B.chars("xã").bytes + [1, 2, 3, 4, 5, 6]
        let globals = B.record(0x0042, B.u16(1200)) + xf(format: 0)
            + B.record(0x00FC, sst) + B.record(0x003C, cont1) + B.record(0x003C, cont2)
        let sheet = B.sheet(biff8: true, (0..<4).map { labelSST(row: 0, col: $0, $0) }.reduce([], +))
        let name = B.chars("Báo cáo")
        let file = B.compoundFile(B.stream(biff8: true, globals: globals, sheets: [([UInt8(7), name.flag] + name.bytes, 0, sheet)]))
        let wb = try XLSWorkbook(bytes: file, displayName: "sst.xls")
        XCTAssertEqual(wb.sheets.map(\.name), ["Báo cáo"])
        let s = try wb.readSheet(0)
        XCTAssertEqual(s.rows.first?.cells.map(\.value), [.text("Mường Tè"), .text("abcệxyz"), .text("Tổng!"), .text("xã")])
    }

    /// Excel 5/95 (BIFF5) text is 8-bit in the CODEPAGE's code page: Windows-1258 here,
    /// with a tone mark as a combining byte (composed on reading), in a sheet name, a LABEL
    /// and a formula's STRING result; the stream is named "Book".
    func testBIFF5TextIsDecodedWithTheWorkbooksCodePage() throws {
        let muongTe: [UInt8] = [0x4D, 0xFD, 0xF5, 0xCC, 0x6E, 0x67, 0x20, 0x54, 0xE8]  // "Mường Tè" in cp1258
        let laiChau: [UInt8] = Array("Lai Ch".utf8) + [0xE2] + Array("u".utf8)
        let baoCao: [UInt8] = [0x42, 0xE1, 0x6F, 0x20, 0x63, 0xE1, 0x6F]
        let globals = B.record(0x0042, B.u16(1258)) + xf(format: 0)
        var cells = B.record(0x0204, B.u16(0) + B.u16(0) + B.u16(0) + B.u16(muongTe.count) + muongTe)
        cells += B.record(0x0006, B.u16(0) + B.u16(1) + B.u16(0) + [0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + B.u16(0) + B.u32(0) + B.u16(0))
        cells += B.record(0x0207, B.u16(laiChau.count) + laiChau)
        let stream = B.stream(biff8: false, globals: globals, sheets: [([UInt8(baoCao.count)] + baoCao, 0, B.sheet(biff8: false, cells))])
        let doc = try SpreadsheetDocument(bytes: B.compoundFile(stream, name: "Book"), displayName: "biff5.xls")
        XCTAssertEqual(doc.sheets.map(\.name), ["Báo cáo"])
        let s = try doc.readSheet(0)
        XCTAssertEqual(s["A1"], .text("Mường Tè"))
        XCTAssertEqual(s["B1"], .text("Lai Châu"))
        XCTAssertEqual(s.cell(at: CellRef(a1: "B1")!)?.hasFormula, true)
    }

    /// RK numbers (integer, ÷100, double), MULRK, formats from FORMAT and built-ins,
    /// the 1904 date system, booleans, error constants, and WINDOW1's active tab.
    func testNumbersFormatsDatesAndActiveSheet() throws {
        let pct = B.chars("0.0%")
        var globals = B.window1(tab: 1) + B.record(0x0022, B.u16(1))
        globals += B.record(0x041E, B.u16(164) + B.u16(4) + [pct.flag] + pct.bytes)
        globals += xf(format: 0) + xf(format: 14) + xf(format: 164)
        var cells = B.record(0x027E, B.u16(0) + B.u16(0) + B.u16(0) + B.u32(1234 << 2 | 2))        // RK 1234
        cells += B.record(0x027E, B.u16(0) + B.u16(1) + B.u16(2) + B.u32(419 << 2 | 3))            // RK 419 ÷ 100
        cells += B.record(0x00BD, B.u16(1) + B.u16(0) + B.u16(0) + B.u32(0) + B.u16(1) + B.u32(7 << 2 | 2) + B.u16(1))  // MULRK A2:B2
        cells += B.record(0x0203, B.u16(2) + B.u16(0) + B.u16(0) + B.f64(-2.5))                    // NUMBER
        cells += B.record(0x0205, B.u16(2) + B.u16(1) + B.u16(0) + [1, 0])                         // TRUE
        cells += B.record(0x0205, B.u16(2) + B.u16(2) + B.u16(0) + [0x07, 1])                      // #DIV/0!
        let double = (1.5).bitPattern >> 32
        cells += B.record(0x027E, B.u16(3) + B.u16(0) + B.u16(0) + B.u32(Int(double)))             // RK 1.5 (double)
        let sheets: [(name: [UInt8], hidden: UInt8, body: [UInt8])] = [
            ([1, 0] + Array("A".utf8), 0, B.sheet(biff8: true, [])),
            ([1, 0] + Array("B".utf8), 1, B.sheet(biff8: true, cells)),
        ]
        let wb = try XLSWorkbook(bytes: B.compoundFile(B.stream(biff8: true, globals: globals, sheets: sheets)), displayName: "n.xls")
        XCTAssertEqual(wb.activeSheet, 1)
        XCTAssertTrue(wb.date1904)
        XCTAssertEqual(wb.sheets.map(\.visibility), [.visible, .hidden])
        let s = try wb.readSheet(1)
        XCTAssertEqual(s["A1"], .number(1234))
        XCTAssertEqual(s["B1"], .number(4.19))
        XCTAssertEqual(s.cell(at: CellRef(a1: "B1")!)?.numberFormatID, 164)
        XCTAssertEqual(wb.numberFormatCode(id: 164), "0.0%")
        XCTAssertEqual(wb.numberFormatDisplay(id: 164), .percent)
        XCTAssertEqual(wb.numberFormatCode(id: 14), "mm-dd-yy")
        XCTAssertEqual(s["A2"], .number(0))
        // 1904 system: serial 7 is 1904-01-08.
        XCTAssertEqual(s["B2"], .date(ExcelDateTime(serial: Double(ExcelDateTime.serial(year: 1904, month: 1, day: 8)), kind: .date)))
        XCTAssertEqual(s["A3"], .number(-2.5))
        XCTAssertEqual(s["B3"], .bool(true))
        XCTAssertEqual(s["C3"], .error("#DIV/0!"))
        XCTAssertEqual(s["A4"], .number(1.5))
    }

    func testFilePassIsRefusedAsPasswordProtected() {
        let globals = B.record(0x002F, B.u16(1) + [UInt8](repeating: 0, count: 52))
        let file = B.compoundFile(B.stream(biff8: true, globals: globals, sheets: []))
        XCTAssertThrowsError(try XLSWorkbook(bytes: file, displayName: "mat-khau.xls")) { e in
            XCTAssertEqual((e as! SheetIOError).kind, .encrypted)
        }
    }

    func testRowAndStringLimitsAreEnforcedAsRecordsArrive() throws {
        let cells = B.record(0x0203, B.u16(20) + B.u16(0) + B.u16(0) + B.f64(1))
        let file = B.compoundFile(B.stream(biff8: true, globals: [], sheets: [([1, 0, 0x53], 0, B.sheet(biff8: true, cells))]))
        var limits = ReadLimits()
        limits.maxRows = 10
        XCTAssertThrowsError(try XLSWorkbook(bytes: file, displayName: "r.xls", limits: limits).readSheet(0)) { e in
            let e = e as! SheetIOError
            XCTAssertEqual(e.kind, .limitExceeded(.rows, 10))
            XCTAssertEqual(e.cell, "A21")
            XCTAssertEqual(e.sheet, "S")
        }
        let long = B.chars(String(repeating: "x", count: 50))
        let globals = B.record(0x00FC, B.u32(1) + B.u32(1) + B.u16(50) + [long.flag] + long.bytes)
        limits = ReadLimits()
        limits.maxStringBytes = 40
        let file2 = B.compoundFile(B.stream(biff8: true, globals: globals, sheets: []))
        XCTAssertThrowsError(try XLSWorkbook(bytes: file2, displayName: "s.xls", limits: limits)) { e in
            XCTAssertEqual((e as! SheetIOError).kind, .limitExceeded(.stringBytes, 40))
        }
    }

    /// A shared-string index past the table is an error at its cell, not a crash.
    func testSharedStringIndexOutOfRangeNamesTheCell() {
        let file = B.compoundFile(B.stream(biff8: true, globals: [], sheets: [([1, 0, 0x53], 0, B.sheet(biff8: true, labelSST(row: 1, col: 2, 5)))]))
        XCTAssertThrowsError(try XLSWorkbook(bytes: file, displayName: "i.xls").readSheet(0)) { e in
            let e = e as! SheetIOError
            XCTAssertEqual(e.cell, "C2")
            XCTAssertEqual(e.message(.en), "i.xls (sheet \"S\", cell C2): invalid cell: shared string 5 of 0")
        }
    }

    /// Damaged containers: a sector chain that loops, a file cut short, a FAT count larger
    /// than the file, an Excel 4 worksheet inside — each one line, at once.
    func testDamagedContainersAreRefusedInOneLine() {
        let good = B.compoundFile(B.stream(biff8: true, globals: [], sheets: []))
        func refuse(_ bytes: [UInt8], _ reason: String, line: UInt = #line) {
            XCTAssertThrowsError(try XLSWorkbook(bytes: bytes, displayName: "h.xls"), line: line) { e in
                let e = e as! SheetIOError
                XCTAssertEqual(e.kind, .xlsUnreadable(reason), line: line)
                XCTAssertFalse(e.message(.vi).contains("\n"), line: line)
                XCTAssertTrue(e.message(.vi).hasPrefix("h.xls: "), line: line)
            }
        }
        var loop = good
        loop.replaceSubrange((512 + 8)..<(512 + 12), with: B.u32(2))  // sector 2 → sector 2
        refuse(loop, "the OLE container is damaged")
        refuse(Array(good.prefix(512 * 4)), "the file is cut short or damaged")
        var fatCount = good
        fatCount.replaceSubrange(0x2C..<0x30, with: B.u32(0x7FFF_FFFF))
        refuse(fatCount, "the OLE container is damaged")
        refuse(B.compoundFile(B.record(0x0409, B.u16(0) + B.u16(0x10)) + B.eof), "an Excel 2.x-4.x worksheet (before Excel 5)")
        refuse(B.compoundFile([], name: "WordDocument"), "no Excel workbook stream inside")
        XCTAssertNoThrow(try XLSWorkbook(bytes: good, displayName: "h.xls"))
    }
}
