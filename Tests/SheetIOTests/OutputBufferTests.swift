import Foundation
import XCTest
@testable import SheetIO
import TestSupport

/// The dump's byte writer must print exactly what the `String` functions it replaced
/// print (``CellText``, ``CellRef``): `dump` output is compared byte for byte by users'
/// scripts.
final class OutputBufferTests: XCTestCase {
    /// A fixed seed, so a failure can be repeated.
    typealias Seeded = SplitMix64

    private func printed(_ write: (OutputBuffer) -> Void) -> String {
        let out = OutputBuffer(holding: true)
        write(out)
        return out.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    private func assertNumber(_ d: Double, file: StaticString = #filePath, line: UInt = #line) {
        let got = printed { $0.appendNumber(d) }
        XCTAssertEqual(got, CellText.number(d), "bits \(d.bitPattern)", file: file, line: line)
    }

    func testNumbersPrintAsSwiftsShortestRoundTripText() {
        var rng = Seeded(state: 20_261_126)
        // Values as sheets hold them: a few decimals at every magnitude, both signs.
        for _ in 0..<400_000 {
            let digits = Int.random(in: 1...9, using: &rng)
            let places = Int.random(in: 0...8, using: &rng)
            var m = 0.0
            for _ in 0..<digits { m = m * 10 + Double(Int.random(in: 0...9, using: &rng)) }
            var d = m
            for _ in 0..<places { d /= 10 }
            if Bool.random(using: &rng) { d = -d }
            assertNumber(d)
            assertNumber(d * 1_000_000)
        }
        // Arbitrary doubles: every exponent, most with 17 significant digits.
        for _ in 0..<400_000 {
            let d = Double(bitPattern: rng.next())
            if d.isFinite { assertNumber(d) }
            assertNumber(Double.random(in: 0.0009...1e16, using: &rng))
            assertNumber(Double.random(in: -2...2, using: &rng))
        }
        // The edges of the fast path and of Swift's switch to exponents.
        var edges: [Double] = [0, -0.0, 0.001, 0.0001, 0.00099999, 1e15, 1e15 - 0.5, 999_999_999_999_999.9,
                               4.5e15, 4.503599627370496e15, 9.007199254740993e15, 1e16, 1e-5, 5e-324,
                               .greatestFiniteMagnitude, 0.1, 0.2, 0.3, 0.1 + 0.2, 52.9, 2450.5, 1 / 3, 2 / 3,
                               123_456_789.123_456_79, 0.1 * 3, 1e14 + 0.015625, 1e14 + 0.03125]
        for e in edges { edges.append(e.nextUp); edges.append(e.nextDown) }
        for k in 0...17 {
            let p = pow(10.0, Double(k))
            edges += [4.5e15 / p, 2.0.squareRoot() * p, 1 / p]
        }
        for e in edges where e.isFinite { assertNumber(e); assertNumber(-e) }
    }

    func testShortDecimalsTakeTheFastPath() {
        // The fast path must actually answer for the values sheets hold (else the speed
        // work is dead code).
        XCTAssert(ShortestDecimal.digits(45572.7)! == (455_727, 1))
        XCTAssert(ShortestDecimal.digits(-0.05)! == (5, 2))
        XCTAssertNil(ShortestDecimal.digits(0.1 + 0.2))  // 17 digits: left to Swift
        XCTAssertNil(ShortestDecimal.digits(1e-5))
        XCTAssertNil(ShortestDecimal.digits(1e15 + 0.5))
    }

    func testReferencesAndIntegersAsCellRefPrintsThem() {
        for col in [0, 1, 25, 26, 27, 51, 52, 701, 702, 703, 16_383] {
            for row in [0, 8, 9, 99, 1_048_575] {
                XCTAssertEqual(printed { $0.appendRef(row: row, column: col) }, CellRef(row: row, column: col).a1)
            }
        }
        for v in [0, 7, -7, 10, 99, 100, Int.max, Int.min + 1, -1_000_000] {
            XCTAssertEqual(printed { $0.appendInt(v) }, String(v))
        }
    }

    func testTextFieldsAsTheStringFunctionsQuoteThem() {
        let texts = ["", "Đơn vị", "a,b", "say \"hi\"", "line\nbreak", "cr\rhere", "tab\there", "\u{1}\u{1f}x",
                     "back\\slash", "Hà Nội, \"Thủ đô\"\r\n", "💡"]
        for t in texts {
            XCTAssertEqual(printed { $0.appendJSONString(t) }, CellText.jsonString(t))
            XCTAssertEqual(printed { $0.appendCSVField(t) }, CellText.quoteCSV(t))
        }
    }

    func testAWritingBufferWritesEverythingInOrderThroughItsFlushes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("outbuf-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        let out = OutputBuffer(fd: handle.fileDescriptor)
        var expected = ""
        let long = String(repeating: "dài,", count: 100_000)  // larger than the buffer
        for i in 0..<50_000 {
            out.appendInt(i)
            out.append(byte: UInt8(ascii: ","))
            out.appendNumber(Double(i) / 8)
            out.appendCRLF()
            expected += "\(i),\(CellText.number(Double(i) / 8))\r\n"
            if i % 10_000 == 0 {
                out.appendCSVField(long)
                expected += CellText.quoteCSV(long)
            }
        }
        try out.flush()
        try handle.close()
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), expected)
    }
}
