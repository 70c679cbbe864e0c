import Foundation
import XCTest
import TestSupport

/// The summary as the official paper it replaces (issue 11): agency lines, motto, place
/// and date, signature block, readable when printed (rendered by LibreOffice to PDF);
/// incomplete data never looks final; the province part is never ranked.
final class OfficialPaperTests: XCTestCase, TonghopCLI {
    let root = TestSupport.packageRoot

    func testTheSummaryPrintsAsAnOfficialPaperAtAReadableSize() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path, book = dir.appendingPathComponent("tong-hop.xlsx").path
        XCTAssertEqual(try tonghop(["import", "fixtures/submissions/2024", "--db", db]).status, 0)
        XCTAssertEqual(try tonghop(["summary", "--db", db, "--period", "2024", "-o", book]).status, 0)
        let lo = try TestSupport.run("timeout", ["180", "soffice", "--headless", "-env:UserInstallation=file://\(dir.path)/lo-profile",
                                                 "--convert-to", "pdf", "--outdir", dir.path, book])
        XCTAssertEqual(lo.status, 0, "LibreOffice is needed (make test installs it): \(lo.stderr)")
        let pdf = dir.appendingPathComponent("tong-hop.pdf").path
        let info = try TestSupport.run("pdfinfo", [pdf])
        let pages = Int(info.out.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
        XCTAssertGreaterThan(pages, 1)
        // 34 pages on 2026-12-06: rows as tall as their wrapped text really prints (the
        // estimate was a line short on long messages), the summary's signature block kept
        // with rows of the table on its own third page. A sheet printed at 1 pt or a table
        // across twice the pages still fails.
        XCTAssertLessThanOrEqual(pages, 36, "the whole workbook in a few A4 pages (the printable unit table: 6 pages a block, rows as tall as their wrapped names)")
        // Page 1: the official head, the table at a readable size (11 pt text scaled ≥ 60 %).
        let bbox = dir.appendingPathComponent("p1.html").path
        XCTAssertEqual(try TestSupport.run("pdftotext", ["-bbox-layout", "-f", "1", "-l", "1", pdf, bbox]).status, 0)
        let html = try String(contentsOfFile: bbox, encoding: .utf8)
        let heights = html.split(separator: "<word ").dropFirst().compactMap { w -> Double? in
            func attr(_ n: String) -> Double? {
                guard let r = w.range(of: "\(n)=\"") else { return nil }
                return Double(w[r.upperBound...].prefix { $0 != "\"" })
            }
            guard let a = attr("yMin"), let b = attr("yMax") else { return nil }
            return b - a
        }.sorted()
        XCTAssertGreaterThan(heights.count, 200)
        XCTAssertGreaterThanOrEqual(heights[heights.count / 2], 11 * 0.6, "median word height on page 1")
        // The printable unit table prints at full size, the province total in each block.
        let tablePage = try XCTUnwrap((1...pages).first { p in
            (try? TestSupport.run("pdftotext", ["-layout", "-f", String(p), "-l", String(p), pdf, "-"]).out.contains("SỐ LIỆU CÁC ĐƠN VỊ THEO CHỈ TIÊU")) ?? false
        })
        XCTAssertEqual(try TestSupport.run("pdftotext", ["-bbox-layout", "-f", String(tablePage), "-l", String(tablePage), pdf, bbox]).status, 0)
        let tableHeights = try String(contentsOfFile: bbox, encoding: .utf8).split(separator: "<word ").dropFirst().compactMap { w -> Double? in
            guard let a = w.range(of: "yMin=\""), let b = w.range(of: "yMax=\"") else { return nil }
            return Double(w[b.upperBound...].prefix { $0 != "\"" })! - Double(w[a.upperBound...].prefix { $0 != "\"" })!
        }.sorted()
        XCTAssertGreaterThanOrEqual(tableHeights[tableHeights.count / 2], 11 * 0.6, "median word height on the printable unit table")
        let text = try TestSupport.run("pdftotext", ["-layout", pdf, "-"]).out
        for line in ["UBND TỈNH LAI CHÂU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Lai Châu, ngày", "NGƯỜI LẬP BIỂU", "PHÓ GIÁM ĐỐC"] {
            XCTAssertTrue(text.contains(line), "\(line) not printed")
        }
        XCTAssertFalse(text.contains("Cách tổng hợp"), "the method column is not printed")
        XCTAssertFalse(text.contains("tonghop"), "no tool name on paper")
    }

    func testIncompleteDataIsVisibleAndTheProvincePartIsNotRanked() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path, book = dir.appendingPathComponent("partial.xlsx").path
        let three = ["105-thanh-pho-lai-chau", "106-tam-duong", "12-KT-khoi-tinh"].map { "fixtures/submissions/2024/lai-chau-ktxh_\($0)_2024.xlsx" }
        XCTAssertEqual(try tonghop(["import"] + three + ["--db", db]).status, 0)
        XCTAssertEqual(try tonghop(["summary", "--db", db, "--period", "2024", "-o", book]).status, 0)
        let inspect = try TestSupport.python([root.appendingPathComponent("Tests/Support/openpyxl_inspect.py").path, book])
        let sheets = (try JSONSerialization.jsonObject(with: inspect.stdout) as! [String: Any])["sheets"] as! [[String: Any]]
        let cells = sheets[0]["cells"] as! [String: [String: Any]]
        let texts = cells.values.compactMap { $0["cached"] as? String ?? $0["value"] as? String }
        XCTAssertTrue(texts.contains { $0.hasPrefix("SỐ LIỆU CHƯA ĐẦY ĐỦ — 3/9 đơn vị") }, "the banner")
        XCTAssertFalse(texts.contains { $0.contains("chỉ tiêu đạt và vượt kế hoạch") }, "no province verdict on partial data")
        let judge = cells.first { $0.value["value"] as? String == "Đánh giá" }!.key.filter(\.isLetter)
        let coverage = cells.first { $0.value["value"] as? String == "Đơn vị báo cáo" }!.key.filter(\.isLetter)
        var partialVerdicts = 0, withheld = 0
        for (ref, c) in cells where ref.filter(\.isLetter) == judge && Int(ref.filter(\.isNumber))! > 9 {
            let verdict = c["cached"] as? String ?? c["value"] as? String ?? ""
            let cov = cells[coverage + ref.filter(\.isNumber)]?["value"] as? String ?? ""
            let parts = cov.split(separator: " ").first?.split(separator: "/").compactMap { Int($0) } ?? []
            let partial = parts.count == 2 && parts[0] < parts[1]
            if verdict == "Chưa đủ số liệu" { withheld += 1 }
            if partial && (verdict == "Đạt" || verdict == "Chưa đạt") { partialVerdicts += 1 }
        }
        XCTAssertGreaterThan(withheld, 10)
        XCTAssertEqual(partialVerdicts, 0, "a verdict on a partial figure")
        // Scorecard: the province part apart, unranked; the province not assessed.
        let sc = try tonghop(["scorecard", "--db", db, "--period", "2024"])
        XCTAssertTrue(sc.out.contains("Toàn tỉnh: chưa đánh giá, số liệu chưa đầy đủ (3/9 đơn vị)"), sc.out)
        XCTAssertTrue(sc.out.contains("— Khối tỉnh"), sc.out)
        let json = try JSONSerialization.jsonObject(with: try tonghop(["scorecard", "--db", db, "--period", "2024", "--format", "json"]).stdout) as! [String: Any]
        let cards = json["units"] as? [[String: Any]] ?? json["scorecards"] as? [[String: Any]] ?? []
        XCTAssertEqual(cards.first { $0["unit"] as? String == "12-KT" }?["rank"] as? Int, 0)
        XCTAssertEqual(Set(cards.compactMap { $0["rank"] as? Int }.filter { $0 > 0 }), [1, 2])
    }

    func testMessagesSayWhatHappenedAndRefuseWhatCannotBeDone() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        XCTAssertEqual(try tonghop(["import", "fixtures/submissions/2024", "--db", db]).status, 0)
        // An extension we do not write is an error, not an XLSX named .pdf.
        var r = try tonghop(["summary", "--db", db, "-o", dir.appendingPathComponent("out.pdf").path, "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("cannot write a .pdf file"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.pdf").path))
        // The format follows the extension; the CSV is for Excel in vi-VN; the file is named on stderr.
        let csv = dir.appendingPathComponent("tong-hop.csv").path
        r = try tonghop(["summary", "--db", db, "-o", csv, "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "Wrote: \(csv)\n")
        XCTAssertEqual(r.out, "")
        let bytes = [UInt8](FileManager.default.contents(atPath: csv)!)
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let kt08 = text.split(separator: "\r\n").first { $0.hasPrefix("KT08;") }!
        XCTAssertTrue(kt08.contains(";"), String(kt08))
        XCTAssertNotNil(kt08.range(of: #";\d+,\d;"#, options: .regularExpression), "forest cover rounded to 1 decimal with a comma: \(kt08)")
        r = try tonghop(["summary", "--db", db, "--format", "csv", "--raw"])
        XCTAssertTrue(r.out.hasPrefix("Mã,Chỉ tiêu,"), String(r.out.prefix(40)))
        // A period with no data names the periods the store has.
        r = try tonghop(["summary", "--db", db, "--period", "2019", "--format", "json", "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("no data for year 2019") || r.stderr.contains("no data for"), r.stderr)
        XCTAssertTrue(r.stderr.contains("it has: 2024"), r.stderr)
        // Unknown indicator codes are an error.
        r = try tonghop(["summary", "--db", db, "--format", "text", "--codes", "KT01,ZZ9", "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("has no indicator ZZ9"), r.stderr)
        // A district dissolved in 2025 gets no form for the current period.
        r = try tonghop(["form", "lai-chau-ktxh", "--unit", "107", "--period", "2026", "-o", dir.appendingPathComponent("f.xlsx").path, "--lang", "en"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("does not report for"), r.stderr)
        r = try tonghop(["form", "lai-chau-ktxh", "--unit", "107", "--period", "2024", "-o", dir.appendingPathComponent("f.xlsx").path, "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("Wrote: "), r.stderr)
    }

    func testStatusSaysAFileWasRejectedWithItsFirstErrorAndLocalTime() throws {
        let dir = try TestSupport.tempDir(self)
        let db = dir.appendingPathComponent("t.db").path
        // Mường Tè's file has an error: rejected; Lai Châu city's is imported.
        let r = try tonghop(["import", "fixtures/broken/not-a-number.xlsx", "fixtures/submissions/2024/lai-chau-ktxh_105-thanh-pho-lai-chau_2024.xlsx", "--db", db])
        XCTAssertEqual(r.status, 1)
        let text = try tonghop(["status", "--db", db, "--period", "2024"]).out
        let line = text.split(separator: "\n").first { $0.contains("107") }.map(String.init) ?? ""
        XCTAssertTrue(line.contains("TỆP BỊ TỪ CHỐI lúc "), line)
        XCTAssertTrue(line.contains("lỗi đầu: E110 G42"), line)
        XCTAssertNotNil(line.range(of: #"\d\d/\d\d/\d{4} \d\d:\d\d"#, options: .regularExpression), "local time dd/mm/yyyy HH:mm: \(line)")
        XCTAssertFalse(line.contains("CHƯA NỘP"), line)
        XCTAssertTrue(text.contains("106 Huyện Tam Đường: CHƯA NỘP"), text)
        let json = try JSONSerialization.jsonObject(with: try tonghop(["status", "--db", db, "--period", "2024", "--format", "json"]).stdout) as! [String: Any]
        let st = (json["status"] as! [[String: Any]]).first { $0["unit"] as? String == "107" }!
        XCTAssertEqual((st["rejected"] as? [String: Any])?["errors"] as? Int, 1)
        XCTAssertEqual(st["received"] as? Bool, false)
        // A corrected file later: received, the rejection no longer shown.
        XCTAssertEqual(try tonghop(["import", "fixtures/submissions/2024/lai-chau-ktxh_107-muong-te_2024.xlsx", "--db", db]).status, 0)
        let after = try tonghop(["status", "--db", db, "--period", "2024"]).out
        XCTAssertFalse(after.contains("TỆP BỊ TỪ CHỐI"), after)
    }

    /// LibreOffice renders a workbook to PDF in `dir`; returns the PDF's path and page count.
    private func render(_ book: String, _ dir: URL) throws -> (pdf: String, pages: Int) {
        let lo = try TestSupport.run("timeout", ["180", "soffice", "--headless", "-env:UserInstallation=file://\(dir.path)/lo-profile",
                                                 "--convert-to", "pdf", "--outdir", dir.path, book])
        XCTAssertEqual(lo.status, 0, "LibreOffice is needed (make test installs it): \(lo.stderr)")
        let pdf = dir.appendingPathComponent(((book as NSString).lastPathComponent as NSString).deletingPathExtension + ".pdf").path
        let info = try TestSupport.run("pdfinfo", [pdf])
        let pages = Int(info.out.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
        return (pdf, pages)
    }

    /// The words of a PDF page with their boxes (pdftotext -bbox).
    private func words(_ pdf: String, page: Int, _ dir: URL) throws -> [(text: String, x0: Double, y0: Double, x1: Double, y1: Double)] {
        let out = dir.appendingPathComponent("p\(page).html").path
        XCTAssertEqual(try TestSupport.run("pdftotext", ["-bbox", "-f", String(page), "-l", String(page), pdf, out]).status, 0)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        return html.split(separator: "<word ").dropFirst().compactMap { w in
            func attr(_ n: String) -> Double? {
                guard let r = w.range(of: "\(n)=\"") else { return nil }
                return Double(w[r.upperBound...].prefix { $0 != "\"" })
            }
            guard let a = attr("xMin"), let b = attr("yMin"), let c = attr("xMax"), let d = attr("yMax"),
                  let t = w.split(separator: ">").dropFirst().first?.split(separator: "<").first else { return nil }
            return (String(t), a, b, c, d)
        }
    }

    /// The blank form and the annotated copy print on A4 at a readable size; the form's
    /// Hướng dẫn page prints without lines over each other, says what the officer does in
    /// Excel and that the file is checked on receipt, and names no command-line tool.
    func testTheFormAndTheAnnotatedCopyPrintReadably() throws {
        let dir = try TestSupport.tempDir(self)
        let form = dir.appendingPathComponent("form.xlsx").path
        XCTAssertEqual(try tonghop(["form", "lai-chau-ktxh", "--unit", "107", "--period", "2024", "-o", form]).status, 0)
        let (pdf, pages) = try render(form, dir)
        XCTAssertGreaterThanOrEqual(pages, 2)
        XCTAssertLessThanOrEqual(pages, 5, "the form and its instructions on a few A4 pages")
        let first = try words(pdf, page: 1, dir)
        let heights = first.map { $0.y1 - $0.y0 }.sorted()
        XCTAssertGreaterThan(heights.count, 100)
        XCTAssertGreaterThanOrEqual(heights[heights.count / 2], 12 * 0.6, "median word height on the form's first page")
        let text = try TestSupport.run("pdftotext", ["-layout", pdf, "-"]).out
        // The issuing body written out (Nghị định 30), the receiving unit named as a
        // statistical form names it; lines compared without the breaks of their wrapping.
        let joined = text.filter { !$0.isWhitespace }
        for line in ["ỦY BAN NHÂN DÂN HUYỆN MƯỜNG TÈ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "HƯỚNG DẪN GHI BIỂU", "GỬI BIỂU", "kiểm tra tự động",
                     "Đơn vị nhận báo cáo", "NGƯỜI KIỂM TRA BIỂU"] {
            XCTAssertTrue(joined.contains(line.filter { !$0.isWhitespace }), "\(line) not printed")
        }
        XCTAssertFalse(text.contains("Nơi nhận"), "a form names its receiving unit, not a letter's recipients")
        for never in ["tonghop", "lai-chau-ktxh", "phiên bản"] {
            XCTAssertFalse(text.contains(never), "\(never) printed")
        }
        let page = try XCTUnwrap((1...pages).first { p in
            (try? TestSupport.run("pdftotext", ["-layout", "-f", String(p), "-l", String(p), pdf, "-"]).out.contains("HƯỚNG DẪN GHI BIỂU")) ?? false
        })
        // The instructions page: every paragraph printed whole (a row too short clips its
        // text), and no two printed lines on top of each other (rows tall enough for
        // their wrapped lines: distinct lines at least 0.6 of a word's height apart).
        let instructions = try TestSupport.run("pdftotext", ["-layout", "-f", String(page), "-l", String(page), pdf, "-"]).out.filter { !$0.isWhitespace }
        for paragraph in ["kiểmtrakhácthìquyđổitrướckhighi:vídụ8.200tấnkhiĐVTlànghìntấnthìghi8,2.", "cùngmộtbảnbiểucóđánhdấucácôđó;sửarồigửilại.",
                          "hoặcmộtkýhiệuthốngkêdướiđây;ghisai,Excelbáongay."] {
            XCTAssertTrue(instructions.contains(paragraph.replacingOccurrences(of: "kiểmtrakhác", with: "khác")), "not printed whole: \(paragraph)")
        }
        let ws = try words(pdf, page: page, dir)
        let h = ws.map { $0.y1 - $0.y0 }.sorted()[ws.count / 2]
        var lines: [Double] = []
        for y in ws.map({ $0.y0 }).sorted() where lines.last.map({ y - $0 > 0.5 }) ?? true { lines.append(y) }
        let closest = zip(lines, lines.dropFirst()).map { $1 - $0 }.min() ?? h
        XCTAssertGreaterThanOrEqual(closest, 0.6 * h, "two printed lines on top of each other on the Hướng dẫn page")

        // The annotated copy of a broken file.
        let annotated = dir.appendingPathComponent("annotated.xlsx").path
        let r = try tonghop(["validate", "fixtures/broken/rule-communes-meeting-standard.xlsx", "--annotate", annotated])
        XCTAssertEqual(r.status, 1, r.stderr)
        // The findings name the column by its header on the form, not an internal key.
        let py = try TestSupport.python(["-c", "import openpyxl, sys; print(openpyxl.load_workbook(sys.argv[1])['Kết quả kiểm tra']['E5'].value)", annotated])
        XCTAssertEqual(py.out.trimmingCharacters(in: .whitespacesAndNewlines), "Ước thực hiện năm 2024", py.stderr)
        let (apdf, apages) = try render(annotated, dir)
        XCTAssertLessThanOrEqual(apages, 6, "the annotated copy prints on a few pages")
        let aheights = try words(apdf, page: 1, dir).map { $0.y1 - $0.y0 }.sorted()
        XCTAssertGreaterThanOrEqual(aheights[aheights.count / 2], 11 * 0.6, "median word height on the annotated copy's first page")
    }

    /// Help speaks one language: the overview and the options follow --lang, else LANG.
    func testHelpIsInOneLanguage() throws {
        var r = try TestSupport.run(TestSupport.tonghop, ["form", "--help"], cwd: root, env: ["LANG": "vi_VN.UTF-8"])
        XCTAssertTrue(r.out.contains("Tạo biểu mẫu trống"), r.out)
        XCTAssertTrue(r.out.contains("Mã đơn vị."), r.out)
        XCTAssertFalse(r.out.contains("The unit's code"), r.out)
        r = try TestSupport.run(TestSupport.tonghop, ["form", "--help", "--lang", "en"], cwd: root)
        XCTAssertTrue(r.out.contains("Write blank forms"), r.out)
        XCTAssertTrue(r.out.contains("The unit's code."), r.out)
        XCTAssertFalse(r.out.contains("Mã đơn vị."), r.out)
        r = try TestSupport.run(TestSupport.tonghop, ["summary", "--help"], cwd: root, env: ["LANG": "en_US.UTF-8"])
        XCTAssertTrue(r.out.contains("Write the province summary workbook"), r.out)
        XCTAssertFalse(r.out.contains("Kỳ báo cáo"), r.out)
    }
}
