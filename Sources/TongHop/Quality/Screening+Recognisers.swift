import Foundation

/// A slip the screening recognised: the value undone, and how.
struct Recognised {
    var method: Anomaly.Method
    /// The value the slip undone gives.
    var value: Double?
    /// What the written value was multiplied by (10ⁿ, 1/100, a span's ratio).
    var factor: Double
    /// For a swap: the other column.
    var swappedWith: String?
    /// The plan the unit gave in an earlier report of the year, when the finding rests on it.
    var earlier: QualityInput.EarlierPlan? = nil
    /// The value as written now, when it is not a plain number (a plan "Trên 98").
    var written: ReportedValue? = nil
}

extension Screening {
    /// A plan cell that says something: a number, a bound, a range or "-" (not blank, "..."
    /// or "x").
    static func isWrittenPlan(_ v: ReportedValue) -> Bool {
        switch v {
        case .empty, .symbol(.missing), .symbol(.notApplicable): return false
        default: return true
        }
    }

    /// Whether two plans are the same as written, a number allowed to differ by rounding to
    /// the indicator's decimals (1.234,56 and 1.234,6 with one decimal); a bound or a range
    /// compares as written ("Trên 98" is not 98, nor "≥ 98"). "-" is 0.
    static func samePlan(_ a: ReportedValue, _ b: ReportedValue, decimals: Int) -> Bool {
        let unit = pow(10, -Double(max(decimals, 0)))
        func same(_ x: Double, _ y: Double) -> Bool {
            abs(x - y) <= 0.5 * unit + 1e-9 * max(abs(x), abs(y)) || (x / unit).rounded() == (y / unit).rounded()
        }
        switch (a, b) {
        case (.number, .number), (.number, .symbol(.none)), (.symbol(.none), .number), (.symbol(.none), .symbol(.none)):
            return same(a.number!, b.number!)
        case let (.range(x1, x2), .range(y1, y2)): return same(x1, y1) && same(x2, y2)
        case let (.atLeast(x, s1), .atLeast(y, s2)), let (.atMost(x, s1), .atMost(y, s2)): return s1 == s2 && same(x, y)
        default: return a == b
        }
    }

    /// The plan as written in an earlier report as an expected range: a number is itself, a
    /// range its ends, a bound one end.
    static func expectedRange(_ v: ReportedValue) -> (Double?, Double?) {
        switch v {
        case .range(let a, let b): return (a, b)
        case .atLeast(let x, _): return (x, nil)
        case .atMost(let x, _): return (nil, x)
        default: return (v.number, v.number)
        }
    }

    /// Tries each recogniser on a flagged value: the slip is named when undoing it makes
    /// the value (and, for a swap, both values) pass every check it is part of.
    /// `k` is the unit's position in the group being screened (``screen(_:_:)``), handed to `fits`.
    func recognise(_ k: Int, _ c: String, _ x: Double, _ vals: ColumnValues, _ p: Profile, periodMonths: Int,
                   fits: (Int, ColumnValues, [String]) -> (Bool, Double)) -> Recognised? {
        let ind = p.indicator
        func with(_ v: Double) -> ColumnValues { var d = vals; d[c] = v; return d }
        // 52,9 % typed as 0,529.
        if ind.kind == .percent || ind.unitText.contains("%"), x != 0, abs(x) <= 1.5, fits(k, with(x * 100), [c]).0 {
            return Recognised(method: .percentAsFraction, value: x * 100, factor: 0.01)
        }
        let est = template.estimateColumn?.key, prev = template.previousColumn?.key
        // Plan and an actual in each other's place.
        let plans = Set(template.planColumns.map(\.key))
        let partners: [String] = plans.contains(c) ? [est, prev].compactMap { $0 } : (template.planColumn.map { [$0.key] } ?? [])
        for o in partners {
            guard let y = vals[o], y != x else { continue }
            var d = vals
            d[c] = y
            d[o] = x
            if fits(k, d, [c, o]).0 { return Recognised(method: .planActualSwap, value: y, factor: y / x, swappedWith: o) }
        }
        // ×10ⁿ: a digit, nghìn, triệu/tỷ. The power that fits best.
        var best: (Int, Double)? = nil
        for power in [1, -1, 2, -2, 3, -3, 6, -6] {
            let v = x / pow(10, Double(power))
            let (ok, worst) = fits(k, with(v), [c])
            if ok, best.map({ worst < $0.1 }) ?? true { best = (power, worst) }
        }
        if let (power, _) = best { return Recognised(method: .powerOfTen, value: x / pow(10, Double(power)), factor: pow(10, Double(power))) }
        // Another span's figure: the year's in a 6-month report, 6 months' in a 9-month one…
        // (Not for small counts: 1 enterprise against 2 is chance, not a span.)
        if p.isFlow, c == est || c == prev, abs(x) >= 50 * pow(10, -Double(ind.kind == .integer ? 0 : ind.decimals)) {
            var bestSpan: (Double, Double)? = nil
            for s in [6, 9, 12] where s != periodMonths && periodMonths >= 6 {
                let f = Double(s) / Double(periodMonths)
                let (ok, worst) = fits(k, with(x / f), [c])
                if ok, bestSpan.map({ worst < $0.1 }) ?? true { bestSpan = (f, worst) }
            }
            if let (f, _) = bestSpan { return Recognised(method: .spanMistyped, value: x / f, factor: f) }
        }
        return nil
    }

    /// The anomaly's reason, in Vietnamese and English.
    static func reason(_ a: Anomaly, _ ind: Indicator, _ t: Template, _ period: Period, _ r: Recognised?,
                       column c: String, partner: String? = nil, per: (vi: String, en: String) = ("", ""),
                       consistent: Bool = false) -> (String, String) {
        let (vi, en) = reasonText(a, ind, t, period, r, column: c, partner: partner, per: per)
        guard consistent else { return (vi, en) }
        return (vi + " — như nhau ở mọi cột của báo cáo: có thể là đặc thù của đơn vị, hoặc ghi sai đơn vị tính ở mọi cột",
                en + " — the same in every column of the report: a real difference, or a wrong unit of measure in every column")
    }

    static func reasonText(_ a: Anomaly, _ ind: Indicator, _ t: Template, _ period: Period, _ r: Recognised?,
                           column c: String, partner: String?, per: (vi: String, en: String)) -> (String, String) {
        func num(_ x: Double, _ lang: Language) -> String {
            let d = abs(x) < 1 && x != 0 ? max(ind.decimals, 3) : ind.decimals
            return VietNumber.format(x, decimals: d, lang)
        }
        func col(_ k: String, _ lang: Language) -> String { t.column(k)?.label(for: period, lang) ?? k }
        func range(_ lang: Language) -> String {
            switch (a.expectedLow, a.expectedHigh) {
            case let (l?, h?): return lang == .vi ? "\(num(l, .vi)) đến \(num(h, .vi))" : "\(num(l, .en)) to \(num(h, .en))"
            default: return lang == .vi ? "không xác định" : "unknown"
            }
        }
        let unit = ind.unitText
        let head = (vi: "\(col(c, .vi)) ghi \(num(a.value, .vi)) \(unit)", en: "\(col(c, .en)) is \(num(a.value, .en)) \(unit)")
        let z = String(format: "%.1f", a.score)
        if let r {
            let s = r.value
            switch r.method {
            case .percentAsFraction:
                return ("\(head.vi): có thể ghi tỷ lệ dạng số thập phân — nhân 100 được \(num(s ?? 0, .vi)) %, hợp lý so với đơn vị cùng cấp và các cột khác",
                        "\(head.en): probably a percentage typed as a fraction — ×100 gives \(num(s ?? 0, .en)) %, in line with the peers and the other columns")
            case .powerOfTen:
                let k = Int(log10(r.factor).rounded())
                let times = VietNumber.format(pow(10, Double(abs(k))), decimals: 0, .vi), timesEn = VietNumber.format(pow(10, Double(abs(k))), decimals: 0, .en)
                var kindVI = abs(k) == 1 ? "lệch một chữ số" : abs(k) == 3 ? "nhầm nghìn/triệu/tỷ" : "nhầm bậc 10ⁿ"
                var kindEN = abs(k) == 1 ? "a digit slip" : abs(k) == 3 ? "nghìn/triệu/tỷ mixed up" : "a power-of-ten slip"
                let lu = VietFold.loose(unit)
                if abs(k) == 3, lu.contains("ty") || lu.contains("trieu") {
                    kindVI = k > 0 ? "ghi theo triệu đồng thay vì tỷ đồng" : "ghi theo tỷ thay vì triệu"
                    kindEN = k > 0 ? "written in triệu where tỷ is meant" : "written in tỷ where triệu is meant"
                } else if abs(k) == 3, lu.contains("nghin") {
                    kindVI = k > 0 ? "ghi theo đơn vị thay vì nghìn" : "ghi theo nghìn thay vì đơn vị"
                    kindEN = k > 0 ? "written in units where nghìn is meant" : "written in nghìn where units are meant"
                }
                let op = k > 0 ? "chia cho \(times)" : "nhân với \(times)", opEn = k > 0 ? "÷\(timesEn)" : "×\(timesEn)"
                return ("\(head.vi): có thể \(kindVI) (gấp \(k > 0 ? "" : "1/")\(times) lần) — \(op) được \(num(s ?? 0, .vi)), nằm trong khoảng thường gặp \(range(.vi))",
                        "\(head.en): probably \(kindEN) (×\(k > 0 ? "" : "1/")\(timesEn)) — \(opEn) gives \(num(s ?? 0, .en)), inside the usual range \(range(.en))")
            case .spanMistyped:
                let m: Int
                switch period.span { case .months(let x): m = x; case .quarter: m = 3; case .year: m = 12 }
                let typed = Int((r.factor * Double(m)).rounded())
                func spanVI(_ n: Int) -> String { n == 12 ? "cả năm" : "\(n) tháng" }
                func spanEN(_ n: Int) -> String { n == 12 ? "the whole year" : "\(n) months" }
                return ("\(head.vi): có thể là số \(spanVI(typed)) ghi vào báo cáo \(spanVI(m)) — quy về \(spanVI(m)) được khoảng \(num(s ?? 0, .vi)), hợp lý",
                        "\(head.en): probably the figure for \(spanEN(typed)) in a \(spanEN(m)) report — scaled back it is about \(num(s ?? 0, .en)), in line")
            case .planActualSwap where r.earlier != nil:
                let o = r.swappedWith ?? "", e = r.earlier!
                let y = s ?? 0
                return ("\(head.vi), \(col(o, .vi)) ghi \(num(y, .vi)): \(col(o, .vi)) đúng bằng kế hoạch \(e.value.text(decimals: ind.decimals, .vi)) đơn vị đã báo trong báo cáo \(e.period.label(.vi)) — có thể đã ghi đổi chỗ hai cột; đổi lại (\(col(c, .vi)) \(num(y, .vi)), \(col(o, .vi)) \(num(a.value, .vi))) thì cả hai hợp lý",
                        "\(head.en), \(col(o, .en)) is \(num(y, .en)): \(col(o, .en)) is exactly the plan of \(e.value.text(decimals: ind.decimals, .en)) the unit gave in its report for the \(e.period.label(.en)) — the two columns look swapped; swapped back (\(col(c, .en)) \(num(y, .en)), \(col(o, .en)) \(num(a.value, .en))) both are in line")
            case .planChanged:
                guard let e = r.earlier else { break }
                let now = r.written ?? .number(a.value)
                return ("\(col(c, .vi)) ghi \(now.text(decimals: ind.decimals, .vi)) \(unit), khác kế hoạch \(e.value.text(decimals: ind.decimals, .vi)) đơn vị đã báo trong báo cáo \(e.period.label(.vi)): kế hoạch năm thường cố định (nghị quyết HĐND, chỉ tiêu tỉnh giao) — đã điều chỉnh kế hoạch hay ghi nhầm?",
                        "\(col(c, .en)) is \(now.text(decimals: ind.decimals, .en)) \(unit), not the plan of \(e.value.text(decimals: ind.decimals, .en)) the unit gave in its report for the \(e.period.label(.en)): the year's plan is normally fixed (HĐND resolution, the province's assignment) — adjusted, or mistyped?")
            case .planActualSwap:
                let o = r.swappedWith ?? ""
                return ("\(head.vi), \(col(o, .vi)) ghi \(num(s ?? 0, .vi)): có thể đã ghi đổi chỗ hai cột — đổi lại thì cả hai hợp lý so với các đơn vị cùng cấp",
                        "\(head.en), \(col(o, .en)) is \(num(s ?? 0, .en)): the two columns look swapped — swapped back both are in line with the peers")
            case .copiedLastYear:
                let o = r.swappedWith ?? ""
                return ("\(head.vi), đúng bằng \(col(o, .vi)): có thể chép lại số năm trước (ở các đơn vị khác hai cột này hầu như không bao giờ bằng nhau)",
                        "\(head.en), exactly \(col(o, .en)): possibly last year's figure copied (at the other units these two columns almost never match)")
            default: break
            }
        }
        switch a.method {
        case .crossUnit:
            return ("\(head.vi): ngoài khoảng thường gặp ở các đơn vị cùng cấp\(per.vi) (\(range(.vi))); độ lệch chuẩn hóa bền \(z.replacingOccurrences(of: ".", with: ","))",
                    "\(head.en): outside the usual range among units of the same level\(per.en) (\(range(.en))); robust z \(z)")
        case .columnRelation:
            let o = partner ?? ""
            return ("\(head.vi): không khớp với \(col(o, .vi)) như ở các đơn vị khác (cần khoảng \(range(.vi))); độ lệch \(z.replacingOccurrences(of: ".", with: ","))",
                    "\(head.en): out of line with \(col(o, .en)) compared with the other units (expected \(range(.en))); robust z \(z)")
        case .lastYear:
            return ("\(head.vi): thay đổi bất thường so với số cùng kỳ năm trước trong kho (cần khoảng \(range(.vi))); độ lệch \(z.replacingOccurrences(of: ".", with: ","))",
                    "\(head.en): an unusual change from the same period last year in the store (expected \(range(.en))); robust z \(z)")
        case .ownHistory:
            return ("\(head.vi): khác hẳn các kỳ trước của chính đơn vị (cần khoảng \(range(.vi))); độ lệch \(z.replacingOccurrences(of: ".", with: ","))",
                    "\(head.en): far from the unit's own earlier periods (expected \(range(.en))); robust z \(z)")
        default:
            return (head.vi, head.en)
        }
    }

    /// " (tính theo đầu người)" when levels are compared per denominator.
    static func perText(_ den: Indicator?) -> (vi: String, en: String) {
        guard let den else { return ("", "") }
        switch VietFold.loose(den.unitText) {
        case "ha": return (" (tính trên diện tích)", " (per area)")
        case "ho": return (" (tính trên số hộ)", " (per household)")
        default: return (" (tính theo đầu người)", " (per capita)")
        }
    }
}
