import Foundation
import XCTest
import SheetIO
@testable import TongHop
import TestSupport

/// Locating the header reads each row's texts in one pass (``TableHeader/rowTexts``);
/// it must give what reading each cell on its own gives (``TableHeader/headerText``),
/// merges included, on the files officers and other programs make.
final class HeaderTextTests: XCTestCase {
    func testARowReadInOnePassEqualsItsCellsReadOneByOne() throws {
        let roots = ["fixtures", "Tests/Corpus"].map { TestSupport.packageRoot.appendingPathComponent($0) }
        var sheets = 0, merged = 0
        for root in roots {
            let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
            for f in files where [".xlsx", ".xls", ".csv"].contains(where: f.hasSuffix) {
                guard let doc = try? SpreadsheetDocument(path: root.appendingPathComponent(f).path) else { continue }
                for i in doc.sheets.indices {
                    guard let sheet = try? doc.readSheet(i, maxRows: 80) else { continue }
                    sheets += 1
                    if !sheet.mergedRanges.isEmpty { merged += 1 }
                    let width = min(60, sheet.rows.map { $0.cells.last?.column ?? 0 }.max() ?? 0) + 1
                    let last = sheet.rows.prefix(40).last?.index ?? 0
                    let merges = sheet.mergedRanges.filter { $0.first.row <= last }
                    for r in -1...last {
                        let oneByOne = (0..<width).map { TableHeader.headerText(sheet, r, $0) }
                        XCTAssertEqual(TableHeader.rowTexts(sheet, r, width: width, merges: merges), oneByOne, "\(f) sheet \(i) row \(r)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(sheets, 200)
        XCTAssertGreaterThan(merged, 50)
    }
}

/// The header search first asks of each cell only whether it is a code or name header
/// (``HeaderMatcher/isCodeOrName(_:)``); that must be exactly whether its full role is
/// `.code` or `.name`, for every template, on every text of the files' first rows.
final class CodeOrNameTests: XCTestCase {
    func testEqualToTheFullRoleOnEveryHeaderAndTitleText() throws {
        let root = TestSupport.packageRoot
        var texts = Set<String>(["Mã", "Mã số", "MÃ SỐ", "Chỉ tiêu", "Tên chỉ tiêu", "Nội dung", "Mã số quý I", "Mã ………", "Ma so chi tieu",
                                 "Chỉ tiêu 6 tháng đầu năm 2024", "STT", "ĐVT", "Ghi chú", "", " ", "Mã chỉ tiêu (1)", "Chỉ tiêu chủ yếu"])
        for dir in ["fixtures", "Tests/Corpus"] {
            let base = root.appendingPathComponent(dir)
            for f in FileManager.default.enumerator(atPath: base.path)?.compactMap({ $0 as? String }) ?? [] where [".xlsx", ".csv"].contains(where: f.hasSuffix) {
                guard let doc = try? SpreadsheetDocument(path: base.appendingPathComponent(f).path) else { continue }
                for i in doc.sheets.indices {
                    guard let sheet = try? doc.readSheet(i, maxRows: 40) else { continue }
                    for r in sheet.rows { for c in r.cells { if let t = c.value.text { texts.insert(t) } } }
                }
            }
        }
        let templates = try ["lai-chau-ktxh.yaml", "thanh-hoa-ktxh.yaml"].map { try Template.load(path: root.appendingPathComponent("templates/\($0)").path) }
        var yes = 0
        for t in templates {
            let m = HeaderMatcher(template: t)
            for text in texts {
                let role = m.role(of: text)
                XCTAssertEqual(HeaderMatcher.isCodeOrName(text), role == .code || role == .name, text)
                if role == .code || role == .name { yes += 1 }
            }
        }
        XCTAssertGreaterThan(texts.count, 1_000)
        XCTAssertGreaterThan(yes, 20)
    }
}

/// Files read ahead while the template loads (``ReadAhead``) are checked exactly as files
/// read when their turn comes: the same submissions and findings, in both languages.
final class ReadAheadTests: XCTestCase {
    func testAFileReadAheadIsCheckedAsAFileReadInItsTurn() throws {
        let root = TestSupport.packageRoot.appendingPathComponent("fixtures")
        var paths: [String] = []
        for dir in ["officer", "submissions", "broken", "csv", "handmade", "thanh-hoa"] {
            let d = root.appendingPathComponent(dir)
            for f in (try? FileManager.default.contentsOfDirectory(atPath: d.path))?.sorted() ?? []
            where [".xlsx", ".xls", ".csv"].contains(where: f.hasSuffix) { paths.append(d.appendingPathComponent(f).path) }
        }
        XCTAssertGreaterThan(paths.count, 40)
        let template = try Template.load(path: TestSupport.packageRoot.appendingPathComponent("templates/lai-chau-ktxh.yaml").path)
        let reader = SubmissionReader(library: TemplateLibrary(directory: TestSupport.packageRoot.appendingPathComponent("templates").path), template: template)
        let ahead = ReadAhead(paths: paths, reader: SubmissionReader(library: reader.library), limit: paths.count)
        // Wait for the whole list (the batch would stop it at its start).
        while ahead.pending > 0 { usleep(2_000) }
        ahead.stop()
        var used = 0
        for p in paths {
            guard let doc = ahead.take(p, for: reader) else { continue }
            used += 1
            XCTAssertNil(ahead.take(p, for: reader), "handed out once")
            let a = BatchCheck.check(p, reader: reader, keepSheets: false, document: doc).1
            let b = BatchCheck.check(p, reader: reader, keepSheets: false).1
            XCTAssertEqual(a.count, b.count, p)
            for ((sa, fa), (sb, fb)) in zip(a, b) {
                XCTAssertEqual(sa.unit?.code, sb.unit?.code, p)
                XCTAssertEqual(sa.period, sb.period, p)
                XCTAssertEqual(sa.rows.count, sb.rows.count, p)
                XCTAssertEqual(fa.map { "\($0.code) \($0.cell ?? "") \($0.message) | \($0.messageEN)" },
                               fb.map { "\($0.code) \($0.cell ?? "") \($0.message) | \($0.messageEN)" }, p)
            }
        }
        // Workbooks were read ahead; CSV, .xls and damaged files were left for their turn.
        XCTAssertGreaterThan(used, 20)
        XCTAssertLessThan(used, paths.count)
        // A reader with other limits never takes a document read under the defaults.
        let other = ReadAhead(paths: paths, reader: SubmissionReader(library: reader.library), limit: 4)
        while other.pending > 0 { usleep(2_000) }
        var strict = reader
        strict.limits.maxFileBytes = 1 << 20
        XCTAssertTrue(paths.prefix(4).allSatisfy { other.take($0, for: strict) == nil })
    }
}
