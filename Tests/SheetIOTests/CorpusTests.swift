import Foundation
import XCTest
@testable import SheetIO
import TestSupport

/// Every file of ../shared/corpus/xlsx (calamine's and readxl's test files) opens and
/// yields the cell values python-calamine yields, except where we differ on purpose:
///
/// - python-calamine turns error cells into ""; we keep the error text ("#DIV/0!").
/// - python-calamine decides date versus date-time by whether the value has a time of
///   day; we follow the cell's number format (what Excel shows). Where the kinds differ
///   the calendar dates must still agree.
/// - An empty shared string is "" in both, which python-calamine cannot tell from a blank.
///
/// The encrypted file and the one with a bad CRC must fail with one clear line naming
/// the file.
final class CorpusTests: XCTestCase {
    static let mustFail: [String: SheetIOError.Kind] = [
        "calamine/pass_protected.xlsx": .encrypted,
        "calamine/issue252.xlsx": .badCRC,
    ]

    func testEveryCorpusFileReadsAsPythonCalamineReadsIt() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: TestSupport.corpus.path)
            .filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".xlsm") }.sorted()
        XCTAssertGreaterThan(files.count, 100, "corpus not found at \(TestSupport.corpus.path)")
        let paths = files.map { TestSupport.corpus.appendingPathComponent($0).path }
        let r = try TestSupport.python([TestSupport.support.appendingPathComponent("calamine_cells.py").path] + paths)
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected = try JSONSerialization.jsonObject(with: r.stdout) as! [String: [String: Any]]

        var compared = 0
        for (file, path) in zip(files, paths) {
            if let kind = CorpusTests.mustFail[file] {
                XCTAssertThrowsError(try readAll(path)) { e in
                    let err = e as! SheetIOError
                    XCTAssertEqual(err.kind, kind, file)
                    XCTAssertTrue(err.message(.vi).hasPrefix(path), err.message(.vi))
                    XCTAssertFalse(err.message(.en).contains("\n"))
                }
                continue
            }
            let ours: [(String, [String: CellValue])]
            do { ours = try readAll(path) } catch { XCTFail("\(file): \(error)"); continue }
            guard let sheets = expected[path]?["sheets"] as? [[String: Any]] else {
                XCTFail("\(file): python-calamine could not read it: \(expected[path] ?? [:])")
                continue
            }
            XCTAssertEqual(ours.map(\.0), sheets.map { $0["name"] as! String }, "\(file): sheet names")
            for (sheet, (name, cells)) in zip(sheets, ours) {
                guard let theirs = sheet["cells"] as? [String: [Any]] else { continue }  // a chartsheet
                for (ref, tv) in theirs {
                    compared += 1
                    let what = "\(file) \(name)!\(ref)"
                    guard let mine = cells[ref] else { XCTFail("\(what): missing, calamine has \(tv)"); continue }
                    XCTAssertTrue(CorpusTests.agree(mine, type: tv[0] as! String, value: tv[1]), "\(what): ours \(mine), calamine \(tv)")
                }
                for (ref, mine) in cells where theirs[ref] == nil {
                    switch mine {
                    case .error, .empty: continue
                    case .text(let s) where s.isEmpty: continue
                    default: XCTFail("\(file) \(name)!\(ref): we read \(mine), calamine nothing")
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 10_000)
    }

    private func readAll(_ path: String) throws -> [(String, [String: CellValue])] {
        let wb = try XLSXWorkbook(path: path)
        return try wb.sheets.indices.map { i in
            let sheet = try wb.readSheet(i)
            var cells: [String: CellValue] = [:]
            for row in sheet.rows { for c in row.cells { cells[CellRef(row: row.index, column: c.column).a1] = c.value } }
            return (wb.sheets[i].name, cells)
        }
    }

    static func agree(_ mine: CellValue, type: String, value: Any) -> Bool {
        switch (mine, type) {
        case (.number(let d), "number"): return d == Double(value as! String)
        case (.text(let s), "text"): return s == value as! String
        case (.bool(let b), "bool"): return b == value as! Bool
        case (.date(let d), "date"), (.date(let d), "datetime"), (.date(let d), "time"):
            let theirs = value as! String
            if d.kind.rawValue == type { return d.iso8601 == theirs || d.iso8601.hasPrefix(theirs) || theirs.hasPrefix(d.iso8601) }
            // Kinds differ (format versus value): the calendar date must agree.
            return d.iso8601.prefix(10) == theirs.prefix(10)
        case (.date(let d), "duration"):
            return abs(d.serial * 86_400 - (value as! Double)) < 0.001
        default: return false
        }
    }
}
