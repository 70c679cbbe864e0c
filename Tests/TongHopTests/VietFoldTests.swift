import XCTest
@testable import TongHop
import TestSupport
import Foundation

final class VietFoldTests: XCTestCase {
    /// Folding by table (the fast way) and through Foundation's decomposition (the way it
    /// was built from) agree on every character of the table's ranges, alone and in words,
    /// and on random titles; text the table does not cover (NFD, other scripts) is left to
    /// Foundation.
    func testFoldingByTableAgreesWithFoundation() {
        var checked = 0
        for r in VietFold.tableRanges {
            for v in r {
                guard let u = Unicode.Scalar(v) else { continue }
                for text in [String(u), "Ab\(u)c 1\(u)", "\(u)\(u) x", "trư\(u)ờng"] {
                    if let k = VietFold.fastKey(text) { XCTAssertEqual(k, VietFold.slowKey(text), "key \(text) U+\(String(v, radix: 16))"); checked += 1 }
                    if let l = VietFold.fastLoose(text) { XCTAssertEqual(l, VietFold.slowLoose(text), "loose \(text) U+\(String(v, radix: 16))"); checked += 1 }
                }
            }
        }
        XCTAssertGreaterThan(checked, 6_000)
        let pieces = ["Ủy ban", "NHÂN DÂN", "Phường", "Ba Đình", "—", "…", "“Kỳ báo cáo”", "năm 2025", "Thuỷ", "khoẻ", "(%)", "ƯTH/KH",
                      "Số bác sĩ/vạn dân", "tỷ đồng", "\u{00A0}", "  ", "Mường Tè", "Sìn Hồ", "Đắk Lắk", "Ê Đê", "ơn", "Ơ", "ưỡng"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 1...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined(separator: Bool.random(using: &rng) ? " " : "")
            XCTAssertEqual(VietFold.fastKey(text), VietFold.slowKey(text), text)
            XCTAssertEqual(VietFold.fastLoose(text), VietFold.slowLoose(text), text)
        }
        // Not covered: decomposed text, another script — Foundation's way, same answers.
        let nfd = "Mường Tè".decomposedStringWithCanonicalMapping
        XCTAssertNil(VietFold.fastKey(nfd))
        XCTAssertEqual(VietFold.key(nfd), VietFold.key("Mường Tè"))
        XCTAssertNil(VietFold.fastLoose("Ελλάδα"))
        XCTAssertEqual(VietFold.loose("Ελλάδα"), VietFold.slowLoose("Ελλάδα"))
    }

    /// `hasMarks` decides by scalar where the table covers it; it must agree with the
    /// whole text's decomposition through Foundation (NFC, NFD, mixed, other scripts).
    func testHasMarksByTableAgreesWithFoundation() {
        var marked = 0
        for r in VietFold.tableRanges + [0x300...0x36F, 0x370...0x3FF] {
            for v in r {
                guard let u = Unicode.Scalar(v) else { continue }
                for text in [String(u), "ab \(u)", "Muong \(u)e", "\(u)ά"] {
                    XCTAssertEqual(VietFold.hasMarks(text), VietFold.slowHasMarks(text), "\(text) U+\(String(v, radix: 16))")
                }
                if VietFold.hasMarks(String(u)) { marked += 1 }
            }
        }
        XCTAssertGreaterThan(marked, 300)  // the Vietnamese letters and the combining marks
        for text in ["Muong Te", "Mường Tè", "Mường Tè".decomposedStringWithCanonicalMapping, "Đ", "đi", "Dân — “số” …", "Ελλάδα", "e\u{301}", "—…", "Lai Chau 2025"] {
            XCTAssertEqual(VietFold.hasMarks(text), VietFold.slowHasMarks(text), text)
        }
        XCTAssertTrue(VietFold.hasMarks("Mường Tè"))
        XCTAssertFalse(VietFold.hasMarks("Dân".replacingOccurrences(of: "â", with: "a") + " — …"))
    }

    /// The unit index is keyed by folded bytes: a name typed precomposed (NFC) or
    /// decomposed (NFD, as some Mac and web tools save) must fold to the same bytes.
    func testFoldsGiveTheSameBytesForNFCAndNFD() throws {
        let template = try Template.load(path: TestSupport.packageRoot.appendingPathComponent("templates/lai-chau-ktxh.yaml").path)
        var names = template.units.flatMap { [$0.name] + $0.aliases }
        names += ["Phường Ba Đình", "Xã Ea H'Leo", "Thuỷ Nguyên", "Thủy Nguyên", "Đắk Lắk", "Quận Hoàn Kiếm", "Ủy ban nhân dân"]
        XCTAssertGreaterThan(names.count, 10)
        for n in names {
            for form in [n.decomposedStringWithCanonicalMapping, n.precomposedStringWithCanonicalMapping] {
                XCTAssertEqual(Array(VietFold.key(form).utf8), Array(VietFold.key(n).utf8), n)
                XCTAssertEqual(Array(VietFold.loose(form).utf8), Array(VietFold.loose(n).utf8), n)
            }
        }
    }

    func testToneStyleNormalisationAndCaseFoldTogether() {
        XCTAssertEqual(VietFold.key("Thuỷ"), VietFold.key("Thủy"))
        XCTAssertEqual(VietFold.key("hoà"), VietFold.key("hòa"))
        XCTAssertEqual(VietFold.key("khoẻ"), VietFold.key("KHỎE"))
        XCTAssertEqual(VietFold.key("Mường Tè"), VietFold.key("Mường Tè".decomposedStringWithCanonicalMapping))
    }

    func testToneIsKeptForIdentity() {
        XCTAssertNotEqual(VietFold.key("Hòa"), VietFold.key("Hóa"))
        XCTAssertNotEqual(VietFold.key("Tân Uyên"), VietFold.key("Than Uyên"))
        XCTAssertEqual(VietFold.loose("Hòa"), VietFold.loose("Hóa"), "loose folding drops tones on purpose")
        XCTAssertEqual(VietFold.loose("Đường"), "duong")
    }

    func testAdministrativePrefixesAreDropped() {
        XCTAssertEqual(VietFold.withoutAdministrativePrefix("Huyện Mường Tè"), "Mường Tè")
        XCTAssertEqual(VietFold.withoutAdministrativePrefix("H. Mường Tè"), "Mường Tè")
        XCTAssertEqual(VietFold.withoutAdministrativePrefix("TP. Lai Châu"), "Lai Châu")
        XCTAssertEqual(VietFold.withoutAdministrativePrefix("Thị xã Mường Lay"), "Mường Lay")
        XCTAssertEqual(VietFold.withoutAdministrativePrefix("Mường Tè"), "Mường Tè")
    }
}

/// `utf8Contains` (memchr for candidates, bytes read in place) answers as a plain byte
/// search does, for native, small and bridged strings.
final class UTF8ContainsTests: XCTestCase {
    func naive(_ h: [UInt8], _ n: [UInt8]) -> Bool {
        if n.isEmpty { return true }
        guard h.count >= n.count else { return false }
        for i in 0...(h.count - n.count) where Array(h[i..<(i + n.count)]) == n { return true }
        return false
    }

    func testEqualToAPlainByteSearch() {
        var rng = SplitMix64(state: 0xC0_77A1_25)
        let words = ["a", "n", "na", "nam", "ma", " ", "so", "\n", "ư", "ơn", "Đ", "e\u{301}", "é", "ky bao cao", "2024", "%", "/"]
        var found = 0, checked = 0
        for _ in 0..<20_000 {
            let h = (0..<rng.below(12)).map { _ in words[rng.below(words.count)] }.joined()
            let n = (0..<rng.below(3)).map { _ in words[rng.below(words.count)] }.joined()
            let want = naive(Array(h.utf8), Array(n.utf8))
            XCTAssertEqual(h.utf8Contains(n), want, "\(h) / \(n)")
            // The same text as a bridged NSString (no contiguous UTF-8 bytes).
            let bridged = NSString(string: h + "\u{2026}") as String
            XCTAssertEqual(bridged.utf8Contains(n), naive(Array(bridged.utf8), Array(n.utf8)), "\(bridged) / \(n)")
            if want { found += 1 }
            checked += 1
        }
        XCTAssertGreaterThan(found, 2_000)
        XCTAssertGreaterThan(checked - found, 2_000)
        // A needle at the very end, one byte longer than the text, and a first byte that recurs.
        XCTAssertTrue("don vi bao cao".utf8Contains("cao"))
        XCTAssertFalse("cao".utf8Contains("caoo"))
        XCTAssertTrue("nnnnam".utf8Contains("nam"))
        XCTAssertFalse("nnnna".utf8Contains("nam"))
    }
}
