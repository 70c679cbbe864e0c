import Foundation
import SheetIO

/// A consolidated figure: the value and which units it covers.
public struct Aggregate: Sendable, Equatable {
    public var value: Double?
    /// Units whose values entered the figure.
    public var covered: [String]
    /// Units expected to report it (those for which it applies).
    public var expected: [String]
    /// Units that reported "..." or nothing.
    public var missing: [String]
    /// Units that reported "x" (not applicable): excluded, not missing.
    public var notApplicable: [String]

    public var partial: Bool { !missing.isEmpty }
    /// "7/8".
    public var coverageText: String { "\(covered.count)/\(expected.count - notApplicable.count)" }

    static let none = Aggregate(value: nil, covered: [], expected: [], missing: [], notApplicable: [])
}

/// The units' values for a period, consolidated over the hierarchy valid for it, level
/// by level (commune → district → province, or commune → province), with the
/// province-managed part added where the template says so.
///
/// Every method is computed from sums over units, never from a mean of unit rates:
/// ratio = Σ numerator ÷ Σ denominator × factor over units with both; weighted mean =
/// Σ x·w ÷ Σ w; growth = Σ level(t) ÷ Σ level(t−1); change of a rate = aggregated rate
/// at t−1 minus at t, both over the units that report both years. "-" counts as 0, "..." and blanks are missing (and make a total
/// partial), "x" is excluded.
public struct Consolidation: Sendable {
    public let template: Template
    public let period: Period
    /// The lowest reporting units (leaves) valid for the period.
    public let leaves: [ReportingUnit]
    /// The province-managed part, if the hierarchy has one.
    public let provincePart: ReportingUnit?
    /// Units between leaves and province (districts in a 3-tier hierarchy).
    public let intermediates: [ReportingUnit]
    let children: [String: [String]]
    let leafIndex: [String: Int]
    /// The values as a dense grid (``ValueGrid``): the national summary asks for some two
    /// million values, and three string-keyed dictionary lookups each were a quarter of
    /// writing it.
    public let values: ValueGrid
    /// Every unit of the template (and of the values), for memo keys.
    let nodeSlot: [String: Int]
    /// Figures already computed (the workbook, the comparisons and the exports ask for the
    /// same ones).
    private let memo = Memo()

    final class Memo: @unchecked Sendable {
        let lock = NSLock()
        var results: [Int: Aggregate] = [:]
        var leavesUnder: [String: [ReportingUnit]] = [:]
        /// Contributors of a node (and whether the province part is added): codes and slots.
        var contributors: [String: (codes: [String], slots: [Int])] = [:]
    }

    public init(template: Template, period: Period, values: [String: [String: [String: ReportedValue]]]) {
        self.init(template: template, period: period, grid: ValueGrid(template: template, values: values))
    }

    public init(template: Template, period: Period, grid: ValueGrid) {
        self.template = template
        self.period = period
        let valid = template.units.filter { $0.reports && $0.isValid(on: period.referenceDate) }
        let byCode = Dictionary(valid.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var children: [String: [String]] = [:]
        for u in valid { if let p = u.parent, byCode[p] != nil { children[p, default: []].append(u.code) } }
        self.children = children
        provincePart = valid.first { $0.level == .provincePart }
        let reporting = valid.filter { $0.level == .district || $0.level == .commune }
        let leafUnits = reporting.filter { (children[$0.code] ?? []).allSatisfy { byCode[$0]?.level == .provincePart } }
            .sorted { $0.code < $1.code }
        let leafCodes = Set(leafUnits.map(\.code))
        leaves = leafUnits
        leafIndex = Dictionary(leafUnits.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        intermediates = reporting.filter { !leafCodes.contains($0.code) }.sorted { $0.code < $1.code }
        values = grid
        var nodes: [String: Int] = [:]
        for u in template.units where nodes[u.code] == nil { nodes[u.code] = nodes.count + 1 }
        for u in grid.units where nodes[u] == nil { nodes[u] = nodes.count + 1 }
        nodeSlot = nodes
    }

    /// The leaves under a node (nil: the province).
    public func leaves(under node: ReportingUnit?) -> [ReportingUnit] {
        guard let node else { return leaves }
        memo.lock.lock()
        if let hit = memo.leavesUnder[node.code] { memo.lock.unlock(); return hit }
        memo.lock.unlock()
        var out: [ReportingUnit] = []
        if let i = leafIndex[node.code] {
            out = [leaves[i]]
        } else {
            var stack = children[node.code] ?? []
            while let c = stack.popLast() {
                if let i = leafIndex[c] { out.append(leaves[i]) } else { stack += children[c] ?? [] }
            }
            out.sort { $0.code < $1.code }
        }
        memo.lock.lock()
        memo.leavesUnder[node.code] = out
        memo.lock.unlock()
        return out
    }

    func raw(_ unit: String, _ code: String, _ col: String) -> ReportedValue { values[unit, code, col] }

    /// A unit's value by slots (-1: a unit, indicator or column without any value).
    @inline(__always) func raw(slot u: Int, _ i: Int, _ c: Int) -> ReportedValue { values.value(slot: u, i, c) }

    /// A number for aggregation: numbers, and "-" as 0. Ranges and bounds are not
    /// numbers (a plan written "6,6-6,8" does not enter the aggregated plan).
    func number(_ unit: String, _ code: String, _ col: String) -> Double? {
        Consolidation.number(raw(unit, code, col))
    }

    @inline(__always) static func number(_ v: ReportedValue) -> Double? {
        switch v {
        case .number(let d): return d
        case .symbol(.none): return 0
        default: return nil
        }
    }

    /// The units an indicator is aggregated over at a node: its leaves, plus the
    /// province part at the province level when the indicator adds it.
    public func contributors(_ ind: Indicator, node: ReportingUnit?) -> [String] {
        if case .provinceOnly = ind.aggregation { return node == nil ? (provincePart.map { [$0.code] } ?? []) : [] }
        var units = leaves(under: node).map(\.code)
        if node == nil, ind.addsProvincePart, let p = provincePart { units.append(p.code) }
        return units
    }

    /// The contributors with their grid slots, remembered per node.
    func contributorSlots(_ ind: Indicator, node: ReportingUnit?) -> (codes: [String], slots: [Int]) {
        let key: String
        if case .provinceOnly = ind.aggregation { key = "#only\u{1}\(node?.code ?? "")" }
        else { key = "\(node?.code ?? "")\u{1}\(node == nil && ind.addsProvincePart ? "+" : "")" }
        memo.lock.lock()
        if let hit = memo.contributors[key] { memo.lock.unlock(); return hit }
        memo.lock.unlock()
        let codes = contributors(ind, node: node)
        let found = (codes: codes, slots: codes.map { values.unitIndex($0) ?? -1 })
        memo.lock.lock()
        memo.contributors[key] = found
        memo.lock.unlock()
        return found
    }

    /// Whether a plan-column figure must fall back on the estimate's weights: the inputs
    /// are indicators without a plan (base data such as natural area).
    func planFallback(_ a: String, _ b: String, _ role: ValueColumn.Role?) -> Bool {
        role == .plan && !(template.indicator(a)?.planned ?? true || template.indicator(b)?.planned ?? true)
    }

    /// The consolidated value of an indicator in a column at a node (nil: the province).
    public func aggregate(_ code: String, _ col: String, node: ReportingUnit? = nil) -> Aggregate {
        let ni = values.indicatorCount + 1, nc = values.columnCount + 1
        let n = node.map { nodeSlot[$0.code] ?? -1 } ?? 0
        let i = (values.indicatorIndex(code) ?? -1) + 1, c = (values.columnIndex(col) ?? -1) + 1
        // Unknown indicators and columns share a slot: they are keyed apart by text.
        if n < 0 || i == 0 || c == 0 { return finite(computeAggregate(code, col, node: node)) }
        let key = (n * ni + i) * nc + c
        memo.lock.lock()
        if let hit = memo.results[key] { memo.lock.unlock(); return hit }
        memo.lock.unlock()
        var result = finite(computeAggregate(code, col, node: node))
        // A figure every expected unit entered (most of them) shares the expected list's
        // storage instead of holding its own copy: the national summary remembers some
        // 6,000 figures, each listing up to 3,321 units.
        if result.covered.count == result.expected.count, result.covered == result.expected { result.covered = result.expected }
        memo.lock.lock()
        memo.results[key] = result
        memo.lock.unlock()
        return result
    }

    /// Values are checked finite when read and the store refuses others; sums of huge
    /// ones can still overflow. No figure leaves consolidation non-finite.
    private func finite(_ a: Aggregate) -> Aggregate {
        var a = a
        if let v = a.value, !v.isFinite { a.value = nil }
        return a
    }

    private func computeAggregate(_ code: String, _ col: String, node: ReportingUnit?) -> Aggregate {
        guard let ind = template.indicator(code) else { return .none }
        // A plan the units set themselves (their council's resolution) is not summed into the
        // province's: the province figure is the province's own, reported by its part.
        if let c = template.column(col), c.role == .plan, !c.consolidates {
            guard node == nil, let part = provincePart, let v = number(part.code, code, col) else { return .none }
            return Aggregate(value: v, covered: [part.code], expected: [part.code], missing: [], notApplicable: [])
        }
        let (units, unitSlots) = contributorSlots(ind, node: node)
        var agg = Aggregate(value: nil, covered: [], expected: units, missing: [], notApplicable: [])
        var missingSet = Set<Int>(), naSet = Set<Int>()
        func slot(_ code: String) -> Int { values.indicatorIndex(code) ?? -1 }
        func cslot(_ key: String) -> Int { values.columnIndex(key) ?? -1 }
        /// true when every input of unit `k` (an index into `codes`/`slots`) is a number;
        /// records why not otherwise.
        func classify(_ k: Int, _ codes: [String], _ slots: [Int], _ inds: [Int], _ cols: [Int]) -> Bool {
            var ok = true
            let u = slots[k]
            for i in inds {
                for c in cols {
                    switch raw(slot: u, i, c) {
                    case .number, .symbol(.none): continue
                    case .symbol(.notApplicable):
                        if naSet.insert(k).inserted { agg.notApplicable.append(codes[k]) }
                        ok = false
                    default:
                        if !naSet.contains(k) && missingSet.insert(k).inserted { agg.missing.append(codes[k]) }
                        ok = false
                    }
                }
            }
            return ok
        }
        func num(_ u: Int, _ i: Int, _ c: Int) -> Double { Consolidation.number(raw(slot: u, i, c))! }
        let colRole = template.column(col)?.role
        let prev = template.previousColumn?.key ?? col
        let me = slot(code), cc = cslot(col), pc = cslot(prev)
        /// Σ x·w ÷ Σ w over units with both, x this indicator in `col`, w in `wcol`.
        func weightedMean(_ w: String, _ wcol: String) {
            let ws_ = slot(w), wc = cslot(wcol)
            var xw = 0.0, ws = 0.0
            for (k, u) in unitSlots.enumerated() where classify(k, units, unitSlots, [me], [cc]) && classify(k, units, unitSlots, [ws_], [wc]) {
                xw += num(u, me, cc) * num(u, ws_, wc)
                ws += num(u, ws_, wc)
                agg.covered.append(units[k])
            }
            agg.value = ws != 0 && !agg.covered.isEmpty ? xw / ws : nil
        }
        switch ind.aggregation {
        case .sum, .provinceOnly:
            var total = 0.0
            for (k, u) in unitSlots.enumerated() where classify(k, units, unitSlots, [me], [cc]) { total += num(u, me, cc); agg.covered.append(units[k]) }
            agg.value = agg.covered.isEmpty ? nil : total
        case .min, .max:
            var vals: [Double] = []
            for (k, u) in unitSlots.enumerated() where classify(k, units, unitSlots, [me], [cc]) { vals.append(num(u, me, cc)); agg.covered.append(units[k]) }
            agg.value = ind.aggregation == .min ? vals.min() : vals.max()
        case .ratio(let num_, let den, _) where planFallback(num_, den, colRole):
            // Plans of a ratio whose parts have no plan: unit targets weighted by the
            // denominator's estimate (the ratio of the sums the targets imply).
            weightedMean(den, template.estimateColumn?.key ?? col)
        case .ratio(let num_, let den, let factor):
            let ns = slot(num_), ds = slot(den)
            var n = 0.0, d = 0.0
            for (k, u) in unitSlots.enumerated() where classify(k, units, unitSlots, [ns, ds], [cc]) {
                n += num(u, ns, cc)
                d += num(u, ds, cc)
                agg.covered.append(units[k])
            }
            agg.value = d != 0 && !agg.covered.isEmpty ? n / d * factor : nil
        case .weightedMean(let w):
            // Weights with no plan of their own weigh plans by their estimate.
            weightedMean(w, planFallback(w, w, colRole) ? (template.estimateColumn?.key ?? col) : col)
        case .growth(let level):
            let levelInd = template.indicator(level)
            let (levelUnits, levelSlots) = levelInd.map { contributorSlots($0, node: node) } ?? (units, unitSlots)
            agg.expected = levelUnits
            let ls = slot(level)
            var a = 0.0, b = 0.0
            if colRole == .previous {
                // Growth last year from levels: the year before is level ÷ (1 + growth).
                for (k, u) in levelSlots.enumerated() where classify(k, levelUnits, levelSlots, [ls, me], [cc]) {
                    let l = num(u, ls, cc), g = num(u, me, cc)
                    a += l
                    b += l / (1 + g / 100)
                    agg.covered.append(levelUnits[k])
                }
            } else {
                for (k, u) in levelSlots.enumerated() where classify(k, levelUnits, levelSlots, [ls], [cc, pc]) {
                    a += num(u, ls, cc)
                    b += num(u, ls, pc)
                    agg.covered.append(levelUnits[k])
                }
            }
            agg.value = b != 0 && !agg.covered.isEmpty ? (a / b * 100 - 100) : nil
        case .rateChange(let rate):
            if colRole == .previous {
                // Last year's change: unit changes weighted by the rate's denominator.
                if let r = template.indicator(rate), case .ratio(_, let den, _) = r.aggregation {
                    let ds = slot(den)
                    var xw = 0.0, ws = 0.0
                    for (k, u) in unitSlots.enumerated() where classify(k, units, unitSlots, [me, ds], [cc]) {
                        xw += num(u, me, cc) * num(u, ds, cc)
                        ws += num(u, ds, cc)
                        agg.covered.append(units[k])
                    }
                    agg.value = ws != 0 && !agg.covered.isEmpty ? xw / ws : nil
                }
            } else if let r = template.indicator(rate), case .ratio(let num_, let den, let factor) = r.aggregation,
                      !planFallback(num_, den, colRole) {
                // (A plan column whose rate parts have no plan takes the aggregated rates below.)
                // Both years' rates over the same units (those with all four parts): a unit
                // that writes "..." this year must not stay in last year's rate only.
                let (rateUnits, rateSlots) = contributorSlots(r, node: node)
                agg.expected = rateUnits
                let ns = slot(num_), ds = slot(den)
                var n0 = 0.0, d0 = 0.0, n1 = 0.0, d1 = 0.0
                for (k, u) in rateSlots.enumerated() where classify(k, rateUnits, rateSlots, [ns, ds], [pc, cc]) {
                    n0 += num(u, ns, pc); d0 += num(u, ds, pc)
                    n1 += num(u, ns, cc); d1 += num(u, ds, cc)
                    agg.covered.append(rateUnits[k])
                }
                if d0 != 0 && d1 != 0 && !agg.covered.isEmpty { agg.value = n0 / d0 * factor - n1 / d1 * factor }
            } else {
                let before = aggregate(rate, prev, node: node), after = aggregate(rate, col, node: node)
                let both = Set(after.covered)
                agg.covered = before.covered.filter { both.contains($0) }
                agg.missing = Array(Set(before.missing + after.missing)).sorted()
                agg.notApplicable = Array(Set(before.notApplicable + after.notApplicable)).sorted()
                agg.expected = before.expected
                if let x = before.value, let y = after.value { agg.value = x - y }
            }
        }
        return agg
    }
}
