import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import TongHop
@testable import TongHopWeb
import XCTest

/// Issue 24's worklist on the web: the province asks a unit about a flagged value, the
/// unit sees the question on its page and answers, the province sees the answer; another
/// unit can neither see nor answer it; every step is audited.
extension WebTests {
    func testTheProvinceAsksAboutAnAnomalyAndTheUnitAnswers() async throws {
        // Mường Tè's (107) industrial output typed a thousand times too large.
        let plant = try TestSupport.python(["-c", """
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1])
        n = c.execute("UPDATE value SET number = number * 1000 WHERE indicator = 'KT01' AND column_key = 'estimate' AND submission_id = (SELECT id FROM submission WHERE unit_code = '107' AND is_current = 1)").rowcount
        c.commit()
        print(n)
        """, db])
        XCTAssertEqual(plant.out.trimmingCharacters(in: .whitespacesAndNewlines), "1", plant.stderr)
        let s = try service()
        try await app(s).test(.router) { client in
            let p = Session(client)
            _ = try await p.login("tinh")
            let home = try await p.request("/province")
            XCTAssertTrue(p.text(home).contains("/province/anomalies?period=2024"))
            var page = try await p.request("/province/anomalies?period=2024")
            XCTAssertEqual(page.status, .ok)
            var text = p.text(page)
            XCTAssertTrue(text.contains("id=\"a-107-KT01-estimate\""), text)
            XCTAssertTrue(text.contains("Chưa xử lý"))
            // A step needs its note.
            let empty = try await p.form("/province/anomalies/mark", ["csrf": p.csrf(page), "period": "2024", "unit": "107", "indicator": "KT01",
                                                                      "column": "estimate", "state": "asked", "note": " "])
            XCTAssertEqual(empty.status, .badRequest)
            let asked = try await p.form("/province/anomalies/mark", ["csrf": p.csrf(page), "period": "2024", "unit": "107", "indicator": "KT01",
                                                                      "column": "estimate", "state": "asked", "note": "Số này gấp 1.000 lần năm trước, đơn vị tính đúng chưa?"])
            XCTAssertEqual(asked.status, .seeOther)
            XCTAssertEqual(asked.headers[.location], "/province/anomalies?period=2024#a-107-KT01-estimate")

            // Mường Tè sees the question; Tân Uyên does not, and cannot answer it.
            let u = Session(client)
            _ = try await u.login("muongte")
            let unitHome = try await u.request("/unit")
            XCTAssertTrue(u.text(unitHome).contains("Tỉnh hỏi về số liệu"), u.text(unitHome))
            XCTAssertTrue(u.text(unitHome).contains("«Số này gấp 1.000 lần năm trước, đơn vị tính đúng chưa?»"))
            let other = Session(client)
            _ = try await other.login("tanuyen")
            let otherHome = try await other.request("/unit")
            XCTAssertFalse(other.text(otherHome).contains("Số này gấp 1.000 lần"))
            let stolen = try await other.form("/unit/answer", ["csrf": other.csrf(otherHome), "period": "2024", "indicator": "KT01", "column": "estimate", "note": "x"])
            XCTAssertEqual(stolen.status, .notFound)
            // The province cannot answer in a unit's place (the unit pages are the units').
            let asProvince = try await p.form("/unit/answer", ["csrf": p.csrf(page), "period": "2024", "indicator": "KT01", "column": "estimate", "note": "x"])
            XCTAssertEqual(asProvince.status, .forbidden)

            let answered = try await u.form("/unit/answer", ["csrf": u.csrf(unitHome), "period": "2024", "indicator": "KT01", "column": "estimate",
                                                             "note": "Số đúng: có nhà máy thủy điện mới vận hành"])
            XCTAssertEqual(answered.status, .seeOther)
            let afterAnswer = try await u.request("/unit")
            XCTAssertFalse(u.text(afterAnswer).contains("Tỉnh hỏi về số liệu"), "answered: no longer open")

            page = try await p.request("/province/anomalies?period=2024")
            text = p.text(page)
            XCTAssertTrue(text.contains("Đơn vị đã trả lời"), text)
            XCTAssertTrue(text.contains("«Số đúng: có nhà máy thủy điện mới vận hành»"))
            XCTAssertTrue(text.contains("Đã hỏi đơn vị (tinh, "), "the history under the card")
            let audit = try s.store.auditEntries(action: "followup").entries.map { $0.detail ?? "" }
            XCTAssertEqual(audit.count, 2)
            XCTAssertTrue(audit.contains { $0.contains("107 KT01 estimate answered") })
            XCTAssertTrue(audit.contains { $0.contains("107 KT01 estimate asked") })
            // In English.
            _ = try await p.request("/lang?to=en&back=/province")
            let english = try await p.request("/province/anomalies?period=2024")
            XCTAssertTrue(p.text(english).contains("The unit answered"))
        }
    }
}
