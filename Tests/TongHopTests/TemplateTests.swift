import XCTest
@testable import TongHop
import Yams
import TestSupport

final class TemplateTests: XCTestCase {
    static let path = TestSupport.packageRoot.appendingPathComponent("templates/lai-chau-ktxh.yaml").path

    func testTheLaiChauTemplateCoversEveryAggregationMethodAndItsUnits() throws {
        let t = try Template.load(path: Self.path)
        XCTAssertGreaterThanOrEqual(t.indicators.count, 30)
        let methods = Set(t.indicators.map(\.aggregation.methodName))
        XCTAssertEqual(methods, ["sum", "ratio", "weighted_mean", "growth", "rate_change", "min", "max", "province_only"])
        XCTAssertGreaterThanOrEqual(t.rules.count, 5)
        let districts = t.reportingUnits(for: Period(year: 2024)).filter { $0.level == .district }
        XCTAssertEqual(Set(districts.map(\.name)), ["Thành phố Lai Châu", "Tam Đường", "Phong Thổ", "Sìn Hồ", "Mường Tè", "Nậm Nhùn", "Than Uyên", "Tân Uyên"])
        XCTAssertTrue(t.reportingUnits(for: Period(year: 2024)).contains { $0.level == .provincePart })
        // After 1 July 2025 the districts no longer report.
        XCTAssertTrue(t.reportingUnits(for: Period(year: 2025)).allSatisfy { $0.level != .district })
        if case .ratio(let n, let d, let f) = t.indicator("KT08")!.aggregation {
            XCTAssertEqual([n, d], ["CS06", "CS05"])
            XCTAssertEqual(f, 100)
        } else { XCTFail("KT08 is a ratio of sums") }
        XCTAssertEqual(t.indicator("XH12")?.yoyBound, nil)
        XCTAssertEqual(t.indicator("CS01")?.yoyBound, 0.03)
        XCTAssertEqual(t.indicators(for: t.unit("12-KT")).map(\.code).sorted(), ["KT04", "KT09", "KT10", "KT11", "KT13", "KT14"])
    }

    func testABadTemplateListsEveryProblemWithItsLine() {
        let yaml = """
        id: bad
        version: x
        title: Thử
        columns:
          - {key: estimate, label: Ước, role: estimate}
          - {key: estimate, label: Lặp, role: guess}
        indicators:
          - {code: A01, name: Một, unit: tấn}
          - {code: A01, name: Trùng, unit: tấn}
          - {code: A02, name: Hai, unit: "%", aggregate: {ratio: [A01, ZZ9]}}
          - {code: A03, name: Ba, unit: tấn, kind: float, hard: [10, 1]}
        rules:
          - {id: R1, check: "A01 <= B99"}
          - {id: R2, check: "A01 A02"}
        units:
          - {code: "1", name: Tỉnh, level: province}
          - {code: "2", name: Huyện, level: district, parent: "9", valid_to: 30/06/2025}
        """
        XCTAssertThrowsError(try Template.parse(yaml: yaml, file: "bad.yaml")) { e in
            let err = e as! TemplateError
            let text = err.message(.en)
            XCTAssertTrue(text.contains("bad.yaml:2: \"version\" must be an integer"), text)
            XCTAssertTrue(text.contains("bad.yaml:6: column role \"guess\""), text)
            XCTAssertTrue(text.contains("bad.yaml:9: indicator code A01 duplicates line 8"), text)
            XCTAssertTrue(text.contains("bad.yaml:10: A02: aggregation uses indicator ZZ9"), text)
            XCTAssertTrue(text.contains("bad.yaml:11: A03: kind \"float\""), text)
            XCTAssertTrue(text.contains("bad.yaml:13: rule R1: no indicator B99"), text)
            XCTAssertTrue(text.contains("bad.yaml:14: rule R2: a comparison"), text)
            XCTAssertTrue(text.contains("bad.yaml:17: unit 2: valid_to must be YYYY-MM-DD"), text)
            XCTAssertTrue(text.contains("bad.yaml:17: unit 2: no parent unit 9"), text)
            XCTAssertTrue(err.message(.vi).contains("bad.yaml:2: \"version\" phải là số nguyên"))
        }
    }

    /// New communes reuse a predecessor's code: a code may name one unit in each era,
    /// never two at once, and lookups by code follow the date.
    func testACodeNamesOneUnitPerEra() throws {
        let head = """
        id: eras
        version: 1
        title: Thử
        columns:
          - {key: estimate, label: Ước, role: estimate}
        indicators:
          - {code: A01, name: Một, unit: tấn}
        units:
          - {code: "1", name: Tỉnh, level: province}
          - {code: "2", name: Huyện, level: district, parent: "1", valid_to: 2025-06-30}
          - {code: "03388", name: Phường Quyết Tiến, level: commune, parent: "2", valid_to: 2025-06-30, reports: false}
        """
        let t = try Template.parse(yaml: head + "\n  - {code: \"03388\", name: Phường Đoàn Kết, level: commune, parent: \"1\", valid_from: 2025-07-01}\n", file: "eras.yaml")
        XCTAssertEqual(t.unit("03388", on: "2024-12-31")?.name, "Phường Quyết Tiến")
        XCTAssertEqual(t.unit("03388", on: "2025-12-31")?.name, "Phường Đoàn Kết")
        // The old commune is known but does not report: the district does.
        XCTAssertEqual(t.reportingUnits(for: Period(year: 2024)).map(\.code), ["2"])
        XCTAssertEqual(t.reportingUnits(for: Period(year: 2025)).map(\.code), ["03388"])
        XCTAssertThrowsError(try Template.parse(yaml: head + "\n  - {code: \"03388\", name: Phường Đoàn Kết, level: commune, parent: \"1\", valid_from: 2025-06-01}\n", file: "eras.yaml")) { e in
            XCTAssertTrue((e as! TemplateError).message(.en).contains("eras.yaml:12: unit code 03388 declared twice"), (e as! TemplateError).message(.en))
        }
    }

    /// Deadline arithmetic on day numbers agrees with Foundation's calendar, and an import
    /// time is taken on its Vietnamese local date (UTC+7).
    func testDeadlineDaysAgreeWithFoundation() {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        f.calendar = cal
        for n in stride(from: -25_567, to: 47_482, by: 97) {  // 1900 … 2099
            let text = f.string(from: Date(timeIntervalSince1970: Double(n) * 86_400))
            XCTAssertEqual(UnitStatus.dayNumber(text), n, text)
            XCTAssertEqual(UnitStatus.date(fromDayNumber: n), text)
        }
        XCTAssertEqual(UnitStatus.days(from: "2024-02-28", to: "2024-03-01"), 2)
        XCTAssertEqual(UnitStatus.localDay("2026-11-25T16:59:59Z"), "2026-11-25")
        XCTAssertEqual(UnitStatus.localDay("2026-12-31T17:00:00Z"), "2027-01-01")
    }

    /// The stored import times are read by hand for the status sheet; Foundation's
    /// formatter must agree on every hour boundary, month and year end, and leap day, and
    /// what the hand reading refuses (an impossible date, another form) falls back.
    func testLocalTimeByHandAgreesWithFoundation() {
        let f = ISO8601DateFormatter()
        var checked = 0
        for n in stride(from: 2_000_000_000 - 86_400 * 4_000, to: 2_000_000_000, by: 24_611) {  // 2012 … 2033, at every hour of the day
            let iso = f.string(from: Date(timeIntervalSince1970: Double(n)))
            XCTAssertEqual(UnitStatus.fastLocalTime(iso), UnitStatus.foundationLocalTime(iso), iso)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 14_000)
        for iso in ["2024-02-29T16:59:00Z", "2024-02-29T17:00:00Z", "2026-12-31T17:00:00Z", "2025-06-30T16:30:00Z"] {
            XCTAssertEqual(UnitStatus.fastLocalTime(iso), UnitStatus.foundationLocalTime(iso), iso)
        }
        XCTAssertEqual(UnitStatus.localTime("2026-12-31T17:05:00Z"), "01/01/2027 00:05")
        XCTAssertNil(UnitStatus.fastLocalTime("2025-02-30T10:00:00Z"))
        XCTAssertNil(UnitStatus.fastLocalTime("2026-11-26T02:14:05+07:00"))
        XCTAssertEqual(UnitStatus.localTime("2026-11-26T02:14:05+07:00"), "26/11/2026 02:14")
        XCTAssertEqual(UnitStatus.localTime("không phải ngày"), "không phải ngày")
    }

    /// Import times are written by hand; they must read exactly as the formatter's.
    func testStoreStampEqualsTheFormatter() {
        let f = ISO8601DateFormatter()
        for t in stride(from: -2_000_000_000.0, to: 4_000_000_000.0, by: 3_999_999.37) + [0, -0.5, 59.999, 1_764_115_199.9, 951_782_400] {
            let d = Date(timeIntervalSince1970: t)
            XCTAssertEqual(Store.stamp(d), f.string(from: d), "\(t)")
        }
    }

    func testYAMLSyntaxErrorsNameTheLine() {
        XCTAssertThrowsError(try Template.parse(yaml: "id: a\nversion: 1\ntitle: [unclosed\n", file: "t.yaml")) { e in
            let text = (e as! TemplateError).message(.en)
            XCTAssertTrue(text.hasPrefix("t.yaml:"), text)
            XCTAssertTrue(text.contains("invalid YAML"), text)
        }
    }

    func testRuleExpressionsParseAndEvaluate() throws {
        let e = try Expr.parse("(A + B) * 2 - C / 4").get()
        XCTAssertEqual(Set(e.codes), ["A", "B", "C"])
        XCTAssertEqual(e.evaluate { ["A": 1, "B": 2, "C": 8][$0] }, 4)
        XCTAssertNil(e.evaluate { ["A": 1, "B": 2][$0] })
        XCTAssertThrowsError(try Expr.parse("A +").get())
    }

    func testPeriodsParseAndName() {
        XCTAssertEqual(Period("2024-6T"), Period(year: 2024, span: .months(6)))
        XCTAssertEqual(Period("6T/2024"), Period(year: 2024, span: .months(6)))
        XCTAssertEqual(Period("2024")?.referenceDate, "2024-12-31")
        XCTAssertEqual(Period("2024-9T")?.referenceDate, "2024-09-30")
        XCTAssertEqual(Period("2024-6T")?.label(), "6 tháng đầu năm 2024")
        XCTAssertEqual(Period("2024-6T")?.previous.description, "2023-6T")
        XCTAssertNil(Period("24"))
        XCTAssertNil(Period("2024-7T"))
    }
}

/// The loader reads a unit's fields from one pass over its mapping (`plainFields`); for
/// every key a lookup can name it must give what Yams's own lookup gives.
final class PlainFieldsTests: XCTestCase {
    func testEqualToYamsLookupsOnEveryMappingOfTheTemplates() throws {
        let root = TestSupport.packageRoot
        var texts = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("templates").path)
            .filter { $0.hasSuffix(".yaml") }
            .map { try String(contentsOfFile: root.appendingPathComponent("templates/\($0)").path, encoding: .utf8) }
        // Keys repeated, quoted, tagged, numeric, boolean, null, complex; a key spelt like a word the loader asks for.
        texts.append("""
            units:
              - {code: "A", name: X, "level": commune, !!str parent: "01", 12: twelve, true: yes, ~: nothing}
              - {code: C, name: Y, ? [a, b] : seq, !!int valid_to: five, "reports": false, valid_from: 2025-07-01}
              - {'code': D, name: Z, aliases: [P, Q], !custom level: x}
            """)
        let loader = TemplateLoader(file: "test")
        var mappings = 0, lookups = 0, found = 0
        func walk(_ n: Node) {
            switch n {
            case .mapping(let m):
                mappings += 1
                let fields = loader.plainFields(n, words: TemplateLoader.unitKeys)!
                for w in TemplateLoader.unitKeys {
                    lookups += 1
                    XCTAssertEqual(fields[w], n[w], "\(w)")
                    if n[w] != nil { found += 1 }
                }
                for (k, v) in m { walk(k); walk(v) }
            case .sequence(let s):
                for x in s { walk(x) }
            case .scalar, .alias:
                XCTAssertNil(loader.plainFields(n, words: TemplateLoader.unitKeys))
            }
        }
        for t in texts { walk(try XCTUnwrap(try Yams.compose(yaml: t))) }
        XCTAssertGreaterThan(mappings, 100)
        XCTAssertGreaterThan(lookups, 800)
        XCTAssertGreaterThan(found, 40)
    }
}
