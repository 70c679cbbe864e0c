import Foundation
import XCTest
@testable import TongHop
import TestSupport

/// Submissions officers make themselves (fixtures/officer/make_officer_files.py: their
/// own layouts, headers, spellings and units, written by openpyxl, xlsxwriter, LibreOffice
/// under a vi-VN profile and Gnumeric): each is read exactly — every value the officer
/// meant and no other — or refused with the named findings. Never a silent misreading.
final class OfficerFileTests: XCTestCase {
    let dir = TestSupport.packageRoot.appendingPathComponent("fixtures/officer")

    struct Expected: Decodable {
        var file: String
        var made_with: String
        var template: String
        var unit: String
        var period: String
        var outcome: String
        var codes: [String]
        var values: [String: [String: Meant]]
    }

    enum Meant: Decodable, CustomStringConvertible {
        case number(Double), text(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .text(try c.decode(String.self)) }
        }
        var description: String { switch self { case .number(let d): return "\(d)"; case .text(let s): return s } }
        /// The value the reader must produce.
        var reported: ReportedValue? {
            switch self {
            case .number(let d): return .number(d)
            case .text(let s): return VietNumber.parse(s, convention: .vi)?.value
            }
        }
    }

    func testEveryOfficerFileIsReadExactlyOrRefusedWithItsFinding() throws {
        let programs = try check(dir, atLeast: 8)
        XCTAssertTrue(programs.isSuperset(of: ["openpyxl", "xlsxwriter", "libreoffice-xlsx", "gnumeric-xlsx"]), "\(programs)")
    }

    /// The second set (fixtures/officer2, made by an independent tester from the habits
    /// alone, without reading the reader): the same promise.
    func testEverySecondWaveOfficerFileIsReadExactlyOrRefusedWithItsFinding() throws {
        _ = try check(TestSupport.packageRoot.appendingPathComponent("fixtures/officer2"), atLeast: 40)
    }

    /// Checks every `*.expected.json` of a folder; returns the programs that made the files.
    func check(_ dir: URL, atLeast: Int) throws -> Set<String> {
        let library = TemplateLibrary(directory: TestSupport.packageRoot.appendingPathComponent("templates").path)
        let cases = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".expected.json") }.sorted()
        XCTAssertGreaterThanOrEqual(cases.count, atLeast)
        var programs = Set<String>()
        for c in cases {
            let e = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent(c)))
            programs.insert(e.made_with)
            let t = try library.load(e.template)
            let (_, subs) = SubmissionReader(library: library, template: t).read(path: dir.appendingPathComponent(e.file).path, displayName: e.file)
            XCTAssertEqual(subs.count, 1, e.file)
            guard let s = subs.first else { continue }
            let findings = Validator(template: t).validate(s)
            let codes = Set(findings.map(\.code))
            for code in e.codes { XCTAssertTrue(codes.contains(code), "\(e.file): \(code) expected, got \(codes.sorted())") }
            let errors = findings.filter { $0.severity == .error }
            if e.outcome == "refused" {
                XCTAssertFalse(errors.isEmpty, "\(e.file) must be refused")
                continue
            }
            XCTAssertEqual(errors.map { "\($0.code) \($0.cell ?? "") \($0.message)" }, [], e.file)
            XCTAssertEqual(s.unit?.code, e.unit, e.file)
            XCTAssertEqual(s.period?.description, e.period, e.file)
            // Every value meant is read, as meant.
            var read: [String: [String: ReportedValue]] = [:]
            for row in s.rows { for (k, v) in row.values where v.value != .empty { read[row.indicator!.code, default: [:]][k] = v.value } }
            for (code, cols) in e.values {
                for (col, meant) in cols {
                    let got = read[code]?[col]
                    switch (meant.reported, got) {
                    case (.number(let a)?, .number(let b)?):
                        XCTAssertEqual(a, b, accuracy: max(1e-9, abs(a) * 1e-12), "\(e.file) \(code) \(col)")
                    default:
                        XCTAssertEqual(got, meant.reported, "\(e.file) \(code) \(col): meant \(meant)")
                    }
                }
            }
            // And nothing else.
            for (code, cols) in read { for col in cols.keys where e.values[code]?[col] == nil { XCTFail("\(e.file): \(code) \(col) read but not meant") } }
        }
        return programs
    }
}
