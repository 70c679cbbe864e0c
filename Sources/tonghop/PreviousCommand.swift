import ArgumentParser
import Foundation
import SheetIO
import TongHop

/// `tonghop previous`: the year-before figures of the units of a period, computed across
/// the 2025 reform from their predecessors' stored reports (``CrossReform``).
struct PreviousCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "previous",
        abstract: T("Số liệu cùng kỳ năm trước của từng đơn vị, tính qua sắp xếp đơn vị hành chính 01/7/2025.", "Each unit's figures a year earlier, computed across the 1 July 2025 reform."),
        discussion: T("Với mỗi đơn vị báo cáo trong kỳ (và toàn tỉnh): số liệu cùng kỳ năm trước — báo cáo của chính đơn vị nếu khi đó đã có, nếu không thì tính từ báo cáo của các đơn vị cũ hợp thành, theo đúng cách tổng hợp của từng chỉ tiêu. Mỗi số cho biết là tính được, gần đúng (đơn vị cũ chỉ nhập một phần) hay thiếu (kho chưa có báo cáo của đơn vị cũ).", """
        For each unit reporting in the period (and the province), the figure of the same \
        period a year earlier: its own report when it existed then, else computed from the \
        reports of the old units it was formed from, with each indicator's own method. Each \
        figure says whether it is computed, approximate (an old unit merged only in part) or \
        missing (a predecessor's report is not in the store).
        """)
    )

    @Option(name: .long, help: H("Kỳ cần số liệu cùng kỳ năm trước (ví dụ 2025).", "The period whose previous year is wanted (e.g. 2025)."))
    var period: String

    @Option(name: .long, help: H("Chỉ đơn vị này (ghi được nhiều lần). Mặc định: toàn tỉnh và mọi đơn vị.", "Only this unit (repeatable). Default: the province and every unit."))
    var unit: [String] = []

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: H("text, csv hoặc json.", "text, csv or json."))
    var format: String = "text"

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        let vi = lang == .vi
        guard ["text", "csv", "json"].contains(format) else {
            printError(vi ? "--format phải là text, csv hoặc json" : "--format must be text, csv or json")
            throw ExitStatus.unreadable
        }
        let s = try store.open(lang, mode: .readOnly)
        let t = try store.resolveTemplate(s, lang)
        let p = try store.resolvePeriod(period, s, t, lang)
        let cross = try CrossReform.load(template: t, period: p, store: s)
        var sets: [(code: String, name: String, result: CrossReform.Result)] = []
        if unit.isEmpty {
            sets.append((t.province?.code ?? "", t.province?.name ?? "", cross.provinceFigures()))
            for u in t.reportingUnits(for: p) { sets.append((u.code, u.name, cross.figures(for: u))) }
        } else {
            for code in unit {
                guard let u = t.unit(code, on: p.referenceDate) else {
                    printError(vi ? "mẫu \(t.id) không có đơn vị mã \(code) báo cáo kỳ \(p.label(.vi))" : "template \(t.id) has no unit \(code) reporting for \(p.label(.en))")
                    throw ExitStatus.unreadable
                }
                sets.append((u.code, u.name, u.level == .province ? cross.provinceFigures() : cross.figures(for: u)))
            }
        }
        let out: String
        switch format {
        case "json": out = json(sets, t, p, cross.previous)
        case "csv": out = csv(sets, t, lang)
        default: out = text(sets, t, p, cross.previous, lang)
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    func howText(_ how: String, _ lang: Language) -> String {
        switch how {
        case "whole": return lang == .vi ? "nhập toàn bộ" : "whole"
        case "part": return lang == .vi ? "nhập một phần" : "in part"
        case "unchanged": return lang == .vi ? "giữ nguyên" : "unchanged"
        case "district": return lang == .vi ? "báo cáo cấp huyện" : "district report"
        default: return lang == .vi ? "chính đơn vị" : "itself"
        }
    }

    func text(_ sets: [(code: String, name: String, result: CrossReform.Result)], _ t: Template, _ p: Period, _ prev: Period, _ lang: Language) -> String {
        let vi = lang == .vi
        var out = vi ? "Số liệu \(prev.label(.vi)) so sánh với \(p.label(.vi)) — mẫu \(t.id)\n"
                     : "\(prev.label(.en)) figures to compare with \(p.label(.en)) — template \(t.id)\n"
        for (code, name, r) in sets {
            out += "\n\(TerminalText.safe(name)) (\(code)): \(r.quality.label(lang))\n"
            if !r.sources.isEmpty {
                out += "  " + (vi ? "từ: " : "from: ") + r.sources.map { src in
                    "\(TerminalText.safe(src.name)) (\(src.code), \(howText(src.how, lang))\(src.stored ? "" : (vi ? ", chưa có số liệu" : ", no report")))"
                }.joined(separator: "; ") + "\n"
            }
            if r.quality == .missing, let f = r.figures.first {
                out += "  \(TerminalText.safe(vi ? f.vi : f.en))\n"
                continue
            }
            if r.quality == .approximate, let f = r.figures.first(where: { $0.quality == .approximate }) {
                out += "  \(TerminalText.safe(vi ? f.vi : f.en))\n"
            }
            for f in r.figures {
                guard let ind = t.indicator(f.indicator) else { continue }
                let v = f.value.map { VietNumber.format($0, decimals: ind.decimals, lang) } ?? "—"
                out += "  \(ind.code.padding(toLength: 6, withPad: " ", startingAt: 0)) \(v.leftPadded(14))  \(f.quality.label(lang))\n"
            }
        }
        return out
    }

    func csv(_ sets: [(code: String, name: String, result: CrossReform.Result)], _ t: Template, _ lang: Language) -> String {
        var out = "unit,name,indicator,value,quality,basis\n"
        for (code, name, r) in sets {
            for f in r.figures {
                let fields = [code, name, f.indicator, f.value.map(CellText.number) ?? "", f.quality.rawValue, lang == .vi ? f.vi : f.en]
                out += fields.map { CellText.quoteCSV(CellText.neutralised($0)) }.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    func json(_ sets: [(code: String, name: String, result: CrossReform.Result)], _ t: Template, _ p: Period, _ prev: Period) -> String {
        func s(_ v: String) -> String { CellText.jsonString(v) }
        var out = "{\"template\":\(s(t.id)),\"period\":\(s(p.description)),\"previous\":\(s(prev.description)),\"units\":["
        out += sets.map { code, name, r in
            "\n{\"unit\":\(s(code)),\"name\":\(s(name)),\"quality\":\(s(r.quality.rawValue)),\"sources\":["
                + r.sources.map { "{\"code\":\(s($0.code)),\"name\":\(s($0.name)),\"how\":\(s($0.how)),\"stored\":\($0.stored)}" }.joined(separator: ",")
                + "],\"figures\":{" + r.figures.map { f in
                    "\(s(f.indicator)):{\"value\":\(f.value.map(CellText.number) ?? "null"),\"quality\":\(s(f.quality.rawValue)),\"basis\":\(s(f.vi)),\"basis_en\":\(s(f.en))}"
                }.joined(separator: ",") + "}}"
        }.joined(separator: ",")
        return out + "\n]}\n"
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
