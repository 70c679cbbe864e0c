import Foundation
import SheetIO

/// The screening's findings as text for the terminal, JSON and a workbook.
public enum AnomalyReport {
    static func n(_ v: Double?) -> String { v.map { $0.isFinite ? CellText.number(($0 * 1e6).rounded() / 1e6) : "null" } ?? "null" }

    /// `{"anomalies":[{"unit","indicator","column","value","expected_low","expected_high",
    /// "method","reason","score"}]}`, plus the unit's and indicator's names and the value a
    /// recogniser proposes.
    public typealias Marks = [String: (latest: FollowUp, history: [FollowUp])]

    static func followUpJSON(_ m: (latest: FollowUp, history: [FollowUp])?, _ lang: Language) -> String {
        guard let m else { return "null" }
        func step(_ f: FollowUp) -> String {
            "{\"state\":\(CellText.jsonString(f.state.rawValue)),\"label\":\(CellText.jsonString(f.state.label(lang))),\"note\":\(CellText.jsonString(f.note)),"
                + "\"account\":\(f.account.map(CellText.jsonString) ?? "null"),\"at\":\(CellText.jsonString(f.at))}"
        }
        return String(step(m.latest).dropLast()) + ",\"history\":[" + m.history.map(step).joined(separator: ",") + "]}"
    }

    /// The follow-up's line: "Đã hỏi đơn vị (tinh, 2026-12-06 09:30): «…»".
    public static func followUpText(_ f: FollowUp, _ lang: Language) -> String {
        "\(f.state.label(lang)) (\(f.account ?? "?"), \(UnitStatus.localTime(f.at))): «\(f.note)»"
    }

    public static func json(_ list: [Anomaly], template: Template, period: Period, lang: Language, followUps: Marks = [:]) -> String {
        var out = "{\"template\":\(CellText.jsonString(template.id)),\"period\":\(CellText.jsonString(period.description)),\"count\":\(list.count),\"anomalies\":["
        for (i, a) in list.enumerated() {
            if i > 0 { out += "," }
            out += "{\"unit\":\(CellText.jsonString(a.unit)),\"unit_name\":\(CellText.jsonString(a.unitName)),"
            out += "\"indicator\":\(CellText.jsonString(a.indicator)),\"indicator_name\":\(CellText.jsonString(a.indicatorName)),"
            out += "\"column\":\(CellText.jsonString(a.column)),\"value\":\(n(a.value)),\"expected_low\":\(n(a.expectedLow)),\"expected_high\":\(n(a.expectedHigh)),"
            out += "\"method\":\(CellText.jsonString(a.method.rawValue)),\"reason\":\(CellText.jsonString(a.reason(lang))),"
            out += "\"score\":\(n((a.score * 100).rounded() / 100)),\"suggested\":\(n(a.suggested)),"
            out += "\"follow_up\":\(followUpJSON(followUps[FollowUp.key(a.unit, a.indicator, a.column)], lang))}"
        }
        return out + "]}\n"
    }

    /// One block per unit, strongest first, with a count per method at the end.
    public static func text(_ list: [Anomaly], template: Template, period: Period, lang: Language, peers: Int? = nil, followUps: Marks = [:]) -> String {
        let vi = lang == .vi
        var out = vi ? "Rà soát số liệu bất thường — mẫu \(template.id), \(period.label(.vi))\n"
                     : "Screening for anomalies — template \(template.id), \(period.label(.en))\n"
        if let peers, peers < 5 {
            out += vi ? "  Chỉ có \(peers) đơn vị cùng cấp đã nộp (cần ít nhất 5): chưa so sánh giữa các đơn vị và giữa các cột.\n"
                      : "  Only \(peers) units of one level have reported (5 needed): no comparison across units or columns yet.\n"
        }
        if list.isEmpty { return out + (vi ? "  Không thấy giá trị bất thường.\n" : "  No anomalies found.\n") }
        var byUnit: [String: [Anomaly]] = [:]
        var order: [String] = []
        for a in list {
            if byUnit[a.unit] == nil { order.append(a.unit) }
            byUnit[a.unit, default: []].append(a)
        }
        for u in order {
            let items = byUnit[u]!
            out += "\n\(TerminalText.safe(items[0].unitName)) (\(u))\n"
            for a in items {
                let score = VietNumber.format(a.score, decimals: 1, lang)
                out += "  [\(score)] \(a.indicator) «\(TerminalText.safe(a.indicatorName))» \(a.column) — \(a.method.label(lang))\n"
                out += "      \(TerminalText.safe(a.reason(lang)))\n"
                if let m = followUps[FollowUp.key(a.unit, a.indicator, a.column)] { out += "      → \(TerminalText.safe(followUpText(m.latest, lang)))\n" }
            }
        }
        var counts: [Anomaly.Method: Int] = [:]
        for a in list { counts[a.method, default: 0] += 1 }
        let summary = Anomaly.Method.allCases.compactMap { m in counts[m].map { "\(m.label(lang)): \($0)" } }.joined(separator: "; ")
        out += vi ? "\n→ \(list.count) giá trị bất thường ở \(order.count) đơn vị (\(summary))\n"
                  : "\n→ \(list.count) anomalies at \(order.count) units (\(summary))\n"
        return out
    }

    /// The worklist: each anomaly with what has been done about it, the open ones first.
    public static func worklist(_ list: [Anomaly], template: Template, period: Period, lang: Language, followUps: Marks) -> String {
        let vi = lang == .vi
        var out = vi ? "Theo dõi số liệu bất thường — mẫu \(template.id), \(period.label(.vi))\n" : "Anomaly worklist — template \(template.id), \(period.label(.en))\n"
        let open = list.filter { followUps[FollowUp.key($0.unit, $0.indicator, $0.column)] == nil }
        let done = list.filter { followUps[FollowUp.key($0.unit, $0.indicator, $0.column)] != nil }
        for a in open + done {
            let mark = followUps[FollowUp.key(a.unit, a.indicator, a.column)]
            let state = mark.map { followUpText($0.latest, lang) } ?? (vi ? "Chưa xử lý" : "Open")
            out += "  \(a.unit) \(a.indicator) \(a.column) = \(VietNumber.format(a.value, decimals: 3, lang)) — \(a.method.label(lang))\n      \(TerminalText.safe(state))\n"
        }
        let byState = Dictionary(grouping: followUps.values.map(\.latest.state), by: { $0 }).mapValues(\.count)
        out += vi ? "→ \(list.count) giá trị bất thường: \(open.count) chưa xử lý" : "→ \(list.count) anomalies: \(open.count) open"
        for st in FollowUp.State.allCases { if let c = byState[st] { out += "; \(st.label(lang).lowercased()): \(c)" } }
        return out + "\n"
    }

    /// A workbook for the province's review: one row per anomaly (written atomically).
    public static func writeXLSX(_ list: [Anomaly], template: Template, period: Period, lang: Language, to path: String, followUps: Marks = [:]) throws {
        let wb = try XLSXWriter(path: path)
        let vi = lang == .vi
        let base = CellFormat().with { $0.fontName = "Times New Roman"; $0.fontSize = 11; $0.vAlign = .top }
        let head = base.with { $0.bold = true; $0.border = .thin; $0.fillColor = 0xDDEBF7; $0.wrap = true; $0.hAlign = .center }
        let cell = base.with { $0.border = .thin; $0.wrap = true }
        let numFmt = cell.with { $0.numberFormat = "#,##0.###" }
        let ws = try wb.addWorksheet(vi ? "Bất thường" : "Anomalies")
        try ws.write(0, 0, text: vi ? "SỐ LIỆU BẤT THƯỜNG CẦN KIỂM TRA — \(template.id), \(period.label(.vi))"
                                    : "ANOMALIES TO CHECK — \(template.id), \(period.label(.en))", base.with { $0.bold = true; $0.fontSize = 13 })
        let headers = vi ? ["Mã ĐV", "Đơn vị", "Mã CT", "Chỉ tiêu", "Cột", "Giá trị", "Cận dưới", "Cận trên", "Cách phát hiện", "Lý do", "Điểm", "Giá trị đề xuất", "Theo dõi"]
                         : ["Unit", "Unit name", "Code", "Indicator", "Column", "Value", "Expected low", "Expected high", "Method", "Reason", "Score", "Suggested", "Follow-up"]
        for (i, h) in headers.enumerated() { try ws.write(2, i, text: h, head) }
        for (i, w) in [8.0, 24, 7, 32, 12, 14, 14, 14, 22, 70, 7, 14, 40].enumerated() { try ws.setColumns(i, i, width: w) }
        for (r, a) in list.enumerated() {
            let row = 3 + r
            try ws.write(row, 0, text: a.unit, cell)
            try ws.write(row, 1, text: a.unitName, cell)
            try ws.write(row, 2, text: a.indicator, cell)
            try ws.write(row, 3, text: a.indicatorName, cell)
            try ws.write(row, 4, text: a.column, cell)
            try ws.write(row, 5, number: a.value, numFmt)
            if let l = a.expectedLow, l.isFinite { try ws.write(row, 6, number: l, numFmt) } else { try ws.writeBlank(row, 6, cell) }
            if let h = a.expectedHigh, h.isFinite { try ws.write(row, 7, number: h, numFmt) } else { try ws.writeBlank(row, 7, cell) }
            try ws.write(row, 8, text: a.method.rawValue, cell)
            try ws.write(row, 9, text: a.reason(lang), cell)
            try ws.write(row, 10, number: (a.score * 10).rounded() / 10, cell.with { $0.numberFormat = "0.0" })
            if let s = a.suggested, s.isFinite { try ws.write(row, 11, number: s, numFmt) } else { try ws.writeBlank(row, 11, cell) }
            try ws.write(row, 12, text: followUps[FollowUp.key(a.unit, a.indicator, a.column)].map { followUpText($0.latest, lang) } ?? (vi ? "Chưa xử lý" : "Open"), cell)
        }
        try wb.close()
    }
}
