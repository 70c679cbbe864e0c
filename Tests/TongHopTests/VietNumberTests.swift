import XCTest
@testable import TongHop

final class VietNumberTests: XCTestCase {
    func testEvidenceOfEachTokenShape() {
        XCTAssertEqual(VietNumber.evidence("2450"), .neutral)
        XCTAssertEqual(VietNumber.evidence("52,9"), .vi)
        XCTAssertEqual(VietNumber.evidence("2,45"), .vi)
        XCTAssertEqual(VietNumber.evidence("1.234,5"), .vi)
        XCTAssertEqual(VietNumber.evidence("1.234.567"), .vi)
        XCTAssertEqual(VietNumber.evidence("52.9"), .en)
        XCTAssertEqual(VietNumber.evidence("1,234.5"), .en)
        XCTAssertEqual(VietNumber.evidence("1,234,567"), .en)
        XCTAssertEqual(VietNumber.evidence("8.200"), .ambiguous)
        XCTAssertEqual(VietNumber.evidence("2,450"), .ambiguous)
        XCTAssertEqual(VietNumber.evidence("0.500"), .en, "a leading 0 group cannot be thousands")
    }

    func testValuesUnderEachConvention() {
        XCTAssertEqual(VietNumber.value("2.450", .vi), 2450)
        XCTAssertEqual(VietNumber.value("2.450", .en), 2.45)
        XCTAssertEqual(VietNumber.value("1.234,5", .vi), 1234.5)
        XCTAssertEqual(VietNumber.value("-0,5", .vi), -0.5)
        XCTAssertNil(VietNumber.value("1.23.4", .vi))
        XCTAssertNil(VietNumber.value("1,234.5", .vi))
    }

    func testCellTextsAsProvincesWriteThem() {
        func p(_ s: String, _ c: VietNumber.Convention = .vi) -> VietNumber.Parsed? { VietNumber.parse(s, convention: c) }
        XCTAssertEqual(p("52,9")?.value, .number(52.9))
        XCTAssertEqual(p("2.450")?.value, .number(2450))
        XCTAssertEqual(p("8.200 tấn")?.value, .number(8200))
        XCTAssertEqual(p("8.200 tấn")?.unit, "tấn")
        XCTAssertEqual(p("35,2 %")?.value, .number(35.2))
        XCTAssertEqual(p("35,2%")?.unit, "%")
        XCTAssertEqual(p("6,6-6,8")?.value, .range(6.6, 6.8))
        XCTAssertEqual(p("6,6 – 6,8")?.value, .range(6.6, 6.8))
        XCTAssertEqual(p("từ 6,6 đến 6,8")?.value, .range(6.6, 6.8))
        XCTAssertEqual(p("Trên 97")?.value, .atLeast(97, strict: true))
        XCTAssertEqual(p("≥ 97")?.value, .atLeast(97, strict: false))
        XCTAssertEqual(p("Dưới 4")?.value, .atMost(4, strict: true))
        XCTAssertEqual(p("-5")?.value, .number(-5))
        // Spaces group thousands in text copied from Word; "trở lên" bounds after the
        // number; "không" is zero.
        XCTAssertEqual(p("82 500")?.value, .number(82_500))
        XCTAssertEqual(p("1 234 567")?.value, .number(1_234_567))
        XCTAssertEqual(p("82\u{00A0}500 người")?.value, .number(82_500))
        XCTAssertNil(p("2023 2024"), "two numbers are not one")
        XCTAssertEqual(p("19 trở lên")?.value, .atLeast(19, strict: false))
        XCTAssertEqual(p("4 trở xuống")?.value, .atMost(4, strict: false))
        XCTAssertEqual(p("không")?.value, .number(0))
        XCTAssertEqual(p("~ 700")?.value, .number(700))
        XCTAssertEqual(p("~ 700")?.approximate, true)
        XCTAssertEqual(p("-")?.value, .symbol(.none))
        XCTAssertEqual(p("...")?.value, .symbol(.missing))
        XCTAssertEqual(p("…")?.value, .symbol(.missing))
        XCTAssertEqual(p("x")?.value, .symbol(.notApplicable))
        XCTAssertEqual(p("  ")?.value, .empty)
        XCTAssertNil(p("khoảng bốn vạn"))
        XCTAssertNil(p("12 (xem ghi chú)"))
        XCTAssertEqual(p("1,234.5", .en)?.value, .number(1234.5))
    }

    func testSymbolsStayDistinctFromZeroAndBlank() {
        XCTAssertEqual(ReportedValue.symbol(.none).number, 0)
        XCTAssertNil(ReportedValue.symbol(.missing).number)
        XCTAssertNil(ReportedValue.symbol(.notApplicable).number)
        XCTAssertNil(ReportedValue.empty.number)
        XCTAssertNotEqual(ReportedValue.symbol(.none), .number(0))
    }

    func testFormatsTheVietnameseWay() {
        XCTAssertEqual(VietNumber.format(2450.5, decimals: 1), "2.450,5")
        XCTAssertEqual(VietNumber.format(1234567, decimals: 0), "1.234.567")
        XCTAssertEqual(VietNumber.format(52.9, decimals: 2), "52,9")
        XCTAssertEqual(VietNumber.format(-0.25, decimals: 2), "-0,25")
        XCTAssertEqual(VietNumber.format(0.999, decimals: 2), "1")
    }

    func testUnitsOfMeasureConvertAcrossScaleWordsAndUnitsOfOneKind() {
        let nghinTan = MeasureUnit("nghìn tấn")!, tan = MeasureUnit("tấn")!, pct = MeasureUnit("%")!
        XCTAssertEqual(tan.factor(to: nghinTan), 0.001)
        XCTAssertEqual(MeasureUnit("Tỷ đồng")!.factor(to: MeasureUnit("triệu đồng")!), 1000)
        XCTAssertEqual(MeasureUnit("triệu đồng/người")!.factor(to: MeasureUnit("nghìn đồng/người")!), 1000)
        XCTAssertNil(pct.factor(to: tan))
        // tạ is no scale word, but a unit of mass: 1 tạ = 0,1 tấn, side by side of "/".
        XCTAssertEqual(MeasureUnit("tạ/ha")!.factor(to: MeasureUnit("tấn/ha")!)!, 0.1, accuracy: 1e-12)
        XCTAssertEqual(MeasureUnit("tấn/ha")!.factor(to: MeasureUnit("tạ/ha")!)!, 10, accuracy: 1e-12)
        XCTAssertEqual(MeasureUnit("Km2")!.factor(to: MeasureUnit("ha")!)!, 100, accuracy: 1e-12)
        XCTAssertEqual(MeasureUnit("km²")!.factor(to: MeasureUnit("ha")!)!, 100, accuracy: 1e-12)
        XCTAssertEqual(MeasureUnit("người/km2")!.factor(to: MeasureUnit("người/ha")!)!, 0.01, accuracy: 1e-12)
        XCTAssertNil(MeasureUnit("tấn")!.factor(to: MeasureUnit("ha")!), "mass is not area")
        XCTAssertNil(MeasureUnit("con")!.factor(to: MeasureUnit("tấn")!))
        XCTAssertEqual(MeasureUnit("điểm %")!.base, "diem %")
        XCTAssertNotEqual(MeasureUnit("điểm %")!.base, pct.base)
        XCTAssertEqual(MeasureUnit("thôn, bản")!.base, MeasureUnit("Thôn bản")!.base)
        XCTAssertEqual(MeasureUnit("vạn người")!.factor(to: MeasureUnit("người")!), 10_000)
    }
}
