import Foundation
import XCTest
@testable import TongHop
import TestSupport

/// Targets from the text they come in (issue 13): the own evaluation set
/// (fixtures/targets: texts written in the style of resolutions and press reports, with
/// hand-made expected placements) reaches precision ≥ 0.95 and recall ≥ 0.9, and the two
/// real texts in ../shared/reference/targets-texts are placed into the Thanh Hóa template
/// with nothing invented.
final class TargetsTests: XCTestCase {
    let library = TemplateLibrary(directory: TestSupport.packageRoot.appendingPathComponent("templates").path)

    struct Expected: Decodable {
        struct T: Decodable { var indicator: String; var value: Double; var value2: Double?; var kind: String; var qualifier: String }
        var template: String
        var targets: [T]
        var conflicts: [String]?
    }

    /// (true positives, false positives, false negatives) of one text.
    func score(_ text: String, _ e: Expected, file: String) throws -> (Int, Int, Int) {
        let found = TargetExtractor(template: try library.load(e.template)).extract(text)
        func same(_ p: TargetStatement, _ x: Expected.T) -> Bool {
            p.indicator == x.indicator && abs((p.converted ?? .nan) - x.value) < 1e-6 * max(1, abs(x.value))
                && p.kind.rawValue == x.kind && p.qualifier.rawValue == x.qualifier
                && (x.value2 == nil || abs((p.value2 ?? .nan) - x.value2!) < 1e-6)
        }
        var tp = 0
        for x in e.targets {
            if found.placed.contains(where: { same($0, x) }) { tp += 1 } else { print("  missed in \(file): \(x.indicator) \(x.value) \(x.kind) \(x.qualifier)") }
        }
        let fp = found.placed.filter { p in !e.targets.contains { same(p, $0) } }
        for p in fp { print("  wrong in \(file): \(p.indicator ?? "-") \(p.converted ?? p.value) \(p.kind) \(p.qualifier) ← \(p.text)") }
        XCTAssertEqual(Set(found.conflicts.compactMap { $0.first?.indicator }), Set(e.conflicts ?? []), file)
        return (tp, fp.count, e.targets.count - tp)
    }

    func testTheOwnEvaluationSetReachesPrecisionAndRecall() throws {
        let dir = TestSupport.packageRoot.appendingPathComponent("fixtures/targets")
        let cases = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }.sorted()
        XCTAssertGreaterThanOrEqual(cases.count, 12)
        var tp = 0, fp = 0, fn = 0
        for c in cases {
            let text = try String(contentsOf: dir.appendingPathComponent(c), encoding: .utf8)
            let e = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent(c.replacingOccurrences(of: ".txt", with: ".expected.json"))))
            let (a, b, d) = try score(text, e, file: c)
            tp += a; fp += b; fn += d
        }
        let precision = Double(tp) / Double(max(1, tp + fp)), recall = Double(tp) / Double(max(1, tp + fn))
        print("targets evaluation: \(cases.count) texts, \(tp + fn) targets, precision \(precision), recall \(recall)")
        XCTAssertGreaterThanOrEqual(precision, 0.95)
        XCTAssertGreaterThanOrEqual(recall, 0.9)
    }

    func testTheRealTextsArePlacedWithNothingInvented() throws {
        let dir = TestSupport.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/targets-texts")
        guard FileManager.default.fileExists(atPath: dir.path) else { return XCTFail("../shared/reference/targets-texts is missing") }
        // What each text sets, read by hand (values in the template's units).
        let expected: [String: [Expected.T]] = [
            "muong-lat-2023.txt": [
                .init(indicator: "KT02", value: 10.2, kind: "growth", qualifier: "exact"), .init(indicator: "KT03", value: 24, kind: "level", qualifier: "exact"),
                .init(indicator: "KT04", value: 13, kind: "level", qualifier: "exact"), .init(indicator: "KT05", value: 37, kind: "level", qualifier: "exact"),
                .init(indicator: "KT06", value: 700, kind: "level", qualifier: "exact"), .init(indicator: "KT07", value: 5, kind: "level", qualifier: "exact"),
                .init(indicator: "NN02", value: 7, kind: "increment", qualifier: "exact"), .init(indicator: "NN03", value: 1, kind: "increment", qualifier: "exact"),
            ],
            "nhu-xuan-2024.txt": [
                .init(indicator: "KT02", value: 5.6, kind: "growth", qualifier: "at_least"), .init(indicator: "KT03", value: 45, kind: "level", qualifier: "exact"),
                .init(indicator: "KT09", value: 12, kind: "growth", qualifier: "exact"), .init(indicator: "NN01", value: 2, kind: "increment", qualifier: "exact"),
                .init(indicator: "NN02", value: 10, kind: "increment", qualifier: "exact"), .init(indicator: "XH01", value: 15, kind: "level", qualifier: "exact"),
                .init(indicator: "XH02", value: 79, kind: "level", qualifier: "exact"), .init(indicator: "KT06", value: 1000, kind: "level", qualifier: "exact"),
            ],
        ]
        for (file, targets) in expected {
            let text = try TargetReport.readText(path: dir.appendingPathComponent(file).path)
            let (tp, fp, fn) = try score(text, Expected(template: "thanh-hoa-ktxh", targets: targets, conflicts: nil), file: file)
            XCTAssertEqual(fp, 0, "\(file): invented")
            XCTAssertEqual(fn, 0, "\(file): missed")
            XCTAssertEqual(tp, targets.count)
        }
    }

    func testPlanTextsAreWrittenAsTheReaderReadsThemBack() throws {
        let t = try library.load("thanh-hoa-ktxh")
        let found = TargetExtractor(template: t).extract("Phấn đấu tốc độ tăng giá trị sản xuất từ 6,6-6,8%; thu nhập bình quân đầu người trên 45 triệu đồng; tỷ lệ đô thị hóa không quá 20%; có thêm 2 xã đạt chuẩn nông thôn mới.")
        let texts = Dictionary(found.placed.map { ($0.indicator!, TargetReport.planText($0, t.indicator($0.indicator!)!)) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(texts["KT02"] ?? nil, "6,6-6,8")
        XCTAssertEqual(texts["KT03"] ?? nil, "Trên 45")
        XCTAssertEqual(texts["XH01"] ?? nil, "Không quá 20")
        XCTAssertEqual(texts["NN01"] ?? "x", nil, "an increment needs last year's figure: not written into the plan")
        for (code, text) in texts {
            guard let text else { continue }
            let p = VietNumber.parse(text, convention: .vi)
            XCTAssertNotNil(p, "\(code): \(text) must read back")
        }
    }
}
