import XCTest
@testable import TongHop

/// How officers write periods, units, headers and indicator names (issue 7, items 2, 4–6).
final class OfficerWordsTests: XCTestCase {
    func testPeriodsNamedInWordsInFileNamesAndTitles() {
        let cases: [(String, String)] = [
            ("BC 6 thang dau nam 2024 - Tan Uyen", "2024-6T"), ("BC_6T_2024", "2024-6T"), ("than-uyen-6-thang-2024", "2024-6T"),
            ("Q3-2024", "2024-Q3"), ("bao cao quy III 2024", "2024-Q3"), ("BC 9 thang 2024", "2024-9T"),
            ("ca nam 2024", "2024"), ("lai-chau-ktxh_107-muong-te_2024", "2024"), ("lai-chau-ktxh_107-muong-te_2024-6T", "2024-6T"),
            ("quoc-gia_X1990-xa-so-1990_2025", "2025"), ("Xa so 2001 - 6 thang 2025", "2025-6T"),
        ]
        for (name, want) in cases { XCTAssertEqual(Identification.periodInFileName(name)?.description, want, name) }
        let titles: [(String, String?)] = [
            ("BÁO CÁO KẾT QUẢ 6 THÁNG ĐẦU NĂM 2024", "2024-6T"), ("Báo cáo sáu tháng đầu năm 2024", "2024-6T"),
            ("Kết quả quý III/2024", "2024-Q3"), ("Ước thực hiện 9 tháng năm 2024", "2024-9T"), ("CÁC CHỈ TIÊU NĂM 2024", "2024"),
            ("Tình hình 6 tháng đầu năm, ước cả năm 2024", "2024-6T"), ("Quyết định số 2024", nil),
            ("Mường Tè, ngày 20 tháng 6 năm 2024", nil), ("Lai Châu, ngày … tháng … năm …", nil),
        ]
        for (title, want) in titles { XCTAssertEqual(Identification.periodIn(title)?.description, want, title) }
    }

    func testBareScaleWordsAndAbbreviationsResolveAgainstTheIndicatorUnit() {
        let tyDong = MeasureUnit("tỷ đồng")!, trieuNguoi = MeasureUnit("triệu đồng/người")!
        XCTAssertEqual(MeasureUnit("tỷ")!.factor(to: tyDong), 1)
        XCTAssertEqual(MeasureUnit("tỉ")!.factor(to: tyDong), 1)
        XCTAssertEqual(MeasureUnit("triệu")!.factor(to: tyDong), 1e-3)
        XCTAssertEqual(MeasureUnit("tr")!.factor(to: tyDong), 1e-3)
        XCTAssertEqual(MeasureUnit("tr.đ")!.factor(to: tyDong), 1e-3)
        XCTAssertEqual(MeasureUnit("trđ")!.factor(to: tyDong), 1e-3)
        XCTAssertEqual(MeasureUnit("ngàn đ")!.factor(to: tyDong), 1e-6)
        XCTAssertEqual(MeasureUnit("Tr.đồng/người")!.factor(to: trieuNguoi), 1)
        XCTAssertNil(MeasureUnit("tấn")!.factor(to: tyDong), "an incompatible unit stays incompatible")
        XCTAssertNil(MeasureUnit("%")!.factor(to: tyDong))
    }

    func testIndicatorNamesAsOfficersSpellThem() {
        let same: [(String, String)] = [
            ("Số bác sĩ/vạn dân", "Số bác sỹ/vạn dân"), ("Tỷ lệ đô thị hóa", "Tỷ lệ đô thị hoá"), ("Thủy sản", "Thuỷ sản"),
            ("Dân số trung bình", "Dân số trung bình (người)"), ("Số hộ nghèo (đa chiều)", "- Số hộ nghèo (đa chiều)"),
            ("Dân số nông thôn", "Trong đó: Dân số nông thôn"), ("Tốc độ tăng giá trị sản xuất", "Tốc độ tăng trưởng giá trị sản xuất"),
            ("Tổng thu ngân sách (tỷ đồng)", "Tổng thu ngân sách"), ("Kỹ thuật", "Kĩ thuật"),
        ]
        for (a, b) in same { XCTAssertEqual(VietFold.rowKey(a), VietFold.rowKey(b), "\(a) / \(b)") }
        XCTAssertNotEqual(VietFold.rowKey("Dân số nông thôn"), VietFold.rowKey("Dân số thành thị"))
        XCTAssertNotEqual(VietFold.rowKey("Số xã"), VietFold.rowKey("Số xe"))
    }

    func testValueHeadersByTheirWords() {
        func role(_ s: String, year: Int? = nil) -> ValueColumn.Role? {
            HeaderMatcher.semanticRole(s, year: year ?? HeaderMatcher.year(in: s), periodYear: 2024)
        }
        for h in ["KH", "kế hoạch", "KH tỉnh giao năm 2024", "KH huyện giao", "Chỉ tiêu Nghị quyết (NQ HĐND) năm 2024", "Mục tiêu", "Chỉ tiêu KH"] {
            XCTAssertEqual(role(h), .plan, h)
        }
        for h in ["Ước TH", "ƯTH cả năm", "Ước thực hiện 6 tháng", "Thực hiện 6 tháng đầu năm 2024"] { XCTAssertEqual(role(h), .estimate, h) }
        for h in ["TH 2023", "Thực hiện cùng kỳ", "Cùng kỳ năm trước"] { XCTAssertEqual(role(h), .previous, h) }
        for h in ["ƯTH/KH (%)", "So sánh cùng kỳ", "Ghi chú"] { XCTAssertNil(role(h), h) }
    }
}
