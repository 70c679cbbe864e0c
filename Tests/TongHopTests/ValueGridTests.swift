import Foundation
import XCTest
@testable import TongHop
import TestSupport

/// The dense grid the summary reads values from (``ValueGrid``) against the nested tables
/// it replaced, and the store's two ways of loading the current values.
final class ValueGridTests: XCTestCase {
    let t = try! Template.parse(yaml: ConsolidationTests.yaml, file: "test.yaml")

    /// Random values over the template's units and codes, and over codes and columns it
    /// does not have (values kept from an earlier template version), so the grid grows.
    func randomValues(seed: UInt64) -> [String: [String: [String: ReportedValue]]] {
        var g = SplitMix64(state: seed)
        let units = (0..<40).map { "U\($0)" } + t.units.map(\.code)
        let codes = t.indicators.map(\.code) + (0..<30).map { "OLD\($0)" }
        let cols = t.columns.map(\.key) + ["extra1", "extra2", "extra3"]
        let kinds: [ReportedValue] = [.empty, .symbol(.none), .symbol(.missing), .symbol(.notApplicable), .range(1, 2), .atLeast(3, strict: true), .atMost(4, strict: false)]
        var out: [String: [String: [String: ReportedValue]]] = [:]
        for u in units where Int.random(in: 0..<5, using: &g) > 0 {
            out[u] = [:]   // a unit may hold no value at all
            for c in codes where Int.random(in: 0..<3, using: &g) == 0 {
                for k in cols where Int.random(in: 0..<2, using: &g) == 0 {
                    out[u]![c, default: [:]][k] = Int.random(in: 0..<3, using: &g) == 0 ? kinds.randomElement(using: &g)! : .number(Double(Int.random(in: -1000...1000, using: &g)) / 4)
                }
            }
        }
        return out
    }

    func testTheGridHoldsExactlyTheNestedValuesWhateverTheOrderTheyCome() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let nested = randomValues(seed: seed)
            let grid = ValueGrid(template: t, values: nested)
            // The same values set one by one in another order (the store's way).
            var byRow = ValueGrid(template: t)
            var g = SplitMix64(state: seed &* 7)
            let triples = nested.flatMap { u, byInd in byInd.flatMap { c, byCol in byCol.map { (u, c, $0.key, $0.value) } } }.shuffled(using: &g)
            for (u, c, k, v) in triples { byRow.set(u, c, k, v) }
            let units = Set(nested.keys).union(["nobody"]), codes = Set(nested.values.flatMap(\.keys)).union(t.indicators.map(\.code)).union(["NONE"])
            let cols = Set(nested.values.flatMap { $0.values.flatMap(\.keys) }).union(["none"])
            var checked = 0
            for u in units { for c in codes { for k in cols {
                let want = nested[u]?[c]?[k] ?? .empty
                XCTAssertEqual(grid[u, c, k], want, "seed \(seed): \(u) \(c) \(k)")
                XCTAssertEqual(byRow[u, c, k], want, "seed \(seed), set one by one: \(u) \(c) \(k)")
                checked += 1
            } } }
            XCTAssertGreaterThan(checked, 1000)
            XCTAssertEqual(Set(grid.units), Set(nested.keys), "a unit without values still has its slot")
        }
    }

    func testAConsolidationFromTheGridEqualsOneFromTheNestedValues() {
        for seed in 1...10 as ClosedRange<UInt64> {
            // Only template units and codes, numbers mostly, so figures are computed.
            let nested = randomValues(seed: seed).filter { u, _ in t.units.contains { $0.code == u } }
            var grid = ValueGrid(template: t)
            for (u, byInd) in nested.sorted(by: { $0.key < $1.key }) { for (c, byCol) in byInd { for (k, v) in byCol { grid.set(u, c, k, v) } } }
            let a = Consolidation(template: t, period: Period(year: 2024), values: nested)
            let b = Consolidation(template: t, period: Period(year: 2024), grid: grid)
            for ind in t.indicators { for col in t.columns {
                for node in [nil] + t.units.map(Optional.some) {
                    XCTAssertEqual(a.aggregate(ind.code, col.key, node: node), b.aggregate(ind.code, col.key, node: node), "seed \(seed) \(ind.code) \(col.key) \(node?.code ?? "province")")
                }
            } }
        }
    }

    func testTheStoreLoadsTheSameValuesIntoTheGridAsIntoNestedTables() throws {
        let dir = try TestSupport.tempDir(self)
        let store = try Store(path: dir.appendingPathComponent("g.db").path)
        let folder = TestSupport.packageRoot.appendingPathComponent("fixtures/submissions/2024")
        let forms = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0).path }
        let library = TemplateLibrary(directory: TestSupport.packageRoot.appendingPathComponent("templates").path)
        let outcomes = try Importer(store: store, reader: SubmissionReader(library: library, template: nil)).run(paths: forms)
        XCTAssertGreaterThan(outcomes.filter { $0.status == .imported }.count, 5)
        let template = try library.load("lai-chau-ktxh")
        let nested = try store.currentReportedValues(template: template.id, period: Period(year: 2024))
        let grid = try store.currentValueGrid(template: template, period: Period(year: 2024))
        XCTAssertEqual(Set(grid.units), Set(nested.keys))
        var n = 0
        for (u, byInd) in nested { for (c, byCol) in byInd { for (k, v) in byCol { XCTAssertEqual(grid[u, c, k], v, "\(u) \(c) \(k)"); n += 1 } } }
        XCTAssertGreaterThan(n, 300)
        for u in nested.keys { for ind in template.indicators { for col in template.columns where nested[u]?[ind.code]?[col.key] == nil {
            XCTAssertEqual(grid[u, ind.code, col.key], .empty)
        } } }
    }
}
