import Foundation

extension YearEndForecast {
    /// The forecast of a 6- or 9-month period from the store: earlier years' m-month and
    /// annual figures (last year's actual from the next report's previous-year column where
    /// there is one, else the estimate), and this period's report. nil for other spans.
    /// `current`: the period's consolidation when the caller has it (the summary), else read.
    public static func load(template t: Template, period: Period, store: Store, current: Consolidation? = nil) throws -> YearEndForecast? {
        guard case .months(let m) = period.span, m == 6 || m == 9 else { return nil }
        let consolidation = try current ?? Consolidation(template: t, period: period, grid: store.currentValueGrid(template: t, period: period))
        let all = try store.periods(template: t.id)
        let mine = all.filter { $0.span == period.span && $0.year <= period.year }
        let years = all.filter { $0.span == .year && $0.year <= period.year }
        let est = t.estimateColumn?.key ?? "estimate", prev = t.previousColumn?.key ?? "prev_actual"
        let mEst = try store.columnNumbers(template: t.id, column: est, periods: mine.filter { $0.year < period.year })
        let mPrev = try store.columnNumbers(template: t.id, column: prev, periods: mine)
        let yEst = try store.columnNumbers(template: t.id, column: est, periods: years.filter { $0.year < period.year })
        let yPrev = try store.columnNumbers(template: t.id, column: prev, periods: years)
        var cumulative: [Int: [String: [String: Double]]] = [:], annual: [Int: [String: [String: Double]]] = [:]
        for (p, units) in mEst { cumulative[p.year] = units }
        for (p, units) in mPrev { for (u, inds) in units { for (i, x) in inds { cumulative[p.year - 1, default: [:]][u, default: [:]][i] = x } } }
        for (p, units) in yEst { annual[p.year] = units }
        for (p, units) in yPrev { for (u, inds) in units { for (i, x) in inds { annual[p.year - 1, default: [:]][u, default: [:]][i] = x } } }
        return YearEndForecast(template: t, period: period, consolidation: consolidation, cumulative: cumulative, annual: annual)
    }

    /// Counts of calls per unit for the primary plan.
    public func counts(_ unit: String) -> (on: Int, risk: Int, unlikely: Int) {
        var c = (on: 0, risk: 0, unlikely: 0)
        for e in estimates where e.unit == unit {
            guard let call = e.calls.first?.call else { continue }
            switch call { case .onTrack: c.on += 1; case .atRisk: c.risk += 1; case .unlikely: c.unlikely += 1 }
        }
        return c
    }

    /// The province's line as the summary's sheet and the web page give it: its counts against
    /// `plan`, or why there are none (`received` of `expected` units: partial data).
    public func provinceLine(_ lang: Language, plan: String, received: Int, expected: Int) -> String {
        let vi = lang == .vi
        if estimates.contains(where: { $0.unit == "province" }) {
            let c = counts("province")
            return vi ? "Toàn tỉnh: \(c.on) chỉ tiêu dự kiến đạt, \(c.risk) có nguy cơ không đạt, \(c.unlikely) khó đạt \(plan)"
                      : "Province: \(c.on) on track, \(c.risk) at risk, \(c.unlikely) unlikely against \(plan)"
        }
        if received < expected {
            return vi ? "Toàn tỉnh: chưa ước, số liệu chưa đầy đủ (\(received)/\(expected) đơn vị)."
                      : "Province: no estimate, incomplete data (\(received) of \(expected) units)."
        }
        return vi ? "Toàn tỉnh: không có chỉ tiêu cộng dồn nào có số \(months) tháng để ước." : "Province: no flow indicator has a \(months)-month figure to extrapolate."
    }

    /// A unit's indicators not on track against its first plan: "name: estimate / plan — call; …".
    public func notOnTrack(_ unit: String, _ lang: Language) -> String {
        estimates.filter { $0.unit == unit }.compactMap { e -> String? in
            guard let call = e.calls.first, call.call != .onTrack, let ind = template.indicator(e.indicator) else { return nil }
            return "\(ind.name): \(VietNumber.format(e.estimate, decimals: ind.decimals, lang)) / \(call.value.text(decimals: ind.decimals, lang)) — \(call.call.label(lang))"
        }.joined(separator: "; ")
    }

    /// The scorecard's section: the province's line per indicator, then per unit the counts
    /// and the indicators not on track.
    public func text(_ lang: Language) -> String {
        let vi = lang == .vi
        var out = vi ? "\nƯỚC CẢ NĂM VÀ KHẢ NĂNG ĐẠT KẾ HOẠCH (từ số \(months) tháng và tỷ trọng \(months) tháng trong năm các năm trước)\n"
                     : "\nYEAR-END ESTIMATE AND ON-TRACK CALL (from the \(months)-month figure and the share of those months in earlier years)\n"
        func num(_ x: Double, _ ind: Indicator?) -> String { VietNumber.format(x, decimals: ind?.decimals ?? 1, lang) }
        func line(_ e: Estimate) -> String {
            let ind = template.indicator(e.indicator)
            let share = VietNumber.format(e.share * 100, decimals: 1, lang)
            var s = "  \(e.indicator) «\(ind?.name ?? "")»: \(vi ? "\(months) tháng" : "\(months) months") \(num(e.cumulative, ind)); "
            s += vi ? "ước cả năm \(num(e.estimate, ind)) (tỷ trọng \(share) % — \(e.source.label(lang)); ngoại suy ×12/\(months): \(num(e.naive, ind)))"
                    : "year estimate \(num(e.estimate, ind)) (share \(share) % — \(e.source.label(lang)); naive ×12/\(months): \(num(e.naive, ind)))"
            for c in e.calls {
                let name = template.column(c.plan)?.planName ?? c.plan
                s += "; \(vi ? name : "plan") \(c.value.text(decimals: ind?.decimals ?? 1, lang)) → \(c.call.label(lang))"
            }
            return s + "\n"
        }
        let prov = estimates.filter { $0.unit == "province" }
        if !prov.isEmpty {
            let c = counts("province")
            out += vi ? "Toàn tỉnh: \(c.on) chỉ tiêu dự kiến đạt, \(c.risk) có nguy cơ không đạt, \(c.unlikely) khó đạt\n"
                      : "Province: \(c.on) on track, \(c.risk) at risk, \(c.unlikely) unlikely\n"
            for e in prov { out += line(e) }
        }
        var units: [String] = []
        for e in estimates where e.unit != "province" && !units.contains(e.unit) { units.append(e.unit) }
        for u in units {
            let c = counts(u)
            let name = template.unit(u, for: period)?.name ?? u
            out += vi ? "\(TerminalText.safe(name)) (\(u)): \(c.on) dự kiến đạt, \(c.risk) có nguy cơ không đạt, \(c.unlikely) khó đạt\n"
                      : "\(TerminalText.safe(name)) (\(u)): \(c.on) on track, \(c.risk) at risk, \(c.unlikely) unlikely\n"
            for e in estimates where e.unit == u && e.calls.contains(where: { $0.call != .onTrack }) { out += line(e) }
        }
        return out
    }

    /// `"year_end":{"months","estimates":[{"unit","indicator","cumulative","estimate","naive",
    /// "share","source","low","high","calls":[{"plan","call","label"}]}]}` (a JSON member).
    public func jsonMember(_ lang: Language = .vi) -> String {
        func n(_ v: Double) -> String { v.isFinite ? CellText.number((v * 1e6).rounded() / 1e6) : "null" }
        var out = "\"year_end\":{\"period\":\(CellText.jsonString(period.description)),\"months\":\(months),\"estimates\":["
        out += estimates.map { e in
            "{\"unit\":\(CellText.jsonString(e.unit)),\"indicator\":\(CellText.jsonString(e.indicator)),\"cumulative\":\(n(e.cumulative)),"
                + "\"estimate\":\(n(e.estimate)),\"naive\":\(n(e.naive)),\"share\":\(n(e.share)),\"source\":\(CellText.jsonString(e.source.rawValue)),"
                + "\"low\":\(n(e.low)),\"high\":\(n(e.high)),\"calls\":["
                + e.calls.map { "{\"plan\":\(CellText.jsonString($0.plan)),\"call\":\(CellText.jsonString($0.call.rawValue)),\"label\":\(CellText.jsonString($0.call.label(lang)))}" }.joined(separator: ",")
                + "]}"
        }.joined(separator: ",")
        return out + "]}"
    }
}
