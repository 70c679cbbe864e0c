import Foundation
import SheetIO

/// The summary as CSV (the Tổng hợp table) or JSON (figures with coverage, attainment,
/// scorecards, submission status), and the text reports of `status` and `scorecard`.
public enum SummaryExport {
    /// The Tổng hợp table as CSV. Text fields are neutralised against formula injection
    /// (``CellText/neutralised(_:)``) unless `neutralise` is false (machine consumers).
    /// `forExcel` (the default): ';' between fields, numbers rounded to each indicator's
    /// decimals with a decimal comma, UTF-8 with a BOM — what Excel under vi-VN opens as
    /// numbers. Otherwise (`--raw`): ',' and the full value with a decimal point.
    public static func csv(_ d: SummaryData, neutralise: Bool = true, forExcel: Bool = true) -> String {
        let t = d.template, c = d.consolidation
        let text = { (s: String) in neutralise ? CellText.neutralised(s) : s }
        let sep: Character = forExcel ? ";" : ","
        var header = ["Mã", "Chỉ tiêu", "ĐVT"] + t.columns.map { $0.label(for: d.period) } + ["ƯTH so KH (%)", "ƯTH so cùng kỳ (%)", "Đánh giá", "Cách tổng hợp", "Đơn vị báo cáo"]
        header = header.map { CellText.quoteCSV(text($0), delimiter: sep) }
        var lines = [header.joined(separator: String(sep))]
        for ind in t.indicators {
            let vals = t.columns.map { c.aggregate(ind.code, $0.key) }
            let f = { (v: Double?, decimals: Int) -> String in
                guard let v else { return "" }
                if !forExcel { return CellText.number((v * 1e9).rounded() / 1e9) }
                let p = pow(10, Double(decimals))
                let r = (v * p).rounded() / p
                return (decimals == 0 ? String(Int64(r)) : String(format: "%.\(decimals)f", r)).replacingOccurrences(of: ".", with: ",")
            }
            let (vsPlan, vsPrev, judged) = comparisons(ind, d)
            let est = c.aggregate(ind.code, t.estimateColumn!.key)
            var row = [ind.code, ind.name, ind.unitText].map(text) + vals.map { f($0.value, ind.decimals) }
            row += [f(vsPlan, 1), f(vsPrev, 1)] + [judged.label(.vi), SummaryWorkbook.methodText(ind, t), est.coverageText].map(text)
            lines.append(row.map { CellText.quoteCSV($0, delimiter: sep) }.joined(separator: String(sep)))
        }
        return (forExcel ? "\u{FEFF}" : "") + lines.joined(separator: "\r\n") + "\r\n"
    }

    static func comparisons(_ ind: Indicator, _ d: SummaryData) -> (Double?, Double?, Attainment) {
        let t = d.template, c = d.consolidation
        let e = c.aggregate(ind.code, t.estimateColumn!.key).value
        let p = t.planColumn.flatMap { c.aggregate(ind.code, $0.key).value }
        let pr = t.previousColumn.flatMap { c.aggregate(ind.code, $0.key).value }
        let vsPlan = (e != nil && p != nil && p != 0) ? e! / p! * 100 : nil
        let vsPrev = (e != nil && pr != nil && pr != 0) ? e! / pr! * 100 : nil
        let judged = ind.planned ? Attainment.assess(estimate: e, plan: p.map { .number($0) } ?? .empty, direction: ind.direction) : .notAssessed
        return (vsPlan, vsPrev, judged)
    }

    public static func json(_ d: SummaryData) -> String {
        func s(_ v: String?) -> String { v.map(CellText.jsonString) ?? "null" }
        func n(_ v: Double?) -> String { v.map { $0.isFinite ? CellText.number($0) : "null" } ?? "null" }
        let t = d.template, c = d.consolidation
        var out = "{\"template\":\(s(t.id)),\"template_version\":\(t.version),\"period\":\(s(d.period.description)),"
        out += "\"completeness\":\(n(d.completeness)),\"received\":\(d.status.filter(\.received).count),\"expected\":\(d.status.count),"
        out += "\"province\":{\"met\":\(d.provinceScore.met),\"assessed\":\(d.provinceScore.assessed),\"headline\":\(s(d.provinceScore.headline(.vi))),\"plans\":\(plansJSON(d.provinceScore))},"
        out += "\"indicators\":["
        for (i, ind) in t.indicators.enumerated() {
            let (vsPlan, vsPrev, judged) = comparisons(ind, d)
            out += (i > 0 ? "," : "") + "\n{\"code\":\(s(ind.code)),\"name\":\(s(ind.name)),\"unit\":\(s(ind.unitText)),\"method\":\(s(ind.aggregation.methodName)),"
            out += "\"values\":{"
            out += t.columns.map { col -> String in
                let a = c.aggregate(ind.code, col.key)
                return "\(s(col.key)):{\"value\":\(n(a.value)),\"covered\":\(a.covered.count),\"expected\":\(a.expected.count - a.notApplicable.count),\"partial\":\(a.partial),\"missing\":[\(a.missing.map { s($0) }.joined(separator: ","))]}"
            }.joined(separator: ",")
            out += "},\"vs_plan_pct\":\(n(vsPlan)),\"vs_previous_pct\":\(n(vsPrev)),\"attainment\":\(s(judged.rawValue))"
            if !c.intermediates.isEmpty {
                out += ",\"by_level\":{" + c.intermediates.map { u in
                    "\(s(u.code)):\(n(c.aggregate(ind.code, t.estimateColumn!.key, node: u).value))"
                }.joined(separator: ",") + "}"
            }
            out += "}"
        }
        out += "\n],\"scorecards\":["
        out += d.scorecards.sorted { $0.rank < $1.rank }.map { sc in
            "\n{\"unit\":\(s(sc.unit?.code)),\"name\":\(s(sc.unit?.name)),\"rank\":\(sc.rank),\"met\":\(sc.met),\"assessed\":\(sc.assessed),\"lagging\":[\(sc.lagging.map { s($0.code) }.joined(separator: ","))],\"plans\":\(plansJSON(sc))}"
        }.joined(separator: ",")
        out += "\n],\"status\":["
        out += d.status.map { st in
            "\n{\"unit\":\(s(st.unit.code)),\"name\":\(s(st.unit.name)),\"received\":\(st.received),\"revision\":\(st.submission.map { String($0.revision) } ?? "null"),\"imported_at\":\(s(st.submission?.importedAt)),\"file\":\(s(st.submission?.fileName)),\"warnings\":\(st.submission?.warnings ?? 0),\"deadline\":\(s(st.deadline)),\"days_late\":\(st.daysLate.map(String.init) ?? "null"),"
                + "\"rejected\":" + (st.rejection.map { "{\"file\":\(s($0.fileName)),\"at\":\(s($0.rejectedAt)),\"errors\":\($0.errors),\"first_error\":\(s($0.firstError))}" } ?? "null") + "}"
        }.joined(separator: ",")
        return out + "\n]}\n"
    }

    /// The Tổng hợp table for a terminal: vi-VN numbers at each indicator's decimals.
    public static func text(_ d: SummaryData, lang: Language, codes: Set<String>? = nil) -> String {
        let t = d.template, c = d.consolidation
        let vi = lang == .vi
        var rows: [[String]] = [[vi ? "Mã" : "Code", vi ? "Chỉ tiêu" : "Indicator", vi ? "ĐVT" : "Unit"]
            + t.columns.map { $0.label(for: d.period, lang) } + [vi ? "ƯTH/KH %" : "Est/plan %", vi ? "ƯTH/CK %" : "Est/prev %", vi ? "Đánh giá" : "Plan", vi ? "Đơn vị" : "Units"]]
        for ind in t.indicators where codes == nil || codes!.contains(ind.code) {
            let vals = t.columns.map { c.aggregate(ind.code, $0.key).value.map { VietNumber.format($0, decimals: ind.decimals, lang) } ?? "" }
            let (a, b, judged) = comparisons(ind, d)
            let pct = { (v: Double?) in v.map { VietNumber.format($0, decimals: 1, lang) } ?? "" }
            rows.append([ind.code, ind.name, ind.unitText] + vals + [pct(a), pct(b), judged.label(lang), c.aggregate(ind.code, t.estimateColumn!.key).coverageText])
        }
        // Columns padded by display width (a Vietnamese letter with its marks is one).
        var widths = [Int](repeating: 0, count: rows[0].count)
        for r in rows { for (i, x) in r.enumerated() { widths[i] = max(widths[i], min(x.count, 44)) } }
        var out = (vi ? "Tổng hợp \(t.id), \(d.period.label(.vi)): \(d.status.filter(\.received).count)/\(d.status.count) đơn vị; \(d.provinceScore.headline(.vi))\n"
                      : "Summary \(t.id), \(d.period.label(.en)): \(d.status.filter(\.received).count)/\(d.status.count) units; \(d.provinceScore.headline(.en))\n")
        for r in rows {
            let cells = r.enumerated().map { i, x -> String in
                let s = x.count > 44 ? String(x.prefix(43)) + "…" : x
                let pad = String(repeating: " ", count: max(0, widths[i] - s.count))
                return i >= 3 ? pad + s : s + pad
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        return out
    }

    public static func statusText(_ d: SummaryData, lang: Language) -> String {
        let vi = lang == .vi
        let received = d.status.filter(\.received).count
        var out = vi ? "Mẫu \(d.template.id), kỳ \(d.period.label(.vi)): \(received)/\(d.status.count) đơn vị đã nộp (\(VietNumber.format(d.completeness * 100, decimals: 1))%)\n"
                     : "Template \(d.template.id), \(d.period.label(.en)): \(received)/\(d.status.count) units reported (\(VietNumber.format(d.completeness * 100, decimals: 1, .en))%)\n"
        if let due = d.template.deadline(for: d.period) {
            let late = d.status.filter { $0.daysLate != nil }.count
            out += vi ? "Hạn nộp: \(UnitStatus.vietDate(due)); \(late) đơn vị nộp muộn hoặc quá hạn chưa nộp\n"
                      : "Deadline: \(due); \(late) units late or overdue\n"
        }
        for st in d.status {
            let name = st.unit.level == .provincePart ? st.unit.name : FormBuilder.unitTitle(st.unit)
            let late = st.daysLate.map { n in st.received ? (vi ? " — NỘP MUỘN \(n) ngày" : " — LATE by \(n) day\(n == 1 ? "" : "s")")
                                                         : (vi ? " — QUÁ HẠN \(n) ngày" : " — OVERDUE by \(n) day\(n == 1 ? "" : "s")") } ?? ""
            if let sub = st.submission {
                let when = UnitStatus.localTime(sub.importedAt)
                out += "  ✓ \(st.unit.code) \(name): " + (vi ? "lần \(sub.revision), nhập \(when), \(sub.warnings) cảnh báo\(late) — \(TerminalText.safe(sub.fileName))"
                                                              : "revision \(sub.revision), imported \(when), \(sub.warnings) warnings\(late) — \(TerminalText.safe(sub.fileName))") + "\n"
            } else if st.rejection == nil {
                out += "  ✗ \(st.unit.code) \(name): " + (vi ? "CHƯA NỘP" : "MISSING") + late + "\n"
            }
            if let rej = st.rejection {
                let when = UnitStatus.localTime(rej.rejectedAt)
                out += "  ✗ \(st.unit.code) \(name): " + (vi ? "TỆP BỊ TỪ CHỐI lúc \(when) (\(rej.errors) lỗi; lỗi đầu: \(TerminalText.safe(rej.firstError))) — \(TerminalText.safe(rej.fileName))"
                                                              : "FILE REJECTED at \(when) (\(rej.errors) errors; first: \(TerminalText.safe(rej.firstErrorEN))) — \(TerminalText.safe(rej.fileName))") + "\n"
            }
        }
        return out
    }

    static func plansJSON(_ sc: Scorecard) -> String {
        "[" + sc.plans.map { p in
            "{\"key\":\(CellText.jsonString(p.key)),\"name\":\(CellText.jsonString(p.name)),\"met\":\(p.met),\"assessed\":\(p.assessed),\"lagging\":[\(p.lagging.map { CellText.jsonString($0.code) }.joined(separator: ","))]}"
        }.joined(separator: ",") + "]"
    }

    public static func scorecardText(_ d: SummaryData, lang: Language) -> String {
        let vi = lang == .vi
        let received = d.status.filter(\.received).count
        var out = (vi ? "Toàn tỉnh: " : "Province: ")
            + (received == d.status.count ? d.provinceScore.headline(lang)
               : (vi ? "chưa đánh giá, số liệu chưa đầy đủ (\(received)/\(d.status.count) đơn vị)" : "not assessed, data incomplete (\(received)/\(d.status.count) units)")) + "\n"
        // Ranked units best first; the province-managed part apart, unranked.
        for sc in d.scorecards.filter({ $0.rank > 0 }).sorted(by: { $0.rank < $1.rank }) + d.scorecards.filter({ $0.rank == 0 }) {
            let name = sc.unit.map { $0.level == .provincePart ? $0.name : FormBuilder.unitTitle($0) } ?? ""
            out += "  \(sc.rank > 0 ? "\(sc.rank)." : "—") \(name): \(sc.headline(lang))"
            if sc.plans.count > 1 {
                for p in sc.plans where !p.lagging.isEmpty {
                    out += (vi ? "; chưa đạt \(p.name): " : "; not met (\(p.name)): ") + p.lagging.map(\.code).joined(separator: ", ")
                }
            } else if !sc.lagging.isEmpty {
                out += (vi ? "; chưa đạt: " : "; not met: ") + sc.lagging.map { "\($0.code) \($0.name)" }.joined(separator: ", ")
            }
            out += "\n"
        }
        return out
    }

    public static func scorecardJSON(_ d: SummaryData) -> String {
        func s(_ v: String?) -> String { v.map(CellText.jsonString) ?? "null" }
        var out = "{\"period\":\(s(d.period.description)),\"province\":{\"met\":\(d.provinceScore.met),\"assessed\":\(d.provinceScore.assessed)},\"units\":["
        out += d.scorecards.sorted { $0.rank < $1.rank }.map { sc in
            "\n{\"unit\":\(s(sc.unit?.code)),\"name\":\(s(sc.unit?.name)),\"rank\":\(sc.rank),\"met\":\(sc.met),\"assessed\":\(sc.assessed),\"headline\":\(s(sc.headline(.vi))),\"lagging\":[\(sc.lagging.map { s($0.code) }.joined(separator: ","))],\"plans\":\(plansJSON(sc))}"
        }.joined(separator: ",")
        return out + "\n]}\n"
    }
}
