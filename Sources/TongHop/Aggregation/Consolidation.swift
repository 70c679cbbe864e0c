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
    /// unit code → indicator → column key → value.
    public let values: [String: [String: [String: ReportedValue]]]
    /// The lowest reporting units (leaves) valid for the period.
    public let leaves: [ReportingUnit]
    /// The province-managed part, if the hierarchy has one.
    public let provincePart: ReportingUnit?
    /// Units between leaves and province (districts in a 3-tier hierarchy).
    public let intermediates: [ReportingUnit]
    let children: [String: [String]]
    let leafIndex: [String: Int]
    /// Figures already computed (the workbook, the comparisons and the exports ask for the
    /// same ones).
    private let memo = Memo()

    final class Memo: @unchecked Sendable {
        let lock = NSLock()
        var results: [String: Aggregate] = [:]
        var leavesUnder: [String: [ReportingUnit]] = [:]
    }

    public init(template: Template, period: Period, values: [String: [String: [String: ReportedValue]]]) {
        self.template = template
        self.period = period
        self.values = values
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

    func raw(_ unit: String, _ code: String, _ col: String) -> ReportedValue {
        values[unit]?[code]?[col] ?? .empty
    }

    /// A number for aggregation: numbers, and "-" as 0. Ranges and bounds are not
    /// numbers (a plan written "6,6-6,8" does not enter the aggregated plan).
    func number(_ unit: String, _ code: String, _ col: String) -> Double? {
        switch raw(unit, code, col) {
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

    /// Whether a plan-column figure must fall back on the estimate's weights: the inputs
    /// are indicators without a plan (base data such as natural area).
    func planFallback(_ a: String, _ b: String, _ role: ValueColumn.Role?) -> Bool {
        role == .plan && !(template.indicator(a)?.planned ?? true || template.indicator(b)?.planned ?? true)
    }

    /// The consolidated value of an indicator in a column at a node (nil: the province).
    public func aggregate(_ code: String, _ col: String, node: ReportingUnit? = nil) -> Aggregate {
        let key = "\(code)\u{1}\(col)\u{1}\(node?.code ?? "")"
        memo.lock.lock()
        if let hit = memo.results[key] { memo.lock.unlock(); return hit }
        memo.lock.unlock()
        var result = computeAggregate(code, col, node: node)
        // Values are checked finite when read and the store refuses others; sums of huge
        // ones can still overflow. No figure leaves consolidation non-finite.
        if let v = result.value, !v.isFinite { result.value = nil }
        memo.lock.lock()
        memo.results[key] = result
        memo.lock.unlock()
        return result
    }

    private func computeAggregate(_ code: String, _ col: String, node: ReportingUnit?) -> Aggregate {
        guard let ind = template.indicator(code) else { return .none }
        // A plan the units set themselves (their council's resolution) is not summed into the
        // province's: the province figure is the province's own, reported by its part.
        if let c = template.column(col), c.role == .plan, !c.consolidates {
            guard node == nil, let part = provincePart, let v = number(part.code, code, col) else { return .none }
            return Aggregate(value: v, covered: [part.code], expected: [part.code], missing: [], notApplicable: [])
        }
        let units = contributors(ind, node: node)
        var agg = Aggregate(value: nil, covered: [], expected: units, missing: [], notApplicable: [])
        var missingSet = Set<String>(), naSet = Set<String>()
        func classify(_ u: String, _ codes: [String], _ cols: [String]) -> Bool {
            // true when every input is a number; records why not otherwise.
            var ok = true
            let unitValues = values[u]
            for c in codes {
                let byColumn = unitValues?[c]
                for k in cols {
                    switch byColumn?[k] ?? .empty {
                    case .number, .symbol(.none): continue
                    case .symbol(.notApplicable):
                        if naSet.insert(u).inserted { agg.notApplicable.append(u) }
                        ok = false
                    default:
                        if !naSet.contains(u) && missingSet.insert(u).inserted { agg.missing.append(u) }
                        ok = false
                    }
                }
            }
            return ok
        }
        let colRole = template.column(col)?.role
        let prev = template.previousColumn?.key ?? col
        /// Σ x·w ÷ Σ w over units with both, x this indicator in `col`, w in `wcol`.
        func weightedMean(_ w: String, _ wcol: String) {
            var xw = 0.0, ws = 0.0
            for u in units where classify(u, [code], [col]) && classify(u, [w], [wcol]) {
                xw += number(u, code, col)! * number(u, w, wcol)!
                ws += number(u, w, wcol)!
                agg.covered.append(u)
            }
            agg.value = ws != 0 && !agg.covered.isEmpty ? xw / ws : nil
        }
        switch ind.aggregation {
        case .sum, .provinceOnly:
            var total = 0.0
            for u in units where classify(u, [code], [col]) { total += number(u, code, col)!; agg.covered.append(u) }
            agg.value = agg.covered.isEmpty ? nil : total
        case .min, .max:
            var vals: [Double] = []
            for u in units where classify(u, [code], [col]) { vals.append(number(u, code, col)!); agg.covered.append(u) }
            agg.value = ind.aggregation == .min ? vals.min() : vals.max()
        case .ratio(let num, let den, _) where planFallback(num, den, colRole):
            // Plans of a ratio whose parts have no plan: unit targets weighted by the
            // denominator's estimate (the ratio of the sums the targets imply).
            weightedMean(den, template.estimateColumn?.key ?? col)
        case .ratio(let num, let den, let factor):
            var n = 0.0, d = 0.0
            for u in units where classify(u, [num, den], [col]) {
                n += number(u, num, col)!
                d += number(u, den, col)!
                agg.covered.append(u)
            }
            agg.value = d != 0 && !agg.covered.isEmpty ? n / d * factor : nil
        case .weightedMean(let w):
            // Weights with no plan of their own weigh plans by their estimate.
            weightedMean(w, planFallback(w, w, colRole) ? (template.estimateColumn?.key ?? col) : col)
        case .growth(let level):
            let levelInd = template.indicator(level)
            let levelUnits = levelInd.map { contributors($0, node: node) } ?? units
            agg.expected = levelUnits
            var a = 0.0, b = 0.0
            if colRole == .previous {
                // Growth last year from levels: the year before is level ÷ (1 + growth).
                for u in levelUnits where classify(u, [level, code], [col]) {
                    let l = number(u, level, col)!, g = number(u, code, col)!
                    a += l
                    b += l / (1 + g / 100)
                    agg.covered.append(u)
                }
            } else {
                for u in levelUnits where classify(u, [level], [col, prev]) {
                    a += number(u, level, col)!
                    b += number(u, level, prev)!
                    agg.covered.append(u)
                }
            }
            agg.value = b != 0 && !agg.covered.isEmpty ? (a / b * 100 - 100) : nil
        case .rateChange(let rate):
            if colRole == .previous {
                // Last year's change: unit changes weighted by the rate's denominator.
                if let r = template.indicator(rate), case .ratio(_, let den, _) = r.aggregation {
                    var xw = 0.0, ws = 0.0
                    for u in units where classify(u, [code, den], [col]) {
                        xw += number(u, code, col)! * number(u, den, col)!
                        ws += number(u, den, col)!
                        agg.covered.append(u)
                    }
                    agg.value = ws != 0 && !agg.covered.isEmpty ? xw / ws : nil
                }
            } else if let r = template.indicator(rate), case .ratio(let num, let den, let factor) = r.aggregation,
                      !planFallback(num, den, colRole) {
                // (A plan column whose rate parts have no plan takes the aggregated rates below.)
                // Both years' rates over the same units (those with all four parts): a unit
                // that writes "..." this year must not stay in last year's rate only.
                let rateUnits = contributors(r, node: node)
                agg.expected = rateUnits
                var n0 = 0.0, d0 = 0.0, n1 = 0.0, d1 = 0.0
                for u in rateUnits where classify(u, [num, den], [prev, col]) {
                    n0 += number(u, num, prev)!; d0 += number(u, den, prev)!
                    n1 += number(u, num, col)!; d1 += number(u, den, col)!
                    agg.covered.append(u)
                }
                if d0 != 0 && d1 != 0 && !agg.covered.isEmpty { agg.value = n0 / d0 * factor - n1 / d1 * factor }
            } else {
                let before = aggregate(rate, prev, node: node), after = aggregate(rate, col, node: node)
                agg.covered = before.covered.filter { after.covered.contains($0) }
                agg.missing = Array(Set(before.missing + after.missing)).sorted()
                agg.notApplicable = Array(Set(before.notApplicable + after.notApplicable)).sorted()
                agg.expected = before.expected
                if let x = before.value, let y = after.value { agg.value = x - y }
            }
        }
        return agg
    }
}
