import Foundation
import XCTest
@testable import SheetIO
import TestSupport

/// `XMLPullParser.validString` (the ASCII fast path beside `String(validating:)`) gives
/// exactly what `String(validating:)` gives: the same text, and nil for the same bytes.
final class ValidStringTests: XCTestCase {
    func testEqualToStringValidatingOnRandomAndEdgeBytes() {
        var rng = SplitMix64(state: 0x5EED_0F_07F8)
        // Pieces that make valid and invalid UTF-8: ASCII, Vietnamese (2 and 3 bytes),
        // 4-byte, lone continuation bytes, overlongs, surrogates, beyond U+10FFFF, truncations.
        let pieces: [[UInt8]] = [
            Array("A".utf8), Array("0".utf8), Array(" ".utf8), [0x7F], [0x00],
            Array("ư".utf8), Array("ế".utf8), Array("Đ".utf8), Array("😀".utf8),
            [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xFF], [0xE1, 0xBA], [0xF0, 0x9F, 0x98],
        ]
        var cases: [[UInt8]] = [[], Array("KT01".utf8), Array("Tổng số hộ".utf8), [0xC3], [0x41, 0x80]]
        for _ in 0..<100_000 {
            var b: [UInt8] = []
            for _ in 0..<rng.below(8) { b += pieces[rng.below(pieces.count)] }
            cases.append(b)
        }
        for _ in 0..<20_000 { cases.append((0..<rng.below(12)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
        var ascii = 0, invalid = 0
        for b in cases {
            let want = String(validating: b, as: UTF8.self)
            let got = b.withUnsafeBufferPointer { XMLPullParser.validString($0) }
            XCTAssertEqual(got, want, "\(b)")
            if let got { XCTAssertEqual(Array(got.utf8), b) }
            if b.allSatisfy({ $0 < 0x80 }) { ascii += 1 }
            if want == nil { invalid += 1 }
        }
        // Both paths were taken, and invalid input was met.
        XCTAssertGreaterThan(ascii, 1_000)
        XCTAssertGreaterThan(invalid, 10_000)
        XCTAssertGreaterThan(cases.count - ascii - invalid, 5_000)
    }
}
