import XCTest
@testable import TongHop

final class VietFoldTests: XCTestCase {
    func testToneStyleNormalisationAndCaseFoldTogether() {
        XCTAssertEqual(VietFold.key("Thuỷ"), VietFold.key("Thủy"))
        XCTAssertEqual(VietFold.key("hoà"), VietFold.key("hòa"))
        XCTAssertEqual(VietFold.key("khoẻ"), VietFold.key("KHỎE"))
        XCTAssertEqual(VietFold.key("Mường Tè"), VietFold.key("Mường Tè".decomposedStringWithCanonicalMapping))
    }

    func testToneIsKeptForIdentity() {
        XCTAssertNotEqual(VietFold.key("Hòa"), VietFold.key("Hóa"))
        XCTAssertNotEqual(VietFold.key("Tân Uyên"), VietFold.key("Than Uyên"))
        XCTAssertEqual(VietFold.loose("Hòa"), VietFold.loose("Hóa"), "loose folding drops tones on purpose")
        XCTAssertEqual(VietFold.loose("Đường"), "duong")
    }

    func testAdministrativePrefixesAreDropped() {
        XCTAssertEqual(VietFold.withoutAdministrativePrefix("Huyện Mường Tè"), "Mường Tè")
        XCTAssertEqual(VietFold.withoutAdministrativePrefix("H. Mường Tè"), "Mường Tè")
        XCTAssertEqual(VietFold.withoutAdministrativePrefix("TP. Lai Châu"), "Lai Châu")
        XCTAssertEqual(VietFold.withoutAdministrativePrefix("Thị xã Mường Lay"), "Mường Lay")
        XCTAssertEqual(VietFold.withoutAdministrativePrefix("Mường Tè"), "Mường Tè")
    }
}
