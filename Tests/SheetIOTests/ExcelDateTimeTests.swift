import XCTest
@testable import SheetIO
import TestSupport

final class ExcelDateTimeTests: XCTestCase {
    func testExcelSerialsIncludingTheFictitious29February1900() {
        func iso(_ s: Double, _ k: ExcelDateTime.Kind = .date, _ d1904: Bool = false) -> String {
            ExcelDateTime(excelSerial: s, date1904: d1904, kind: k).iso8601
        }
        XCTAssertEqual(iso(1), "1900-01-01")
        XCTAssertEqual(iso(59), "1900-02-28")
        XCTAssertEqual(iso(60), "1900-02-28")      // Excel's 1900-02-29, which never was
        XCTAssertEqual(iso(61), "1900-03-01")
        XCTAssertEqual(iso(45322), "2024-01-31")
        XCTAssertEqual(iso(45322.430902777778, .dateTime), "2024-01-31T10:20:30")
        XCTAssertEqual(iso(0.430902777778, .time), "10:20:30")
        XCTAssertEqual(iso(0, .date, true), "1904-01-01")
        XCTAssertEqual(iso(43860, .date, true), "2024-01-31")
        XCTAssertEqual(iso(10.632060185185185, .duration), "PT255H10M10S")
    }

    func testParsesISOCellsOfEveryShape() {
        XCTAssertEqual(ExcelDateTime(iso8601: "2021-01-01")?.iso8601, "2021-01-01")
        XCTAssertEqual(ExcelDateTime(iso8601: "2021-01-01T10:10:10")?.iso8601, "2021-01-01T10:10:10")
        XCTAssertEqual(ExcelDateTime(iso8601: "2021-01-01T10:10:10Z")?.iso8601, "2021-01-01T10:10:10")
        XCTAssertEqual(ExcelDateTime(iso8601: "2021-01-01T10:10:10.250+07:00")?.iso8601, "2021-01-01T10:10:10.250")
        XCTAssertEqual(ExcelDateTime(iso8601: "10:10:10")?.iso8601, "10:10:10")
        XCTAssertNil(ExcelDateTime(iso8601: "2021-13-01"))
        XCTAssertNil(ExcelDateTime(iso8601: "yesterday"))
    }

    func testSerialOfACalendarDateMatchesExcel() {
        XCTAssertEqual(ExcelDateTime.serial(year: 2024, month: 1, day: 31), 45322)
        XCTAssertEqual(ExcelDateTime.serial(year: 1899, month: 12, day: 30), 0)
        XCTAssertEqual(ExcelDateTime.serial(year: 2000, month: 2, day: 29), 36585)
    }
}
