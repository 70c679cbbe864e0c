import Foundation
import XCTest
import SheetIO
@testable import TongHop
import TestSupport

/// Locating the header reads each row's texts in one pass (``TableHeader/rowTexts``);
/// it must give what reading each cell on its own gives (``TableHeader/headerText``),
/// merges included, on the files officers and other programs make.
final class HeaderTextTests: XCTestCase {
    func testARowReadInOnePassEqualsItsCellsReadOneByOne() throws {
        let roots = ["fixtures", "Tests/Corpus"].map { TestSupport.packageRoot.appendingPathComponent($0) }
        var sheets = 0, merged = 0
        for root in roots {
            let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
            for f in files where [".xlsx", ".xls", ".csv"].contains(where: f.hasSuffix) {
                guard let doc = try? SpreadsheetDocument(path: root.appendingPathComponent(f).path) else { continue }
                for i in doc.sheets.indices {
                    guard let sheet = try? doc.readSheet(i, maxRows: 80) else { continue }
                    sheets += 1
                    if !sheet.mergedRanges.isEmpty { merged += 1 }
                    let width = min(60, sheet.rows.map { $0.cells.last?.column ?? 0 }.max() ?? 0) + 1
                    let last = sheet.rows.prefix(40).last?.index ?? 0
                    let merges = sheet.mergedRanges.filter { $0.first.row <= last }
                    for r in -1...last {
                        let oneByOne = (0..<width).map { TableHeader.headerText(sheet, r, $0) }
                        XCTAssertEqual(TableHeader.rowTexts(sheet, r, width: width, merges: merges), oneByOne, "\(f) sheet \(i) row \(r)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(sheets, 200)
        XCTAssertGreaterThan(merged, 50)
    }
}
