import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import NIOCore
import SheetIO
import TestSupport
import TongHop
@testable import TongHopWeb
import XCTest

/// Every route of `tonghop serve` through Hummingbird's test client, on a store made by
/// the importer from the bundled forms (all Lai Châu districts of 2024 but Tân Uyên).
final class WebTests: XCTestCase, @unchecked Sendable {
    static let fixtures = TestSupport.packageRoot.appendingPathComponent("fixtures")
    static let password = "mat-khau-thu-nghiem"

    var dir: URL!
    var db: String { dir.appendingPathComponent("web.db").path }

    override func setUpWithError() throws {
        dir = try TestSupport.tempDir(self)
        let store = try Store(path: db)
        let forms = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appendingPathComponent("submissions/2024").path)
            .filter { !$0.contains("111-tan-uyen") }.sorted().map { Self.fixtures.appendingPathComponent("submissions/2024/\($0)").path }
        let library = TemplateLibrary(directory: TestSupport.packageRoot.appendingPathComponent("templates").path)
        let outcomes = try Importer(store: store, reader: SubmissionReader(library: library, template: nil)).run(paths: forms)
        XCTAssertEqual(outcomes.filter { $0.status == .imported }.count, 8)
        // Low bcrypt cost for speed here; the CLI uses 12.
        for (name, role, unit) in [("tinh", Account.Role.province, nil), ("tanuyen", .unit, "111"), ("muongte", .unit, "107")] as [(String, Account.Role, String?)] {
            try store.addAccount(name: name, passwordHash: Bcrypt.hash(Self.password, cost: 4), role: role, unitCode: unit)
        }
    }

    func service(_ edit: (inout WebConfig) -> Void = { _ in }) throws -> WebService {
        var c = WebConfig(db: db)
        c.templates = TestSupport.packageRoot.appendingPathComponent("templates").path
        c.periods = [Period("2024")!]
        edit(&c)
        return try WebService(config: c)
    }

    func app(_ s: WebService) -> some ApplicationProtocol { Application(router: s.router()) }

    // MARK: a browser of sorts: cookies kept between requests

    final class Session: @unchecked Sendable {
        let client: any TestClientProtocol
        var cookies: [String: String] = [:]
        init(_ client: any TestClientProtocol) { self.client = client }

        @discardableResult
        func request(_ uri: String, _ method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> TestResponse {
            var h = headers
            if !cookies.isEmpty { h[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            let r = try await client.executeRequest(uri: uri, method: method, headers: h, body: body)
            for line in r.headers[values: .setCookie] {
                let first = line.split(separator: ";")[0]
                let kv = first.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(kv[0]), value = kv.count > 1 ? String(kv[1]) : ""
                if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
            return r
        }

        func text(_ r: TestResponse) -> String { String(buffer: r.body) }

        func form(_ uri: String, _ fields: [String: String], headers: HTTPFields = [:]) async throws -> TestResponse {
            var h = headers
            h[.contentType] = "application/x-www-form-urlencoded"
            let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
            return try await request(uri, .post, headers: h, body: ByteBuffer(string: body))
        }

        func upload(_ uri: String, file: [UInt8], name: String, csrf: String) async throws -> TestResponse {
            let boundary = "----tonghop\(UInt32.random(in: 0...UInt32.max))"
            var body = ByteBuffer()
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(file)
            body.writeString("\r\n--\(boundary)--\r\n")
            var h = HTTPFields()
            h[.contentType] = "multipart/form-data; boundary=\(boundary)"
            return try await request(uri, .post, headers: h, body: body)
        }

        /// The CSRF token of the last page (the hidden field every form carries).
        func csrf(_ r: TestResponse) -> String {
            let t = text(r)
            guard let range = t.range(of: "name=\"csrf\" value=\"") else { return "" }
            return String(t[range.upperBound...].prefix { $0 != "\"" })
        }

        func login(_ name: String, _ password: String = WebTests.password) async throws -> TestResponse {
            let page = try await request("/login")
            return try await form("/login", ["name": name, "password": password, "csrf": csrf(page)])
        }
    }

    func file(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(path))) }

    // MARK: tests

    func testHealthAndEveryPageNeedsALogin() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let b = Session(client)
            let h = try await b.request("/health")
            XCTAssertEqual(h.status, .ok)
            XCTAssertTrue(b.text(h).contains("\"status\":\"ok\""))
            for path in ["/unit", "/unit/form?period=2024", "/unit/upload/1", "/province", "/province/summary?period=2024", "/province/audit"] {
                let r = try await b.request(path)
                XCTAssertEqual(r.status, .found, path)
                XCTAssertEqual(r.headers[.location], "/login", path)
            }
            let post = try await b.upload("/unit/upload", file: try file("submissions/2024/lai-chau-ktxh_111-tan-uyen_2024.xlsx"), name: "x.xlsx", csrf: "x")
            XCTAssertEqual(post.status, .unauthorized)
            XCTAssertEqual(try s.store.uploadCount(), 0)
        }
    }

    func testLoginNeedsItsTokenAndIsThrottled() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let b = Session(client)
            _ = try await b.request("/login")
            let forged = try await b.form("/login", ["name": "tinh", "password": Self.password, "csrf": "0000"])
            XCTAssertEqual(forged.status, .forbidden, "a login without the form's token")
            let wrong = try await b.login("tinh", "sai-mat-khau")
            XCTAssertEqual(wrong.status, .unauthorized)
            XCTAssertTrue(b.text(wrong).contains("Sai tài khoản hoặc mật khẩu"))
            XCTAssertNil(b.cookies["thop_session"])
            for _ in 0..<4 { _ = try await b.login("tinh", "sai-mat-khau") }
            let right = try await b.login("tinh")
            XCTAssertEqual(right.status, .tooManyRequests, "five failures from this address slow the name down here, the right password included")
            XCTAssertTrue(b.text(right).contains("Hãy chờ 2 giây"), b.text(right))
            XCTAssertEqual(right.headers[.retryAfter], "2")
            let other = try await b.login("tanuyen")
            XCTAssertEqual(other.status, .seeOther, "another name from the same address still logs in")
            XCTAssertNotNil(b.cookies["thop_session"])
            let log = try s.store.auditLog()
            XCTAssertEqual(log.filter { $0.action == "login-failed" }.count, 5)
            XCTAssertEqual(log.filter { $0.action == "login-throttled" }.count, 1)
            XCTAssertEqual(log.filter { $0.action == "login" }.first?.account, "tanuyen")
        }
    }

    /// The officer's whole job: download the form, upload a broken file, read the
    /// findings by cell, download the marked copy, upload the fixed file, submit; the
    /// province sees it and downloads a summary equal to the command line's.
    func testAUnitChecksFixesAndSubmitsAndTheProvinceSeesIt() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let b = Session(client)
            let home = try await { () async throws -> TestResponse in
                let r = try await b.login("tanuyen")
                XCTAssertEqual(r.headers[.location], "/unit")
                return try await b.request("/unit")
            }()
            XCTAssertTrue(b.text(home).contains("Huyện Tân Uyên"))
            XCTAssertTrue(b.text(home).contains("Chưa nộp"))

            let form = try await b.request("/unit/form?period=2024")
            XCTAssertEqual(form.status, .ok)
            XCTAssertEqual(Array(form.body.readableBytesView.prefix(2)), [0x50, 0x4B])
            XCTAssertTrue(form.headers[.contentDisposition]?.contains("111") ?? false)
            let formPath = self.dir.appendingPathComponent("form.xlsx").path
            try Data(form.body.readableBytesView).write(to: URL(fileURLWithPath: formPath))
            XCTAssertEqual(try SpreadsheetDocument(path: formPath).sheets.first?.name, FormLayout.formSheet)

            // A broken file: two errors shown by cell, with the value written; no submit.
            let broken = try await b.upload("/unit/upload", file: try self.file("officer/tan-uyen-2024-loi-gnumeric.xlsx"),
                                            name: "Báo cáo Tân Uyên.xlsx", csrf: b.csrf(home))
            XCTAssertEqual(broken.status, .seeOther)
            let brokenURL = broken.headers[.location] ?? ""
            let report = try await b.request(brokenURL)
            let page = b.text(report)
            XCTAssertTrue(page.contains("KHÔNG HỢP LỆ"))
            XCTAssertTrue(page.contains("Biểu 01!G8"), "the empty cell named")
            XCTAssertTrue(page.contains("Biểu 01!G40"))
            XCTAssertTrue(page.contains("NN01 = 60, CS07 = 10"), "the values as written")
            XCTAssertFalse(page.contains("id=\"submit\""))
            let annotated = try await b.request(brokenURL + "/annotated")
            XCTAssertEqual(annotated.status, .ok)
            let marked = self.dir.appendingPathComponent("marked.xlsx").path
            try Data(annotated.body.readableBytesView).write(to: URL(fileURLWithPath: marked))
            XCTAssertTrue(try SpreadsheetDocument(path: marked).sheets.contains { $0.name == "Kết quả kiểm tra" })
            let refused = try await b.form(brokenURL + "/submit", ["csrf": b.csrf(report)])
            XCTAssertEqual(refused.status, .conflict)
            XCTAssertNil(try s.store.currentSubmissionID(template: s.template.id, unit: "111", period: "2024"))

            // The fixed file: valid, submitted as revision 1.
            let fixed = try await b.upload("/unit/upload", file: try self.file("submissions/2024/lai-chau-ktxh_111-tan-uyen_2024.xlsx"),
                                           name: "lai-chau-ktxh_111-tan-uyen_2024.xlsx", csrf: b.csrf(report))
            let fixedURL = fixed.headers[.location] ?? ""
            let ok = try await b.request(fixedURL)
            XCTAssertTrue(b.text(ok).contains("HỢP LỆ"))
            XCTAssertTrue(b.text(ok).contains("id=\"submit\""))
            let submitted = try await b.form(fixedURL + "/submit", ["csrf": b.csrf(ok)])
            XCTAssertEqual(submitted.status, .seeOther)
            XCTAssertEqual(try s.store.revisions(template: s.template.id, unit: "111", period: Period("2024")!).count, 1)
            // Submitting twice stores nothing new.
            _ = try await b.form(fixedURL + "/submit", ["csrf": b.csrf(ok)])
            XCTAssertEqual(try s.store.revisions(template: s.template.id, unit: "111", period: Period("2024")!).count, 1)
            let after = try await b.request("/unit")
            XCTAssertTrue(b.text(after).contains("Đã nộp"))

            // The province: the unit received; the summary equals the command line's.
            let p = Session(client)
            _ = try await p.login("tinh")
            let status = try await p.request("/province")
            XCTAssertTrue(p.text(status).contains("đã nhận 9/9"))
            XCTAssertFalse(p.text(status).contains("Hạn nộp ·"), "no deadline line for a period without one")
            let csv = try await p.request("/province/summary?period=2024&format=csv")
            XCTAssertEqual(csv.status, .ok)
            let cli = try TestSupport.run(TestSupport.tonghop, ["summary", "--db", self.db, "--period", "2024", "--format", "csv"])
            XCTAssertEqual(cli.status, 0, cli.stderr)
            XCTAssertEqual(String(buffer: csv.body), cli.out)
            // The exchange files (issue 27) are the command line's, byte for byte (the
            // structure's Prepared time aside); a 9-month DHIS2 file is refused with a reason.
            XCTAssertTrue(p.text(status).contains("format=sdmx-csv"))
            for format in ["sdmx-csv", "dhis2-json", "px"] {
                let web = try await p.request("/province/summary?period=2024&format=\(format)")
                XCTAssertEqual(web.status, .ok, format)
                let cli = try TestSupport.run(TestSupport.tonghop, ["export", "--db", self.db, "--period", "2024", "--format", format])
                XCTAssertEqual(cli.status, 0, cli.stderr)
                XCTAssertEqual(String(buffer: web.body), cli.out, format)
                XCTAssertTrue(web.headers[.contentDisposition]?.contains("lai-chau-ktxh-2024-\(format).") ?? false)
            }
            let structure = try await p.request("/province/summary?period=2024&format=sdmx-structure")
            XCTAssertTrue(String(buffer: structure.body).contains("<str:Dataflow id=\"lai-chau-ktxh\" agencyID=\"VN_TONGHOP\" version=\"3.0\""))
            let xlsx = try await p.request("/province/summary?period=2024&format=xlsx")
            let sumPath = self.dir.appendingPathComponent("sum.xlsx").path
            try Data(xlsx.body.readableBytesView).write(to: URL(fileURLWithPath: sumPath))
            XCTAssertTrue(try SpreadsheetDocument(path: sumPath).sheets.contains { $0.name == "Tổng hợp" })
            let score = try await p.request("/province/scorecard?period=2024")
            XCTAssertTrue(p.text(score).contains("<svg"))
            XCTAssertTrue(p.text(score).contains("chỉ tiêu đạt và vượt kế hoạch"))
            let detail = try await p.request("/province/unit/111?period=2024")
            let sid = try XCTUnwrap(try s.store.currentSubmissionID(template: s.template.id, unit: "111", period: "2024"))
            let stored = try s.store.values(submission: sid)
            XCTAssertGreaterThan(stored.count, 100)
            for v in stored.prefix(20) {
                XCTAssertTrue(p.text(detail).contains("title=\"\(v.value.sheet ?? "")!\(v.value.cell)\">\(WebService.numberText(v.value, .vi))<"),
                              "each value in vi-VN with its cell in the unit's file: \(v.value.cell)")
            }
            let root = try await p.request("/")
            XCTAssertEqual(root.headers[.location], "/province")
            let findings = try await p.request("/province/findings?period=2024")
            XCTAssertEqual(findings.status, .ok)
            XCTAssertTrue(p.text(findings).contains("Kết quả kiểm tra — năm 2024"))
            let audit = try await p.request("/province/audit")
            XCTAssertTrue(p.text(audit).contains("<td>Nộp báo cáo</td>") && p.text(audit).contains("<td>tanuyen</td>"), "actions in words")
            let actions = try s.store.auditLog().map(\.action)
            for a in ["upload", "submit", "form", "summary"] { XCTAssertTrue(actions.contains(a), a) }
        }
    }

    /// Officers' own files (LibreOffice, Gnumeric, openpyxl, .xls, own layouts, legacy
    /// fonts): the page shows exactly the findings `tonghop validate --template` gives (the
    /// service reads against the template it serves), plus E019 for another unit's file and
    /// E020 for a period not open; nothing with an error can be submitted.
    func testOfficersOwnFilesGetTheCommandLinesFindings() async throws {
        let s = try service { $0.periods = [Period("2024")!, Period("2024-6T")!] }
        let folder = Self.fixtures.appendingPathComponent("officer")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".xls") }.sorted()
        XCTAssertGreaterThan(files.count, 20)
        try await app(s).test(.router) { client in
            let b = Session(client)
            _ = try await b.login("tanuyen")
            let home = try await b.request("/unit")
            for name in files {
                let cli = try TestSupport.run(TestSupport.tonghop, ["validate", folder.appendingPathComponent(name).path, "--format", "json", "--template", "lai-chau-ktxh",
                                                                    "--templates", TestSupport.packageRoot.appendingPathComponent("templates").path])
                let reports = try XCTUnwrap((try JSONSerialization.jsonObject(with: cli.stdout) as? [String: Any])?["files"] as? [[String: Any]], name)
                var expected = Set(reports.flatMap { ($0["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } })
                if reports.contains(where: { ($0["unit"] as? String).map { $0 != "111" } ?? false }) { expected.insert("E019") }
                if reports.contains(where: { ($0["period"] as? String).map { !["2024", "2024-6T"].contains($0) } ?? false }) { expected.insert("E020") }
                let r = try await b.upload("/unit/upload", file: try self.file("officer/" + name), name: name, csrf: b.csrf(home))
                XCTAssertEqual(r.status, .seeOther, name)
                let id = try XCTUnwrap((r.headers[.location] ?? "").split(separator: "/").last.flatMap { Int64($0) }, name)
                let upload = try XCTUnwrap(try s.store.upload(id: id))
                XCTAssertEqual(Set(upload.findings.map(\.code)), expected, name)
                // The page shows the figures as they will be stored, as `validate` lists them.
                let page = try await b.request("/unit/upload/\(id)")
                let listed = reports.first?["values"] as? [[String: Any]] ?? []
                XCTAssertEqual(b.text(page).contains("id=\"stored\""), !listed.isEmpty, name)
                for v in listed.prefix(5) {
                    XCTAssertTrue(b.text(page).contains("<td class=\"n\">\(v["stored"] as! String)</td>"), "\(name): \(v)")
                }
                if upload.errors > 0 {
                    let page = try await b.request("/unit/upload/\(id)")
                    XCTAssertFalse(b.text(page).contains("id=\"submit\""), name)
                    let refused = try await b.form("/unit/upload/\(id)/submit", ["csrf": b.csrf(page)])
                    XCTAssertEqual(refused.status, .conflict, name)
                }
            }
        }
    }

    func testAUnitCannotReadOrSubmitAnotherUnitsData() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let a = Session(client)
            _ = try await a.login("tanuyen")
            let home = try await a.request("/unit")
            let up = try await a.upload("/unit/upload", file: try self.file("submissions/2024/lai-chau-ktxh_111-tan-uyen_2024.xlsx"),
                                        name: "tan-uyen.xlsx", csrf: a.csrf(home))
            let url = up.headers[.location] ?? ""
            XCTAssertTrue(url.hasPrefix("/unit/upload/"))

            let m = Session(client)
            _ = try await m.login("muongte")
            let mhome = try await m.request("/unit")
            XCTAssertFalse(m.text(mhome).contains("tan-uyen.xlsx"), "another unit's upload is not listed")
            for path in [url, url + "/annotated"] {
                let r = try await m.request(path)
                XCTAssertEqual(r.status, .notFound, path)
            }
            let submit = try await m.form(url + "/submit", ["csrf": m.csrf(mhome)])
            XCTAssertEqual(submit.status, .notFound)
            XCTAssertNil(try s.store.currentSubmissionID(template: s.template.id, unit: "111", period: "2024"))
            // A unit uploading another unit's form: E019, never submittable.
            let other = try await m.upload("/unit/upload", file: try self.file("submissions/2024/lai-chau-ktxh_111-tan-uyen_2024.xlsx"),
                                           name: "x.xlsx", csrf: m.csrf(mhome))
            let report = try await m.request(other.headers[.location] ?? "")
            XCTAssertTrue(m.text(report).contains(FindingCode.otherUnit.title(.vi)), "E019's title, without its code")
            XCTAssertFalse(m.text(report).contains("E019"))
            XCTAssertFalse(m.text(report).contains("id=\"submit\""))
            // Province pages are refused to a unit, unit pages to the province.
            let prov = try await m.request("/province")
            XCTAssertEqual(prov.status, .forbidden)
            let p = Session(client)
            _ = try await p.login("tinh")
            let unitPage = try await p.request("/unit")
            XCTAssertEqual(unitPage.status, .forbidden)
        }
    }

    func testCSRFAndCrossSiteRequestsAreRefused() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let b = Session(client)
            _ = try await b.login("tanuyen")
            let home = try await b.request("/unit")
            let bad = try await b.upload("/unit/upload", file: try self.file("submissions/2024/lai-chau-ktxh_111-tan-uyen_2024.xlsx"),
                                         name: "x.xlsx", csrf: "deadbeef")
            XCTAssertEqual(bad.status, .forbidden)
            XCTAssertEqual(try s.store.uploadCount(), 0)
            var cross = HTTPFields()
            cross[.origin] = "https://evil.example"
            let r = try await b.form("/logout", ["csrf": b.csrf(home)], headers: cross)
            XCTAssertEqual(r.status, .forbidden)
            var site = HTTPFields()
            site[.init("Sec-Fetch-Site")!] = "cross-site"
            let r2 = try await b.form("/logout", ["csrf": b.csrf(home)], headers: site)
            XCTAssertEqual(r2.status, .forbidden)
            let still = try await b.request("/unit")
            XCTAssertEqual(still.status, .ok, "the session survived the forged requests")
            let noToken = try await b.form("/logout", [:])
            XCTAssertEqual(noToken.status, .forbidden)
        }
    }

    func testOversizeAndNonSpreadsheetUploadsAreRefused() async throws {
        let s = try service { $0.maxUpload = 200 * 1024 }
        try await app(s).test(.router) { client in
            let b = Session(client)
            _ = try await b.login("tanuyen")
            let home = try await b.request("/unit")
            let csrf = b.csrf(home)
            let big = try await b.upload("/unit/upload", file: [UInt8](repeating: 0x41, count: 300 * 1024), name: "big.csv", csrf: csrf)
            XCTAssertEqual(big.status, .contentTooLarge)
            XCTAssertTrue(b.text(big).contains("Tệp quá lớn"))
            let pdf = try await b.upload("/unit/upload", file: Array("%PDF-1.7\n1 0 obj\n".utf8) + [0, 1, 2], name: "bao-cao.xlsx", csrf: csrf)
            XCTAssertEqual(pdf.status, .unsupportedMediaType, "content sniffed, not the extension")
            let png = try await b.upload("/unit/upload", file: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], name: "a.csv", csrf: csrf)
            XCTAssertEqual(png.status, .unsupportedMediaType)
            let empty = try await b.upload("/unit/upload", file: [], name: "a.xlsx", csrf: csrf)
            XCTAssertEqual(empty.status, .badRequest)
            XCTAssertEqual(try s.store.uploadCount(), 0)
            // An XLSX named .csv is read as what it is.
            let renamed = try await b.upload("/unit/upload", file: try self.file("submissions/2024/lai-chau-ktxh_111-tan-uyen_2024.xlsx"),
                                             name: "lai-chau-ktxh_111-tan-uyen_2024.csv", csrf: csrf)
            let report = try await b.request(renamed.headers[.location] ?? "")
            XCTAssertTrue(b.text(report).contains("HỢP LỆ"))
            XCTAssertEqual(try s.store.upload(id: 1)?.kind, "xlsx")
        }
    }

    func testBadInputIsNeverAServerError() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let u = Session(client), p = Session(client)
            _ = try await u.login("tanuyen")
            _ = try await p.login("tinh")
            let home = try await u.request("/unit")
            let csrf = u.csrf(home)
            for path in ["/unit/upload/abc", "/unit/upload/99999999999999999999", "/unit/upload/-1/annotated", "/unit/form?period=garbage",
                         "/unit/form?period=2099", "/nothing", "/lang?to=xx&back=//evil.example", "/unit/upload/%00"] {
                let r = try await u.request(path)
                XCTAssertLessThan(r.status.code, 500, path)
            }
            let lang = try await u.request("/lang?to=en&back=//evil.example")
            XCTAssertEqual(lang.headers[.location], "/", "never a redirect off the site")
            for path in ["/province/unit/XYZ?period=2024", "/province/unit/111?period=abc", "/province/summary?period=1900&format=xlsx",
                         "/province/summary?period=2024&format=exe", "/province/findings?period=", "/province/scorecard?period=2024-13T"] {
                let r = try await p.request(path)
                XCTAssertLessThan(r.status.code, 500, path)
            }
            for body in ["", "csrf", "%ZZ=%%", String(repeating: "a=b&", count: 20_000)] {
                var h = HTTPFields()
                h[.contentType] = "application/x-www-form-urlencoded"
                let r = try await p.request("/province/return", .post, headers: h, body: ByteBuffer(string: body))
                XCTAssertLessThan(r.status.code, 500)
            }
            var h = HTTPFields()
            h[.contentType] = "multipart/form-data"
            let noBoundary = try await u.request("/unit/upload", .post, headers: h, body: ByteBuffer(string: "csrf=\(csrf)"))
            XCTAssertEqual(noBoundary.status, .badRequest)
            h[.contentType] = "multipart/form-data; boundary=xyz"
            let garbage = try await u.request("/unit/upload", .post, headers: h, body: ByteBuffer(string: "--xyz\r\nnonsense"))
            XCTAssertLessThan(garbage.status.code, 500)
            let provincePage = try await p.request("/province")
            let ret = try await p.form("/province/return", ["csrf": p.csrf(provincePage), "submission": "1", "comment": ""])
            XCTAssertEqual(ret.status, .badRequest, "a return needs a comment")
        }
    }

    func testDisablingAnAccountOrChangingItsPasswordEndsItsSessions() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let b = Session(client)
            _ = try await b.login("tanuyen")
            var r = try await b.request("/unit")
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(try s.store.setPassword(name: "tanuyen", passwordHash: Bcrypt.hash("mat-khau-moi-123", cost: 4)))
            r = try await b.request("/unit")
            XCTAssertEqual(r.status, .found, "the old session no longer opens pages")
            _ = try await b.login("tanuyen", "mat-khau-moi-123")
            r = try await b.request("/unit")
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(try s.store.setDisabled(name: "tanuyen", true))
            r = try await b.request("/unit")
            XCTAssertEqual(r.status, .found)
            let again = try await b.login("tanuyen", "mat-khau-moi-123")
            XCTAssertEqual(again.status, .unauthorized)
        }
    }

    func testAnOfficerChangesTheirOwnPassword() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let b = Session(client), other = Session(client)
            _ = try await b.login("tanuyen")
            _ = try await other.login("tanuyen")
            let page = try await b.request("/account/password")
            let csrf = b.csrf(page)
            var r = try await b.form("/account/password", ["csrf": csrf, "current": "sai", "new": "mat-khau-moi-9", "again": "mat-khau-moi-9"])
            XCTAssertEqual(r.status, .unauthorized)
            r = try await b.form("/account/password", ["csrf": csrf, "current": Self.password, "new": "mat-khau-moi-9", "again": "khac-hẳn-1"])
            XCTAssertEqual(r.status, .badRequest)
            r = try await b.form("/account/password", ["csrf": csrf, "current": Self.password, "new": "ngan", "again": "ngan"])
            XCTAssertEqual(r.status, .badRequest)
            r = try await b.form("/account/password", ["csrf": csrf, "current": Self.password, "new": "mat-khau-moi-9", "again": "mat-khau-moi-9"])
            XCTAssertEqual(r.status, .seeOther)
            r = try await b.request("/unit")
            XCTAssertEqual(r.status, .ok, "this session goes on")
            r = try await other.request("/unit")
            XCTAssertEqual(r.status, .found, "the account's other sessions end")
            let fresh = Session(client)
            r = try await fresh.login("tanuyen")
            XCTAssertEqual(r.status, .unauthorized, "the old password no longer logs in")
            r = try await fresh.login("tanuyen", "mat-khau-moi-9")
            XCTAssertEqual(r.status, .seeOther)
            XCTAssertTrue(try s.store.auditLog().contains { $0.action == "passwd" && $0.account == "tanuyen" })
        }
    }

    func testTheProvinceReturnsASubmissionWithAComment() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let p = Session(client)
            _ = try await p.login("tinh")
            let detail = try await p.request("/province/unit/107?period=2024")
            XCTAssertTrue(p.text(detail).contains("id=\"return\""))
            let sid = try XCTUnwrap(try s.store.currentSubmissionID(template: s.template.id, unit: "107", period: "2024"))
            let r = try await p.form("/province/return", ["csrf": p.csrf(detail), "submission": "\(sid)", "comment": "Kiểm tra lại NN01 <b>"])
            XCTAssertEqual(r.status, .seeOther)
            let status = try await p.request("/province")
            XCTAssertTrue(p.text(status).contains("Đã trả lại"))
            let u = Session(client)
            _ = try await u.login("muongte")
            let home = try await u.request("/unit")
            XCTAssertTrue(u.text(home).contains("Kiểm tra lại NN01 &lt;b&gt;"), "the comment shown to the unit, escaped")
            XCTAssertTrue(try s.store.auditLog().contains { $0.action == "return" && $0.account == "tinh" })
        }
    }

    func testPagesInEnglishByChoice() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let b = Session(client)
            let r = try await b.request("/lang?to=en&back=/login")
            XCTAssertEqual(r.headers[.location], "/login")
            let page = try await b.request("/login")
            XCTAssertTrue(b.text(page).contains("Log in"))
            XCTAssertTrue(b.text(page).contains("lang=\"en\""))
        }
    }

    func testBackupIsAConsistentCopy() throws {
        let out = dir.appendingPathComponent("copy.db").path
        let r = try TestSupport.run(TestSupport.tonghop, ["backup", "--db", db, "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let copy = try Store(path: out, mode: .readOnly)
        XCTAssertEqual(try copy.currentSubmissions(template: "lai-chau-ktxh", period: Period("2024")!).count, 8)
        XCTAssertEqual(try copy.accounts().count, 3)
        XCTAssertEqual(try copy.integrityCheck(), "ok")
        let bad = try TestSupport.run(TestSupport.tonghop, ["backup", "--db", db, "-o", db])
        XCTAssertEqual(bad.status, 2, "never over the store itself")
    }
}
