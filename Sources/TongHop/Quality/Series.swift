import Foundation

/// An indicator over the periods of the store: the province's figure and, per unit or per
/// comparable area, the units' own. Across a reform of the hierarchy (1 July 2025) a unit
/// of one era has no figure in the other, so the series runs over the smallest areas that
/// are the same before and after — the groups the conversion table ties together (an old
/// district with the new communes its old communes went into, joined with every other
/// old unit one of those communes took from) — never finer.
public struct Series: Sendable {
    public struct Point: Sendable {
        public var period: Period
        /// nil when some member has no figure (never a partial sum).
        public var value: Double?
        /// Members without a figure for the period.
        public var missing: [String]
    }

    public struct Line: Sendable {
        /// The unit's code, "province", or "area-N" for a comparable area.
        public var key: String
        public var name: String
        /// The units whose figures make the line, all eras together.
        public var members: [String]
        public var points: [Point]
    }

    public var indicator: Indicator
    public var periods: [Period]
    /// Whether the periods straddle a change of the reporting units (comparable areas used).
    public var acrossReform: Bool
    public var lines: [Line]

    /// Builds the series of `indicator` over `periods` (each with its current values):
    /// the province's line, and with `unit` the line of that unit (or of the comparable
    /// area holding it), with `allAreas` one line per unit or comparable area.
    public static func build(template t: Template, indicator code: String, periods: [Period],
                             values: [Period: [String: [String: [String: ReportedValue]]]],
                             unit: String? = nil, allAreas: Bool = false) -> Series? {
        guard let ind = t.indicator(code) else { return nil }
        let periods = periods.sorted()
        let col = t.estimateColumn?.key ?? "estimate"
        let sets = periods.map { p in Set(t.reportingUnits(for: p).filter { $0.level == .district || $0.level == .commune }.map(\.code)) }
        let across = Set(sets).count > 1
        var lines: [Line] = []
        // The province: the template's own consolidation, period by period.
        var provincePoints: [Point] = []
        for p in periods {
            let c = Consolidation(template: t, period: p, values: values[p] ?? [:])
            let a = c.aggregate(ind.code, col)
            provincePoints.append(Point(period: p, value: a.partial ? nil : a.value, missing: a.missing))
        }
        lines.append(Line(key: "province", name: t.province?.name ?? "Toàn tỉnh", members: [], points: provincePoints))
        guard unit != nil || allAreas else { return Series(indicator: ind, periods: periods, acrossReform: across, lines: lines) }

        // Comparable areas: union-find over the reporting units of every period.
        var parent: [String: String] = [:]
        func find(_ x: String) -> String {
            var r = x
            while let p = parent[r], p != r { r = p }
            var y = x
            while let p = parent[y], p != r { parent[y] = r; y = p }
            return r
        }
        func union(_ a: String, _ b: String) { let ra = find(a), rb = find(b); if ra != rb { parent[max(ra, rb)] = min(ra, rb) } }
        let all = sets.reduce(Set<String>()) { $0.union($1) }
        for u in all { parent[u] = u }
        let catalogue = t.cataloguePath.flatMap { try? UnitCatalogue.load(path: $0) }
        if across {
            /// The reporting unit of period `p` an old unit belongs to (itself, or its district).
            func reportingAncestor(_ code: String, _ p: Period, _ reporting: Set<String>) -> String? {
                var c: String? = code
                var steps = 0
                while let x = c, steps < 5 {
                    if reporting.contains(x) { return x }
                    c = t.unit(x, on: p.referenceDate)?.parent ?? catalogue?.unit(x, on: p.referenceDate)?.parent
                    steps += 1
                }
                return nil
            }
            for (i, p) in periods.enumerated() {
                for code in sets[i] {
                    guard let u = t.unit(code, for: p), !u.predecessors.isEmpty else { continue }
                    for (j, q) in periods.enumerated() where j != i && q < p && !sets[j].contains(code) {
                        for pre in u.predecessors {
                            if let a = reportingAncestor(pre.code, q, sets[j]) { union(code, a) }
                        }
                    }
                }
            }
        }
        var groups: [String: [String]] = [:]
        for u in all { groups[find(u), default: []].append(u) }
        let ordered = groups.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
        func name(_ code: String) -> String {
            for p in periods.reversed() { if let u = t.unit(code, for: p) { return u.name } }
            return code
        }
        func line(_ members: [String], key: String) -> Line {
            let root = ReportingUnit(code: "\u{1}area", name: "", level: .province)
            var points: [Point] = []
            for (i, p) in periods.enumerated() {
                let present = members.filter { sets[i].contains($0) }
                var subset: [String: [String: [String: ReportedValue]]] = [:]
                for m in present { subset[m] = values[p]?[m] }
                var s = t
                s.units = [root] + present.map { ReportingUnit(code: $0, name: $0, parent: root.code, level: .commune) }
                let a = Consolidation(template: s, period: p, values: subset).aggregate(ind.code, col)
                points.append(Point(period: p, value: a.partial || present.isEmpty ? nil : a.value, missing: present.isEmpty ? members : a.missing))
            }
            let label = members.count == 1 ? name(members[0]) : members.map(name).joined(separator: ", ")
            return Line(key: key, name: label, members: members, points: points)
        }
        for (i, g) in ordered.enumerated() {
            if let unit, !g.contains(unit) { continue }
            lines.append(line(g, key: g.count == 1 ? g[0] : "area-\(i + 1)"))
        }
        return Series(indicator: ind, periods: periods, acrossReform: across, lines: lines)
    }
}

extension Series {
    public func text(_ lang: Language) -> String {
        let vi = lang == .vi
        var out = "\(indicator.code) «\(indicator.name)» (\(indicator.unitText))\n"
        if acrossReform {
            out += vi ? "Các kỳ trước và sau sắp xếp đơn vị hành chính: số liệu theo khu vực so sánh được (gộp các đơn vị cũ và mới tương ứng)\n"
                      : "The periods straddle the reform of the units: figures by comparable area (old and new units grouped)\n"
        }
        let head = periods.map { $0.description }
        out += (vi ? "Khu vực" : "Area").padding(toLength: 40, withPad: " ", startingAt: 0) + head.map { $0.leftPad(14) }.joined() + "\n"
        for l in lines {
            let nm = TerminalText.safe(l.key == "province" ? l.name : "\(l.key) \(l.name)")
            let shown = nm.count > 39 ? String(nm.prefix(38)) + "…" : nm
            out += shown.padding(toLength: 40, withPad: " ", startingAt: 0)
            out += l.points.map { ($0.value.map { VietNumber.format($0, decimals: indicator.decimals, lang) } ?? "—").leftPad(14) }.joined() + "\n"
        }
        return out
    }

    public func csv() -> String {
        var out = "area,name,members,period,value\n"
        for l in lines {
            for p in l.points {
                out += [l.key, CellText.quoteCSV(l.name), CellText.quoteCSV(l.members.joined(separator: " ")), p.period.description,
                        p.value.map { CellText.number($0) } ?? ""].joined(separator: ",") + "\n"
            }
        }
        return out
    }

    public func json() -> String {
        func n(_ v: Double?) -> String { v.map { $0.isFinite ? CellText.number($0) : "null" } ?? "null" }
        var out = "{\"indicator\":\(CellText.jsonString(indicator.code)),\"name\":\(CellText.jsonString(indicator.name)),"
        out += "\"unit\":\(CellText.jsonString(indicator.unitText)),\"across_reform\":\(acrossReform),"
        out += "\"periods\":[\(periods.map { CellText.jsonString($0.description) }.joined(separator: ","))],\"series\":["
        out += lines.map { l in
            "{\"area\":\(CellText.jsonString(l.key)),\"name\":\(CellText.jsonString(l.name)),\"members\":[\(l.members.map(CellText.jsonString).joined(separator: ","))],\"points\":["
                + l.points.map { "{\"period\":\(CellText.jsonString($0.period.description)),\"value\":\(n($0.value)),\"missing\":[\($0.missing.map(CellText.jsonString).joined(separator: ","))]}" }.joined(separator: ",")
                + "]}"
        }.joined(separator: ",")
        return out + "]}\n"
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
