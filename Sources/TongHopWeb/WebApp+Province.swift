import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import Logging
import NIOCore
import SheetIO
import TongHop

/// The province's pages: who has reported, findings, a unit's figures, returns, the summary and the scorecard.
extension WebService {
    // MARK: the province's pages

    func provinceHome(_ context: WebContext) async throws -> Response {
        let lang = context.lang
        var periods: [[String: Any]] = []
        var rows: [String: (order: Int, name: String, code: String, cells: [String: [String: Any]])] = [:]
        let open = openPeriods
        for (pi, p) in open.enumerated() {
            let d = try await summaries.get(self, p)
            let returns = try store.openReturns(template: template.id, period: p.description)
            let received = d.status.filter(\.received).count
            var period: [String: Any] = ["label": p.label(lang), "key": p.description,
                                         "received": words(context, "đã nhận \(received)/\(d.status.count)", "received \(received)/\(d.status.count)")]
            // Absent, not empty: an empty string is "true" to a Mustache section.
            if let due = template.deadline(for: p) { period["deadline"] = UnitStatus.vietDate(due) }
            periods.append(period)
            for (i, st) in d.status.enumerated() {
                let key = st.unit.code + "|" + st.unit.name
                var (state, cls, detail) = describe(st, lang)
                if st.received, let r = returns[st.unit.code] {
                    state = words(context, "Đã trả lại", "Returned"); cls = "bad"
                    detail = r.comment
                }
                var cell: [String: Any] = ["expected": true, "code": st.unit.code, "key": p.description, "state": state, "cls": cls]
                if let detail { cell["detail"] = detail }
                var row = rows[key] ?? (order: pi * 100_000 + i, name: FormBuilder.unitTitle(st.unit), code: st.unit.code, cells: [:])
                row.cells[p.description] = cell
                rows[key] = row
            }
        }
        let table: [[String: Any]] = rows.values.sorted { $0.order < $1.order }.map { r in
            ["name": r.name, "cells": open.map { r.cells[$0.description] ?? ["expected": false] }]
        }
        return page("province", title: words(context, "Tình hình nộp", "Submission status"), context,
                    ["heading": template.title, "periods": periods, "rows": table], path: "/province")
    }

    func findings(_ request: Request, _ context: WebContext) async throws -> Response {
        let p = try period(request, open: false)
        let lang = context.lang
        let d = try await summaries.get(self, p)
        var rows: [[String: Any]] = d.findings.map { f in
            ["unit": template.unit(f.unit, for: p).map(FormBuilder.unitTitle) ?? f.unit, "file": f.file, "code": f.finding.code,
             "cls": f.finding.severity == .error ? "bad" : f.finding.severity == .warning ? "warn" : "",
             "cell": f.finding.cell.map { "\(f.finding.sheet.map { "\($0)!" } ?? "")\($0)" } ?? "", "message": f.finding.message(lang)]
        }
        for st in d.status { if let r = st.rejection, !st.received {
            rows.append(["unit": FormBuilder.unitTitle(st.unit), "file": r.fileName, "code": words(context, "Từ chối", "Rejected"), "cls": "bad",
                         "cell": "", "message": lang == .vi ? r.firstError : r.firstErrorEN])
        } }
        return page("findings", title: words(context, "Kết quả kiểm tra", "Findings"), context,
                    ["heading": words(context, "Kết quả kiểm tra — \(p.label(.vi))", "Findings — \(p.label(.en))"), "rows": rows, "hasRows": !rows.isEmpty],
                    path: "/province/findings?period=\(p)")
    }

    func unitDetail(_ request: Request, _ context: WebContext) async throws -> Response {
        let p = try period(request, open: false)
        guard let code = context.parameters.get("code"), let u = template.unit(code, for: p) else {
            throw PageError(status: .notFound, vi: "Không có đơn vị này trong kỳ.", en: "No such unit in this period.", back: "/province")
        }
        let lang = context.lang
        let d = try await summaries.get(self, p)
        let st = d.status.first { $0.unit.code == code }
        let (state, cls, detail) = describe(st, lang)
        var v: [String: Any] = ["heading": "\(FormBuilder.unitTitle(u)) — \(p.label(lang))", "state": state, "cls": cls, "detail": detail ?? ""]
        if let r = try store.openReturns(template: template.id, period: p.description)[code] {
            v["returned"] = words(context, "Đã trả lại (\(time(r.at)), \(r.account)): \(r.comment)", "Returned (\(time(r.at)), \(r.account)): \(r.comment)")
        }
        if let sid = try store.currentSubmissionID(template: template.id, unit: code, period: p.description) {
            v["submissionID"] = sid
            let values = try store.values(submission: sid)
            var byIndicator: [String: [String: StoredValue]] = [:]
            for x in values { byIndicator[x.indicator, default: [:]][x.column] = x.value }
            let cols = template.columns
            v["columns"] = cols.map { $0.label(for: p, lang) }
            v["values"] = template.indicators(for: u).compactMap { ind -> [String: Any]? in
                guard let row = byIndicator[ind.code] else { return nil }
                return ["code": ind.code, "name": ind.name, "measure": ind.unitText, "cells": cols.map { c -> [String: String] in
                    guard let sv = row[c.key] else { return ["text": "", "where": ""] }
                    return ["text": Self.numberText(sv, lang), "where": "\(sv.sheet.map { "\($0)!" } ?? "")\(sv.cell)"]
                }]
            }
            v["hasValues"] = !values.isEmpty
        }
        let history = try historyRows(code, p, context)
        v["history"] = history
        v["hasHistory"] = !history.isEmpty
        return page("unitDetail", title: FormBuilder.unitTitle(u), context, v, path: "/province/unit/\(code)?period=\(p)")
    }

    /// A stored value in the page's language: vi-VN "2.471,9", en-US "2,471.9"; a range
    /// or bound the same way; a symbol as written.
    static func numberText(_ sv: StoredValue, _ lang: Language) -> String {
        let f = { (d: Double) in VietNumber.format(d, decimals: 6, lang) }
        switch sv.value {
        case .number(let d): return f(d)
        case .range(let a, let b): return "\(f(a))–\(f(b))"
        case .atLeast(let d, let strict): return (strict ? "> " : "≥ ") + f(d)
        case .atMost(let d, let strict): return (strict ? "< " : "≤ ") + f(d)
        case .empty, .symbol: return sv.written
        }
    }

    func returnSubmission(_ request: Request, _ context: WebContext) async throws -> Response {
        let fields = try await formBody(request)
        try checkCSRF(fields, context)
        guard let a = context.account, let id = fields["submission"].flatMap(Int64.init), let s = try store.submissionUnit(id: id),
              s.template == template.id, s.current else {
            throw PageError(status: .badRequest, vi: "Không có báo cáo hiện hành này.", en: "No such current submission.", back: "/province")
        }
        let comment = (fields["comment"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !comment.isEmpty, comment.count <= 2000 else {
            throw PageError(status: .badRequest, vi: "Hãy ghi ý kiến (tối đa 2.000 ký tự) khi trả lại báo cáo.",
                            en: "Write a comment (at most 2,000 characters) when returning a report.", back: "/province/unit/\(s.unit)?period=\(s.period)")
        }
        try store.returnSubmission(id: id, account: a.name, comment: comment)
        await summaries.invalidate()
        try store.audit(account: a.name, action: "return", detail: "\(s.unit) \(s.period) #\(id)", remote: remoteAddress(request, context))
        return Response.redirect(to: "/province/unit/\(s.unit)?period=\(s.period)", type: .normal)
    }

    func summary(_ request: Request, _ context: WebContext) async throws -> Response {
        let p = try period(request, open: false)
        let format = request.uri.queryParameters.get("format") ?? "xlsx"
        let d = try await summaries.get(self, p)
        guard !d.status.filter(\.received).isEmpty else {
            throw PageError(status: .notFound, vi: "Chưa có báo cáo nào của kỳ \(p.label(.vi)).", en: "Nothing received for \(p.label(.en)) yet.", back: "/province")
        }
        let base = "tong-hop-\(template.id)-\(p)"
        try store.audit(account: context.account?.name, action: "summary", detail: "\(p) \(format)", remote: remoteAddress(request, context))
        switch format {
        case "xlsx":
            // In the page's language, as `summary --lang` writes it.
            let lang = context.lang
            let data: Data = try await offload {
                try withTemporaryFolder { dir in
                    try SummaryWorkbook.write(d, to: dir + "/s.xlsx", lang: lang)
                    return try Data(contentsOf: URL(fileURLWithPath: dir + "/s.xlsx"))
                }
            }
            return Self.download(data, name: base + ".xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        case "csv": return Self.download(Data(SummaryExport.csv(d).utf8), name: base + ".csv", type: "text/csv; charset=utf-8")
        case "json": return Self.download(Data(SummaryExport.json(d).utf8), name: base + ".json", type: "application/json")
        default:
            // The exchange files (issue 27), as `tonghop export` writes them.
            guard let fmt = ExchangeFormat(rawValue: format) else {
                throw PageError(status: .badRequest, vi: "Định dạng phải là xlsx, csv, json, sdmx-csv, sdmx-structure, dhis2-json hoặc px.",
                                en: "The format must be xlsx, csv, json, sdmx-csv, sdmx-structure, dhis2-json or px.", back: "/province")
            }
            let t = template, s = store, name = URL(fileURLWithPath: config.db).lastPathComponent
            do {
                let text = try await offload { try ExchangeExport.file(fmt, store: s, template: t, period: p, storeName: name) }
                return Self.download(Data(text.utf8), name: "\(template.id)-\(p)-\(fmt.rawValue).\(fmt.fileExtension)", type: fmt.mediaType)
            } catch let e as ExchangeError {
                throw PageError(status: .notFound, vi: e.vi, en: e.en, back: "/province")
            }
        }
    }

    func scorecard(_ request: Request, _ context: WebContext) async throws -> Response {
        let p = try period(request, open: false)
        let lang = context.lang
        let d = try await summaries.get(self, p)
        let cards = d.scorecards.filter { $0.rank > 0 }.sorted { $0.rank < $1.rank } + d.scorecards.filter { $0.rank == 0 }
        let rows: [[String: Any]] = cards.map { sc in
            ["rank": sc.rank > 0 ? "\(sc.rank)" : "—", "name": sc.unit.map { $0.level == .provincePart ? $0.name : FormBuilder.unitTitle($0) } ?? "",
             "headline": sc.headline(lang), "lagging": sc.lagging.map { "\($0.code) \($0.name)" }.joined(separator: "; ")]
        }
        let chart = Pages.chart(cards.filter { $0.rank > 0 }.map { sc in
            (sc.unit.map(\.name) ?? "", sc.share, "\(sc.met)/\(sc.assessed)")
        })
        let received = d.status.filter(\.received).count
        let province = received == d.status.count ? words(context, "Toàn tỉnh: ", "Province: ") + d.provinceScore.headline(lang)
            : words(context, "Toàn tỉnh: chưa đánh giá, số liệu chưa đầy đủ (\(received)/\(d.status.count) đơn vị)",
                    "Province: not assessed, data incomplete (\(received)/\(d.status.count) units)")
        var values: [String: Any] = ["heading": words(context, "Kết quả thực hiện kế hoạch — \(p.label(.vi))", "Plan attainment — \(p.label(.en))"),
                                     "province": province, "chart": chart, "rows": rows]
        if let f = d.yearEnd { values["yearEnd"] = yearEndValues(f, d, lang) }
        return page("scorecard", title: words(context, "Chấm điểm", "Scorecard"), context, values, path: "/province/scorecard?period=\(p)")
    }

    /// The year-end estimate and on-track call of a 6- or 9-month period (issue 24), as the
    /// summary's "Ước cả năm" sheet gives it: the province's line per flow indicator (none
    /// on partial data), then each unit's counts and the indicators not on track.
    func yearEndValues(_ f: YearEndForecast, _ d: SummaryData, _ lang: Language) -> [String: Any] {
        let vi = lang == .vi, t = d.template, m = f.months
        let prov = f.estimates.filter { $0.unit == "province" }
        // The same lines as the summary's "Ước cả năm" sheet.
        let province = f.provinceLine(lang, plan: t.planColumns.first?.planName ?? (vi ? "kế hoạch" : "plan"),
                                      received: d.status.filter(\.received).count, expected: d.status.count)
        func num(_ x: Double, _ ind: Indicator) -> String { VietNumber.format(x, decimals: ind.decimals, lang) }
        let lines: [[String: Any]] = prov.compactMap { e in
            guard let ind = t.indicator(e.indicator) else { return nil }
            let call = e.calls.first
            return ["name": ind.name, "measure": ind.unitText, "cumulative": num(e.cumulative, ind), "estimate": num(e.estimate, ind),
                    "range": "\(num(e.low, ind)) – \(num(e.high, ind))", "plan": call?.value.text(decimals: ind.decimals, lang) ?? "",
                    "call": call?.call.label(lang) ?? "", "callClass": call.map { $0.call == .onTrack ? "" : "bad" } ?? ""]
        }
        let units: [[String: Any]] = d.reportingUnits.filter { u in f.estimates.contains { $0.unit == u.code } }.map { u in
            let k = f.counts(u.code)
            let list = f.notOnTrack(u.code, lang)
            return ["name": u.level == .provincePart ? u.name : FormBuilder.unitTitle(u), "on": "\(k.on)", "risk": "\(k.risk)", "unlikely": "\(k.unlikely)", "list": list]
        }
        return ["heading": vi ? "Ước cả năm \(f.period.year) và khả năng đạt kế hoạch (từ số liệu \(m) tháng)" : "Year-end estimate for \(f.period.year) and on-track call (from the \(m)-month figures)",
                "method": vi ? "Ước cả năm = số \(m) tháng ÷ tỷ trọng của \(m) tháng trong cả năm ở các năm trước (của đơn vị khi có ít nhất \(YearEndForecast.minimumYears) năm, nếu không thì của tỉnh; không có thì ×12/\(m)). Chỉ các chỉ tiêu cộng dồn từ đầu năm. Đây là ước tính, không phải số liệu báo cáo."
                             : "Year estimate = the \(m)-month figure ÷ the share of those months in the year in earlier years (the unit's own with at least \(YearEndForecast.minimumYears) years, else the province's; with none, ×12/\(m)). Flows cumulated from January only. An estimate, not a reported figure.",
                "province": province, "hasProvince": !lines.isEmpty, "lines": lines, "units": units,
                "months": vi ? "Số \(m) tháng" : "\(m) months"]
    }

}


/// The consolidated period, kept until the next submission or return changes it.
/// At most a minute old, so an import from the command line and the days late of a
/// missing unit show without a restart.
actor SummaryCache {
    private var cache: [Period: (SummaryData, Date)] = [:]

    func get(_ service: WebService, _ p: Period) async throws -> SummaryData {
        if let (d, at) = cache[p], Date().timeIntervalSince(at) < 60 { return d }
        let t = service.template, s = service.store
        let d = try await offload { try SummaryData.load(template: t, period: p, store: s) }
        cache[p] = (d, Date())
        return d
    }

    func invalidate() { cache = [:] }
}
