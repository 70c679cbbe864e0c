import Foundation
import SheetIO
import TongHop

/// Synthetic data for measuring the quality screening (issue 24). Nothing here is real:
/// figures are drawn from distributions chosen to look like commune reports (sizes
/// log-normal, per-capita levels varying by unit, growth varying by unit and year).
enum QualityBench {
    struct Rng {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func normal() -> Double {
            let u = max(uniform(), 1e-12), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    /// The national template (the Lai Châu indicators over the 34 provinces and 3,321
    /// communes after the reform, no validity dates so any year can be generated).
    static func template(dir: String) throws -> Template {
        var yaml = try String(contentsOfFile: "templates/lai-chau-ktxh.yaml", encoding: .utf8)
        yaml = String(yaml[..<yaml.range(of: "\nunits:")!.lowerBound])
        yaml = yaml.replacingOccurrences(of: "id: lai-chau-ktxh", with: "id: quoc-gia-chat-luong")
        let catalogue = try UnitCatalogue.load(path: "templates/units/vn-units.csv")
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "'") + "\"" }
        yaml += "\nunits:\n  - {code: \"VN\", name: Cả nước, level: province}\n"
        for p in catalogue.provinces(on: "2025-12-31") {
            yaml += "  - {code: \(q(p.code)), name: \(q(p.name)), level: district, parent: \"VN\"}\n"
            for u in catalogue.units(ofProvince: p.code, on: "2025-12-31").dropFirst() {
                yaml += "  - {code: \(q(u.code)), name: \(q(u.name)), level: commune, parent: \(q(p.code))}\n"
            }
        }
        try yaml.write(toFile: dir + "/quoc-gia-chat-luong.yaml", atomically: true, encoding: .utf8)
        return try Template.load(path: dir + "/quoc-gia-chat-luong.yaml")
    }

    /// One commune's "true" figures for a year: code → (prev_actual, plan, estimate).
    /// Units differ in size and in per-capita levels; each flow grows by a rate drawn per
    /// unit and year; the previous year's actual is last year's estimate revised by ±1 %.
    static func figures(unit c: Int, year: Int, t: Template) -> [String: [String: Double]] {
        var base = Rng(s: UInt64(c) &* 7919 &+ 17)
        let pop0 = 9000 * exp(0.45 * base.normal())
        let hhSize = 3.8 + 1.0 * base.uniform()
        let areaPerHead = 2.5 * exp(0.8 * base.normal())
        let u1 = base.uniform(), u2 = base.uniform(), u3 = base.uniform(), u4 = base.uniform()
        var fx: [String: Double] = [:]     // per-capita level multipliers per flow
        for code in ["KT01", "KT05", "KT07", "KT09", "KT10", "KT11", "KT12", "XH03", "NN02", "CS17"] { fx[code] = exp(0.35 * base.normal()) }
        let income0 = 25 + 35 * base.uniform()
        let criteria0 = 10 + 7 * base.uniform()
        // Year-by-year state; returns the levels of year y (the "actual").
        func state(_ y: Int) -> [String: Double] {
            var r = Rng(s: UInt64(c) &* 104_729 &+ UInt64(y) &* 31)
            let k = Double(y - 2019)
            let pop = (pop0 * pow(1.01, k)).rounded()
            let rural = (pop * (0.6 + 0.35 * u1)).rounded()
            let hh = (pop / hhSize).rounded()
            let area = (pop0 * areaPerHead).rounded()
            let villages = (5 + (pop0 / 800)).rounded()
            var s: [String: Double] = [:]
            s["CS01"] = pop; s["CS02"] = rural; s["CS21"] = pop - rural; s["CS03"] = hh
            s["CS04"] = (hh * (0.03 + 0.3 * u2 * u2) * pow(0.9, k)).rounded()
            s["CS05"] = area; s["CS06"] = (area * (0.2 + 0.6 * u3) * (1 + 0.005 * k)).rounded()
            s["CS07"] = 1; s["CS08"] = villages
            let labour = (pop * (0.55 + 0.1 * u4)).rounded()
            s["CS09"] = labour; s["CS10"] = (labour * min(0.95, 0.3 + 0.4 * u1 + 0.01 * k)).rounded()
            s["CS11"] = (hh * min(1, 0.85 + 0.15 * u2 + 0.005 * k)).rounded()
            s["CS12"] = (rural * min(1, 0.7 + 0.28 * u3 + 0.005 * k)).rounded()
            let schools = (2 + pop0 / 4000).rounded()
            s["CS13"] = schools; s["CS14"] = (schools * min(1, 0.3 + 0.6 * u4 + 0.02 * k)).rounded(.down)
            s["CS15"] = max(1, (pop / 10000 * (3 + 5 * u1)).rounded())
            let rice = (area * 0.03 * fx["CS17"]!).rounded()
            s["CS16"] = rice; s["CS17"] = (rice * (4.5 + 2 * u2) * (1 + 0.01 * k + 0.03 * r.normal())).rounded()
            s["CS18"] = villages - (u3 < 0.3 ? 1 : 0); s["CS19"] = villages - (u4 < 0.5 ? 1 : 0); s["CS20"] = 1
            // Flows: level per head × unit multiplier × growth path.
            var growth = 1.0
            var g = Rng(s: UInt64(c) &* 15_485_863 &+ 5)
            for _ in 0..<max(0, y - 2019) { growth *= 1 + 0.07 + 0.04 * g.normal() }
            s["KT01"] = pop * 0.02 * fx["KT01"]! * growth
            s["KT05"] = s["CS17"]! / 1000 * 1.3 * fx["KT05"]!
            s["KT07"] = area * 0.002 * fx["KT07"]! * (1 + 0.2 * r.normal())
            s["KT09"] = pop * 0.0015 * fx["KT09"]! * growth
            s["KT10"] = pop * 0.006 * fx["KT10"]! * growth
            s["KT11"] = (pop / 3000 * fx["KT11"]! * (1 + 0.3 * r.normal())).rounded()
            s["KT12"] = (pop * 0.1 * fx["KT12"]! * growth).rounded()
            s["KT03"] = income0 * pow(1.06, k)
            s["XH03"] = (pop * 0.012 * fx["XH03"]! * (1 + 0.1 * r.normal())).rounded()
            s["NN01"] = criteria0 + 0.4 * k >= 19 ? 1 : 0
            s["NN02"] = min(villages, (villages * min(1, 0.1 * fx["NN02"]! + 0.05 * k)).rounded())
            s["NN03"] = min(19, criteria0 + 0.4 * k); s["NN04"] = (min(19, criteria0 + 0.4 * k)).rounded(.down); s["NN05"] = (min(19, criteria0 + 0.4 * k)).rounded(.up)
            return s
        }
        let now = state(year), before = state(year - 1)
        var r = Rng(s: UInt64(c) &* 999_983 &+ UInt64(year))
        var v: [String: [String: Double]] = [:]
        func round(_ x: Double, _ d: Int) -> Double { let f = pow(10, Double(d)); return (x * f).rounded() / f }
        for ind in t.indicators {
            if case .provinceOnly = ind.aggregation { continue }
            let d = ind.kind == .integer ? 0 : ind.decimals
            var e: Double, p: Double
            func ratio(_ n: String, _ den: String, _ f: Double, _ s: [String: Double]) -> Double { s[den]! > 0 ? s[n]! / s[den]! * f : 0 }
            switch ind.aggregation {
            case .ratio(let n, let den, let f): e = ratio(n, den, f, now); p = ratio(n, den, f, before)
            case .growth(let l): e = (now[l]! / before[l]! - 1) * 100; p = (before[l]! / state(year - 2)[l]! - 1) * 100
            case .rateChange(let rate):
                let x = t.indicator(rate)!
                guard case .ratio(let n, let den, let f) = x.aggregation else { continue }
                e = ratio(n, den, f, before) - ratio(n, den, f, now)
                p = ratio(n, den, f, state(year - 2)) - ratio(n, den, f, before)
            default:
                guard let a = now[ind.code], let b = before[ind.code] else { continue }
                e = a; p = b
            }
            let revised = ind.kind == .integer || !YearEndForecast.isFlow(ind) ? p : p * (1 + 0.01 * r.normal())
            var row = ["prev_actual": round(revised, d), "estimate": round(e, d)]
            if ind.planned {
                // Plans: last year's actual grown by a planned rate (levels), or near the estimate (rates).
                let plan = YearEndForecast.isFlow(ind) ? p * (1 + 0.07 + 0.02 * r.normal()) : e + (abs(e) * 0.02 + 0.2) * r.normal()
                var pl = round(plan, d)
                if let h = ind.hard { pl = min(max(pl, h.min ?? pl), h.max ?? pl) }
                row["plan"] = pl
            }
            v[ind.code] = row
        }
        // Plans that keep the template's rules: lowest ≤ mean ≤ highest criteria.
        if let m = v["NN03"]?["plan"] {
            if let lo = v["NN04"]?["plan"] { v["NN04"]!["plan"] = min(lo, m.rounded(.down)) }
            if let hi = v["NN05"]?["plan"] { v["NN05"]!["plan"] = max(hi, m.rounded(.up)) }
        }
        return v
    }

    struct Slip: Codable {
        var unit: String
        var indicator: String
        var column: String
        var kind: String
        var original: Double
        var planted: Double
        var file: String
    }

    /// A 9-month report made from the year's figures: flows are the cumulative share of the
    /// year (about 0,75, drawn per unit, 0,7–0,8 mostly), last year's 9 months likewise; rates
    /// and stocks stay as the year's; the plan is the year's, unchanged — as a unit's
    /// 9-month report repeats the plan its HĐND resolution (or the province) fixed.
    static func nineMonths(_ v: [String: [String: Double]], unit c: Int, year: Int, t: Template) -> [String: [String: Double]] {
        var out = v
        var r = Rng(s: UInt64(c) &* 53 &+ UInt64(year) &* 7)
        let share = min(0.82, max(0.68, 0.75 + 0.025 * r.normal())), before = min(0.82, max(0.68, 0.75 + 0.025 * r.normal()))
        for ind in t.indicators where YearEndForecast.isFlow(ind) && out[ind.code] != nil {
            let d = ind.kind == .integer ? 0 : ind.decimals
            let f = pow(10, Double(d))
            out[ind.code]!["estimate"] = (v[ind.code]!["estimate"]! * share * f).rounded() / f
            out[ind.code]!["prev_actual"] = (v[ind.code]!["prev_actual"]! * before * f).rounded() / f
        }
        return out
    }

    /// gen-quality DIR [COUNT] [FIRST_YEAR] [6T|9T]: forms for FIRST_YEAR…2025 (default 2020), the
    /// 2025 ones with one planted slip in every tenth form, DIR/planted.json listing them.
    /// `6T`: 6-month reports instead of annual ones. `9T`: annual reports as without it, and
    /// also 2025's 9-month reports (DIR/forms/2025-9T, no slips, the year's plans), so the
    /// screening of the 2025 annual reports can compare each plan with the one the unit gave
    /// three months earlier.
    static func generate(dir: String, count: Int, firstYear: Int, halfYear: Bool = false, nineMonthsToo: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let t = try template(dir: dir)
        let units = t.reportingUnits(for: Period(year: 2025)).filter { $0.level == .commune }.sorted { $0.code < $1.code }.prefix(count)
        var slips: [Slip] = []
        let kinds = ["x1000", "percent_as_fraction", "x10", "div10", "plan_actual_swap"]
        if nineMonthsToo && !halfYear {
            let folder = dir + "/forms/2025-9T", period = Period(year: 2025, span: .months(9))
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (c, u) in units.enumerated() {
                let v = nineMonths(figures(unit: c, year: 2025, t: t), unit: c, year: 2025, t: t)
                try FormBuilder.writeXLSX(template: t, unit: u, period: period, path: folder + "/" + FormBuilder.fileName(template: t, unit: u, period: period, ext: "xlsx"),
                                          generatedAt: Date(timeIntervalSince1970: 1_760_000_000), values: v)
            }
        }
        for year in firstYear...2025 {
            let folder = dir + "/forms/\(year)" + (halfYear ? "-6T" : "")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let period = Period(year: year, span: halfYear ? .months(6) : .year)
            for (c, u) in units.enumerated() {
                var v = figures(unit: c, year: year, t: t)
                if halfYear {
                    // 6-month reports: flows are the cumulative share of the year (about
                    // 47 %, by unit and year); the plan stays the year's.
                    var r = Rng(s: UInt64(c) &* 31 &+ UInt64(year))
                    let share = 0.47 + 0.03 * r.normal(), before = 0.47 + 0.03 * r.normal()
                    for ind in t.indicators where YearEndForecast.isFlow(ind) && v[ind.code] != nil {
                        let d = ind.kind == .integer ? 0 : ind.decimals
                        let f = pow(10, Double(d))
                        v[ind.code]!["estimate"] = (v[ind.code]!["estimate"]! * share * f).rounded() / f
                        v[ind.code]!["prev_actual"] = (v[ind.code]!["prev_actual"]! * before * f).rounded() / f
                    }
                }
                let file = folder + "/" + FormBuilder.fileName(template: t, unit: u, period: period, ext: "xlsx")
                if year == 2025 && c % 10 == 3 {
                    var r = Rng(s: UInt64(c) &* 7 &+ 2025)
                    let kind = kinds[(c / 10) % kinds.count]
                    let eligible = t.indicators.filter { ind in
                        guard v[ind.code] != nil else { return false }
                        switch kind {
                        case "percent_as_fraction": return ind.kind == .percent && (v[ind.code]?["estimate"] ?? 0) > 5
                        case "plan_actual_swap": return ind.planned && v[ind.code]?["plan"] != nil && v[ind.code]?["plan"] != v[ind.code]?["estimate"]
                        default: return (v[ind.code]?["estimate"] ?? 0) != 0
                        }
                    }
                    let ind = eligible[r.below(eligible.count)]
                    let cols = kind == "plan_actual_swap" || kind == "percent_as_fraction" ? ["estimate"] : ["estimate", "estimate", "plan", "prev_actual"].filter { v[ind.code]?[$0] != nil }
                    let col = cols[r.below(cols.count)]
                    let x = v[ind.code]![col]!
                    var planted = x
                    switch kind {
                    case "x1000": planted = x * 1000
                    case "percent_as_fraction": planted = x / 100
                    case "x10": planted = x * 10
                    case "div10": planted = x / 10
                    default:
                        planted = v[ind.code]!["plan"]!
                        v[ind.code]!["plan"] = x
                    }
                    v[ind.code]![col] = planted
                    slips.append(Slip(unit: u.code, indicator: ind.code, column: col, kind: kind, original: x, planted: planted, file: file))
                }
                try FormBuilder.writeXLSX(template: t, unit: u, period: period, path: file,
                                          generatedAt: Date(timeIntervalSince1970: 1_760_000_000), values: v)
            }
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(slips).write(to: URL(fileURLWithPath: dir + "/planted.json"))
    }

    /// backtest-forecast [UNITS] [YEARS]: the year-end estimate on synthetic flows whose
    /// 6- and 9-month shares vary by unit (a fixed seasonal profile per unit) and by year
    /// (noise); each year in turn is forecast from the years before it.
    static func backtest(units: Int, years: Int, yearNoise: Double = 0.025) {
        for months in [6, 9] {
            var better = 0, total = 0, right = 0, calls = 0
            var decisive = 0, decisiveRight = 0, risk = 0, riskMissed = 0
            var errF: [Double] = [], errN: [Double] = []
            // The oracle: the unit's true seasonal profile known exactly (no estimate from
            // history can do better on average); what it scores bounds every estimator.
            var oracleBetter = 0, oracleRight = 0
            var bySource: [String: Int] = [:]
            var r = Rng(s: UInt64(months) &* 77)
            // Per unit: base share, annual level path, plan per year.
            struct U { var share: Double; var level: Double }
            let us = (0..<units).map { _ in U(share: (Double(months) / 12) * (0.8 + 0.35 * r.uniform()), level: 100 * exp(0.5 * r.normal())) }
            var cum: [[Double]] = Array(repeating: [], count: units), ann: [[Double]] = Array(repeating: [], count: units), plan: [[Double]] = Array(repeating: [], count: units)
            for (i, u) in us.enumerated() {
                var level = u.level
                for _ in 0..<years {
                    let growth = 1 + 0.07 + 0.05 * r.normal()
                    level *= growth
                    let share = min(0.97, max(0.05, u.share + yearNoise * r.normal()))
                    ann[i].append(level)
                    cum[i].append(level * share)
                    plan[i].append(level / growth * (1 + 0.07 + 0.04 * r.normal()))
                }
            }
            for y in 2..<years {   // at least two earlier years to learn from
                var pooledC = [Double](repeating: 0, count: y), pooledA = [Double](repeating: 0, count: y)
                for i in 0..<units { for k in 0..<y { pooledC[k] += cum[i][k]; pooledA[k] += ann[i][k] } }
                let prov = YearEndForecast.share(Array(zip(pooledC, pooledA)).map { (cum: $0.0, annual: $0.1) })
                for i in 0..<units {
                    let pairs = (0..<y).map { (cum: cum[i][$0], annual: ann[i][$0]) }
                    let e = YearEndForecast.estimate(cumulative: cum[i][y], months: months, unitPairs: pairs, province: prov)
                    bySource[e.source.rawValue, default: 0] += 1
                    let naive = cum[i][y] * 12 / Double(months)
                    let ef = abs(e.estimate - ann[i][y]) / ann[i][y], en = abs(naive - ann[i][y]) / ann[i][y]
                    errF.append(ef); errN.append(en)
                    total += 1
                    if ef < en { better += 1 }
                    let oracle = cum[i][y] / us[i].share
                    if abs(oracle - ann[i][y]) / ann[i][y] < en { oracleBetter += 1 }
                    if (oracle >= plan[i][y]) == (ann[i][y] >= plan[i][y]) { oracleRight += 1 }
                    let u = e.uncertainty
                    if let c = YearEndForecast.call(estimate: e.estimate, low: e.estimate * (1 - u), high: e.estimate * (1 + u), plan: .number(plan[i][y]), direction: .higher) {
                        calls += 1
                        let met = ann[i][y] >= plan[i][y]
                        if (c == .onTrack) == met { right += 1 }
                        if c == .atRisk { risk += 1; if !met { riskMissed += 1 } } else { decisive += 1; if (c == .onTrack) == met { decisiveRight += 1 } }
                    }
                }
            }
            func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
            func med(_ xs: [Double]) -> Double { RobustStats.median(xs) ?? 0 }
            print(String(format: "backtest %dT (year-to-year σ of the share %.3f): oracle (true profile share) beats naive in %.1f%%, its met/not-met call right %.1f%%",
                         months, yearNoise, 100 * Double(oracleBetter) / Double(total), 100 * Double(oracleRight) / Double(total)))
            print(String(format: "backtest %dT: %d unit-years; estimate beats naive in %.1f%%; mean abs error %.2f%% vs naive %.2f%% (median %.2f%% vs %.2f%%); on-track call right %.1f%% of %d (on track vs not met); on-track/unlikely calls right %.1f%% of %d; at-risk %.1f%% of calls, of which %.1f%% did miss; sources %@",
                         months, total, 100 * Double(better) / Double(total), 100 * mean(errF), 100 * mean(errN), 100 * med(errF), 100 * med(errN),
                         100 * Double(right) / Double(max(calls, 1)), calls, 100 * Double(decisiveRight) / Double(max(decisive, 1)), decisive,
                         100 * Double(risk) / Double(max(calls, 1)), 100 * Double(riskMissed) / Double(max(risk, 1)), "\(bySource)"))
        }
    }
}
