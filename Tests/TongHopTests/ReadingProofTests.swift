import Foundation
import XCTest
@testable import TongHop
import SheetIO
import TestSupport

/// The reader proves its reading or refuses: the number a cell shows through its format,
/// a unit written anywhere (a format, the row name, the ĐVT column) converted by a known
/// factor or refused naming both units, one sheet and one column per template column, the
/// period written as dates, numbers pasted in the other convention. Files written by
/// openpyxl (Tests/Support/make_reading_cases.py), read by ours.
final class ReadingProofTests: XCTestCase {
    /// The files, written once for the class.
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("reading-proof-\(getpid())")
        try? FileManager.default.removeItem(at: d)
        let r = try! TestSupport.python([TestSupport.support.appendingPathComponent("make_reading_cases.py").path, d.path])
        precondition(r.status == 0, r.stderr)
        return d
    }()
    static let library = TemplateLibrary(directory: TestSupport.packageRoot.appendingPathComponent("templates").path)
    static let template: Template = try! library.load("lai-chau-ktxh")

    func read(_ name: String, _ configure: (inout SubmissionReader) -> Void = { _ in }) -> (Submission, [Finding]) {
        var reader = SubmissionReader(library: Self.library, template: Self.template)
        configure(&reader)
        let (_, subs) = reader.read(path: Self.dir.appendingPathComponent(name).path, displayName: name)
        let s = subs[0]
        return (s, Validator(template: Self.template).validate(s))
    }

    func number(_ s: Submission, _ code: String, _ col: String) -> Double? {
        if case .number(let d)? = s.value(code, col) { return d }
        return nil
    }

    func codes(_ f: [Finding]) -> Set<String> { Set(f.map(\.code)) }

    func testAScalingFormatIsReadAsTheNumberShown() {
        let (s, f) = read("muong-te_2024_dinh-dang-ty.xlsx")
        XCTAssertEqual(number(s, "KT09", "estimate")!, 318, accuracy: 1e-9)
        XCTAssertEqual(number(s, "KT09", "prev_actual")!, 290, accuracy: 1e-9)
        XCTAssertTrue(codes(f).contains("I119"), "\(codes(f))")
        XCTAssertEqual(number(s, "KT08", "estimate")!, 59.1, accuracy: 1e-9)
        XCTAssertTrue(f.contains { $0.code == "I119" && $0.value == "318,0" && $0.cell == "G5" }, f.map { "\($0.code) \($0.value ?? "")" }.description)
    }

    func testAPercentFormatOnACountIsRefusedNotTakenAsStored() {
        let (s, f) = read("muong-te_2024_phan-tram-tren-so-nguoi.xlsx")
        XCTAssertNil(number(s, "CS01", "estimate"))
        let e = f.first { $0.code == "E119" }
        XCTAssertNotNil(e)
        XCTAssertEqual(e?.cell, "G5")
        XCTAssertEqual(e?.value, "7.104.200%")
        XCTAssertEqual(number(s, "CS01", "prev_actual"), 70200)
    }

    func testAUnitWrittenByTheFormatIsConvertedOrRefused() {
        let (s, f) = read("muong-te_2024_dinh-dang-tan.xlsx")
        XCTAssertEqual(number(s, "KT05", "estimate")!, 8.6, accuracy: 1e-9)
        XCTAssertTrue(f.contains { $0.code == "W150" && $0.indicator == "KT05" })
        XCTAssertNil(number(s, "KT07", "estimate"))
        XCTAssertTrue(f.contains { $0.code == "E119" && $0.indicator == "KT07" && $0.message.contains("lô") })
    }

    func testAUnitInTheRowNameIsConverted() {
        let (s, f) = read("muong-te_2024_don-vi-trong-ten.xlsx")
        XCTAssertEqual(number(s, "KT09", "estimate")!, 189.3, accuracy: 1e-9)
        XCTAssertEqual(number(s, "KT09", "plan")!, 180, accuracy: 1e-9)
        XCTAssertTrue(f.contains { $0.code == "W150" && $0.indicator == "KT09" })
    }

    func testOtherUnitsOfOneKindConvertAndUnknownOnesAreRefused() {
        let (s, f) = read("muong-te_2024_dvt-khac.xlsx")
        XCTAssertEqual(number(s, "CS05", "estimate")!, 367_790, accuracy: 1e-6)
        XCTAssertEqual(number(s, "KT06", "estimate")!, 47.5, accuracy: 1e-9)
        XCTAssertNil(number(s, "CS17", "estimate"))
        let e = f.first { $0.code == "E151" && $0.indicator == "CS17" }
        XCTAssertNotNil(e)
        XCTAssertTrue(e!.message.contains("«con»") && e!.message.contains("«tấn»"), e!.message)
        XCTAssertFalse(codes(f).contains("W152"))
    }

    func testOfTwoEstimateColumnsTheOneMarkedAsUpdatedIsRead() {
        let (s, f) = read("muong-te_2024_hai-cot-uoc.xlsx")
        XCTAssertEqual(number(s, "KT09", "estimate"), 318)
        XCTAssertFalse(codes(f).contains("E008"))
    }

    func testTwoEqualEstimateColumnsWithDifferentFiguresAreRefusedAndCanBeChosen() {
        let (s, f) = read("muong-te_2024_hai-cot-uoc-khong-ro.xlsx")
        XCTAssertNil(number(s, "KT09", "estimate"))
        XCTAssertTrue(codes(f).contains("E008"), "\(codes(f))")
        let (s2, f2) = read("muong-te_2024_hai-cot-uoc-khong-ro.xlsx") { $0.columnChoices = ["estimate": "H"] }
        XCTAssertEqual(number(s2, "KT09", "estimate"), 318)
        XCTAssertFalse(codes(f2).contains("E008"))
    }

    func testAPeriodWrittenAsDatesRefinesTheTitlesYear() {
        let (s, f) = read("muong-te-bao-cao-2024.xlsx")
        XCTAssertEqual(s.period, Period(year: 2024, span: .months(6)))
        XCTAssertFalse(codes(f).contains("E013"), f.filter { $0.code == "E013" }.map(\.message).description)
        XCTAssertEqual(Identification.periodIn("Lũy kế 9 tháng năm 2024"), Period(year: 2024, span: .months(9)))
        XCTAssertEqual(Identification.periodIn("Từ 01/7/2024 đến 30/9/2024"), Period(year: 2024, span: .quarter(3)))
        XCTAssertEqual(Identification.periodIn("tính đến ngày 30 tháng 9 năm 2024"), Period(year: 2024, span: .months(9)))
        XCTAssertNil(Identification.periodIn("Mường Tè, ngày 30 tháng 6 năm 2024"))
        XCTAssertEqual(Identification.periodInFileName("BC KTXH den 30.9.2024 - Nam Nhun"), Period(year: 2024, span: .months(9)))
        XCTAssertEqual(Identification.headerSpan("Thực hiện đến 30/6/2024", previous: "Thực hiện đến 30/6/2023"), Period(year: 2024, span: .months(6)))
        XCTAssertNil(Identification.headerSpan("Ước thực hiện năm 2024", previous: "TH 6 tháng 2023"), "a whole year's estimate column names no span")
    }

    func testAmbiguousNumbersInAFileOfMixedHabitsAreRefused() {
        let (s, f) = read("muong-te_2024_so-dan-kieu-my.xlsx")
        XCTAssertNil(number(s, "KT12", "prev_actual"))
        XCTAssertNil(number(s, "KT05", "prev_actual"))
        XCTAssertEqual(f.filter { $0.code == "E112" }.count, 3, f.map { "\($0.code) \($0.cell ?? "")" }.description)
        XCTAssertEqual(number(s, "KT12", "estimate"), 1_234_500)
    }

    func testOfTwoReportSheetsTheActiveOneIsReadAndTheOtherNamed() {
        let (s, f) = read("bao-cao-muong-te.xlsx")
        XCTAssertEqual(s.sheet, "Năm 2024")
        XCTAssertEqual(s.period, Period(year: 2024))
        XCTAssertEqual(number(s, "KT09", "estimate"), 318)
        XCTAssertTrue(f.contains { $0.code == "I007" && $0.message.contains("Năm 2023") })
        // Chosen by the officer instead:
        let (s2, _) = read("bao-cao-muong-te.xlsx") { $0.sheetChoice = "Năm 2023" }
        XCTAssertEqual(s2.period, Period(year: 2023))
        XCTAssertEqual(number(s2, "KT09", "estimate"), 290)
    }

    func testADistrictWorkbookWithCommuneSheetsIsReadAsTheDistrict() {
        let (s, _) = read("bao-cao-2024-cac-xa.xlsx")
        XCTAssertEqual(s.sheet, "Toàn huyện")
        XCTAssertEqual(s.unit?.code, "107")
        XCTAssertEqual(number(s, "KT09", "estimate"), 318)
    }

    func testARowRepeatedWithTheSameFiguresIsOneReadingAndWithOthersNone() {
        let (s, f) = read("muong-te_2024_dong-lap.xlsx")
        XCTAssertEqual(number(s, "KT09", "estimate"), 318)
        XCTAssertTrue(f.contains { $0.code == "W104" && $0.indicator == "KT09" })
        XCTAssertTrue(f.contains { $0.code == "E104" && $0.indicator == "KT10" })
    }

    func testACurrencyFormatIsRefusedAndAUnitFormatConverted() {
        let (s, f) = read("muong-te_2024_tien-te.xlsx")
        XCTAssertNil(number(s, "KT01", "estimate"))
        XCTAssertTrue(f.contains { $0.code == "E119" && $0.indicator == "KT01" && $0.message.contains("tiền tệ") })
        XCTAssertEqual(number(s, "KT10", "estimate"), 1650)
        XCTAssertTrue(f.contains { $0.code == "W150" && $0.indicator == "KT10" && $0.value == "1.650.000 tr.đ" }, f.filter { $0.code == "W150" }.map { $0.value ?? "" }.description)
    }

    func testTheShownFormatAnalysis() {
        XCTAssertEqual(NumberFormat.shown(code: "#,##0.0,,,", value: 1).factor, 1e-9)
        XCTAssertEqual(NumberFormat.shown(code: "#,##0", value: 1), .plain)
        XCTAssertEqual(NumberFormat.shown(code: "0.0%", value: 1).factor, 100)
        XCTAssertEqual(NumberFormat.shown(code: "#,##0 \"tỷ\"", value: 1).literal, "tỷ")
        XCTAssertEqual(NumberFormat.shown(code: "[$₫-42A]#,##0", value: 1).literal, "₫")
        XCTAssertEqual(NumberFormat.shown(code: "#,##0,,\"tr\";[Red]-#,##0,,\"tr\"", value: -5).factor, 1e-6)
        XCTAssertEqual(NumberFormat.shown(code: "0.00E+00", value: 1).literal, nil)
        XCTAssertTrue(NumberFormat.shown(code: "_(* #,##0_);_(* (#,##0);_(* \"-\"??_);_(@_)", value: 1).isPlain)
    }
}
