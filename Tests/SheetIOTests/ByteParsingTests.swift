import XCTest
@testable import SheetIO
import TestSupport

final class ByteParsingTests: XCTestCase {
    private func parse(_ s: String) -> Double? {
        Array(s.utf8).withUnsafeBufferPointer { ByteParsing.double($0.baseAddress!, $0.count) }
    }

    func testParsesWhatExcelWritesExactly() {
        XCTAssertEqual(parse("52.9"), 52.9)
        XCTAssertEqual(parse("-0.5"), -0.5)
        XCTAssertEqual(parse("1.5E-3"), 0.0015)
        XCTAssertEqual(parse("2450"), 2450)
        XCTAssertEqual(parse(" 12 "), 12)
        XCTAssertEqual(parse("0.10000000000000001"), 0.1)
        XCTAssertEqual(parse("9007199254740993"), 9007199254740992)  // beyond 2^53: rounded like strtod
        XCTAssertEqual(parse("1E+308"), 1e308)
    }

    func testRejectsWhatIsNotANumberSoTheCellIsText() {
        for s in ["", " ", "-", ".", "1,5", "2.450,5", "1e", "abc", "12abc", "0x10", "inf", "NaN", "1.2.3"] {
            XCTAssertNil(parse(s), s)
        }
    }

    func testAgreesWithTheStandardLibraryOnRandomShortestForms() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let bits = UInt64.random(in: 0...UInt64.max, using: &rng)
            var d = Double(bitPattern: bits)
            if !d.isFinite { continue }
            if Bool.random() { d = (Double.random(in: -1e6...1e6) * 100).rounded() / 100 }
            let text = d.description
            XCTAssertEqual(parse(text), Double(text), text)
        }
    }

    func testUndoesOOXMLEscapesIncludingSurrogatePairsAndProtectedUnderscores() {
        func un(_ s: String) -> String { var b = Array(s.utf8); ByteParsing.unescapeOOXML(&b); return String(decoding: b, as: UTF8.self) }
        XCTAssertEqual(un("ABC_x000D_DEF"), "ABC\rDEF")
        XCTAssertEqual(un("a_x005F_x0041_b"), "a_x0041_b")
        XCTAssertEqual(un("_xD83D__xDE00_"), "😀")
        XCTAssertEqual(un("_x1EA1_"), "ạ")
        XCTAssertEqual(un("no_escape_here"), "no_escape_here")
        XCTAssertEqual(un("_xZZZZ_"), "_xZZZZ_")
    }
}
