import Foundation
import SheetIO

/// The codes our SDMX-CSV files and structure message share, both ways: written by
/// ``ExchangeExport`` and read back by the long-table reader (`import` of SDMX-CSV).
public enum SDMXCodes {
    /// The agency of our structures.
    public static let agency = "VN_TONGHOP"

    /// A unit base as an SDMX code (IDType: letters, digits, "_", "-", "@", "$"; no "%",
    /// "/" or spaces): "dong" → DONG, "%" → PCT, "dong/nguoi" → DONG_PER_NGUOI,
    /// "diem %" → DIEM_PCT, "thon ban" → THON_BAN; a pure number (no base) → NUMBER.
    public static func measureCode(_ base: String) -> String {
        guard !base.isEmpty else { return "NUMBER" }
        return base.split(separator: "/", omittingEmptySubsequences: false).map { side in
            side.split(separator: " ").map { $0 == "%" ? "PCT" : String($0.uppercased().unicodeScalars.map {
                ($0.value >= 65 && $0.value <= 90) || ($0.value >= 48 && $0.value <= 57) ? Character($0) : "_" }) }.joined(separator: "_")
        }.joined(separator: "_PER_")
    }

    /// The base a code stands for: the inverse of ``measureCode(_:)``, and our own folded
    /// bases as written ("dong", "%") for files of other writers.
    public static func base(ofMeasure code: String) -> String {
        let c = code.trimmingCharacters(in: .whitespaces)
        if c.isEmpty || c == "NUMBER" || c == "_Z" { return "" }
        guard c == c.uppercased(), c.unicodeScalars.allSatisfy({ ($0.value >= 65 && $0.value <= 90) || ($0.value >= 48 && $0.value <= 57) || $0 == "_" }) else {
            return c
        }
        return c.components(separatedBy: "_PER_").map { side in
            side.split(separator: "_").map { $0 == "PCT" ? "%" : $0.lowercased() }.joined(separator: " ")
        }.joined(separator: "/")
    }

    /// A unit of measure from UNIT_MEASURE and UNIT_MULT: 10^mult × the base.
    public static func unit(measure: String, mult: Int) -> MeasureUnit {
        let base = base(ofMeasure: measure)
        let scale = pow(10.0, Double(mult))
        let word: String
        switch mult {
        case 0: word = ""
        case 3: word = "nghìn "
        case 6: word = "triệu "
        case 9: word = "tỷ "
        default: word = "×10^\(mult) "
        }
        return MeasureUnit(scale: scale, base: base, text: (word + (base.isEmpty ? "" : base)).trimmingCharacters(in: .whitespaces))
    }

    /// SDMX's decimal: the shortest digits that read back as the same double, written
    /// without an exponent (1e-05 → 0.00001; 1.5e+16 → 15000000000000000).
    public static func decimal(_ d: Double) -> String {
        let short = CellText.number(d)
        guard let e = short.firstIndex(where: { $0 == "e" || $0 == "E" }), let exp = Int(short[short.index(after: e)...]) else { return short }
        var mantissa = String(short[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0]), frac = parts.count > 1 ? String(parts[1]) : ""
        let digits = intPart + frac
        let point = intPart.count + exp  // the decimal point's place in `digits`
        var out: String
        if point <= 0 {
            out = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            out = digits + String(repeating: "0", count: point - digits.count)
        } else {
            out = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        }
        while out.count > 1, out.hasPrefix("0"), !out.hasPrefix("0.") { out.removeFirst() }
        if out.contains(".") { while out.hasSuffix("0") { out.removeLast() }; if out.hasSuffix(".") { out.removeLast() } }
        return (negative ? "-" : "") + out
    }

    /// AREA_LEVEL of a unit.
    public static func areaLevel(_ u: ReportingUnit) -> String {
        switch u.level {
        case .province: return "PROVINCE"
        case .district: return "DISTRICT"
        case .commune: return "COMMUNE"
        case .provincePart: return "PROVINCE_PART"
        }
    }

    /// The first day of the units formed by the 2025 reform.
    public static let reformDate = "2025-07-01"

    /// AREA_ERA of a unit: FROM_2025_07 for a unit formed by the reform, BEFORE_2025_07 for
    /// one that ended with it, "" for a unit that spans both (its code means one area).
    public static func areaEra(_ u: ReportingUnit) -> String {
        if let f = u.validFrom, f >= reformDate { return "FROM_2025_07" }
        if let t = u.validTo, t < reformDate { return "BEFORE_2025_07" }
        return ""
    }

    /// SDMX time period: `2024`, `2024-Q3`, cumulative months as `2024-01-01/P6M`.
    public static func period(_ p: Period) -> String {
        switch p.span {
        case .year: return "\(p.year)"
        case .quarter(let q): return "\(p.year)-Q\(q)"
        case .months(let m): return "\(p.year)-01-01/P\(m)M"
        }
    }

    /// The period an SDMX time period names: `2024`, `2024-A1`, `2024-Q3`, `2024-S1`
    /// (6 months), `2024-01-01/P6M`, `2024-01/P9M`, `2024-01-01/P1Y`. Only periods that
    /// start in January and are whole months are ours; anything else is nil.
    public static func period(sdmx text: String) -> Period? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let year4 = t.prefix(4)
        guard year4.count == 4, let y = Int(year4), (1990...2100).contains(y) else { return nil }
        let rest = t.dropFirst(4)
        switch rest {
        case "", "-A1": return Period(year: y)
        case "-S1": return Period(year: y, span: .months(6))
        case "-Q1", "-Q2", "-Q3", "-Q4": return Period(year: y, span: .quarter(Int(String(rest.last!))!))
        default: break
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, ["-01-01", "-01"].contains(String(parts[0])) else { return nil }
        switch parts[1] {
        case "P1Y", "P12M": return Period(year: y)
        case "P3M": return Period(year: y, span: .months(3))
        case "P6M": return Period(year: y, span: .months(6))
        case "P9M": return Period(year: y, span: .months(9))
        default: return nil
        }
    }

    /// "VN_TONGHOP:lai-chau-ktxh(3.0)" → ("lai-chau-ktxh", 3); nil for another agency's
    /// or a malformed reference.
    public static func structure(_ ref: String) -> (id: String, version: Int?)? {
        var r = Substring(ref.trimmingCharacters(in: .whitespaces))
        guard r.hasPrefix(agency + ":") else { return nil }
        r = r.dropFirst(agency.count + 1)
        var version: Int? = nil
        if r.hasSuffix(")"), let open = r.lastIndex(of: "(") {
            let v = r[r.index(after: open)..<r.index(before: r.endIndex)]
            version = Int(v.split(separator: ".").first ?? "")
            r = r[..<open]
        }
        guard !r.isEmpty else { return nil }
        return (String(r), version)
    }
}
