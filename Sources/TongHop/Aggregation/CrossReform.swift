import Foundation
import SheetIO

/// The year-before figures of units across the 1 July 2025 reform: a commune formed from
/// old communes (or a province from old provinces) has no report of its own for 2024, but
/// its predecessors may. The figure is computed from their stored reports with each
/// indicator's own method (sums summed, ratios from summed parts, growth from levels —
/// the ``Consolidation`` of a hierarchy made of the predecessors), and says how far it can
/// be trusted:
///
/// - `same`: the unit itself reported the year before (no reform in between);
/// - `computed`: every predecessor went in whole and every one's figure is stored (an old
///   district's report stands for its communes when all of them went into the set);
/// - `approximate`: a predecessor went in only in part (its whole figure is counted) —
///   shown, but marked and never used as if exact;
/// - `missing`: a predecessor's figure is not in the store: no figure at all, never a
///   partial sum.
public struct CrossReform: Sendable {
    public enum Quality: String, Sendable, Codable {
        case same, computed, approximate, missing

        public func label(_ lang: Language) -> String {
            switch (self, lang) {
            case (.same, .vi): return "số liệu của chính đơn vị"
            case (.computed, .vi): return "tính từ đơn vị cũ"
            case (.approximate, .vi): return "gần đúng"
            case (.missing, .vi): return "thiếu số liệu"
            case (.same, .en): return "own report"
            case (.computed, .en): return "computed from old units"
            case (.approximate, .en): return "approximate"
            case (.missing, .en): return "missing"
            }
        }
    }

    /// An old unit whose report enters the figure.
    public struct Source: Sendable {
        public var code: String
        public var name: String
        /// whole, part, unchanged; "district" when an old district's report stands for its communes.
        public var how: String
        /// Whether the store has its report for the previous period.
        public var stored: Bool
    }

    public struct Figure: Sendable {
        public var indicator: String
        public var value: Double?
        public var quality: Quality
        public var vi: String
        public var en: String
    }

    /// The previous-period figures of a set of units (one unit, or all of a province's).
    public struct Result: Sendable {
        public var units: [String]
        public var sources: [Source]
        /// The quality of the set's basis before any indicator is looked at.
        public var quality: Quality
        public var figures: [Figure]
        public func figure(_ code: String) -> Figure? { figures.first { $0.indicator == code } }
    }

    public let template: Template
    public let period: Period
    /// The same span a year earlier.
    public let previous: Period
    /// The store's current reports of the previous period: unit → indicator → column → value.
    let values: [String: [String: [String: ReportedValue]]]
    let catalogue: UnitCatalogue?
    /// Old unit code → the new units (after the reform) that list it as a predecessor.
    let successors: [String: Set<String>]
    /// Old district code → its communes (before the reform).
    let districtCommunes: [String: [String]]

    public init(template: Template, period: Period, previousValues: [String: [String: [String: ReportedValue]]]) {
        self.template = template
        self.period = period
        previous = Period(year: period.year - 1, span: period.span)
        values = previousValues
        catalogue = template.cataloguePath.flatMap { try? UnitCatalogue.load(path: $0) }
        // From the catalogue, not the template: an old commune split between this
        // province's new units and another's is whole for neither.
        var succ: [String: Set<String>] = [:]
        var communes: [String: [String]] = [:]
        for u in catalogue?.units ?? [] {
            if u.validFrom != nil { for p in u.predecessors { succ[p.code, default: []].insert(u.code) } }
            if u.level == .commune, u.validTo != nil, let d = u.parent { communes[d, default: []].append(u.code) }
        }
        successors = succ
        districtCommunes = communes
    }

    /// The previous-period figures of one unit valid in the period.
    public func figures(for unit: ReportingUnit) -> Result { figures(for: [unit]) }

    /// The previous-period figures of the province: all its units reporting in the period.
    public func provinceFigures() -> Result {
        figures(for: template.reportingUnits(for: period))
    }

    public func figures(for set: [ReportingUnit]) -> Result {
        let prevDate = previous.referenceDate
        let codes = Set(set.map(\.code))
        var sources: [Source] = []
        var partial: [String] = []
        var unknown: [String] = []
        var provincePart: String? = nil
        // The old units the set is made of, with how each went in (w.r.t. the whole set:
        // an old commune split between two new units of the set went in whole).
        var old: [(code: String, how: String)] = []
        for u in set {
            if u.level == .provincePart { provincePart = u.code; continue }
            if u.isValid(on: prevDate) || (u.validFrom == nil && u.predecessors.isEmpty) {
                old.append((u.code, "same"))
            } else if u.predecessors.isEmpty {
                unknown.append(u.code)
            } else {
                for p in u.predecessors {
                    var how = p.how.rawValue
                    if p.how == .part, let s = successors[p.code], s.isSubset(of: codes) { how = "whole" }
                    if how == "part" { partial.append(p.code) }
                    if !old.contains(where: { $0.code == p.code }) { old.append((p.code, how)) }
                    else if how == "whole", let i = old.firstIndex(where: { $0.code == p.code }) { old[i].how = "whole" }
                }
            }
        }
        // An old district's report stands for its communes when every one of them is in.
        var contributors: [String] = []
        var covered = Set<String>()
        if let cat = catalogue {
            let oldCodes = Set(old.map(\.code))
            var byDistrict: [String: [String]] = [:]
            for o in old {
                if let u = cat.unit(o.code, on: prevDate), u.level == .commune, let d = u.parent { byDistrict[d, default: []].append(o.code) }
            }
            for (d, _) in byDistrict.sorted(by: { $0.key < $1.key }) {
                guard values[d] != nil else { continue }
                let all = districtCommunes[d] ?? []
                guard !all.isEmpty, all.allSatisfy({ oldCodes.contains($0) }),
                      all.allSatisfy({ c in old.first { $0.code == c }?.how != "part" }) else { continue }
                contributors.append(d)
                covered.formUnion(all)
                sources.append(Source(code: d, name: name(d, on: prevDate), how: "district", stored: true))
            }
        }
        var absent: [String] = []
        for o in old where !covered.contains(o.code) {
            let stored = values[o.code] != nil
            sources.append(Source(code: o.code, name: name(o.code, on: prevDate), how: o.how, stored: stored))
            if stored { contributors.append(o.code) } else { absent.append(o.code) }
        }
        if let pp = provincePart {
            sources.append(Source(code: pp, name: name(pp, on: prevDate), how: "same", stored: values[pp] != nil))
        }

        let quality: Quality
        if !unknown.isEmpty || !absent.isEmpty || contributors.isEmpty { quality = .missing }
        else if !partial.isEmpty { quality = .approximate }
        else if sources.allSatisfy({ $0.how == "same" }) { quality = .same }
        else { quality = .computed }

        // The predecessors as a one-level hierarchy of the previous period, consolidated
        // with the template's own methods.
        var synthetic = template
        let root = ReportingUnit(code: "\u{1}set", name: "", level: .province)
        synthetic.units = [root] + contributors.map { ReportingUnit(code: $0, name: $0, parent: root.code, level: .commune) }
            + (provincePart.map { [ReportingUnit(code: $0, name: $0, parent: root.code, level: .provincePart)] } ?? [])
        var subset: [String: [String: [String: ReportedValue]]] = [:]
        for c in contributors + [provincePart].compactMap({ $0 }) { subset[c] = values[c] }
        let consolidation = Consolidation(template: synthetic, period: previous, values: subset)
        let column = template.estimateColumn?.key ?? ""
        let prevLabel = previous.label(.vi), prevLabelEn = previous.label(.en)

        var figures: [Figure] = []
        for ind in template.indicators {
            if case .provinceOnly = ind.aggregation, provincePart == nil { continue }
            if quality == .missing {
                let why = !unknown.isEmpty
                    ? ("không rõ đơn vị trước sắp xếp của \(unknown.joined(separator: ", "))", "no predecessors known for \(unknown.joined(separator: ", "))")
                    : ("chưa có số liệu \(prevLabel) của: \(absent.map { "\(name($0, on: prevDate)) (\($0))" }.joined(separator: ", "))",
                       "no \(prevLabelEn) report from: \(absent.map { "\(name($0, on: prevDate)) (\($0))" }.joined(separator: ", "))")
                figures.append(Figure(indicator: ind.code, value: nil, quality: .missing, vi: why.0, en: why.1))
                continue
            }
            let a = consolidation.aggregate(ind.code, column)
            guard let v = a.value, !a.partial else {
                let gaps = a.missing.map { "\(name($0, on: prevDate)) (\($0))" }.joined(separator: ", ")
                figures.append(Figure(indicator: ind.code, value: nil, quality: .missing,
                                      vi: gaps.isEmpty ? "không tính được từ số liệu \(prevLabel)" : "thiếu chỉ tiêu này trong báo cáo \(prevLabel) của: \(gaps)",
                                      en: gaps.isEmpty ? "cannot be computed from the \(prevLabelEn) reports" : "not in the \(prevLabelEn) report of: \(gaps)"))
                continue
            }
            let list = sources.filter(\.stored).map { "\($0.name) (\($0.code))" }.joined(separator: ", ")
            switch quality {
            case .approximate:
                let parts = partial.map { "\(name($0, on: prevDate)) (\($0))" }.joined(separator: ", ")
                figures.append(Figure(indicator: ind.code, value: v, quality: .approximate,
                                      vi: "gần đúng: tính từ số liệu \(prevLabel) của \(list); \(parts) chỉ nhập một phần (tính cả đơn vị)",
                                      en: "approximate: from the \(prevLabelEn) reports of \(list); \(parts) merged only in part (counted whole)"))
            case .same:
                figures.append(Figure(indicator: ind.code, value: v, quality: .same,
                                      vi: "số liệu \(prevLabel) của chính đơn vị", en: "the unit's own \(prevLabelEn) report"))
            default:
                figures.append(Figure(indicator: ind.code, value: v, quality: .computed,
                                      vi: "tính từ số liệu \(prevLabel) của \(list)", en: "computed from the \(prevLabelEn) reports of \(list)"))
            }
        }
        return Result(units: set.map(\.code), sources: sources, quality: quality, figures: figures)
    }

    /// An old unit's name: from the template in its era, else the catalogue.
    func name(_ code: String, on date: String) -> String {
        template.unit(code, on: date)?.name ?? catalogue?.unit(code, on: date)?.name ?? code
    }
}

extension CrossReform {
    /// The store's reports of the year before the period, ready to compute from.
    /// The previous-year column of a unit's form, pre-filled (`form --prefill-previous`,
    /// the web page's form download): each figure with the comment the officer confirms.
    public func prefill(for u: ReportingUnit) -> (values: [String: (value: Double, comment: String)], result: Result) {
        let r = u.level == .province ? provinceFigures() : figures(for: u)
        var previous: [String: (value: Double, comment: String)] = [:]
        for f in r.figures {
            guard let v = f.value else { continue }
            let head = f.quality == .approximate ? "GẦN ĐÚNG — " : ""
            previous[f.indicator] = (v, head + f.vi.prefix(1).uppercased() + f.vi.dropFirst() + ". Đơn vị kiểm tra, sửa nếu khác số liệu của mình.")
        }
        return (previous, r)
    }

    public static func load(template: Template, period: Period, store: Store) throws -> CrossReform {
        let prev = Period(year: period.year - 1, span: period.span)
        return CrossReform(template: template, period: period, previousValues: try store.currentReportedValues(template: template.id, period: prev))
    }
}
