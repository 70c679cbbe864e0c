import Foundation
import XCTest
@testable import SheetIO
import TestSupport

/// Styles and relationships are parsed once per distinct content (``PartMemo``): what
/// the memo answers must be what parsing the part gives, and a part answered from it
/// must still count against the archive's limits.
final class PartMemoTests: XCTestCase {
    private func xlsxFiles() -> [String] {
        ["Tests/Corpus", "fixtures"].flatMap { dir -> [String] in
            let root = TestSupport.packageRoot.appendingPathComponent(dir)
            return (FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? [])
                .filter { $0.hasSuffix(".xlsx") }.map { root.appendingPathComponent($0).path }
        }
    }

    func testRememberedPartsEqualAFreshParse() throws {
        var styles = 0, rels = 0
        for path in xlsxFiles() {
            guard let archive = try? ZipArchive(path: path) else { continue }
            for part in archive.entryNames {
                let lower = part.lowercased()
                if lower.hasSuffix("styles.xml") {
                    guard let fresh = try? Styles(parser: XLSXWorkbook.parser(archive, part)) else { continue }
                    // Twice: the first may fill the memo, the second must come from it.
                    for _ in 0..<2 {
                        XCTAssertEqual(try Styles.memo.value(archive, part) { try Styles(parser: XLSXWorkbook.parser(archive, part, $0)) }, fresh, path)
                    }
                    styles += 1
                } else if lower.hasSuffix(".rels") {
                    for dir in ["", "xl/"] {
                        guard let fresh = try? Relationships(parser: XLSXWorkbook.parser(archive, part), sourceDir: dir) else { continue }
                        for _ in 0..<2 { XCTAssertEqual(try Relationships.cached(archive, part, sourceDir: dir), fresh, "\(path) \(part) \(dir)") }
                        rels += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(styles, 100)
        XCTAssertGreaterThan(rels, 300)
    }

    func testAPartAnsweredFromTheMemoStillCountsAgainstTheTotalLimit() throws {
        let path = TestSupport.packageRoot.appendingPathComponent("fixtures/officer/BC_6T_2024.xlsx").path
        let probe = try ZipArchive(path: path)
        let part = try XCTUnwrap(probe.entryNames.first { $0.lowercased().hasSuffix("styles.xml") })
        let other = try XCTUnwrap(probe.entryNames.first { $0.lowercased().hasSuffix("workbook.xml") })
        let size = try XCTUnwrap(probe.declaredSize(of: part)), otherSize = try XCTUnwrap(probe.declaredSize(of: other))
        XCTAssertLessThanOrEqual(size, Int64(PartMemo<Styles>.maxBytes))
        var limits = ReadLimits()
        limits.maxTotalBytes = size + otherSize / 2
        func drain(_ a: ZipArchive, _ name: String) throws {
            let s = try a.open(name)
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            while try buf.withUnsafeMutableBytes({ try s.read(into: $0.baseAddress!, capacity: $0.count) }) > 0 {}
        }
        // Under these limits the part alone fits: parsed, and remembered.
        let fits = try ZipArchive(path: path, limits: limits)
        let parsed = try Styles.memo.value(fits, part) { try Styles(parser: XLSXWorkbook.parser(fits, part, $0)) }
        XCTAssertFalse(parsed.xfFormatIDs.isEmpty)
        // After another part, it no longer fits: refused the same way from the memo as by a parse.
        let fromMemo = try ZipArchive(path: path, limits: limits)
        try drain(fromMemo, other)
        XCTAssertThrowsError(try Styles.memo.value(fromMemo, part) { _ in XCTFail("not from the memo"); return Styles() }) { e in
            XCTAssertEqual((e as? SheetIOError)?.kind, .limitExceeded(.totalBytes, limits.maxTotalBytes))
        }
        let byParse = try ZipArchive(path: path, limits: limits)
        try drain(byParse, other)
        XCTAssertThrowsError(try Styles(parser: XLSXWorkbook.parser(byParse, part))) { e in
            XCTAssertEqual((e as? SheetIOError)?.kind, .limitExceeded(.totalBytes, limits.maxTotalBytes))
        }
    }
}
