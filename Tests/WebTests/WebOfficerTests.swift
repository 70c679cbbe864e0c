import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import TongHop
@testable import TongHopWeb
import XCTest

/// Issue 25's officer and province cases: what the pages say and offer.
extension WebTests {
    /// A returned report is shown as returned (not a green "Đã nộp") with the province's
    /// comment and what to do; the same unchanged file submitted again is refused and the
    /// return stays.
    func testAReturnedReportIsShownAndTheSameFileDoesNotClearIt() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let p = Session(client)
            _ = try await p.login("tinh")
            let detail = try await p.request("/province/unit/107?period=2024")
            let sid = try XCTUnwrap(try s.store.currentSubmissionID(template: s.template.id, unit: "107", period: "2024"))
            _ = try await p.form("/province/return", ["csrf": p.csrf(detail), "submission": "\(sid)", "comment": "Số NN01 chưa khớp"])
            let u = Session(client)
            _ = try await u.login("muongte")
            let home = u.text(try await u.request("/unit"))
            XCTAssertTrue(home.contains("<span class=\"pill bad\">Tỉnh trả lại — cần nộp lại</span>"), home)
            XCTAssertFalse(home.contains("<span class=\"pill ok\">Đã nộp</span>"))
            XCTAssertTrue(home.contains("Ý kiến của tỉnh"))
            XCTAssertTrue(home.contains("Số NN01 chưa khớp"))
            XCTAssertTrue(home.contains("Nộp lại đúng tệp cũ không được nhận"))
            let same = try self.file("submissions/2024/" + (try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appendingPathComponent("submissions/2024").path)
                .first { $0.contains("_107-") }!))
            let up = try await u.upload("/unit/upload", file: same, name: "muong-te.xlsx", csrf: u.csrf(try await u.request("/unit")))
            let report = try await u.request(up.headers[.location] ?? "")
            XCTAssertTrue(u.text(report).contains("HỢP LỆ"))
            let again = try await u.form((up.headers[.location] ?? "") + "/submit", ["csrf": u.csrf(report)])
            XCTAssertEqual(again.status, .conflict)
            XCTAssertTrue(u.text(again).contains("giống hệt bản đã nộp"), u.text(again))
            XCTAssertNotNil(try s.store.openReturns(template: s.template.id, period: "2024")["107"], "the return stays open")
            XCTAssertNil(try s.store.upload(id: 1)?.submittedAt)
        }
    }

    /// Mường Tè (107) was abolished on 1 July 2025: no 2026 form is offered, and asking for
    /// one is refused (the command line refuses it too); its 2024 form is still there.
    func testAnAbolishedDistrictIsNotOfferedAForm() async throws {
        let s = try service { $0.periods = [Period("2026")!, Period("2024")!] }
        try await app(s).test(.router) { client in
            let u = Session(client)
            _ = try await u.login("muongte")
            let home = u.text(try await u.request("/unit"))
            XCTAssertFalse(home.contains("/unit/form?period=2026"), home)
            XCTAssertTrue(home.contains("/unit/form?period=2024"))
            let refused = try await u.request("/unit/form?period=2026")
            XCTAssertEqual(refused.status, .notFound)
            let awaited1 = try await u.request("/unit/form?period=2024")
            XCTAssertEqual(awaited1.status, .ok)
        }
    }

    /// A 0-byte file is named as empty (not "no file chosen"); internal codes are not shown
    /// to a unit (the province's findings page keeps them).
    func testEmptyFilesAndInternalCodesInTheUnitsWords() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let u = Session(client)
            _ = try await u.login("tanuyen")
            let csrf = u.csrf(try await u.request("/unit"))
            let empty = try await u.upload("/unit/upload", file: [], name: "bao-cao-tan-uyen.xlsx", csrf: csrf)
            XCTAssertEqual(empty.status, .badRequest)
            XCTAssertTrue(u.text(empty).contains("bao-cao-tan-uyen"))
            XCTAssertTrue(u.text(empty).contains("trống (0 byte)"), u.text(empty))
            XCTAssertFalse(u.text(empty).contains("Chưa chọn tệp"))
            let broken = try await u.upload("/unit/upload", file: try self.file("officer/tan-uyen-2024-loi-gnumeric.xlsx"), name: "x.xlsx", csrf: csrf)
            let page = u.text(try await u.request(broken.headers[.location] ?? ""))
            let codes = Set(try XCTUnwrap(try s.store.upload(id: 1)).findings.map(\.code))
            XCTAssertFalse(codes.isEmpty)
            for code in codes { XCTAssertFalse(page.contains(code), "\(code) shown to a unit") }
            XCTAssertTrue(page.contains("KHÔNG HỢP LỆ"))
        }
    }

    /// The unit's page: numbered steps, the deadline with days left; a receipt number once
    /// submitted.
    func testStepsDeadlineAndReceipt() async throws {
        XCTAssertEqual(WebService.daysLeft("2026-12-10", now: ISO8601DateFormatter().date(from: "2026-12-06T03:00:00Z")!), 4)
        XCTAssertEqual(WebService.daysLeft("2026-12-10", now: ISO8601DateFormatter().date(from: "2026-12-10T16:59:00Z")!), 0, "still the 10th in Vietnam")
        XCTAssertEqual(WebService.daysLeft("2026-12-10", now: ISO8601DateFormatter().date(from: "2026-12-10T17:01:00Z")!), -1, "the 11th in Vietnam")
        let s = try service { $0.periods = [Period("2026")!, Period("2024")!] }
        try await app(s).test(.router) { client in
            let u = Session(client)
            _ = try await u.login("tanuyen")
            let home = u.text(try await u.request("/unit"))
            for step in ["1. Tải biểu mẫu", "2. Kiểm tra", "3. Nộp"] { XCTAssertTrue(home.contains(step), step) }
            XCTAssertFalse(home.contains("period=2026"), "Tân Uyên, a district, has no 2026 form")
            let up = try await u.upload("/unit/upload", file: try self.file("submissions/2024/lai-chau-ktxh_111-tan-uyen_2024.xlsx"), name: "a.xlsx",
                                        csrf: u.csrf(try await u.request("/unit")))
            let url = up.headers[.location] ?? ""
            let report = try await u.request(url)
            XCTAssertFalse(u.text(report).contains("Số biên nhận"))
            _ = try await u.form(url + "/submit", ["csrf": u.csrf(report)])
            let done = u.text(try await u.request(url))
            XCTAssertTrue(done.contains("Số biên nhận: <strong id=\"receipt\">2024-111-000001</strong>"), done)
            XCTAssertTrue(try s.store.auditLog().contains { $0.action == "submit" && ($0.detail ?? "").contains("receipt 2024-111-000001") })
        }
    }

    /// The province's unit page writes numbers the vi-VN way with the unit of measure.
    func testTheProvincesUnitPageWritesVietnameseNumbersWithTheUnitOfMeasure() async throws {
        let s = try service()
        let sid = try XCTUnwrap(try s.store.currentSubmissionID(template: s.template.id, unit: "107", period: "2024"))
        let values = try s.store.values(submission: sid)
        let fractional = try XCTUnwrap(values.compactMap { v -> Double? in
            if case .number(let d) = v.value.value, d != d.rounded(), abs(d) >= 1000 { return d }; return nil
        }.first ?? values.compactMap { v -> Double? in if case .number(let d) = v.value.value, d != d.rounded() { return d }; return nil }.first)
        try await app(s).test(.router) { client in
            let p = Session(client)
            _ = try await p.login("tinh")
            let page = p.text(try await p.request("/province/unit/107?period=2024"))
            XCTAssertTrue(page.contains("<th>ĐVT</th>"))
            let vi = VietNumber.format(fractional, decimals: 6, .vi)
            XCTAssertTrue(vi.contains(","))
            XCTAssertTrue(page.contains(">\(vi)<"), "\(vi) in vi-VN")
            XCTAssertFalse(page.contains(">\(VietNumber.format(fractional, decimals: 6, .en))<"), "not en-US")
            let ind = try XCTUnwrap(s.template.indicators.first { i in values.contains { $0.indicator == i.code } && !i.unitText.isEmpty })
            XCTAssertTrue(page.contains("<td>\(ind.unitText)</td>"))
        }
    }

    /// The upload's progress comes from one same-origin script under a CSP that allows no
    /// other script and nothing inline; the forms are marked for it.
    func testUploadProgressScriptUnderTheStrictCSP() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let u = Session(client)
            let js = try await u.request("/static/page.js")
            XCTAssertEqual(js.status, .ok)
            XCTAssertEqual(js.headers[.contentType], "text/javascript; charset=utf-8")
            XCTAssertTrue(u.text(js).contains("upload.addEventListener(\"progress\""))
            XCTAssertTrue(u.text(js).contains("button.disabled = true"))
            _ = try await u.login("tanuyen")
            let home = try await u.request("/unit")
            let csp = try XCTUnwrap(home.headers[.contentSecurityPolicy])
            XCTAssertTrue(csp.contains("script-src 'self';"), csp)
            XCTAssertFalse(csp.contains("'unsafe-inline'; img") && csp.contains("script-src 'self' 'unsafe-inline'"))
            XCTAssertFalse(csp.contains("script-src 'self' 'unsafe"))
            let text = u.text(home)
            XCTAssertTrue(text.contains("<script src=\"/static/page.js\" defer></script>"))
            XCTAssertEqual(text.components(separatedBy: "<script").count, 2, "one script tag, none inline")
            XCTAssertTrue(text.contains("enctype=\"multipart/form-data\" data-progress"))
            XCTAssertTrue(text.contains("<progress hidden"))
        }
    }

    /// The audit log: pages of 50, a filter by account and action, actions in words.
    func testTheAuditPagePagesFiltersAndNamesActions() async throws {
        let s = try service()
        for i in 0..<120 { try s.store.audit(account: i % 2 == 0 ? "tanuyen" : "muongte", action: i % 3 == 0 ? "login-failed" : "form", detail: "2024") }
        try await app(s).test(.router) { client in
            let p = Session(client)
            _ = try await p.login("tinh")
            let first = p.text(try await p.request("/province/audit"))
            XCTAssertTrue(first.contains("Trang 1/3 — 121 mục"), first)
            XCTAssertTrue(first.contains("id=\"next\""))
            XCTAssertFalse(first.contains("id=\"prev\""))
            XCTAssertTrue(first.contains("<td>Đăng nhập sai</td>"))
            XCTAssertFalse(first.contains("<td>login-failed</td>"))
            let third = p.text(try await p.request("/province/audit?page=3"))
            XCTAssertTrue(third.contains("Trang 3/3"))
            XCTAssertEqual(third.components(separatedBy: "<tr><td>").count - 1, 21)
            let filtered = p.text(try await p.request("/province/audit?account=TanUyen&action=login-failed"))
            XCTAssertTrue(filtered.contains("— 20 mục"), filtered)
            XCTAssertFalse(filtered.contains("<td>muongte</td>"))
            XCTAssertFalse(filtered.contains("<td>Tải biểu mẫu</td>"))
            let awaited2 = try await p.request("/province/audit?page=-5&action=%00")
            XCTAssertEqual(awaited2.status, .ok)
        }
    }

    /// The province resets a unit's password: shown once, the old one stops working, the
    /// new one logs in for one purpose only — setting the officer's own; a unit cannot,
    /// and a province account is not reset here.
    func testTheProvinceResetsAUnitsPassword() async throws {
        let s = try service()
        try await app(s).test(.router) { client in
            let u = Session(client)
            _ = try await u.login("tanuyen")
            let awaited3 = try await u.request("/province/accounts")
            XCTAssertEqual(awaited3.status, .forbidden)
            let p = Session(client)
            _ = try await p.login("tinh")
            let list = try await p.request("/province/accounts")
            XCTAssertTrue(p.text(list).contains("<td>tanuyen</td>"))
            XCTAssertFalse(p.text(list).contains("<td>tinh</td>"))
            let reset = try await p.form("/province/accounts/reset", ["csrf": p.csrf(list), "name": "tanuyen"])
            XCTAssertEqual(reset.status, .ok)
            let page = p.text(reset)
            let r = try XCTUnwrap(page.range(of: "<code id=\"new-password\">"))
            let password = String(page[r.upperBound...].prefix { $0 != "<" })
            XCTAssertEqual(password.count, 14)
            let awaited4 = try await u.request("/unit")
            XCTAssertEqual(awaited4.status, .found, "the old session ended")
            let awaited5 = try await Session(client).login("tanuyen")
            XCTAssertEqual(awaited5.status, .unauthorized)
            let officer = Session(client)
            let awaited6 = try await officer.login("tanuyen", password)
            XCTAssertEqual(awaited6.status, .seeOther)
            // One login's worth: every page leads to setting one's own password first.
            let home = try await officer.request("/unit")
            XCTAssertEqual(home.headers[.location], "/account/password")
            let change = try await officer.request("/account/password")
            XCTAssertTrue(officer.text(change).contains("chỉ dùng cho lần đăng nhập này"))
            let upload = try await officer.upload("/unit/upload", file: [0x41], name: "a.csv", csrf: officer.csrf(change))
            XCTAssertEqual(upload.status, .forbidden)
            let set = try await officer.form("/account/password", ["csrf": officer.csrf(change), "current": password,
                                                                   "new": "mat-khau-rieng-cua-toi", "again": "mat-khau-rieng-cua-toi"])
            XCTAssertEqual(set.status, .seeOther)
            let after = try await officer.request("/unit")
            XCTAssertEqual(after.status, .ok, "the officer's own password: the page is theirs")
            XCTAssertFalse(try XCTUnwrap(try s.store.account(named: "tanuyen")).mustChangePassword)
            let province = try await p.form("/province/accounts/reset", ["csrf": p.csrf(list), "name": "tinh"])
            XCTAssertEqual(province.status, .badRequest)
            XCTAssertTrue(try s.store.auditLog().contains { $0.action == "password-reset" && $0.detail == "tanuyen" })
        }
    }
}

extension WebTests {
    /// The deadline and the days left, on the unit's page, from the template's deadlines
    /// (a copy of the templates folder giving 2024 one far ahead, and one passed).
    func testTheUnitsPageShowsTheDeadlineAndDaysLeft() async throws {
        for (due, expect) in [("2099-12-10", { (n: Int) in "còn \(n) ngày" }), ("2020-01-10", { (n: Int) in "đã quá hạn \(-n) ngày" })] {
            let folder = dir.appendingPathComponent("templates-\(due)")
            try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent("templates"), to: folder)
            let yaml = folder.appendingPathComponent("lai-chau-ktxh.yaml")
            let text = try String(contentsOf: yaml, encoding: .utf8)
            XCTAssertTrue(text.contains("deadlines:\n"))
            try text.replacingOccurrences(of: "deadlines:\n", with: "deadlines:\n  \"2024\": \(due)\n").write(to: yaml, atomically: true, encoding: .utf8)
            let s = try service { $0.templates = folder.path }
            let left = try XCTUnwrap(WebService.daysLeft(due))
            let words = expect(left)
            try await app(s).test(.router) { client in
                let u = Session(client)
                _ = try await u.login("tanuyen")
                let home = u.text(try await u.request("/unit"))
                XCTAssertTrue(home.contains(words), "\(words) in the page: \(home)")
                XCTAssertTrue(home.contains(UnitStatus.vietDate(due)))
            }
        }
    }
}
