import XCTest
@testable import TongHop

/// The identities of correct aggregation, on a small 3-tier hierarchy (communes →
/// districts → province) and a 2-tier one (communes → province).
final class ConsolidationTests: XCTestCase {
    static let yaml = """
    id: test
    version: 1
    title: Thử
    columns:
      - {key: prev, label: TH, role: previous}
      - {key: plan, label: KH, role: plan}
      - {key: est, label: ƯTH, role: estimate}
    indicators:
      - {code: POP, name: Dân số, unit: người}
      - {code: HH, name: Số hộ, unit: hộ}
      - {code: POOR, name: Số hộ nghèo, unit: hộ}
      - {code: RATE, name: Tỷ lệ hộ nghèo, unit: "%", aggregate: {ratio: [POOR, HH], factor: 100}}
      - {code: FALL, name: Mức giảm tỷ lệ hộ nghèo, unit: điểm %, aggregate: {rate_change: RATE}}
      - {code: OUT, name: Giá trị sản xuất, unit: tỷ đồng, province_part: true}
      - {code: GROW, name: Tốc độ tăng, unit: "%", aggregate: {growth: OUT}}
      - {code: INC, name: Thu nhập bình quân, unit: triệu đồng/người, aggregate: {weighted_mean: POP}}
      - {code: LOW, name: Tiêu chí thấp nhất, unit: tiêu chí, aggregate: min}
      - {code: GDP, name: GRDP/người, unit: triệu đồng, aggregate: province_only}
    units:
      - {code: P, name: Tỉnh, level: province}
      - {code: K, name: Khối tỉnh, level: province_part, parent: P}
      - {code: D1, name: Huyện Một, level: district, parent: P}
      - {code: D2, name: Huyện Hai, level: district, parent: P}
      - {code: C1, name: Xã A, level: commune, parent: D1}
      - {code: C2, name: Xã B, level: commune, parent: D1}
      - {code: C3, name: Xã C, level: commune, parent: D2}
    """

    let t = try! Template.parse(yaml: ConsolidationTests.yaml, file: "test.yaml")
    let p = Period(year: 2024)

    /// unit → code → (prev, plan, est)
    func values(_ rows: [String: [String: (ReportedValue, ReportedValue, ReportedValue)]]) -> [String: [String: [String: ReportedValue]]] {
        rows.mapValues { $0.mapValues { ["prev": $0.0, "plan": $0.1, "est": $0.2] } }
    }

    func n(_ d: Double) -> ReportedValue { .number(d) }

    lazy var data: [String: [String: (ReportedValue, ReportedValue, ReportedValue)]] = [
        "C1": ["POP": (n(1000), .empty, n(1010)), "HH": (n(200), .empty, n(205)), "POOR": (n(80), .empty, n(70)), "RATE": (n(40), .empty, n(34.15)),
               "OUT": (n(100), n(110), n(108)), "GROW": (n(5), .empty, n(8)), "INC": (n(30), n(33), n(32)), "LOW": (n(9), .empty, n(10))],
        "C2": ["POP": (n(4000), .empty, n(4040)), "HH": (n(1000), .empty, n(1010)), "POOR": (n(50), .empty, n(40)), "RATE": (n(5), .empty, n(3.96)),
               "OUT": (n(500), n(520), n(515)), "GROW": (n(2), .empty, n(3)), "INC": (n(60), n(62), n(63)), "LOW": (n(12), .empty, n(13))],
        "C3": ["POP": (n(2000), .empty, n(2030)), "HH": (n(400), .empty, n(410)), "POOR": (n(100), .empty, .symbol(.missing)), "RATE": (n(25), .empty, .symbol(.missing)),
               "OUT": (n(300), n(320), n(330)), "GROW": (n(10), .empty, n(10)), "INC": (n(40), n(44), n(45)), "LOW": (n(7), .empty, .symbol(.none))],
        "K": ["OUT": (n(1000), n(1050), n(1100)), "GDP": (n(50), n(53), n(54))],
    ]

    func test3TierTotalEqualsTheTotalOverLeaves() {
        let c = Consolidation(template: t, period: p, values: values(data))
        XCTAssertEqual(c.leaves.map(\.code), ["C1", "C2", "C3"])
        XCTAssertEqual(c.intermediates.map(\.code), ["D1", "D2"])
        for code in ["POP", "HH", "OUT", "INC", "RATE"] {
            let province = c.aggregate(code, "prev").value!
            let d1 = c.aggregate(code, "prev", node: t.unit("D1")!)
            let d2 = c.aggregate(code, "prev", node: t.unit("D2")!)
            XCTAssertEqual(d1.covered, ["C1", "C2"])
            if code == "POP" || code == "HH" {
                XCTAssertEqual(province, d1.value! + d2.value!, code)
            }
        }
        // Ratios over the tree equal the ratio over all leaves, not a mean of district ratios.
        let hh = 200.0 + 1000 + 400, poor = 80.0 + 50 + 100
        XCTAssertEqual(c.aggregate("RATE", "prev").value!, poor / hh * 100, accuracy: 1e-12)
        let d1rate = (80.0 + 50) / (200 + 1000) * 100, d2rate = 100.0 / 400 * 100
        XCTAssertNotEqual(c.aggregate("RATE", "prev").value!, (d1rate + d2rate) / 2)
    }

    func testRatioOfSumsIsTheDenominatorWeightedMeanNeverTheMeanOfRates() {
        let c = Consolidation(template: t, period: p, values: values(data))
        let rates: [Double] = [40, 5, 25], hh: [Double] = [200, 1000, 400]
        var weighted = 0.0
        for (r, h) in zip(rates, hh) { weighted += r * h }
        weighted /= hh.reduce(0, +)
        let value = c.aggregate("RATE", "prev").value!
        XCTAssertEqual(value, weighted, accuracy: 1e-9)
        XCTAssertNotEqual(value, rates.reduce(0, +) / 3, accuracy: 1)
        // Weighted mean by population likewise.
        let inc = c.aggregate("INC", "prev").value!
        let incomeTotal: Double = 30 * 1000 + 60 * 4000 + 40 * 2000
        XCTAssertEqual(inc, incomeTotal / 7000, accuracy: 1e-9)
    }

    func testGrowthFromLevelsEqualsUnitGrowthWeightedByPreviousLevels() {
        let c = Consolidation(template: t, period: p, values: values(data))
        // Estimate column: Σ OUT(t) ÷ Σ OUT(t−1) − 1, over units with both (the province part adds to OUT).
        let estLevels: [Double] = [108, 515, 330, 1100], prevLevels: [Double] = [100, 500, 300, 1000]
        let est = estLevels.reduce(0, +), prev = prevLevels.reduce(0, +)
        XCTAssertEqual(c.aggregate("GROW", "est").value!, (est / prev - 1) * 100, accuracy: 1e-9)
        var weighted = 0.0
        for (e, p) in zip(estLevels, prevLevels) { weighted += (e / p - 1) * 100 * p }
        weighted /= prev
        XCTAssertEqual(c.aggregate("GROW", "est").value!, weighted, accuracy: 1e-9)
        // Previous column: last year's growth from levels, via level ÷ (1 + growth).
        let before: Double = 100 / 1.05 + 500 / 1.02 + 300 / 1.10
        let last: Double = 100 + 500 + 300
        XCTAssertEqual(c.aggregate("GROW", "prev").value!, (last / before - 1) * 100, accuracy: 1e-9)
    }

    func testSymbolsAndCoverage() {
        let c = Consolidation(template: t, period: p, values: values(data))
        // "..." in C3's estimate: excluded and reported; the total is partial.
        let rate = c.aggregate("RATE", "est")
        XCTAssertEqual(rate.covered, ["C1", "C2"])
        XCTAssertEqual(rate.missing, ["C3"])
        XCTAssertTrue(rate.partial)
        XCTAssertEqual(rate.coverageText, "2/3")
        let expectedRate: Double = (70.0 + 40) / (205.0 + 1010) * 100
        XCTAssertEqual(rate.value!, expectedRate, accuracy: 1e-12)
        // "-" counts as 0 (a minimum of 0, covered).
        let low = c.aggregate("LOW", "est")
        XCTAssertEqual(low.value, 0)
        XCTAssertEqual(low.covered.count, 3)
        // "x" is excluded without making the total partial.
        var d = data
        d["C3"]!["OUT"] = (n(300), n(320), .symbol(.notApplicable))
        let c2 = Consolidation(template: t, period: p, values: values(d))
        let out = c2.aggregate("OUT", "est")
        XCTAssertEqual(out.notApplicable, ["C3"])
        XCTAssertFalse(out.partial)
        XCTAssertEqual(out.value, 108 + 515 + 1100)
    }

    func testProvincePartAndProvinceOnlyFigures() {
        let c = Consolidation(template: t, period: p, values: values(data))
        XCTAssertEqual(c.aggregate("OUT", "est").value, 108 + 515 + 330 + 1100)
        XCTAssertEqual(c.aggregate("OUT", "est", node: t.unit("D1")!).value, 108 + 515, "districts do not get the province part")
        XCTAssertEqual(c.aggregate("POP", "est").expected, ["C1", "C2", "C3"])
        XCTAssertEqual(c.aggregate("GDP", "est").value, 54)
        XCTAssertEqual(c.aggregate("GDP", "est").expected, ["K"])
    }

    func testChangeOfARateIsTheDifferenceOfAggregatedRates() {
        var d = data
        d["C3"]!["POOR"] = (n(100), .empty, n(90))
        let c = Consolidation(template: t, period: p, values: values(d))
        let before: Double = (80.0 + 50 + 100) / (200.0 + 1000 + 400) * 100
        let after: Double = (70.0 + 40 + 90) / (205.0 + 1010 + 410) * 100
        XCTAssertEqual(c.aggregate("FALL", "est").value!, before - after, accuracy: 1e-12)
    }

    func testChangeOfARateComparesBothYearsOverTheSameUnits() {
        // C3 writes "..." for this year's poor households: it leaves both years' rates,
        // not only this year's (which would inflate the reduction).
        var d = data
        d["C3"]!["POOR"] = (n(300), .empty, .symbol(.missing))
        let c = Consolidation(template: t, period: p, values: values(d))
        let before: Double = (80.0 + 50) / (200.0 + 1000) * 100
        let after: Double = (70.0 + 40) / (205.0 + 1010) * 100
        let fall = c.aggregate("FALL", "est")
        XCTAssertEqual(fall.value!, before - after, accuracy: 1e-12)
        XCTAssertEqual(fall.covered, ["C1", "C2"])
        XCTAssertEqual(fall.missing, ["C3"])
    }

    func testThePlanOfARateChangeComesFromTheAggregatedRatesWhenItsPartsHaveNoPlan() {
        // Households and poor households are base data (no plan); units plan the rate itself.
        let yaml = ConsolidationTests.yaml
            .replacingOccurrences(of: "{code: HH, name: Số hộ, unit: hộ}", with: "{code: HH, name: Số hộ, unit: hộ, plan: false}")
            .replacingOccurrences(of: "{code: POOR, name: Số hộ nghèo, unit: hộ}", with: "{code: POOR, name: Số hộ nghèo, unit: hộ, plan: false}")
        let t2 = try! Template.parse(yaml: yaml, file: "t2.yaml")
        var d = data
        for (u, plan) in [("C1", 30.0), ("C2", 4.0), ("C3", 20.0)] { d[u]!["RATE"]!.1 = n(plan) }
        let c = Consolidation(template: t2, period: p, values: values(d))
        let ratePrev = c.aggregate("RATE", "prev").value!, ratePlan = c.aggregate("RATE", "plan").value!
        XCTAssertEqual(c.aggregate("FALL", "plan").value!, ratePrev - ratePlan, accuracy: 1e-12)
    }

    func testNoFigureIsEverNonFinite() {
        // Values near the top of the double range: their sum overflows to +inf.
        var d = data
        d["C1"]!["OUT"] = (n(1.5e308), n(1.5e308), n(1.5e308))
        d["C2"]!["OUT"] = (n(1.5e308), n(1.5e308), n(1.5e308))
        let c = Consolidation(template: t, period: p, values: values(d))
        for code in t.indicators.map(\.code) {
            for col in ["prev", "plan", "est"] {
                if let v = c.aggregate(code, col).value { XCTAssertTrue(v.isFinite, "\(code) \(col) = \(v)") }
            }
        }
        XCTAssertNil(c.aggregate("OUT", "est").value)
    }

    func test2TierHierarchyAfterTheReform() {
        let yaml = ConsolidationTests.yaml.replacingOccurrences(of: """
          - {code: D1, name: Huyện Một, level: district, parent: P}
          - {code: D2, name: Huyện Hai, level: district, parent: P}
          - {code: C1, name: Xã A, level: commune, parent: D1}
          - {code: C2, name: Xã B, level: commune, parent: D1}
          - {code: C3, name: Xã C, level: commune, parent: D2}
        """, with: """
          - {code: D1, name: Huyện Một, level: district, parent: P, valid_to: 2025-06-30}
          - {code: C1, name: Xã A, level: commune, parent: D1, valid_to: 2025-06-30}
          - {code: C2, name: Xã B, level: commune, parent: D1, valid_to: 2025-06-30}
          - {code: C1N, name: Xã A mới, level: commune, parent: P, valid_from: 2025-07-01}
          - {code: C3, name: Xã C, level: commune, parent: P}
        """)
        let t2 = try! Template.parse(yaml: yaml, file: "t2.yaml")
        let c2024 = Consolidation(template: t2, period: Period(year: 2024), values: values(data))
        XCTAssertEqual(c2024.leaves.map(\.code), ["C1", "C2", "C3"])
        let c2025 = Consolidation(template: t2, period: Period(year: 2025), values: values(["C1N": data["C1"]!, "C3": data["C3"]!]))
        XCTAssertEqual(c2025.leaves.map(\.code), ["C1N", "C3"])
        XCTAssertTrue(c2025.intermediates.isEmpty)
        XCTAssertEqual(c2025.aggregate("POP", "est").value, 1010 + 2030)
    }

    func testPlanAttainmentRespectsDirectionRangesAndBounds() {
        XCTAssertEqual(Attainment.assess(estimate: 226, plan: .number(225), direction: .higher), .met)
        XCTAssertEqual(Attainment.assess(estimate: 224, plan: .number(225), direction: .higher), .notMet)
        XCTAssertEqual(Attainment.assess(estimate: 3.5, plan: .number(4), direction: .lower), .met)
        XCTAssertEqual(Attainment.assess(estimate: 6.7, plan: .range(6.6, 6.8), direction: .higher), .met)
        XCTAssertEqual(Attainment.assess(estimate: 6.5, plan: .range(6.6, 6.8), direction: .higher), .notMet)
        XCTAssertEqual(Attainment.assess(estimate: 6.9, plan: .range(6.6, 6.8), direction: .none), .notMet)
        XCTAssertEqual(Attainment.assess(estimate: 97, plan: .atLeast(97, strict: true), direction: .higher), .notMet)
        XCTAssertEqual(Attainment.assess(estimate: 97.5, plan: .atLeast(97, strict: true), direction: .higher), .met)
        XCTAssertEqual(Attainment.assess(estimate: 3.9, plan: .atMost(4, strict: true), direction: .lower), .met)
        XCTAssertEqual(Attainment.assess(estimate: nil, plan: .number(1), direction: .higher), .notAssessed)
        XCTAssertEqual(Attainment.assess(estimate: 1, plan: .empty, direction: .higher), .notAssessed)
    }
}
