import Foundation
import XCTest
@testable import SheetIO
import TestSupport

final class CSVReaderTests: XCTestCase {
    private func rows(_ bytes: [UInt8], _ name: String = "t.csv") throws -> (CSVReader, [[String]]) {
        let r = try CSVReader(bytes: bytes, displayName: name)
        var out: [[String]] = []
        while let row = try r.next() {
            var fields: [String] = []
            for c in row.cells {
                while fields.count < c.column { fields.append("") }
                fields.append(c.value.text ?? "")
            }
            XCTAssertEqual(row.index, out.count, "rows are numbered by record")
            out.append(fields)
        }
        return (r, out)
    }

    // Bytes of real strings in each legacy encoding, from ../shared/reference/vietnamese-text.md
    // and Microsoft's Windows-1258 table (checked with Python's cp1258 codec).
    static let cp1258MuongTe: [UInt8] = [0x4D, 0xFD, 0xF5, 0xCC, 0x6E, 0x67, 0x20, 0x54, 0xE8]
    static let cp1258TrieuDong: [UInt8] = [0x74, 0x72, 0x69, 0xEA, 0xF2, 0x75, 0x20, 0xF0, 0xF4, 0xCC, 0x6E, 0x67]
    static let cp1258DonViTinh: [UInt8] = [0xD0, 0xF5, 0x6E, 0x20, 0x76, 0x69, 0xF2, 0x20, 0x74, 0x69, 0xEC, 0x6E, 0x68]
    static let tcvn3MuongTe: [UInt8] = [0x4D, 0xAD, 0xEA, 0x6E, 0x67, 0x20, 0x54, 0xCC]                    // M\xADêng TÌ
    static let tcvn3TrieuDong: [UInt8] = [0x74, 0x72, 0x69, 0xD6, 0x75, 0x20, 0xAE, 0xE5, 0x6E, 0x67]       // triÖu ®ång
    static let tcvn3DonViTinh: [UInt8] = [0xA7, 0xAC, 0x6E, 0x20, 0x76, 0xDE, 0x20, 0x74, 0xDD, 0x6E, 0x68] // §¬n vÞ tÝnh
    static let vniMuongTe: [UInt8] = [0x4D, 0xF6, 0xF4, 0xF8, 0x6E, 0x67, 0x20, 0x54, 0x65, 0xF8]          // Möôøng Teø
    static let vniDonVi: [UInt8] = [0xD1, 0xF4, 0x6E, 0x20, 0x76, 0xF2]                                     // Ñôn vò

    private func line(_ parts: [[UInt8]], sep: UInt8 = UInt8(ascii: ";")) -> [UInt8] {
        var out: [UInt8] = []
        for (i, p) in parts.enumerated() { if i > 0 { out.append(sep) }; out += p }
        return out + [0x0D, 0x0A]
    }

    /// The legacy-font check refuses text Windows-1252 cannot hold before building its
    /// bytes; the quick test must agree with building them, character by character.
    func testTheWindows1252QuickCheckAgreesWithTheBytes() {
        for v in 0..<0x3000 {
            guard let u = Unicode.Scalar(v) else { continue }
            let t = "Lai Ch\(u)u"
            XCTAssertEqual(TextDecoder.fitsWindows1252(t), TextDecoder.windows1252Bytes(t) != nil, "U+\(String(v, radix: 16))")
        }
        for t in ["Lai Ch©u", "Vieät Nam", "Lai Châu", "Mường Tè", "“quoted” — …", "€ ™ œ", ""] {
            XCTAssertEqual(TextDecoder.fitsWindows1252(t), TextDecoder.windows1252Bytes(t) != nil, t)
        }
    }

    func testVietnameseExcelCSVWithBOMSemicolonsAndDecimalCommas() throws {
        let text = "\u{FEFF}Mã;Chỉ tiêu;ĐVT;Kế hoạch;Ước thực hiện\r\nKT01;Sản lượng lương thực;nghìn tấn;225,0;226,4\r\nXH05;Tỷ lệ hộ nghèo;%;18,5;17,9\r\n"
        let (r, rows) = try rows(Array(text.utf8))
        XCTAssertEqual(r.encoding, .utf8BOM)
        XCTAssertEqual(r.delimiter, UInt8(ascii: ";"))
        XCTAssertEqual(rows[0], ["Mã", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Ước thực hiện"])  // BOM gone from "Mã"
        XCTAssertEqual(rows[1], ["KT01", "Sản lượng lương thực", "nghìn tấn", "225,0", "226,4"])
        XCTAssertTrue(r.diagnostics.isEmpty)
    }

    func testQuotedFieldsWithNewlinesAndDoubledQuotesKeepExcelRowNumbers() throws {
        let text = "Mã,Ghi chú,Giá trị\nKT01,\"Dòng một\nDòng hai, có dấu phẩy\",\"2.450\"\nKT02,\"Nói \"\"Trên 97\"\"\",52\n"
        let (r, rows) = try rows(Array(text.utf8))
        XCTAssertEqual(r.delimiter, UInt8(ascii: ","))
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rows[1], ["KT01", "Dòng một\nDòng hai, có dấu phẩy", "2.450"])
        XCTAssertEqual(rows[2], ["KT02", "Nói \"Trên 97\"", "52"])
    }

    func testUnicodeTextFromExcelIsUTF16WithTabs() throws {
        let text = "Đơn vị tính\tMường Tè\r\ntriệu đồng\t1,5\r\n"
        var le: [UInt8] = [0xFF, 0xFE]
        for u in text.utf16 { le += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        var (r, rows) = try rows(le)
        XCTAssertEqual(r.encoding, .utf16LE)
        XCTAssertEqual(r.delimiter, 0x09)
        XCTAssertEqual(rows, [["Đơn vị tính", "Mường Tè"], ["triệu đồng", "1,5"]])
        var be: [UInt8] = [0xFE, 0xFF]
        for u in text.utf16 { be += [UInt8(u >> 8), UInt8(u & 0xFF)] }
        (r, rows) = try self.rows(be)
        XCTAssertEqual(r.encoding, .utf16BE)
        XCTAssertEqual(rows[0], ["Đơn vị tính", "Mường Tè"])
    }

    func testWindows1258IsDetectedAndNormalisedToNFC() throws {
        let bytes = line([Array("Huyện".utf8).map { $0 < 0x80 ? $0 : 0x3F }, Self.cp1258DonViTinh])
            + line([Self.cp1258MuongTe, Self.cp1258TrieuDong]) + line([Array("KT01".utf8), Array("8.440".utf8)])
        let (r, rows) = try rows(bytes)
        XCTAssertEqual(r.encoding, .windows1258)
        XCTAssertEqual(rows[0][1], "Đơn vị tính")
        XCTAssertEqual(rows[1], ["Mường Tè", "triệu đồng"])
        XCTAssertEqual(rows[1][0].unicodeScalars.count, 8, "precomposed (NFC), not base letters plus combining marks")
    }

    func testTCVN3IsDetected() throws {
        let bytes = line([Self.tcvn3DonViTinh, Self.tcvn3MuongTe]) + line([Self.tcvn3TrieuDong, Array("52,9".utf8)])
        let (r, rows) = try rows(bytes)
        XCTAssertEqual(r.encoding, .tcvn3)
        XCTAssertEqual(rows, [["Đơn vị tính", "Mường Tè"], ["triệu đồng", "52,9"]])
    }

    func testVNIIsDetected() throws {
        let bytes = line([Self.vniDonVi, Self.vniMuongTe]) + line([Self.vniMuongTe, Array("13,69".utf8)])
        let (r, rows) = try rows(bytes)
        XCTAssertEqual(r.encoding, .vni)
        XCTAssertEqual(rows, [["Đơn vị", "Mường Tè"], ["Mường Tè", "13,69"]])
    }

    func testOldAndNewTonePlacementSurviveAsWritten() throws {
        let (_, rows) = try rows(Array("Xã;Ghi chú\nThuỷ;cũ\nThủy;mới\n".utf8))
        XCTAssertEqual(rows[1][0], "Thuỷ")
        XCTAssertEqual(rows[2][0], "Thủy")
        XCTAssertNotEqual(rows[1][0], rows[2][0])
    }

    func testUTF8MojibakeIsRefusedWithExamples() {
        // "Mường Tè" saved as UTF-8, opened as Windows-1252 and saved as UTF-8 again.
        let mojibake: [UInt8] = [0x4D, 0xC3, 0x86, 0xC2, 0xB0, 0xC3, 0xA1, 0xC2, 0xBB, 0xEF, 0xBF, 0xBD, 0x6E, 0x67, 0x20, 0x54, 0xC3, 0x83, 0xC2, 0xA8]
        let bytes = Array("Đơn vị;".utf8).map { _ in UInt8(ascii: "x") } + [0x3B] + mojibake + [0x0A] + mojibake + [0x3B] + Array("1\n".utf8)
        XCTAssertThrowsError(try rows(bytes, "don-vi.csv")) { e in
            let err = e as! SheetIOError
            guard case .csv(let why) = err.kind else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("mojibake"), why)
            XCTAssertTrue(err.message(.vi).hasPrefix("don-vi.csv"))
        }
    }

    func testWindows1252WithLostLettersIsReported() throws {
        // Saved on an English Windows: "Mường Tè" became "M??ng Tè".
        let bytes = Array("Huy?n;M??ng T".utf8) + [0xE8] + Array(";52,9\r\n".utf8)
        let (r, rows) = try rows(bytes)
        XCTAssertEqual(r.encoding, .windows1252)
        XCTAssertEqual(rows[0][1], "M??ng Tè")
        guard case .lostLetters(let words) = r.diagnostics.first?.kind else { return XCTFail("\(r.diagnostics)") }
        XCTAssertTrue(words.contains("M??ng"), "\(words)")
    }

    func testRaggedRowsAreReportedWithTheirExcelRowNumber() throws {
        let (r, _) = try rows(Array("a;b;c\n1;2;3\n4;5\n6;7;8;9\n\n10;11;12\n".utf8))
        XCTAssertEqual(r.expectedFields, 3)
        XCTAssertEqual(r.diagnostics, [
            CSVDiagnostic(row: 3, kind: .raggedRow(fields: 2, expected: 3)),
            CSVDiagnostic(row: 4, kind: .raggedRow(fields: 4, expected: 3)),
        ])
    }

    func testUnterminatedQuoteIsAnErrorNamingTheRow() {
        XCTAssertThrowsError(try rows(Array("a,b\n1,\"never closed\n2,3\n".utf8), "x.csv")) { e in
            let err = e as! SheetIOError
            XCTAssertEqual(err.cell, "B2")
            XCTAssertTrue(err.message(.en).contains("row 2"))
        }
    }

    func testPipeAndTabDelimitersAreDetected() throws {
        XCTAssertEqual(try rows(Array("a|b|c\n1|2,5|3\n".utf8)).0.delimiter, UInt8(ascii: "|"))
        XCTAssertEqual(try rows(Array("a\tb\n1,5\t2\n".utf8)).0.delimiter, 0x09)
    }

    func testBinaryDataIsNotReadAsText() {
        XCTAssertThrowsError(try rows([0x41, 0x00, 0x42, 0x0A])) { e in
            guard case .csv = (e as! SheetIOError).kind else { return XCTFail("\(e)") }
        }
    }
}
