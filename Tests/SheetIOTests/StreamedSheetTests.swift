import Foundation
import XCTest
@testable import SheetIO
import TestSupport

/// A streamed sheet (cells kept compact, written at close in libxlsxwriter's
/// constant-memory mode) against an ordinary one given the same calls in the same order:
/// the same cells, formats, merged ranges and row heights, as our reader and openpyxl
/// (an independent reader) see them.
final class StreamedSheetTests: XCTestCase {
    /// The calls: header merges over several rows and along one row, then cells in a
    /// random row order, overwrites, writes into a merged range before and after it is
    /// merged, heights, formulas with number and text results, and every kind of value.
    private func write(_ ws: Worksheet, seed: UInt64) throws {
        var g = SplitMix64(state: seed)
        let head = CellFormat().with { $0.bold = true; $0.border = .thin; $0.wrap = true }
        let num = CellFormat().with { $0.numberFormat = "#,##0.0;-#,##0.0;\"-\"" }
        let plain = CellFormat().with { $0.border = .thin }
        try ws.write(3, 1, text: "overwritten by the merge")
        for c in 0..<4 { try ws.merge(CellRange(first: CellRef(row: 2, column: c), last: CellRef(row: 3, column: c)), text: "Cột \(c) – ghi chú", head) }
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 7)), text: "TIÊU ĐỀ _x0041_ & <b>", head)
        try ws.merge(CellRange(first: CellRef(row: 3, column: 9), last: CellRef(row: 2, column: 5)), text: "góc ngược", head)  // corners reversed
        try ws.write(3, 6, text: "written into the merged range after it")
        try ws.setRow(2, height: 66)
        try ws.setRow(9, height: 20, hidden: true)
        var rows = Array(5..<60)
        rows.shuffle(using: &g)
        for r in rows {
            for c in 0..<8 {
                switch g.below(9) {
                case 0: try ws.write(r, c, number: Double(g.below(2_000_000)) / 8 - 100_000, num)
                case 1: try ws.write(r, c, text: ["Mường Tè", "tab\there\u{01}ctl", "Dòng 1\nDòng 2", "=SUM(A1)", "x", "...", "-"][g.below(7)], plain)
                case 2: try ws.writeBlank(r, c, plain)
                case 3: try ws.write(r, c, bool: g.below(2) == 0)
                case 4: try ws.writeFormula(r, c, "=A\(r)+1", result: .number(Double(g.below(100))), num)
                case 5: try ws.writeFormula(r, c, "=IF(A1=\"\",\"\",\"có\")", result: .text(g.below(2) == 0 ? "" : "có"))
                case 6: try ws.write(r, c, date: ExcelDateTime(serial: Double(45_000 + g.below(1000)), kind: .date))
                case 7: try ws.write(r, c, value: [.error("#DIV/0!"), .number(.nan), .number(0.1 + 0.2)][g.below(3)])
                default: break
                }
            }
            if g.below(4) == 0 { try ws.write(r, g.below(8), number: -1, num) }  // the later write wins
            if g.below(10) == 0 { try ws.setRow(r, height: Double(15 + g.below(30))) }
        }
        try ws.merge(CellRange(first: CellRef(row: 61, column: 0), last: CellRef(row: 63, column: 2)), text: "khối cuối", head)
        try ws.write(40, 3, number: 99, num)  // back to an earlier row after the last one
    }

    private func book(_ path: String, streamed: Bool, seed: UInt64) throws {
        let wb = try XLSXWriter(path: path)
        let ordinary = try wb.addWorksheet("Thường")
        try ordinary.write(0, 0, text: "Mường Tè")   // a shared string beside the inline ones
        let ws = try wb.addWorksheet("Số liệu", streamed: streamed)
        XCTAssertEqual(ws.isStreamed, streamed)
        ws.autofitColumns()
        try write(ws, seed: seed)
        try ordinary.write(1, 0, text: "written after the streamed sheet")
        try wb.close()
    }

    func testAStreamedSheetReadsBackAsTheOrdinarySheetGivenTheSameCalls() throws {
        let dir = try TestSupport.tempDir(self)
        for seed in 1...4 as ClosedRange<UInt64> {
            let a = dir.appendingPathComponent("ordinary\(seed).xlsx").path, b = dir.appendingPathComponent("streamed\(seed).xlsx").path
            try book(a, streamed: false, seed: seed)
            try book(b, streamed: true, seed: seed)
            // It is streamed: its texts are inline, the shared table holds the other sheet's only.
            let archive = try ZipArchive(path: b)
            XCTAssertTrue(String(decoding: try archive.readAll("xl/worksheets/sheet2.xml"), as: UTF8.self).contains("t=\"inlineStr\""))
            XCTAssertFalse(String(decoding: try archive.readAll("xl/sharedStrings.xml"), as: UTF8.self).contains("Dòng 1"))
            // Our reader.
            let x = try XLSXWorkbook(path: a), y = try XLSXWorkbook(path: b)
            for i in 0..<2 {
                let s = try x.readSheet(i), t = try y.readSheet(i)
                XCTAssertEqual(s.mergedRanges.sorted { "\($0)" < "\($1)" }, t.mergedRanges.sorted { "\($0)" < "\($1)" }, "seed \(seed)")
                var n = 0
                for r in 0..<70 { for c in 0..<12 {
                    let ref = CellRef(row: r, column: c)
                    XCTAssertEqual(s[ref.a1], t[ref.a1], "seed \(seed) sheet \(i) \(ref.a1)")
                    XCTAssertEqual(s.cell(at: ref)?.hasFormula, t.cell(at: ref)?.hasFormula, "seed \(seed) \(ref.a1)")
                    if s[ref.a1] != .empty { n += 1 }
                } }
                if i == 1 { XCTAssertGreaterThan(n, 300) }
            }
            let t = try y.readSheet(1)
            XCTAssertEqual(t["A1"], .text("TIÊU ĐỀ _x0041_ & <b>"))
            XCTAssertEqual(t["B4"], .empty, "the merge's blank replaced what was written there before")
            XCTAssertEqual(t["G4"], .text("written into the merged range after it"))
            XCTAssertEqual(t["D41"], .number(99))
            // openpyxl.
            func inspect(_ p: String) throws -> [[String: Any]] {
                let r = try TestSupport.python([TestSupport.support.appendingPathComponent("openpyxl_inspect.py").path, p])
                XCTAssertEqual(r.status, 0, r.stderr)
                let j = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
                XCTAssertEqual(j["warnings"] as? [String], [])
                return j["sheets"] as! [[String: Any]]
            }
            let sa = try inspect(a), sb = try inspect(b)
            XCTAssertEqual(sa.count, 2)
            for (p, q) in zip(sa, sb) {
                for key in ["merged", "heights", "widths", "name"] {
                    XCTAssertEqual(p[key] as? NSObject, q[key] as? NSObject, "seed \(seed) sheet \(p["name"] ?? "") \(key)")
                }
                let pc = p["cells"] as! [String: NSObject], qc = q["cells"] as! [String: NSObject]
                XCTAssertEqual(Set(pc.keys), Set(qc.keys), "seed \(seed) sheet \(p["name"] ?? ""): cells")
                // openpyxl undoes the "_x005F_" escape of a literal "_x0041_" in shared
                // strings only (a string replace in its reader), not in inline ones;
                // Excel, LibreOffice, calamine and our reader read both as written.
                let quirk = (qc["A1"] as? [String: Any])?["value"] as? String == "TIÊU ĐỀ _x005F_x0041_ & <b>"
                if p["name"] as? String == "Số liệu" { XCTAssertTrue(quirk, "openpyxl's reading of the escaped literal") }
                for (ref, cell) in pc where qc[ref] != cell && !(quirk && ref == "A1") {
                    XCTFail("seed \(seed) sheet \(p["name"] ?? "") \(ref): \(cell) ≠ \(qc[ref].map { "\($0)" } ?? "nothing")")
                }
            }
            // calamine, which reads the escapes as Excel does: every cell equal.
            let r = try TestSupport.python([TestSupport.support.appendingPathComponent("calamine_cells.py").path, a, b])
            XCTAssertEqual(r.status, 0, r.stderr)
            let cal = try JSONSerialization.jsonObject(with: r.stdout) as! [String: NSDictionary]
            XCTAssertNotNil(cal[a]?["sheets"])
            XCTAssertEqual(cal[a]?["sheets"] as? NSArray, cal[b]?["sheets"] as? NSArray, "seed \(seed): calamine reads both alike")
            let heights = sb[1]["heights"] as! [String: [Any]]
            XCTAssertEqual(heights["3"]?.first as? Double, 66)
            XCTAssertEqual(heights["10"]?.last as? Bool, true, "row 10 hidden")
            XCTAssertEqual((sb[1]["merged"] as! [String]).sorted(), ["A1:H1", "A3:A4", "A62:C64", "B3:B4", "C3:C4", "D3:D4", "F3:J4"])
        }
    }

    func testACellOfAStreamedSheetTakes24Bytes() {
        XCTAssertEqual(MemoryLayout<StreamedCells.Entry>.stride, 24, "the README and BENCHMARKS.md say 24 bytes a cell")
    }

    func testAStreamedSheetRefusesWhatAnOrdinarySheetRefusesNamingTheSameCell() throws {
        let dir = try TestSupport.tempDir(self)
        let wb = try XLSXWriter(path: dir.appendingPathComponent("x.xlsx").path)
        let plain = try wb.addWorksheet("A"), streamed = try wb.addWorksheet("B", streamed: true)
        func error(_ f: () throws -> Void) -> SheetIOError? {
            do { try f(); return nil } catch { return error as? SheetIOError }
        }
        let cases: [(String, (Worksheet) throws -> Void)] = [
            ("row past the last", { try $0.write(1_048_576, 0, number: 1) }),
            ("column past the last", { try $0.write(0, 16_384, text: "x") }),
            ("text over 32,767 characters", { try $0.write(3, 1, text: String(repeating: "ư", count: 32_768)) }),
            ("merged range of one cell", { try $0.merge(CellRange(first: CellRef(row: 2, column: 2), last: CellRef(row: 2, column: 2)), text: "x") }),
            ("merged range past the last row", { try $0.merge(CellRange(first: CellRef(row: 1_048_575, column: 0), last: CellRef(row: 1_048_576, column: 1)), text: "x") }),
        ]
        for (what, call) in cases {
            let e1 = error { try call(plain) }, e2 = error { try call(streamed) }
            XCTAssertNotNil(e1, what)
            XCTAssertEqual(e1?.cell, e2?.cell, what)
            XCTAssertEqual(e1.map { "\($0.kind)" }, e2.map { "\($0.kind)" }, what)
        }
        // Texts at the limit are fine (32,767 characters of two bytes each).
        XCTAssertNil(error { try streamed.write(4, 0, text: String(repeating: "ư", count: 32_767)) })
        XCTAssertNotNil(error { try streamed.addComment(0, 0, "không hỗ trợ") }, "comments are refused on a streamed sheet")
        try wb.close()
        let s = try XLSXWorkbook(path: dir.appendingPathComponent("x.xlsx").path).readSheet(1)
        XCTAssertEqual(s["A5"], .text(String(repeating: "ư", count: 32_767)))
    }
}
