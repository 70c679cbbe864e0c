import Foundation
import SheetIO
import TongHop

/// The national-scale benchmark data on the real units (templates/units/vn-units.csv):
/// after the 2025 reform 34 provinces and 3,321 communes (period 2025); before it 63
/// provinces, 696 districts and 10,056 lowest units (10,051 communes and the five island
/// districts without communes; period 2024). Real names and codes, so identification
/// works as it will in practice; the Lai Châu indicator set; one filled form per
/// lowest unit (`communes` caps the count for quick runs).
enum National {
    static func write(dir: String, communes: Int = .max, era: String = "after") throws {
        try FileManager.default.createDirectory(atPath: dir + "/forms", withIntermediateDirectories: true)
        var yaml = try String(contentsOfFile: "templates/lai-chau-ktxh.yaml", encoding: .utf8)
        yaml = String(yaml[..<yaml.range(of: "\nunits:")!.lowerBound])
        yaml = yaml.replacingOccurrences(of: "id: lai-chau-ktxh", with: "id: quoc-gia-thu-nghiem")
        let catalogue = try UnitCatalogue.load(path: "templates/units/vn-units.csv")
        let before = era == "before"
        let date = before ? "2024-12-31" : "2025-12-31"
        let period = Period(year: before ? 2024 : 2025)
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "'") + "\"" }
        yaml += "\nunits:\n  - {code: \"VN\", name: Cả nước, level: province}\n"
        var leaves: [String] = []
        for p in catalogue.provinces(on: date) {
            yaml += "  - {code: \(q(p.code)), name: \(q(p.name)), level: district, parent: \"VN\"}\n"
            let units = catalogue.units(ofProvince: p.code, on: date).dropFirst()
            let parents = Set(units.compactMap(\.parent))
            for u in units {
                let parent = u.level == .district ? p.code : (u.parent ?? p.code)
                yaml += "  - {code: \(q(u.code)), name: \(q(u.name)), level: \(u.level == .district ? "district" : "commune"), parent: \(q(parent))}\n"
                if !parents.contains(u.code) { leaves.append(u.code) }
            }
        }
        try yaml.write(toFile: dir + "/quoc-gia-thu-nghiem.yaml", atomically: true, encoding: .utf8)
        let t = try Template.load(path: dir + "/quoc-gia-thu-nghiem.yaml")
        for (c, code) in leaves.prefix(communes).enumerated() {
            let u = t.unit(code)!
        let prev = "prev_actual", plan = "plan", est = "estimate"
            var v: [String: [String: Double]] = [:]
            let s = Double(c % 97) / 97.0
            func set(_ code: String, _ p: Double, _ pl: Double?, _ e: Double, _ d: Int) {
                func r(_ x: Double) -> Double { let f = pow(10, Double(d)); return (x * f).rounded() / f }
                v[code] = [prev: r(p), est: r(e)]
                if let pl, t.indicator(code)?.planned == true { v[code]![plan] = r(pl) }
            }
            let pop = 8000 + 12000 * s, hh = pop / 4.6, area = 4000 + 30000 * s, villages = (8 + 12 * s).rounded()
            let rural = (pop * 0.88).rounded()
            set("CS01", pop, nil, pop * 1.01, 0); set("CS02", rural, nil, (pop * 1.01 * 0.88).rounded(), 0)
            set("CS21", pop.rounded() - rural, nil, (pop * 1.01).rounded() - (pop * 1.01 * 0.88).rounded(), 0)
            set("CS03", hh, nil, hh * 1.01, 0); set("CS04", hh * 0.2, nil, hh * 1.01 * 0.18, 0)
            set("CS05", area, nil, area, 0); set("CS06", area * 0.5, nil, area * 0.505, 0)
            set("CS07", 1, nil, 1, 0); set("CS08", villages, nil, villages, 0)
            set("CS09", pop * 0.6, nil, pop * 0.606, 0); set("CS10", pop * 0.3, nil, pop * 0.31, 0)
            set("CS11", hh * 0.95, nil, hh * 0.96, 0); set("CS12", rural * 0.85, nil, rural * 0.86, 0)
            set("CS13", 4, nil, 4, 0); set("CS14", 2, nil, 3, 0); set("CS15", 3, nil, 3, 0)
            set("CS16", 300 + 200 * s, nil, 303 + 202 * s, 0); set("CS17", (300 + 200 * s) * 5, nil, (303 + 202 * s) * 5.1, 0)
            set("CS18", villages, nil, villages, 0); set("CS19", villages - 1, nil, villages, 0); set("CS20", 1, nil, 1, 0)
            let out = 200 + 300 * s
            set("KT01", out, out * 1.07, out * 1.075, 1); set("KT02", 6.5, 7, 7.5, 1); set("KT03", 40 + 20 * s, 45 + 20 * s, 44 + 20 * s, 1)
            set("KT05", 1.5 + s, 1.6 + s, 1.62 + s, 2)
            func ratio(_ n: String, _ d: String, _ f: Double, _ col: String) -> Double { v[n]![col]! / v[d]![col]! * f }
            set("KT06", ratio("CS17", "CS16", 10, prev), 52, ratio("CS17", "CS16", 10, est), 1)
            set("KT07", 20, 22, 23, 1); set("KT08", ratio("CS06", "CS05", 100, prev), 51, ratio("CS06", "CS05", 100, est), 1)
            set("KT09", 10 + 5 * s, 11 + 5 * s, 11.5 + 5 * s, 1); set("KT10", 50 + 20 * s, 55 + 20 * s, 56 + 20 * s, 1)
            set("KT11", 1, 1, 2, 0); set("KT12", 1000, 1050, 1080, 0)
            set("NN01", 0, 1, 1, 0); set("NN02", 2, 3, 3, 0); set("NN03", 15, 16, 16, 2); set("NN04", 15, 16, 16, 0); set("NN05", 15, 16, 16, 0)
            set("XH01", ratio("CS04", "CS03", 100, prev), 17.5, ratio("CS04", "CS03", 100, est), 2)
            set("XH02", 2.0, 2.5, ratio("CS04", "CS03", 100, prev) - ratio("CS04", "CS03", 100, est), 2)
            set("XH03", 100, 105, 106, 0)
            set("XH04", ratio("CS10", "CS09", 100, prev), 52, ratio("CS10", "CS09", 100, est), 1)
            set("XH05", ratio("CS14", "CS13", 100, prev), 70, ratio("CS14", "CS13", 100, est), 1)
            set("XH06", ratio("CS15", "CS01", 10000, prev), 3, ratio("CS15", "CS01", 10000, est), 1)
            set("XH07", ratio("CS11", "CS03", 100, prev), 95, ratio("CS11", "CS03", 100, est), 1)
            set("XH08", ratio("CS12", "CS02", 100, prev), 86, ratio("CS12", "CS02", 100, est), 1)
            set("XH09", ratio("CS18", "CS08", 100, prev), 100, ratio("CS18", "CS08", 100, est), 1)
            set("XH10", ratio("CS19", "CS08", 100, prev), 100, ratio("CS19", "CS08", 100, est), 1)
            set("XH11", ratio("CS20", "CS07", 100, prev), 100, ratio("CS20", "CS07", 100, est), 1)
            set("XH12", ratio("CS21", "CS01", 100, prev), 12, ratio("CS21", "CS01", 100, est), 1)
            try FormBuilder.writeXLSX(template: t, unit: u, period: period, path: dir + "/forms/" + FormBuilder.fileName(template: t, unit: u, period: period, ext: "xlsx"),
                                      generatedAt: Date(timeIntervalSince1970: 1_760_000_000), values: v)
        }
    }
}
