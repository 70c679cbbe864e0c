import Foundation
import SheetIO

/// One current value of the store, ready for an exchange format.
public struct ExchangeObservation: Sendable, Equatable {
    public var unit: String
    public var indicator: String
    public var column: String
    public var value: ReportedValue
}

/// The store's current values of a period written for other systems (issue 27):
/// SDMX-CSV 2.0 and DHIS2 dataValueSets JSON. Deterministic: units in code order,
/// indicators and columns in the template's order, numbers in their shortest exact form.
public enum ExchangeExport {
    /// Every exportable value: units sorted by code, indicators and columns in template order.
    /// Values of indicators or columns the template does not know, and empty cells, are left out.
    public static func observations(_ values: [String: [String: [String: ReportedValue]]], template t: Template) -> [ExchangeObservation] {
        var out: [ExchangeObservation] = []
        for unit in values.keys.sorted() {
            let table = values[unit]!
            for ind in t.indicators {
                guard let row = table[ind.code] else { continue }
                for col in t.columns {
                    guard let v = row[col.key], v != .empty else { continue }
                    out.append(ExchangeObservation(unit: unit, indicator: ind.code, column: col.key, value: v))
                }
            }
        }
        return out
    }

    /// `VN_TONGHOP:<template id>(<version>.0)`: the template and its version in the one
    /// place an SDMX-CSV file can name them.
    public static func structureID(_ t: Template) -> String { "\(SDMXCodes.agency):\(SDMXStructure.xmlID(t.id))(\(t.version).0)" }

    /// SDMX time period: `2024`, `2024-Q3`, cumulative months as `2024-01-01/P6M`.
    public static func sdmxPeriod(_ p: Period) -> String { SDMXCodes.period(p) }

    /// DHIS2 period: yearly `2024`, six-monthly `2024S1`, quarterly `2024Q3` (and the
    /// first 3 months as `2024Q1`); nil for 9 months, which DHIS2 has no period type for.
    public static func dhis2Period(_ p: Period) -> String? {
        switch p.span {
        case .year: return "\(p.year)"
        case .quarter(let q): return "\(p.year)Q\(q)"
        case .months(6): return "\(p.year)S1"
        case .months(3): return "\(p.year)Q1"
        case .months: return nil
        }
    }

    /// UNIT_MULT (power of ten of the unit's scale word: tỷ 9, triệu 6, nghìn 3, else 0) and
    /// UNIT_MEASURE (the base unit, folded to ASCII: "dong", "tan", "%"; "" for a count).
    public static func unitAttributes(_ ind: Indicator) -> (measure: String, mult: Int) {
        guard let u = ind.unit else { return (VietFold.loose(ind.unitText), 0) }
        let mult = u.scale > 0 ? Int(log10(u.scale).rounded()) : 0
        return (u.base, mult)
    }

    public static let sdmxHeader = ["STRUCTURE", "STRUCTURE_ID", "ACTION", "INDICATOR", "REF_AREA", "TIME_PERIOD", "VALUE_TYPE",
                                    "OBS_VALUE", "UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "LOWER_BOUND", "UPPER_BOUND", "BOUND_STRICT",
                                    "AREA_LEVEL", "AREA_ERA", "APPROXIMATE", "SOURCE_CELL", "PARTIAL", "DATA_SOURCE"]

    /// OBS_VALUE and OBS_STATUS of a value, with a target's bounds: "-" → 0 with status N;
    /// "..." → no value, status L; "x" → no value, status M; a range "6,6-6,8" → no value,
    /// LOWER_BOUND 6.6 and UPPER_BOUND 6.8; "Trên 90" → LOWER_BOUND 90, BOUND_STRICT true.
    /// nil for an empty cell.
    public static func sdmxValue(_ v: ReportedValue) -> (value: String, status: String, lower: String, upper: String, strict: Bool)? {
        let n = SDMXCodes.decimal
        switch v {
        case .number(let d): return (n(d), "", "", "", false)
        case .symbol(.none): return ("0", "N", "", "", false)
        case .symbol(.missing): return ("", "L", "", "", false)
        case .symbol(.notApplicable): return ("", "M", "", "", false)
        case .range(let a, let b): return ("", "", n(a), n(b), false)
        case .atLeast(let a, let strict): return ("", "", n(a), "", strict)
        case .atMost(let b, let strict): return ("", "", "", n(b), strict)
        case .empty: return nil
        }
    }

    /// What an SDMX-CSV export says of where its figures come from.
    public struct Provenance: Sendable {
        /// "unit|indicator|column" → the stored value's file and cell ("Tam Đường.xlsx!E12").
        public var cells: [String: String] = [:]
        /// Whether units expected for the period have not reported (the figures are partial).
        public var partial = false
        /// One line naming the tool, template version, store and the revisions exported.
        public var dataSource = ""
        public init() {}
        public static func key(_ unit: String, _ indicator: String, _ column: String) -> String { unit + "|" + indicator + "|" + column }
    }

    /// DATA_SOURCE: the tool, the template and version, the store's file name, the number
    /// of unit reports and a digest of their revisions and files (the same store gives the
    /// same line; a new revision of any unit changes it).
    public static func dataSource(template t: Template, store: String, revisions: [(unit: String, revision: Int, sha256: String)]) -> String {
        let lines = revisions.sorted { $0.unit < $1.unit }.map { "\($0.unit):\($0.revision):\($0.sha256)" }.joined(separator: "\n")
        let digest = Store.sha256(Data(lines.utf8)).prefix(16)
        return "tonghop template=\(t.id) version=\(t.version) store=\(store) reports=\(revisions.count) revisions=\(digest)"
    }

    /// SDMX-CSV 2.0: a header line, then one line per unit × indicator × value column;
    /// comma-separated, UTF-8 without BOM, CRLF line ends (RFC 4180). APPROXIMATE is "true"
    /// for a figure whose time span starts before its unit existed (a commune formed on
    /// 1 July 2025: its 2025 figures and its last-year column are reconstructions).
    public static func sdmxCSV(_ obs: [ExchangeObservation], template t: Template, period p: Period, provenance: Provenance = Provenance()) -> String {
        let sid = structureID(t), tp = sdmxPeriod(p)
        var lines = [sdmxHeader.joined(separator: ",")]
        var units: [String: (String, Int)] = [:]
        for ind in t.indicators { units[ind.code] = unitAttributes(ind) }
        let roles = Dictionary(t.columns.map { ($0.key, $0.role) }, uniquingKeysWith: { a, _ in a })
        var areas: [String: (level: String, era: String, from: String?)] = [:]
        let partial = provenance.partial ? "true" : "false"
        for o in obs {
            guard let (value, status, lower, upper, strict) = sdmxValue(o.value), let (measure, mult) = units[o.indicator] else { continue }
            if areas[o.unit] == nil {
                let u = t.unit(o.unit, for: p)
                areas[o.unit] = (u.map(SDMXCodes.areaLevel) ?? "", u.map(SDMXCodes.areaEra) ?? "", u?.validFrom)
            }
            let area = areas[o.unit]!
            let spanStart = "\(roles[o.column] == .previous ? p.year - 1 : p.year)-01-01"
            let approximate = area.from.map { spanStart < $0 } ?? false
            let row = ["dataflow", sid, "I", o.indicator, o.unit, tp, o.column, value, SDMXCodes.measureCode(measure), String(mult), status,
                       lower, upper, strict ? "true" : "", area.level, area.era, approximate ? "true" : "",
                       provenance.cells[Provenance.key(o.unit, o.indicator, o.column)] ?? "", partial, provenance.dataSource]
            lines.append(row.map { CellText.quoteCSV($0) }.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// DHIS2 ids for our codes: `dataElements` (indicator code → id),
    /// `categoryOptionCombos` (column key → id), `orgUnits` (unit code → id). A code not
    /// in the mapping is written as it is.
    public struct DHIS2Mapping: Sendable, Decodable {
        public var dataElements: [String: String]?
        public var categoryOptionCombos: [String: String]?
        public var orgUnits: [String: String]?
        public init() {}
    }

    /// DHIS2 dataValueSets JSON: dataElement = indicator code, categoryOptionCombo = column
    /// key, orgUnit = unit code (unless the mapping says otherwise). "-" is written as 0
    /// with the comment "-"; "...", "x", ranges and bounds have no value in DHIS2 and are
    /// left out. nil when the period has no DHIS2 period type (9 months).
    public static func dhis2JSON(_ obs: [ExchangeObservation], period p: Period, mapping m: DHIS2Mapping = DHIS2Mapping()) -> String? {
        guard let pe = dhis2Period(p) else { return nil }
        let s = CellText.jsonString
        var items: [String] = []
        for o in obs {
            let value: String, comment: String?
            switch o.value {
            case .number(let d): value = CellText.number(d); comment = nil
            case .symbol(.none): value = "0"; comment = "-"
            default: continue
            }
            var item = "{\"dataElement\":\(s(m.dataElements?[o.indicator] ?? o.indicator)),\"period\":\(s(pe)),\"orgUnit\":\(s(m.orgUnits?[o.unit] ?? o.unit)),"
            item += "\"categoryOptionCombo\":\(s(m.categoryOptionCombos?[o.column] ?? o.column)),\"value\":\(s(value))"
            if let comment { item += ",\"comment\":\(s(comment))" }
            items.append(item + "}")
        }
        return "{\"dataValues\":[" + items.map { "\n" + $0 }.joined(separator: ",") + "\n]}\n"
    }
}
