import Foundation
import XCTest
@testable import TongHop
import TestSupport

/// The fixtures (fixtures/make_fixtures.py: our blank forms filled with openpyxl): every
/// good submission validates with no finding at all; every broken variant reports exactly
/// the findings its golden JSON lists, by code, cell, indicator and column.
final class FixtureTests: XCTestCase {
    let root = TestSupport.packageRoot.appendingPathComponent("fixtures")
    var library: TemplateLibrary { TemplateLibrary(directory: TestSupport.packageRoot.appendingPathComponent("templates").path) }

    private func validate(_ path: String) -> [(Submission, [Finding])] {
        let (t, subs) = SubmissionReader(library: library).read(path: path, displayName: (path as NSString).lastPathComponent)
        return subs.map { s in (s, t.map { Validator(template: $0).validate(s) } ?? s.findings) }
    }

    func testEveryGoodSubmissionIsCleanAndIdentified() throws {
        var count = 0
        for dir in ["submissions/2024", "submissions/2024-6T", "csv"] {
            let d = root.appendingPathComponent(dir)
            for f in try FileManager.default.contentsOfDirectory(atPath: d.path).sorted() {
                for (s, findings) in validate(d.appendingPathComponent(f).path) {
                    count += 1
                    XCTAssertEqual(findings.map { "\($0.code) \($0.cell ?? "") \($0.message)" }, [], f)
                    XCTAssertNotNil(s.unit, f)
                    XCTAssertEqual(s.period?.description, dir.hasSuffix("6T") || f.contains("6T") ? "2024-6T" : "2024", f)
                    XCTAssertGreaterThan(s.rows.count, 5, f)
                }
            }
        }
        XCTAssertEqual(count, 18 + 3 + 2)
    }

    func testLegacyEncodedCSVSubmissionsReadLikeTheUTF8One() throws {
        let csv = root.appendingPathComponent("csv")
        let tcvn = validate(csv.appendingPathComponent("lai-chau-ktxh_112-nam-nhun_2024_tcvn3.csv").path)[0].0
        XCTAssertEqual(tcvn.unit?.code, "112")
        XCTAssertEqual(tcvn.rows.first { $0.indicator?.code == "CS01" }?.nameText, "Dân số trung bình")
        XCTAssertEqual(tcvn.value("KT05", "estimate"), .number(9.28))
        let cp1258 = validate(csv.appendingPathComponent("lai-chau-ktxh_109-phong-tho_2024_windows-1258.csv").path)[0].0
        XCTAssertEqual(cp1258.rows.first { $0.indicator?.code == "KT06" }?.nameText, "Năng suất lúa")
        XCTAssertEqual(cp1258.value("KT02", "plan"), .range(7, 7.5))  // written "7-7,5"
        let utf8 = validate(csv.appendingPathComponent("lai-chau-ktxh_106-tam-duong_2024.csv").path)[0].0
        XCTAssertEqual(utf8.convention, .vi)
        XCTAssertEqual(utf8.value("CS01", "prev_actual"), .number(58300))
        let long = validate(csv.appendingPathComponent("lai-chau-ktxh_long_2024-6T.csv").path)
        XCTAssertEqual(long.map { $0.0.unit?.code }, ["110", "111"])
        XCTAssertEqual(long[0].0.convention, .en)
    }

    /// A form made by hand, not from our blank: its own sheet name, no hidden sheet, title
    /// rows, an inserted column, a merged two-level header with reworded labels, rows in
    /// another order, a blank row, numbers partly written as vi-VN text.
    func testAHandMadeFormIsFoundIdentifiedAndReadCompletely() throws {
        let path = root.appendingPathComponent("handmade/bao-cao-6t-2024-muong-te.xlsx").path
        let (s, findings) = validate(path)[0]
        XCTAssertEqual(findings.map { "\($0.code) \($0.cell ?? "") \($0.message)" }, [])
        XCTAssertEqual(s.sheet, "Biểu 01")
        XCTAssertEqual(s.unit?.code, "107")
        XCTAssertEqual(s.unitSource, .titleBlock)
        XCTAssertEqual(s.period?.description, "2024-6T")
        XCTAssertEqual(s.columnMap["prev_actual"], 5)
        XCTAssertEqual(s.columnMap["estimate"], 7)
        XCTAssertEqual(s.columnMap["est_vs_plan"], 8)
        XCTAssertEqual(s.columnMap["est_vs_prev"], 9)
        XCTAssertEqual(s.rows.count, 49)
        let py = try TestSupport.python(["-c", """
        import sys, json; sys.path.insert(0, r"\(root.path)")
        import lai_chau_data as d
        print(json.dumps({k: v for k, v in d.values("107", "2024-6T").items()}))
        """])
        let expected = try JSONSerialization.jsonObject(with: py.stdout) as! [String: [Any]]
        var checked = 0
        for (code, triple) in expected {
            for (i, col) in ["prev_actual", "plan", "estimate"].enumerated() {
                guard let want = triple[i] as? Double else { continue }
                XCTAssertEqual(s.value(code, col)?.number, want, "\(code) \(col)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 120)
    }

    func testEachBrokenVariantReportsExactlyItsGoldenFindings() throws {
        let dir = root.appendingPathComponent("broken")
        let goldens = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".expected.json") }.sorted()
        XCTAssertGreaterThanOrEqual(goldens.count, 15)
        for g in goldens {
            let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(g))) as! [String: Any]
            let file = golden["file"] as! String
            let expected = (golden["findings"] as! [[String: Any]]).map { e in
                [e["code"] as? String ?? "", e["cell"] as? String ?? "", e["indicator"] as? String ?? "", e["column"] as? String ?? ""].joined(separator: " ")
            }.sorted()
            let (_, findings) = validate(dir.appendingPathComponent(file).path)[0]
            let got = findings.map { [$0.code, $0.cell ?? "", $0.indicator ?? "", $0.column ?? ""].joined(separator: " ") }.sorted()
            XCTAssertEqual(got, expected, "\(golden["case"]!): \(findings.map(\.message))")
            for f in findings {
                XCTAssertFalse(f.message.isEmpty)
                XCTAssertFalse(f.messageEN.isEmpty)
                XCTAssertNotEqual(f.message, f.messageEN, "\(f.code) needs a Vietnamese and an English message")
            }
        }
    }
}
