import Foundation
import XCTest
import TestSupport

/// Issue 26: every paper rendered by LibreOffice (summary complete and partial, blank form,
/// annotated copy; Vietnamese and English) and checked for what a machine can see: no line
/// of text printed over another (wrapped text taller than its row runs over the rows around
/// it), every page of a partial paper marked, no sheet printed below 60 %, no Vietnamese
/// fixed label on an English paper, no province verdict on partial data. The PDFs and a
/// PNG of every page are kept in .build/test-artefacts/papers/ to look at.
final class PaperRenderTests: XCTestCase, TonghopCLI {
    static let artefacts = TestSupport.packageRoot.appendingPathComponent(".build/test-artefacts/papers")
    /// Paper name → PDF path, rendered once for the class.
    nonisolated(unsafe) static var pdfs: [String: String] = [:]
    nonisolated(unsafe) static var books: [String: String] = [:]
    nonisolated(unsafe) static var renderError: String?

    static let papers = ["summary-full", "summary-partial", "summary-partial-en", "form", "form-en", "annotated", "annotated-en", "summary-6t", "summary-6t-en", "annotated-xls-en"]

    override class func setUp() {
        super.setUp()
        do { try renderAll() } catch { renderError = "\(error)" }
    }

    static func renderAll() throws {
        let dir = artefacts
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let root = TestSupport.packageRoot
        func tonghop(_ args: [String]) throws -> TestSupport.ProcessResult { try TestSupport.run(TestSupport.tonghop, args, cwd: root) }
        let full = dir.appendingPathComponent("full.db").path, part = dir.appendingPathComponent("partial.db").path
        _ = try tonghop(["import", "fixtures/submissions/2024", "--db", full])
        let three = ["105-thanh-pho-lai-chau", "106-tam-duong", "12-KT-khoi-tinh"].map { "fixtures/submissions/2024/lai-chau-ktxh_\($0)_2024.xlsx" }
        _ = try tonghop(["import"] + three + ["--db", part])
        func book(_ name: String) -> String { dir.appendingPathComponent("\(name).xlsx").path }
        _ = try tonghop(["summary", "--db", full, "--period", "2024", "-o", book("summary-full")])
        _ = try tonghop(["summary", "--db", part, "--period", "2024", "-o", book("summary-partial")])
        _ = try tonghop(["summary", "--db", part, "--period", "2024", "-o", book("summary-partial-en"), "--lang", "en"])
        // A 6-month summary with a year before it: the year-end sheet and the "Diễn biến"
        // charts (2025-6T filled from the 2024-6T figures, by the tests' openpyxl filler).
        let six = dir.appendingPathComponent("six.db").path
        _ = try tonghop(["import", "fixtures/submissions/2024", "fixtures/submissions/2024-6T", "--db", six])
        _ = try tonghop(["form", "lai-chau-ktxh", "--all", "--period", "2025-6T", "-o", dir.appendingPathComponent("blank-2025-6T").path])
        let fill = try TestSupport.python([TestSupport.support.appendingPathComponent("fill_forms.py").path, dir.appendingPathComponent("blank-2025-6T").path,
                                           dir.appendingPathComponent("filled-2025-6T").path, "2024-6T"])
        guard fill.status == 0 else { renderError = "fill_forms.py: \(fill.stderr)"; return }
        _ = try tonghop(["import", dir.appendingPathComponent("filled-2025-6T").path, "--db", six])
        _ = try tonghop(["summary", "--db", six, "--period", "2025-6T", "-o", book("summary-6t")])
        _ = try tonghop(["summary", "--db", six, "--period", "2025-6T", "-o", book("summary-6t-en"), "--lang", "en"])
        _ = try tonghop(["form", "lai-chau-ktxh", "--unit", "107", "--period", "2024", "-o", book("form")])
        _ = try tonghop(["form", "lai-chau-ktxh", "--unit", "107", "--period", "2024", "-o", book("form-en"), "--lang", "en"])
        _ = try tonghop(["validate", "fixtures/broken/rule-communes-meeting-standard.xlsx", "--annotate", book("annotated")])
        _ = try tonghop(["validate", "fixtures/broken/rule-communes-meeting-standard.xlsx", "--annotate", book("annotated-en"), "--lang", "en"])
        // An .xls from an officer: the copy is rebuilt (not annotated in place).
        _ = try tonghop(["validate", "fixtures/officer2/BC 6T 2024 Muong Te.xls", "--annotate", book("annotated-xls-en"), "--lang", "en"])
        // One LibreOffice run for all seven (a start is most of the time).
        let lo = try TestSupport.run("timeout", ["300", "soffice", "--headless", "-env:UserInstallation=file://\(dir.path)/lo-profile",
                                                 "--convert-to", "pdf", "--outdir", dir.path] + papers.map(book))
        guard lo.status == 0 else { renderError = "LibreOffice is needed (make test installs it): \(lo.stderr)"; return }
        for p in papers {
            books[p] = book(p)
            pdfs[p] = dir.appendingPathComponent("\(p).pdf").path
            // Every page as a small PNG, to look at.
            _ = try TestSupport.run("pdftoppm", ["-r", "40", "-png", pdfs[p]!, dir.appendingPathComponent(p).path])
        }
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("lo-profile"))
    }

    override func setUpWithError() throws {
        if let e = Self.renderError { XCTFail(e); throw XCTSkip(e) }
    }

    // MARK: The text layer

    struct Line { var page: Int; var text: String; var x0, y0, x1, y1: Double }

    /// Words with their boxes, page by page (pdftotext -bbox-layout): a word is in one
    /// cell, where a "line" may join cells of a row.
    func words(_ paper: String) throws -> [[Line]] {
        let out = Self.artefacts.appendingPathComponent("\(paper)-bbox.html").path
        XCTAssertEqual(try TestSupport.run("pdftotext", ["-bbox-layout", Self.pdfs[paper]!, out]).status, 0)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        func attr(_ s: Substring, _ n: String) -> Double {
            guard let r = s.range(of: " \(n)=\"") else { return 0 }
            return Double(s[r.upperBound...].prefix { $0 != "\"" }) ?? 0
        }
        return html.components(separatedBy: "<page ").dropFirst().enumerated().map { (n, page) in
            page.components(separatedBy: "<word ").dropFirst().map { w in
                let s = Substring(" " + w)
                let text = w.split(separator: ">", maxSplits: 1).dropFirst().first?.split(separator: "<").first.map(String.init) ?? ""
                return Line(page: n + 1, text: text, x0: attr(s, "xMin"), y0: attr(s, "yMin"), x1: attr(s, "xMax"), y1: attr(s, "yMax"))
            }
        }
    }

    /// Lines of text with their boxes, page by page (pdftotext -bbox-layout).
    func lines(_ paper: String) throws -> [[Line]] {
        let out = Self.artefacts.appendingPathComponent("\(paper)-bbox.html").path
        XCTAssertEqual(try TestSupport.run("pdftotext", ["-bbox-layout", Self.pdfs[paper]!, out]).status, 0)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        func attr(_ s: Substring, _ n: String) -> Double {
            guard let r = s.range(of: " \(n)=\"") else { return 0 }
            return Double(s[r.upperBound...].prefix { $0 != "\"" }) ?? 0
        }
        return html.components(separatedBy: "<page ").dropFirst().enumerated().map { (n, page) in
            page.components(separatedBy: "<line ").dropFirst().map { l in
                let s = Substring(" " + l)
                let words = l.components(separatedBy: "<word ").dropFirst().compactMap { w in
                    w.split(separator: ">", maxSplits: 1).dropFirst().first?.split(separator: "<").first.map(String.init)
                }
                return Line(page: n + 1, text: words.joined(separator: " "), x0: attr(s, "xMin"), y0: attr(s, "yMin"), x1: attr(s, "xMax"), y1: attr(s, "yMax"))
            }
        }
    }

    func pageTexts(_ paper: String) throws -> [String] {
        try lines(paper).map { $0.map(\.text).joined(separator: "\n") }
    }

    // MARK: Tests

    /// Wrapped text taller than its row prints over the rows above and below it: two
    /// words whose boxes overlap (across, and by more than a third of a line down). Rows
    /// sized from their text leave none.
    func testNoTextIsPrintedOverOtherText() throws {
        for paper in ["summary-full", "summary-partial", "summary-partial-en", "form", "form-en", "annotated-en", "summary-6t", "summary-6t-en", "annotated-xls-en"] {
            var clashes: [String] = []
            // The annotated copy: the officer's own sheets are the officer's; the findings page is ours.
            let pages = try words(paper)
            for page in paper.hasPrefix("annotated") ? Array(pages.suffix(1)) : pages {
                for (i, a) in page.enumerated() {
                    for b in page[(i + 1)...] {
                        let across = min(a.x1, b.x1) - max(a.x0, b.x0)
                        let down = min(a.y1, b.y1) - max(a.y0, b.y0)
                        if across > 1, down > 0.35 * min(a.y1 - a.y0, b.y1 - b.y0) {
                            clashes.append("p\(a.page): «\(a.text.prefix(40))» over «\(b.text.prefix(40))»")
                        }
                    }
                }
            }
            XCTAssertEqual(clashes, [], "\(paper): text printed over text (see \(Self.artefacts.path))")
        }
    }

    func testEveryPageOfAPartialPaperCarriesTheMark() throws {
        for (paper, mark) in [("summary-partial", "SỐ LIỆU CHƯA ĐẦY ĐỦ"), ("summary-partial-en", "INCOMPLETE DATA")] {
            let pages = try pageTexts(paper)
            XCTAssertGreaterThan(pages.count, 3)
            for (n, text) in pages.enumerated() {
                XCTAssertTrue(text.contains(mark), "\(paper) page \(n + 1) carries no mark")
            }
            // The missing units named inside the print area (page 1, under the banner).
            XCTAssertTrue(pages[0].contains("Mường Tè") && pages[0].contains("Nậm Nhùn"), "\(paper): the missing units are not named on page 1")
        }
        for (n, text) in try pageTexts("summary-full").enumerated() {
            XCTAssertFalse(text.contains("CHƯA ĐẦY ĐỦ"), "complete data marked partial on page \(n + 1)")
        }
    }

    /// The Chấm điểm sheet follows the summary sheet: no province verdict on partial data.
    func testNoProvinceVerdictOnPartialDataInTheScorecard() throws {
        let partial = try pageTexts("summary-partial").joined(separator: "\n")
        let card = partial.components(separatedBy: "KẾT QUẢ THỰC HIỆN KẾ HOẠCH THEO ĐƠN VỊ").dropFirst().joined()
        XCTAssertFalse(card.isEmpty, "the scorecard is printed")
        XCTAssertFalse(card.contains("Toàn tỉnh: 2"), "a province verdict on partial data")
        XCTAssertNil(card.range(of: #"Toàn tỉnh: \d+/\d+ chỉ tiêu"#, options: .regularExpression), "a province verdict on partial data")
        XCTAssertTrue(card.contains("Toàn tỉnh: chưa đánh giá"), String(card.prefix(400)))
        let english = try pageTexts("summary-partial-en").joined(separator: "\n")
        XCTAssertTrue(english.contains("Province: not assessed"), "the English scorecard")
        XCTAssertNil(english.range(of: #"Province: \d+ ?/ ?\d+"#, options: .regularExpression))
        let full = try pageTexts("summary-full").joined(separator: "\n")
        XCTAssertNotNil(full.range(of: #"Toàn tỉnh: \d+/\d+ chỉ tiêu đạt và vượt kế hoạch"#, options: .regularExpression), "complete data is judged")
        // A complete report never says its data is incomplete (a plan written as a bound).
        XCTAssertFalse(full.contains("Chưa đủ số liệu"), "'Chưa đủ số liệu' on a complete report")
    }

    /// Every sheet of every paper prints at 60 % or more (as written: fit to the page width
    /// over the printed columns, or the scale), and pages show text of a readable size.
    func testNoPageBelowSixtyPercent() throws {
        for paper in ["summary-full", "summary-partial-en", "form", "form-en", "annotated", "summary-6t", "annotated-xls-en"] {
            let r = try TestSupport.python([TestSupport.support.appendingPathComponent("paper_setup.py").path, Self.books[paper]!])
            XCTAssertEqual(r.status, 0, r.stderr)
            let sheets = (try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any])["sheets"] as! [[String: Any]]
            for s in sheets where s["state"] as? String == "visible" {
                let name = s["name"] as! String
                // The annotated copy: only the findings sheet is ours.
                if paper.hasPrefix("annotated") && !name.hasPrefix("Kết quả kiểm tra") && !name.hasPrefix("Check results") { continue }
                XCTAssertGreaterThanOrEqual(s["scale"] as! Double, 0.6, "\(paper) › \(name) prints at \(s["scale"]!)")
                XCTAssertEqual(s["margin_left_mm"] as! Double, 31, accuracy: 1.5, "\(paper) › \(name): left margin (Nghị định 30: 30–35 mm)")
                XCTAssertEqual(s["margin_right_mm"] as! Double, 18, accuracy: 1.5, "\(paper) › \(name): right margin (15–20 mm)")
            }
        }
        for paper in ["summary-full", "form"] {
            for (n, page) in try lines(paper).enumerated() where page.count > 20 {
                let h = page.map { $0.y1 - $0.y0 }.sorted()[page.count / 2]
                XCTAssertGreaterThanOrEqual(h, 11 * 0.6, "\(paper) page \(n + 1): median line height \(h) pt")
            }
        }
    }

    /// Item 10: the summary's and the form's own page breaks. No page of Tổng hợp (or of the form) ends with a group
    /// heading, none is only the repeated header, and the signature block has at least
    /// three rows of the table on its page.
    func testPageBreaksKeepHeadingsAndTheSignatureWithRows() throws {
        let groups = ["SỐ LIỆU CƠ SỞ", "KINH TẾ", "NÔNG THÔN MỚI", "XÃ HỘI"]
        for paper in ["summary-full", "summary-partial", "form"] {
            let pages = try words(paper)
            let sig = try XCTUnwrap(pages.firstIndex { $0.contains { $0.text == "LẬP" } }, "\(paper): no signature block")
            for n in 0...sig {
                let page = pages[n]
                let codes = page.filter { $0.text.range(of: #"^[A-Z]{2}\d{2}$"#, options: .regularExpression) != nil }
                XCTAssertFalse(codes.isEmpty, "\(paper) page \(n + 1): the header with no rows under it")
                guard n < sig, let bottom = page.map(\.y0).max() else { continue }
                let lastLine = page.filter { abs($0.y0 - bottom) < 2 }.sorted { $0.x0 < $1.x0 }.map(\.text).joined(separator: " ")
                XCTAssertFalse(groups.contains { lastLine.hasSuffix($0) }, "\(paper) page \(n + 1) ends with the heading «\(lastLine)»")
            }
            // The width fits: the page after the signature is the next sheet's, not the
            // table's last columns on pages of their own.
            let next = pages[sig + 1].map(\.text).joined(separator: " ")
            XCTAssertTrue(next.contains(paper == "form" ? "HƯỚNG DẪN" : "SỐ LIỆU CỦA CÁC ĐƠN VỊ"), "\(paper) page \(sig + 2): «\(next.prefix(120))»")
            let signY = pages[sig].first { $0.text == "LẬP" }!.y0
            let rowsWithSignature = pages[sig].filter { $0.y0 < signY && $0.text.range(of: #"^[A-Z]{2}\d{2}$"#, options: .regularExpression) != nil }
            XCTAssertGreaterThanOrEqual(rowsWithSignature.count, 3, "\(paper): the signature with \(rowsWithSignature.count) rows")
        }
    }

    /// The 6-month summary prints its year-end sheet and its "Diễn biến" table, then the
    /// charts four to a page, each titled with its indicator's name (no chart is cut by a
    /// page break: a chart's title and its axis labels are on one page).
    func testTheYearEndSheetAndTheTrendChartsArePrinted() throws {
        for (paper, yearEnd, trends) in [("summary-6t", "ƯỚC THỰC HIỆN CẢ NĂM 2025", "DIỄN BIẾN CÁC CHỈ TIÊU CHỦ YẾU"),
                                         ("summary-6t-en", "YEAR-END ESTIMATE FOR 2025", "HEADLINE INDICATORS OF THE PROVINCE OVER TIME")] {
            let pages = try pageTexts(paper)
            XCTAssertNotNil(pages.firstIndex { $0.contains(yearEnd) }, "\(paper): no year-end sheet printed")
            let t = try XCTUnwrap(pages.firstIndex { $0.contains(trends) }, "\(paper): no Diễn biến sheet printed")
            // The charts: the three pages after the table, each with four titles and axis labels.
            let charts = pages[(t + 1)...].prefix(3)
            XCTAssertEqual(charts.count, 3)
            for (k, page) in charts.enumerated() {
                let periods = page.components(separatedBy: "2024").count - 1
                XCTAssertGreaterThanOrEqual(periods, 4, "\(paper) chart page \(k + 1): four charts, each with its periods\n\(page)")
            }
            let text = charts.joined(separator: "\n").replacingOccurrences(of: "\n", with: " ")
            for name in ["Giá trị sản xuất", "Thu ngân sách nhà nước", "Tỷ lệ hộ nghèo", "Số bác sĩ/vạn dân"] {
                XCTAssertTrue(text.contains(name), "\(paper): no chart titled «\(name)»")
            }
        }
    }

    /// English papers carry no Vietnamese fixed label (the template's own texts, indicator
    /// names and units, stay as written).
    func testEnglishPapersHaveNoVietnameseFixedLabels() throws {
        let labels = ["CỘNG HÒA", "Độc lập", "tháng", "Chỉ tiêu", "Đơn vị", "Toàn tỉnh", "Đánh giá", "Chưa đạt", "Ghi chú", "Nơi nhận", "Ký, ghi rõ",
                      "SỐ LIỆU CHƯA", "SỐ LIỆU CÁC ĐƠN VỊ", "Trang ", "Xếp hạng", "Kế hoạch năm", "Ước thực hiện", "Thực hiện năm", "HƯỚNG DẪN", "Nội dung", "Cảnh báo", "KẾT QUẢ",
                      "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG", "Kỳ báo cáo", "ĐVT", "Mã ĐV", "Hạn nộp", "Chưa nộp", "Lỗi", "Giá trị đã ghi", "HỢP LỆ"]
        var english: [String: String] = [:]
        english["summary-partial-en"] = try pageTexts("summary-partial-en").joined(separator: "\n")
        english["form-en"] = try pageTexts("form-en").joined(separator: "\n")
        english["summary-6t-en"] = try pageTexts("summary-6t-en").joined(separator: "\n")
        // The annotated copy: the officer's own sheet is Vietnamese; the findings page is ours.
        english["annotated-en"] = try pageTexts("annotated-en").last ?? ""
        english["annotated-xls-en"] = try pageTexts("annotated-xls-en").last ?? ""
        for (paper, text) in english {
            XCTAssertGreaterThan(text.count, 200, paper)
            for label in labels { XCTAssertFalse(text.contains(label), "\(paper) prints the Vietnamese label «\(label)»") }
        }
        XCTAssertTrue(english["form-en"]!.contains("HOW TO FILL IN THE FORM"))
        XCTAssertTrue(english["annotated-en"]!.contains("CHECKED COPY"))
        XCTAssertTrue(english["summary-partial-en"]!.contains("SOCIALIST REPUBLIC OF VIET NAM"))
        // Its sheets are named in English too, and its formulas follow them.
        let tabs = try TestSupport.python(["-c", "import openpyxl, sys; print('|'.join(openpyxl.load_workbook(sys.argv[1]).sheetnames))", Self.books["summary-6t-en"]!])
        XCTAssertEqual(tabs.out.trimmingCharacters(in: .whitespacesAndNewlines),
                       "Summary|Unit figures|Printable by unit|Scorecard|Year-end estimate|Trends|Findings|Submissions")
        let recalculated = Self.artefacts.appendingPathComponent("recalc-en")
        let lo = try TestSupport.run(TestSupport.packageRoot.appendingPathComponent("scripts/lo-recalc").path, [Self.books["summary-6t-en"]!, recalculated.path])
        XCTAssertEqual(lo.status, 0, lo.stderr)
        let cmp = try TestSupport.python([TestSupport.support.appendingPathComponent("compare_recalc.py").path, Self.books["summary-6t-en"]!,
                                          recalculated.appendingPathComponent("summary-6t-en.xlsx").path])
        let c = try JSONSerialization.jsonObject(with: cmp.stdout) as! [String: Any]
        XCTAssertGreaterThan(c["formulas"] as! Int, 1000)
        XCTAssertEqual(c["mismatch_count"] as? Int, 0, "formulas over the English sheet names: \(c["mismatches"]!)")
        // The English form still reads back as the form it is.
        let r = try tonghop(["validate", Self.books["form-en"]!, "--format", "json"])
        let file = ((try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any])["files"] as! [[String: Any]])[0]
        XCTAssertEqual(file["unit"] as? String, "107")
        XCTAssertEqual(file["template"] as? String, "lai-chau-ktxh")
        let vi = try tonghop(["validate", Self.books["form"]!, "--format", "json"])
        let viFile = ((try JSONSerialization.jsonObject(with: vi.stdout) as! [String: Any])["files"] as! [[String: Any]])[0]
        XCTAssertEqual((file["counts"] as? [String: Int]), (viFile["counts"] as? [String: Int]), "the English form reads as the Vietnamese one")
    }

    /// Nghị định 30's elements on the summary: the number line, the motto, the date left
    /// blank, the recipients, a line for the signer's name; the page number at the top.
    func testTheSummaryCarriesTheDecreeElements() throws {
        let pages = try pageTexts("summary-full")
        let first = pages[0]
        for text in ["Số:", "/BC-STC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Lai Châu, ngày … tháng … năm …"] {
            XCTAssertTrue(first.contains(text), "«\(text)» not on page 1")
        }
        let all = pages.joined(separator: "\n")
        XCTAssertTrue(all.contains("Nơi nhận:"))
        XCTAssertTrue(all.contains("- Lưu: VT."))
        XCTAssertTrue(all.contains("………………"), "a line for the signer's name")
        XCTAssertNil(all.range(of: #"Trang \d"#, options: .regularExpression), "the page number is a bare number at the top")
        // The page number is the top line of page 2.
        let page2 = try lines("summary-full")[1].sorted { $0.y0 < $1.y0 }
        XCTAssertEqual(page2.first?.text.trimmingCharacters(in: .whitespaces), "2")
    }
}
