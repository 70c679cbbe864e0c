import Foundation
import XCTest
import TestSupport
@testable import TongHop

/// The screening's statistics against an independent implementation (numpy, in
/// Tests/Support/robust_stats.py), and the screening's arithmetic on a known case.
final class QualityStatsTests: XCTestCase {
    func peer(_ request: [String: Any]) throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: request)
        let r = try TestSupport.run("python3", [TestSupport.support.appendingPathComponent("robust_stats.py").path], stdin: data)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
    }

    func testMedianMADQuantilesAndZMatchNumpy() throws {
        var rng = SplitMix64(state: 24)
        var sets: [[Double]] = []
        for i in 0..<40 {
            let n = 1 + rng.below(60)
            var xs = (0..<n).map { _ in Double(rng.below(100_000)) / 100 - 300 }
            if i % 5 == 0 { xs = xs.map { _ in 42.5 } }          // MAD 0: the floor decides
            if i % 7 == 0 { xs = xs.map { ($0 * 10).rounded() / 10 } }  // ties
            sets.append(xs)
        }
        let probe = [-1000.0, 0, 42.5, 43, 999.9]
        let quantiles = [0.0, 0.05, 0.25, 0.5, 0.9, 1.0]
        let floor = 0.75
        var histories: [[Double]] = [], values: [Double] = []
        for _ in 0..<30 {
            let n = 2 + rng.below(9)
            histories.append((0..<n).map { _ in Double(rng.below(1000)) })
            values.append(Double(rng.below(2000)))
        }
        histories.append([5, 5, 5, 5]); values.append(50)   // σ 0: DHIS2 says z = 0
        let out = try peer(["sets": sets, "floor": floor, "probe": probe, "quantiles": quantiles, "history": histories, "values": values])
        let theirs = out["sets"] as! [[String: Any]]
        for (xs, t) in zip(sets, theirs) {
            let fit = try XCTUnwrap(RobustStats.fit(xs, floor: floor))
            XCTAssertEqual(fit.median, t["median"] as! Double, accuracy: 1e-9)
            XCTAssertEqual(fit.mad, t["mad"] as! Double, accuracy: 1e-9)
            XCTAssertEqual(fit.scale, t["scale"] as! Double, accuracy: 1e-9)
            XCTAssertGreaterThan(fit.scale, 0, "never a zero scale, so never z = 0 for a value off the median")
            for (p, z) in zip(probe, t["z"] as! [Double]) { XCTAssertEqual(fit.z(p), z, accuracy: 1e-9) }
            for (q, v) in zip(quantiles, t["quantiles"] as! [Double]) { XCTAssertEqual(RobustStats.quantile(xs, q)!, v, accuracy: 1e-9) }
        }
        for ((x, h), z) in zip(zip(values, histories), out["classic_z"] as! [Double]) {
            XCTAssertEqual(RobustStats.classicZ(x, history: h), z, accuracy: 1e-9)
        }
        // The DHIS2 gap the issue names: with n values the largest |z| is (n−1)/√n, under 3 for n ≤ 10.
        let ten = [1.0, 1, 1, 1, 1, 1, 1, 1, 1]
        XCTAssertLessThan(abs(RobustStats.classicZ(1000, history: ten + [1000])), 3)
    }

    /// A level is screened per capita on a log scale: the interval the screening gives for
    /// an output ten times too large is the one numpy computes from the same figures, and
    /// the slip is named with the value ÷ 10 proposed.
    func testPerCapitaIntervalMatchesNumpyAndTheDigitSlipIsNamed() throws {
        let t = try Template.load(path: TestSupport.packageRoot.appendingPathComponent("templates/lai-chau-ktxh.yaml").path)
        let period = Period(year: 2024)
        let units = t.reportingUnits(for: period).filter { $0.level == .district }.map(\.code).sorted()
        XCTAssertEqual(units.count, 8)
        let pops = [42_000.0, 55_000, 48_000, 90_000, 61_000, 39_000, 70_000, 52_000]
        var outputs = zip(pops, [1.0, 1.1, 0.9, 1.05, 0.95, 1.2, 0.85, 1.0]).map { $0 * 0.012 * $1 }
        outputs[3] *= 10
        var values: [String: [String: [String: ReportedValue]]] = [:]
        for (i, u) in units.enumerated() {
            values[u] = ["CS01": ["estimate": .number(pops[i])], "KT01": ["estimate": .number(outputs[i])]]
        }
        let found = Screening(input: QualityInput(template: t, period: period, values: values)).run()
        let a = try XCTUnwrap(found.first { $0.indicator == "KT01" })
        XCTAssertEqual(found.filter { $0.indicator == "KT01" }.count, 1, "\(found)")
        XCTAssertEqual(a.unit, units[3])
        XCTAssertEqual(a.method, .powerOfTen)
        XCTAssertEqual(a.suggested!, outputs[3] / 10, accuracy: 1e-9)
        let out = try peer(["per_capita": ["values": outputs, "denominators": pops, "floor": 0.03, "threshold": 3.5]])
        let pc = out["per_capita"] as! [String: [Double]]
        XCTAssertEqual(a.expectedLow!, pc["low"]![3], accuracy: 1e-6 * pc["low"]![3])
        XCTAssertEqual(a.expectedHigh!, pc["high"]![3], accuracy: 1e-6 * pc["high"]![3])
        XCTAssertEqual(a.score, abs(pc["z"]![3]), accuracy: 1e-9)
        XCTAssertTrue(a.reasonVI.contains("chia cho 10"), a.reasonVI)
    }

    /// `screening_peers: urban_rural`: Thanh Hóa's wards are compared among themselves and
    /// its communes among themselves; a rate wards share (a ward is not a commune) is no
    /// anomaly then, while a ward far from the other wards still is.
    func testWardsAreComparedWithWardsWhenTheTemplateSaysSo() throws {
        var t = try Template.load(path: TestSupport.packageRoot.appendingPathComponent("templates/thanh-hoa-ktxh.yaml").path)
        let period = Period(year: 2026)
        let communes = t.reportingUnits(for: period).filter { $0.level == .commune }
        let wards = communes.filter(Screening.isUrban).map(\.code).sorted(), rural = communes.filter { !Screening.isUrban($0) }.map(\.code).sorted()
        XCTAssertGreaterThanOrEqual(wards.count, 5)
        XCTAssertGreaterThan(rural.count, 100)
        var values: [String: [String: [String: ReportedValue]]] = [:]
        // KT02 (a growth rate): communes about 7 %, wards about 12 %, one ward at 30 %.
        for (i, u) in rural.enumerated() { values[u] = ["KT02": ["estimate": .number(7 + Double(i % 5) * 0.1)]] }
        for (i, u) in wards.enumerated() { values[u] = ["KT02": ["estimate": .number(i == 0 ? 30 : 12 + Double(i % 5) * 0.1)]] }
        let byLevel = Screening(input: QualityInput(template: t, period: period, values: values))
        XCTAssertEqual(byLevel.peerGroups().count, 1)
        let flaggedByLevel = Set(byLevel.run().filter { $0.indicator == "KT02" }.map(\.unit))
        XCTAssertTrue(Set(wards).isSubset(of: flaggedByLevel), "against the communes every ward looks unusual")
        t.screeningPeers = .urbanRural
        let apart = Screening(input: QualityInput(template: t, period: period, values: values))
        XCTAssertEqual(apart.peerGroups().map { Set($0) }, [Set(wards), Set(rural)])
        XCTAssertEqual(apart.run().filter { $0.indicator == "KT02" }.map(\.unit), [wards[0]], "only the ward far from the wards")
    }

    /// The plan against the plan the same unit gave in its earlier report of the year: a
    /// swap with the estimate is named (with the values undone) though plan and estimate a
    /// few per cent apart pass every statistic; an adjusted plan is a finding, not a swap;
    /// rounding to the indicator's decimals is no change, a bound compares as written.
    func testPlanAgainstTheEarlierReportOfTheYear() throws {
        XCTAssertTrue(QualityInput.earlierInYear(Period("2024-9T")!, than: Period("2024")!))
        XCTAssertTrue(QualityInput.earlierInYear(Period("2024-6T")!, than: Period("2024-9T")!))
        XCTAssertFalse(QualityInput.earlierInYear(Period("2024-9T")!, than: Period("2024-6T")!))
        XCTAssertFalse(QualityInput.earlierInYear(Period("2023-9T")!, than: Period("2024")!))
        XCTAssertFalse(QualityInput.earlierInYear(Period("2024-Q2")!, than: Period("2024")!), "a quarter's plan may be the quarter's")
        XCTAssertTrue(Screening.samePlan(.number(81), .number(81.04), decimals: 1))
        XCTAssertTrue(Screening.samePlan(.number(1234.56), .number(1234.6), decimals: 1))
        XCTAssertFalse(Screening.samePlan(.number(81), .number(81.1), decimals: 1))
        XCTAssertTrue(Screening.samePlan(.symbol(.none), .number(0), decimals: 0))
        XCTAssertTrue(Screening.samePlan(.atLeast(98.5, strict: true), .atLeast(98.5, strict: true), decimals: 1))
        XCTAssertFalse(Screening.samePlan(.atLeast(98.5, strict: true), .atLeast(98.5, strict: false), decimals: 1), "Trên 98,5 is not ≥ 98,5")
        XCTAssertFalse(Screening.samePlan(.atLeast(98.5, strict: true), .number(98.5), decimals: 1))
        XCTAssertTrue(Screening.samePlan(.range(8.5, 9), .range(8.5, 9), decimals: 1))

        let t = try Template.load(path: TestSupport.packageRoot.appendingPathComponent("templates/lai-chau-ktxh.yaml").path)
        let period = Period(year: 2024), nine = Period(year: 2024, span: .months(9))
        let units = t.reportingUnits(for: period).filter { $0.level == .district }.map(\.code).sorted()
        XCTAssertEqual(units.count, 8)
        var values: [String: [String: [String: ReportedValue]]] = [:]
        var earlier: [String: [String: [String: QualityInput.EarlierPlan]]] = [:]
        var plans: [Double] = [], estimates: [Double] = []
        for (i, u) in units.enumerated() {
            let pop = 40_000 + 5_000 * Double(i), prev = (pop * 0.0015 * (1 + 0.03 * Double(i % 3))).rounded()
            let plan = (prev * (1.07 + 0.005 * Double(i % 4)) * 10).rounded() / 10
            let est = (prev * (1.09 - 0.01 * Double(i % 3)) * 10).rounded() / 10
            plans.append(plan); estimates.append(est)
            values[u] = ["CS01": ["estimate": .number(pop)],
                         "KT10": ["prev_actual": .number(prev), "plan": .number(plan), "estimate": .number(est)]]
            earlier[u] = ["KT10": ["plan": .init(period: nine, value: .number(plan))]]
        }
        values[units[3]]!["KT10"]!["plan"] = .number(estimates[3])        // swapped
        values[units[3]]!["KT10"]!["estimate"] = .number(plans[3])
        values[units[5]]!["KT10"]!["plan"] = .number(plans[5] * 1.04)      // adjusted
        values[units[6]]!["KT10"]!["plan"] = .number(plans[6] + 0.04)      // the same, rounded otherwise

        // Without the earlier reports: as before, no finding of the new kind.
        let before = Screening(input: QualityInput(template: t, period: period, values: values)).run()
        XCTAssertFalse(before.contains { $0.method == .planChanged })

        let found = Screening(input: QualityInput(template: t, period: period, values: values, earlierPlans: earlier)).run().filter { $0.indicator == "KT10" }
        let swap = try XCTUnwrap(found.first { $0.unit == units[3] }, "\(found)")
        XCTAssertEqual(swap.method, .planActualSwap)
        XCTAssertEqual(swap.column, "plan")
        XCTAssertEqual(swap.value, estimates[3])
        XCTAssertEqual(swap.suggested, plans[3])
        XCTAssertTrue(swap.reasonVI.contains("báo cáo 9 tháng năm 2024"), swap.reasonVI)
        XCTAssertEqual(found.filter { $0.unit == units[3] }.count, 1)
        let adjusted = try XCTUnwrap(found.first { $0.unit == units[5] }, "\(found)")
        XCTAssertEqual(adjusted.method, .planChanged)
        XCTAssertEqual(adjusted.column, "plan")
        XCTAssertEqual(adjusted.expectedLow, plans[5])
        XCTAssertEqual(adjusted.expectedHigh, plans[5])
        XCTAssertNil(adjusted.suggested)
        XCTAssertGreaterThanOrEqual(adjusted.score, 3.5)
        XCTAssertTrue(adjusted.reasonEN.contains("the unit gave in its report for the first 9 months of 2024"), adjusted.reasonEN)
        XCTAssertFalse(found.contains { $0.unit == units[6] }, "\(found)")
        XCTAssertEqual(Anomaly.Method.planChanged.rawValue, "plan_changed_within_year")
        XCTAssertFalse(Anomaly.Method.planChanged.isRecogniser, "a question for the unit (W161), not a named slip")
    }

    /// Identical peers (MAD 0) still flag a different value: the floor, never z = 0.
    func testIdenticalPeersStillFlagAnOutlier() throws {
        let t = try Template.load(path: TestSupport.packageRoot.appendingPathComponent("templates/lai-chau-ktxh.yaml").path)
        let period = Period(year: 2024)
        let units = t.reportingUnits(for: period).filter { $0.level == .district }.map(\.code).sorted()
        var values: [String: [String: [String: ReportedValue]]] = [:]
        for (i, u) in units.enumerated() { values[u] = ["KT02": ["estimate": .number(i == 2 ? 19.5 : 7.5)]] }
        let found = Screening(input: QualityInput(template: t, period: period, values: values)).run()
        XCTAssertEqual(found.map(\.unit), [units[2]])
        XCTAssertTrue(found[0].score.isFinite && found[0].score > 3.5)
    }

    /// The forecast: the unit's own share when it has two earlier years, the province's
    /// otherwise, the naive ×12/m last; calls by the estimate and its range.
    func testYearEndEstimateAndCall() {
        let e1 = YearEndForecast.estimate(cumulative: 40, months: 6, unitPairs: [(40, 100), (44, 110)], province: (0.5, 0.02))
        XCTAssertEqual(e1.source, .unit)
        XCTAssertEqual(e1.estimate, 100, accuracy: 1e-9)
        let e2 = YearEndForecast.estimate(cumulative: 40, months: 6, unitPairs: [(40, 100)], province: (0.5, 0.02))
        XCTAssertEqual(e2.source, .province)
        XCTAssertEqual(e2.estimate, 80, accuracy: 1e-9)
        let e3 = YearEndForecast.estimate(cumulative: 45, months: 9, unitPairs: [], province: nil)
        XCTAssertEqual(e3.source, .naive)
        XCTAssertEqual(e3.estimate, 60, accuracy: 1e-9)
        XCTAssertEqual(YearEndForecast.call(estimate: 100, low: 97, high: 103, plan: .number(99), direction: .higher), .onTrack)
        XCTAssertEqual(YearEndForecast.call(estimate: 100, low: 97, high: 103, plan: .number(102), direction: .higher), .atRisk)
        XCTAssertEqual(YearEndForecast.call(estimate: 100, low: 97, high: 103, plan: .number(110), direction: .higher), .unlikely)
        XCTAssertEqual(YearEndForecast.call(estimate: 100, low: 97, high: 103, plan: .atLeast(120, strict: true), direction: .higher), .unlikely)
        XCTAssertEqual(YearEndForecast.Call.atRisk.label(.vi), "có nguy cơ không đạt")
    }
}
