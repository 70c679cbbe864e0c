import Foundation

/// The units' values for one period (unit code → indicator → column key → value) as one
/// dense array, unit slot × indicator slot × column slot.
///
/// The national summary reads some 420,000 stored values and asks for some two million:
/// string-keyed nested dictionaries cost three hashed lookups a value and some 50 MB of
/// small tables (one per unit and indicator), which the summary held at its peak next to
/// this grid. The store now fills the grid row by row (``Store/currentValueGrid(template:period:)``),
/// so the dictionaries are never built.
public struct ValueGrid: Sendable {
    /// Unit codes in slot order (the order first seen).
    public private(set) var units: [String] = []
    private(set) var unitSlot: [String: Int] = [:]
    private(set) var indSlot: [String: Int] = [:]
    private(set) var colSlot: [String: Int] = [:]
    /// Slots reserved per unit for indicators and per indicator for columns: at least the
    /// counts above, doubled when a value names an indicator or column the template does
    /// not (a value kept from an earlier version of the template), so growing is rare and
    /// amortised.
    private var indStride: Int
    private var colStride: Int
    private var cells: [ReportedValue] = []
    /// The unit of the last `set` (the store hands values over unit by unit).
    private var lastUnit = "", lastSlot = -1

    /// An empty grid laid out for a template's indicators and columns.
    public init(template: Template) {
        for i in template.indicators where indSlot[i.code] == nil { indSlot[i.code] = indSlot.count }
        for c in template.columns where colSlot[c.key] == nil { colSlot[c.key] = colSlot.count }
        indStride = max(1, indSlot.count)
        colStride = max(1, colSlot.count)
    }

    /// The grid of nested values (tests, and the previous period of a cross-reform view).
    public init(template: Template, values: [String: [String: [String: ReportedValue]]]) {
        self.init(template: template)
        for u in values.keys.sorted() {
            _ = slot(forUnit: u)  // every unit named has a slot, even without a value
            for (code, byCol) in values[u]! {
                for (k, v) in byCol { set(u, code, k, v) }
            }
        }
    }

    public var indicatorCount: Int { indSlot.count }
    public var columnCount: Int { colSlot.count }

    func unitIndex(_ code: String) -> Int? { unitSlot[code] }
    func indicatorIndex(_ code: String) -> Int? { indSlot[code] }
    func columnIndex(_ key: String) -> Int? { colSlot[key] }

    /// A value by slots (-1: a unit, indicator or column without any value).
    @inline(__always) func value(slot u: Int, _ i: Int, _ c: Int) -> ReportedValue {
        u < 0 || i < 0 || c < 0 ? .empty : cells[(u * indStride + i) * colStride + c]
    }

    /// A unit's value; `.empty` when it has none.
    public subscript(unit: String, indicator: String, column: String) -> ReportedValue {
        guard let u = unitSlot[unit], let i = indSlot[indicator], let c = colSlot[column] else { return .empty }
        return cells[(u * indStride + i) * colStride + c]
    }

    /// Whether the unit has any value (even an empty one) in the grid.
    public func has(unit: String) -> Bool { unitSlot[unit] != nil }

    private mutating func slot(forUnit unit: String) -> Int {
        if unit == lastUnit && lastSlot >= 0 { return lastSlot }
        let s: Int
        if let known = unitSlot[unit] {
            s = known
        } else {
            s = units.count
            unitSlot[unit] = s
            units.append(unit)
            cells.append(contentsOf: repeatElement(.empty, count: indStride * colStride))
        }
        lastUnit = unit
        lastSlot = s
        return s
    }

    /// Sets a unit's value (the last one set wins).
    public mutating func set(_ unit: String, _ indicator: String, _ column: String, _ v: ReportedValue) {
        let u = slot(forUnit: unit)
        let i: Int, c: Int
        if let known = indSlot[indicator] { i = known } else {
            i = indSlot.count
            indSlot[indicator] = i
            if i >= indStride { relayout(indStride: indStride * 2, colStride: colStride) }
        }
        if let known = colSlot[column] { c = known } else {
            c = colSlot.count
            colSlot[column] = c
            if c >= colStride { relayout(indStride: indStride, colStride: colStride * 2) }
        }
        cells[(u * indStride + i) * colStride + c] = v
    }

    private mutating func relayout(indStride ni: Int, colStride nc: Int) {
        var moved = [ReportedValue](repeating: .empty, count: units.count * ni * nc)
        for u in 0..<units.count {
            for i in 0..<indStride {
                for c in 0..<colStride {
                    moved[(u * ni + i) * nc + c] = cells[(u * indStride + i) * colStride + c]
                }
            }
        }
        cells = moved
        indStride = ni
        colStride = nc
    }
}
