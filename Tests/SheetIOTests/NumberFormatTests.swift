import XCTest
@testable import SheetIO
import TestSupport

final class NumberFormatTests: XCTestCase {
    func testBuiltInIdsTellDatesTimesAndPercentages() {
        XCTAssertEqual(NumberFormat.display(id: 14, code: nil), .date(.date))
        XCTAssertEqual(NumberFormat.display(id: 22, code: nil), .date(.dateTime))
        XCTAssertEqual(NumberFormat.display(id: 21, code: nil), .date(.time))
        XCTAssertEqual(NumberFormat.display(id: 46, code: nil), .date(.duration))
        XCTAssertEqual(NumberFormat.display(id: 10, code: nil), .percent)
        XCTAssertEqual(NumberFormat.display(id: 4, code: nil), .number)
        XCTAssertEqual(NumberFormat.display(id: 0, code: nil), .number)
    }

    func testCustomCodesIgnoreQuotedTextEscapesAndColours() {
        XCTAssertEqual(NumberFormat.classify("dd/mm/yyyy"), .date(.date))
        XCTAssertEqual(NumberFormat.classify("DD/MM/YY\\ HH:MM"), .date(.dateTime))
        XCTAssertEqual(NumberFormat.classify("h:mm AM/PM"), .date(.time))
        XCTAssertEqual(NumberFormat.classify("mm:ss"), .date(.time))
        XCTAssertEqual(NumberFormat.classify("[h]:mm:ss"), .date(.duration))
        XCTAssertEqual(NumberFormat.classify("mmm-yy"), .date(.date))
        XCTAssertEqual(NumberFormat.classify("#,##0.0\" ha\""), .number)          // "ha": quoted, not h
        XCTAssertEqual(NumberFormat.classify("0.0\\d"), .number)                   // escaped d
        XCTAssertEqual(NumberFormat.classify("[Red]#,##0;[Blue]-#,##0"), .number)
        XCTAssertEqual(NumberFormat.classify("[$-42A]#,##0.00"), .number)          // a locale tag, not a date
        XCTAssertEqual(NumberFormat.classify("0.0%"), .percent)
        XCTAssertEqual(NumberFormat.classify("0.00E+00"), .number)
        XCTAssertEqual(NumberFormat.classify("General"), .number)
        XCTAssertEqual(NumberFormat.classify("GENERAL"), .number)
        XCTAssertEqual(NumberFormat.classify("@"), .text)
        XCTAssertEqual(NumberFormat.classify("_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)"), .number)
    }
}
