import ArgumentParser
import Foundation
import TongHop

struct AnomaliesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: T("Rà soát số liệu bất thường của một kỳ: so với đơn vị cùng cấp, với các kỳ trước và giữa các cột; nhận ra lỗi ghi nhầm thường gặp.",
                    "Screen a period's values against peers, earlier periods and the report's other columns; name the usual slips."),
        discussion: T("""
        Mỗi giá trị đã nhập của kỳ được so với các đơn vị cùng cấp (trung vị và độ lệch tuyệt đối trung vị, tính theo đầu người, \
        hộ hoặc diện tích khi mẫu có mẫu số), với số cùng kỳ năm trước và các kỳ trước trong kho, và với các cột khác của báo cáo \
        (ước thực hiện, kế hoạch, thực hiện năm trước). Lỗi ghi nhầm được gọi tên: gấp 10ⁿ lần (một chữ số, nghìn, triệu/tỷ), \
        tỷ lệ ghi dạng thập phân, đổi chỗ kế hoạch và thực hiện, nhầm kỳ (số cả năm ghi vào báo cáo 6 tháng…), chép số năm trước. \
        Mã thoát 0 (có hay không có bất thường), 2 khi sai cú pháp lệnh hoặc không mở được kho.
        """, """
        Every stored value of the period is compared with units of the same level (median and MAD, per capita, household or \
        area where the template has the denominator), with the same period last year and earlier periods in the store, and \
        with the report's other columns (estimate, plan, last year's actual). Slips are named: ×10ⁿ (a digit, nghìn, \
        triệu/tỷ), a percentage as a fraction, plan and actual swapped, another span's figure, last year's copied. Exit \
        status 0 (with or without anomalies), 2 for usage errors or a store that cannot be opened.
        """)
    )

    @Option(name: .long, help: H("Kỳ báo cáo (mặc định: kỳ mới nhất trong kho).", "The period (default: the latest in the store)."))
    var period: String?

    @Option(name: .long, help: H("text, json hoặc xlsx (cần -o).", "text, json or xlsx (needs -o)."))
    var format: String = "text"

    @Option(name: .shortAndLong, help: H("Tệp ghi ra; không ghi thì in ra màn hình (text, json).", "Output file; without it text and JSON are printed."))
    var output: String?

    @OptionGroup var store: StoreOptions

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        guard ["text", "json", "xlsx"].contains(format) else {
            printError(lang == .vi ? "--format phải là text, json hoặc xlsx" : "--format must be text, json or xlsx")
            throw ExitStatus.unreadable
        }
        if let output, output != "-" { try guardOutput(output, against: [store.db, store.db + "-wal", store.db + "-shm"], lang) }
        let s = try store.open(lang, mode: .readOnly)
        let t = try store.resolveTemplate(s, lang)
        let p = try store.resolvePeriod(period, s, t, lang)
        if let subs = try? s.currentSubmissions(template: t.id, period: p), subs.isEmpty {
            let have = ((try? s.periods(template: t.id)) ?? []).map(\.description).joined(separator: ", ")
            printError(lang == .vi ? "kho chưa có số liệu kỳ \(p.label(.vi)) của mẫu \(t.id)\(have.isEmpty ? "" : "; kho có các kỳ: \(have)")"
                                   : "the store has no data for \(p.label(.en)) of template \(t.id)\(have.isEmpty ? "" : "; it has: \(have)")")
            throw ExitStatus.unreadable
        }
        let found: [Anomaly]
        var peers = 0
        var marks: AnomalyReport.Marks = [:]
        do {
            let screening = Screening(input: try QualityInput.load(template: t, period: p, store: s))
            peers = screening.largestPeerGroup
            found = screening.run()
            marks = try s.currentFollowUps(template: t, period: p)
        } catch {
            printError("\(store.db): \(error)")
            throw ExitStatus.unreadable
        }
        do {
            switch format {
            case "xlsx":
                guard let output, output != "-" else {
                    printError(lang == .vi ? "cần -o TỆP.xlsx" : "-o FILE.xlsx is required")
                    throw ExitStatus.unreadable
                }
                try AnomalyReport.writeXLSX(found, template: t, period: p, lang: lang, to: output, followUps: marks)
                announceWritten(output, lang)
            default:
                let text = format == "json" ? AnomalyReport.json(found, template: t, period: p, lang: lang, followUps: marks)
                    : AnomalyReport.text(found, template: t, period: p, lang: lang, peers: peers, followUps: marks)
                if let output, output != "-" { try AtomicFile.write(Data(text.utf8), to: output); announceWritten(output, lang) }
                else { FileHandle.standardOutput.write(Data(text.utf8)) }
            }
        } catch let e as SheetIOError {
            printError(e.message(lang))
            throw ExitStatus.unreadable
        }
    }
}
