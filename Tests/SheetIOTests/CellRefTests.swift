import XCTest
@testable import SheetIO
import TestSupport

final class CellRefTests: XCTestCase {
    func testColumnNamesRoundTripOverExcelsWholeRange() {
        XCTAssertEqual(CellRef.columnName(0), "A")
        XCTAssertEqual(CellRef.columnName(25), "Z")
        XCTAssertEqual(CellRef.columnName(26), "AA")
        XCTAssertEqual(CellRef.columnName(701), "ZZ")
        XCTAssertEqual(CellRef.columnName(702), "AAA")
        XCTAssertEqual(CellRef.columnName(16383), "XFD")
        for col in stride(from: 0, to: 16384, by: 37) {
            XCTAssertEqual(CellRef(a1: CellRef.columnName(col) + "1")?.column, col)
        }
    }

    func testA1IsTheColumnNameAndTheRowNumber() {
        for col in Array(0..<800) + [16_383, 16_384, -1, -2, 1 << 40, 1 << 45] {
            for row in [0, 8, 9, 99, 100, 1_048_575, 1_048_576, -1, -2, -11, 1 << 31, 1 << 35] {
                XCTAssertEqual(CellRef(row: row, column: col).a1, CellRef.columnName(col) + String(row + 1), "\(row) \(col)")
            }
        }
    }

    func testParsesA1WithDollarsAndLowerCaseAndRejectsBeyondExcel() {
        XCTAssertEqual(CellRef(a1: "$B$7"), CellRef(row: 6, column: 1))
        XCTAssertEqual(CellRef(a1: "e12"), CellRef(row: 11, column: 4))
        XCTAssertEqual(CellRef(a1: "XFD1048576"), CellRef(row: 1_048_575, column: 16383))
        XCTAssertNil(CellRef(a1: "XFE1"))
        XCTAssertNil(CellRef(a1: "A1048577"))
        XCTAssertNil(CellRef(a1: "A0"))
        XCTAssertNil(CellRef(a1: "12"))
        XCTAssertNil(CellRef(a1: "B"))
        XCTAssertEqual(CellRef(row: 11, column: 4).a1, "E12")
        XCTAssertEqual(CellRef(row: 11, column: 4).excelRow, 12)
    }

    func testRangesNormaliseCornersAndTestMembership() {
        let r = CellRange(a1: "C3:A1")!
        XCTAssertEqual(r.description, "A1:C3")
        XCTAssertTrue(r.contains(CellRef(a1: "B2")!))
        XCTAssertFalse(r.contains(CellRef(a1: "D2")!))
        XCTAssertEqual(CellRange(a1: "B4")?.description, "B4")
        XCTAssertNil(CellRange(a1: "A1:B2:C3"))
    }
}
