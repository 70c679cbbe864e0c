import Foundation
import Hummingbird
import HummingbirdTesting
import SheetIO
import TestSupport
import TongHop
@testable import TongHopWeb
import XCTest

/// Issue 24's year-end call on the province's scorecard page: for a 6-month period, the
/// province's estimate per flow indicator and each unit's counts, the same figures as
/// `tonghop scorecard --format json`; none on partial data.
extension WebTests {
    func testTheSixMonthScorecardPageCarriesTheYearEndCall() async throws {
        // 2024-6T without Tân Uyên (111), as the annual fixtures here: partial, then complete.
        let six = TestSupport.packageRoot.appendingPathComponent("fixtures/submissions/2024-6T")
        let files = try FileManager.default.contentsOfDirectory(atPath: six.path).sorted().map { six.appendingPathComponent($0).path }
        let r = try TestSupport.run(TestSupport.tonghop, ["import", "--db", db] + files.filter { !$0.contains("111-tan-uyen") }, cwd: TestSupport.packageRoot)
        XCTAssertEqual(r.status, 0, r.stderr)
        let s = try service { $0.periods = [Period("2024")!, Period("2024-6T")!] }
        try await app(s).test(.router) { client in
            let p = Session(client)
            _ = try await p.login("tinh")
            var page = try await p.request("/province/scorecard?period=2024-6T")
            XCTAssertEqual(page.status, .ok)
            var text = p.text(page)
            XCTAssertTrue(text.contains("Ước cả năm 2024 và khả năng đạt kế hoạch (từ số liệu 6 tháng)"), text)
            XCTAssertTrue(text.contains("Toàn tỉnh: chưa ước, số liệu chưa đầy đủ (8/9 đơn vị)"), "no province estimate on partial data")
            XCTAssertTrue(text.contains("Huyện Mường Tè"), "each reporting unit's counts")

            // Tân Uyên reports: the province's line, equal to the command line's.
            let added = try TestSupport.run(TestSupport.tonghop, ["import", "--db", self.db] + files.filter { $0.contains("111-tan-uyen") }, cwd: TestSupport.packageRoot)
            XCTAssertEqual(added.status, 0, added.stderr)
            await s.summaries.invalidate()
            page = try await p.request("/province/scorecard?period=2024-6T")
            text = p.text(page)
            XCTAssertNil(text.range(of: "Toàn tỉnh: chưa ước"))
            XCTAssertNotNil(text.range(of: #"Toàn tỉnh: \d+ chỉ tiêu dự kiến đạt, \d+ có nguy cơ không đạt, \d+ khó đạt kế hoạch"#, options: .regularExpression), text)
            let cli = try TestSupport.run(TestSupport.tonghop, ["scorecard", "--db", self.db, "--period", "2024-6T", "--format", "json"], cwd: TestSupport.packageRoot)
            let j = try JSONSerialization.jsonObject(with: cli.stdout) as! [String: Any]
            let est = (j["year_end"] as! [String: Any])["estimates"] as! [[String: Any]]
            let kt01 = try XCTUnwrap(est.first { $0["unit"] as? String == "province" && $0["indicator"] as? String == "KT01" })
            let shown = VietNumber.format(kt01["estimate"] as! Double, decimals: 1, .vi)
            let call = ((kt01["calls"] as! [[String: Any]])[0]["label"] as! String)
            XCTAssertTrue(text.contains("<td class=\"n\">\(shown)</td>"), "the estimate \(shown) as the command line gives it")
            XCTAssertTrue(text.contains(">\(call)</td>"), call)
            // An annual period has no year-end section.
            page = try await p.request("/province/scorecard?period=2024")
            XCTAssertFalse(p.text(page).contains("Ước cả năm"))
            // In English: the section, and the summary workbook with its English sheets.
            _ = try await p.request("/lang?to=en&back=/province")
            page = try await p.request("/province/scorecard?period=2024-6T")
            XCTAssertTrue(p.text(page).contains("Year-end estimate for 2024 and on-track call"), p.text(page))
            let xlsx = try await p.request("/province/summary?period=2024-6T&format=xlsx")
            let path = self.dir.appendingPathComponent("en.xlsx").path
            try Data(xlsx.body.readableBytesView).write(to: URL(fileURLWithPath: path))
            let names = try SpreadsheetDocument(path: path).sheets.map(\.name)
            XCTAssertEqual(names.first, "Summary", "\(names)")
            XCTAssertTrue(names.contains("Year-end estimate"), "\(names)")
        }
    }
}
