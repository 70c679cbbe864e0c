import Foundation
import XCTest
@testable import TongHop
import SheetIO
import TestSupport

/// Mutated submissions never crash, hang or read a non-finite value (a fixed-seed,
/// time-bounded run kept in CI), and the text guards behave as documented.
final class HostileInputTests: XCTestCase {
    /// A fixed seed gives the same mutants on every run.
    typealias Random = SplitMix64

    func testMutatedSubmissionsGiveFindingsNeverACrashOrANonFiniteValue() throws {
        let root = TestSupport.packageRoot
        let seeds = ["fixtures/submissions/2024/lai-chau-ktxh_107-muong-te_2024.xlsx",
                     "fixtures/handmade/bao-cao-6t-2024-muong-te.xlsx",
                     "fixtures/csv/lai-chau-ktxh_106-tam-duong_2024.csv",
                     "fixtures/csv/lai-chau-ktxh_long_2024-6T.csv"].map { [UInt8](FileManager.default.contents(atPath: root.appendingPathComponent($0).path)!) }
        let library = TemplateLibrary(directory: root.appendingPathComponent("templates").path)
        let reader = SubmissionReader(library: library)
        var rng = Random(state: 20_241_126)
        let started = Date()
        var mutants = 0, readable = 0
        // At most 600 mutants or 60 seconds, whichever comes first.
        while mutants < 600 && Date().timeIntervalSince(started) < 60 {
            var bytes = seeds[mutants % seeds.count]
            switch rng.below(5) {
            case 0:  // flip bytes
                for _ in 0..<(1 + rng.below(8)) { bytes[rng.below(bytes.count)] ^= UInt8(truncatingIfNeeded: 1 << rng.below(8)) }
            case 1:  // truncate
                bytes = Array(bytes.prefix(rng.below(bytes.count)))
            case 2:  // overwrite a run with digits and exponent text (numbers out of range)
                let at = rng.below(bytes.count), text = Array(["1e309", "-1e999", "NaN", "4e-320", "9".repeated(400)][rng.below(5)].utf8)
                for (k, b) in text.enumerated() where at + k < bytes.count { bytes[at + k] = b }
            case 3:  // duplicate a chunk
                let a = rng.below(bytes.count), n = rng.below(min(4096, bytes.count - a))
                bytes.insert(contentsOf: bytes[a..<(a + n)], at: rng.below(bytes.count))
            default:  // random bytes
                for _ in 0..<(1 + rng.below(64)) { bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            mutants += 1
            let name = "mutant-\(mutants)"
            guard let doc = try? SpreadsheetDocument(bytes: bytes, displayName: name) else { continue }
            readable += 1
            let (t, subs) = reader.read(doc)
            for s in subs {
                let findings = t.map { Validator(template: $0).validate(s) } ?? s.findings
                XCTAssertTrue(findings.allSatisfy { $0.file == name })
                for row in s.rows {
                    for (_, v) in row.values { XCTAssertTrue(ValueParser.isSound(v.value), "\(name): \(v.written)") }
                }
            }
        }
        XCTAssertGreaterThan(mutants, 100)
        XCTAssertGreaterThan(readable, 10, "the mutants should reach the reader, not only the ZIP layer")
    }

    func testCSVNeutralisingPrefixesFormulaTextOnly() {
        for s in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] { XCTAssertEqual(CellText.neutralised(s), "'" + s) }
        for s in ["-", "", "2.450", "Mường Tè", "'=x", "x=1"] { XCTAssertEqual(CellText.neutralised(s), s) }
    }

    func testTerminalTextEscapesControlsAndBidiOverrides() {
        XCTAssertEqual(TerminalText.safe("a\nb\tc\u{1B}[31m\u{7}\u{9B}\u{202E}d"), "a\\nb\\tc\\x1b[31m\\x07\\x9b\\u{202e}d")
        XCTAssertEqual(TerminalText.safe("Mường Tè — ổn"), "Mường Tè — ổn")
    }
}

private extension String {
    func repeated(_ n: Int) -> String { String(repeating: self, count: n) }
}
