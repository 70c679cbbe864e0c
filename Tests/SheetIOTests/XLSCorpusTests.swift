import Foundation
import XCTest
@testable import SheetIO
import TestSupport

/// Every .xls of ../shared/corpus/xls (calamine's and readxl's test files, copied to
/// Tests/Corpus/xls) that FreeXL reads yields the cells python-calamine yields (with the
/// deliberate differences of ``CorpusTests``); the others — the broken ones of its
/// SOURCES.md, and the few FreeXL 1.0.6 cannot read — fail with one line naming the file,
/// never a crash or an unbounded allocation.
final class XLSCorpusTests: XCTestCase {
    static let corpus = TestSupport.packageRoot.appendingPathComponent("Tests/Corpus/xls")

    /// Refused, and why: broken on purpose (SOURCES.md), or beyond FreeXL 1.0.6.
    static let refused: [String: String] = [
        "calamine/OOM_alloc.xls": "broken on purpose",
        "calamine/OOM_alloc2.xls": "broken on purpose",
        "calamine/OOM_alloc3.xls": "broken on purpose",
        "calamine/too_small.xls": "broken on purpose (68 bytes of text)",
        "calamine/issue_385.xls": "password-protected",
    ]

    func testEveryXLSFileReadsAsPythonCalamineReadsItOrFailsInOneLine() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".xls") }.sorted()
        XCTAssertEqual(files.count, 66, "corpus not found at \(Self.corpus.path)")
        let paths = files.map { Self.corpus.appendingPathComponent($0).path }
        let r = try TestSupport.python([TestSupport.support.appendingPathComponent("calamine_cells.py").path] + paths)
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected = try JSONSerialization.jsonObject(with: r.stdout) as! [String: [String: Any]]
        var compared = 0, read = 0, notRead = 0
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
                unreadable.append(file)
                continue
            }
            XCTAssertNil(Self.refused[file], "\(file) must be refused (\(Self.refused[file] ?? ""))")
            read += 1
            guard let sheets = expected[path]?["sheets"] as? [[String: Any]] else { continue }
            XCTAssertEqual(ours.map(\.0), sheets.map { $0["name"] as! String }, "\(file): sheet names")
            for (sheet, (name, cells)) in zip(sheets, ours) {
                guard let theirs = sheet["cells"] as? [String: [Any]] else { continue }
                for (ref, tv) in theirs {
                    compared += 1
                    let what = "\(file) \(name)!\(ref)"
                    guard let mine = cells[ref] else { notRead += 1; continue }  // a formula result: FreeXL skips FORMULA records
                    XCTAssertTrue(XLSCorpusTests.agree(mine, type: tv[0] as! String, value: tv[1], file: file), "\(what): ours \(mine), calamine \(tv)")
                }
                for (ref, mine) in cells where theirs[ref] == nil {
                    // calamine shows error cells as ""; FreeXL reads some of them (gh548's #VALUE!
                    // formulas, types.xls's error constant) as 1. Documented in README; only
                    // these files may do it.
                    XCTAssertTrue(["calamine/gh548_incorrect_sst_unique_count.xls", "readxl/types.xls"].contains(file),
                                  "\(file) \(name)!\(ref): we read \(mine), calamine nothing")
                }
            }
        }
        for f in Self.refused.keys { XCTAssertTrue(unreadable.contains(f), "\(f) should be refused") }
        // FreeXL 1.0.6 reads BIFF8 (Excel 97-2003) and most BIFF5; what it cannot read is
        // listed in README (a one-line message says to save as .xlsx).
        XCTAssertGreaterThanOrEqual(read, 50, "read \(read), refused \(unreadable)")
        XCTAssertGreaterThan(compared, 5_000)
        // Formula results (and the cells FreeXL leaves out) are a small share, never a different value.
        XCTAssertLessThan(Double(notRead) / Double(compared), 0.05, "\(notRead) of \(compared) cells not read")
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

    /// ``CorpusTests/agree(_:type:value:)`` with FreeXL's known differences: booleans come
    /// as 1/0; an elapsed time over 24 hours comes as its time of day (date.xls); dates
    /// before 1900-03-01 a day apart; calamine reads some BIFF5 text with NULs between the
    /// letters, which we do not.
    static func agree(_ mine: CellValue, type: String, value: Any, file: String) -> Bool {
        if CorpusTests.agree(mine, type: type, value: value) { return true }
        switch (mine, type) {
        case (.number(let d), "bool"): return d == ((value as? Bool ?? ((value as? Int) == 1)) ? 1 : 0)
        case (.text(let s), "text"): return s == (value as! String).replacingOccurrences(of: "\0", with: "")
        case (.date(let d), "duration"): return ["calamine/date.xls", "calamine/date_1904.xls"].contains(file) && d.kind == .time
        case (.date(let d), "datetime"), (.date(let d), "date"):
            // Serials before 1900-03-01 (Excel's fictitious 1900-02-29): FreeXL is a day later.
            return file == "readxl/dates-leap-year-1900-xls.xls" && d.serial < 62
        default: return false
        }
    }
}
