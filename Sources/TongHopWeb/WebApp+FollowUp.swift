import Foundation
import Hummingbird
import TongHop

/// The anomaly worklist on the web (issue 24): the province screens a period, marks each
/// anomaly confirmed correct, asked the unit or corrected; the unit sees the question on
/// its page and answers (or sends a corrected file). Every step is stored and audited.
extension WebService {
    func anomaliesPage(_ request: Request, _ context: WebContext) async throws -> Response {
        let p = try period(request, open: false)
        let lang = context.lang
        let t = template, s = store
        let (found, marks) = try await offload { () throws -> ([Anomaly], AnomalyReport.Marks) in
            (try Screening(input: try QualityInput.load(template: t, period: p, store: s)).run(), try s.currentFollowUps(template: t, period: p))
        }
        let rows: [[String: Any]] = found.map { a in
            let mark = marks[FollowUp.key(a.unit, a.indicator, a.column)]
            let range = [a.expectedLow, a.expectedHigh].map { $0.map { VietNumber.format($0, decimals: 3, lang) } ?? "…" }.joined(separator: " – ")
            var row: [String: Any] = [
                "unit": a.unit, "unitName": a.unitName, "indicator": a.indicator, "indicatorName": a.indicatorName, "column": a.column,
                "value": VietNumber.format(a.value, decimals: 3, lang), "expected": range, "method": a.method.label(lang), "reason": a.reason(lang),
                "anchor": "a-\(a.unit)-\(a.indicator)-\(a.column)",
                "state": mark.map { $0.latest.state.label(lang) } ?? words(context, "Chưa xử lý", "Open"),
                "cls": mark.map { $0.latest.state == .asked ? "warn" : "ok" } ?? "bad",
            ]
            if let m = mark {
                row["steps"] = m.history.map { ["text": AnomalyReport.followUpText($0, lang)] }
            }
            return row
        }
        let open = rows.filter { ($0["cls"] as? String) == "bad" }.count
        return page("anomalies", title: words(context, "Số liệu bất thường", "Anomalies"), context,
                    ["heading": words(context, "Số liệu bất thường — \(p.label(.vi))", "Anomalies — \(p.label(.en))"),
                     "summary": words(context, "\(rows.count) giá trị bất thường, \(open) chưa xử lý", "\(rows.count) anomalies, \(open) open"),
                     "period": p.description, "rows": rows, "hasRows": !rows.isEmpty],
                    path: "/province/anomalies?period=\(p)")
    }

    func markAnomaly(_ request: Request, _ context: WebContext) async throws -> Response {
        let fields = try await formBody(request)
        try checkCSRF(fields, context)
        guard let a = context.account, let p = fields["period"].flatMap(Period.init), let unit = fields["unit"], let ind = fields["indicator"],
              let col = fields["column"], let state = fields["state"].flatMap(FollowUp.State.init), state != .answered else {
            throw PageError(status: .badRequest, vi: "Thiếu thông tin của bước theo dõi.", en: "The follow-up step is incomplete.", back: "/province")
        }
        let back = "/province/anomalies?period=\(p)"
        let note = (fields["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty, note.count <= 2000 else {
            throw PageError(status: .badRequest, vi: "Hãy ghi lý do hoặc câu hỏi (tối đa 2.000 ký tự).", en: "Write the reason or the question (at most 2,000 characters).", back: back)
        }
        guard let v = try store.currentReportedValues(template: template.id, period: p)[unit]?[ind]?[col] else {
            throw PageError(status: .notFound, vi: "Không có giá trị này trong kho.", en: "No such value in the store.", back: back)
        }
        try store.addFollowUp(template: template.id, period: p, unit: unit, indicator: ind, column: col, value: v.number, state: state, note: note, account: a.name)
        try store.audit(account: a.name, action: "followup", detail: "\(p) \(unit) \(ind) \(col) \(state.rawValue): \(note)", remote: remoteAddress(request, context))
        await summaries.invalidate()
        return Response.redirect(to: back + "#a-\(unit)-\(ind)-\(col)", type: .normal)
    }

    /// The province's open questions to a unit: asked, and still about the value stored now.
    func openQuestions(_ code: String, _ context: WebContext) throws -> [[String: Any]] {
        var out: [[String: Any]] = []
        for p in openPeriods + ((try? store.periods(template: template.id)) ?? []).filter({ !openPeriods.contains($0) }) {
            let marks = try store.currentFollowUps(template: template, period: p)
            for (_, m) in marks where m.latest.unit == code && m.latest.state == .asked {
                let f = m.latest
                out.append(["period": p.description, "periodLabel": p.label(context.lang), "indicator": f.indicator,
                            "name": template.indicator(f.indicator)?.name ?? "", "column": template.columns.first { $0.key == f.column }?.label(for: p, context.lang) ?? f.column,
                            "columnKey": f.column, "value": f.value.map { VietNumber.format($0, decimals: 3, context.lang) } ?? "",
                            "question": f.note, "asked": "\(f.account ?? "") \(time(f.at))"])
            }
        }
        return out.sorted { ($0["period"] as! String, $0["indicator"] as! String) < ($1["period"] as! String, $1["indicator"] as! String) }
    }

    func answerQuestion(_ request: Request, _ context: WebContext) async throws -> Response {
        let (a, code) = try unitOf(context)
        let fields = try await formBody(request)
        try checkCSRF(fields, context)
        guard let p = fields["period"].flatMap(Period.init), let ind = fields["indicator"], let col = fields["column"] else {
            throw PageError(status: .badRequest, vi: "Thiếu thông tin câu trả lời.", en: "The answer is incomplete.", back: "/unit")
        }
        let note = (fields["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty, note.count <= 2000 else {
            throw PageError(status: .badRequest, vi: "Hãy ghi câu trả lời (tối đa 2.000 ký tự).", en: "Write the answer (at most 2,000 characters).", back: "/unit")
        }
        // Only a question to this unit that is still open: a unit answers for itself.
        guard let m = try store.currentFollowUps(template: template, period: p)[FollowUp.key(code, ind, col)], m.latest.state == .asked else {
            throw PageError(status: .notFound, vi: "Không có câu hỏi này đang chờ trả lời.", en: "No such open question.", back: "/unit")
        }
        try store.addFollowUp(template: template.id, period: p, unit: code, indicator: ind, column: col, value: m.latest.value, state: .answered, note: note, account: a.name)
        try store.audit(account: a.name, action: "followup", detail: "\(p) \(code) \(ind) \(col) answered: \(note)", remote: remoteAddress(request, context))
        await summaries.invalidate()
        return Response.redirect(to: "/unit", type: .normal)
    }
}
