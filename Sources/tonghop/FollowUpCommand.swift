import ArgumentParser
import Foundation
import TongHop

struct FollowUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followup",
        abstract: T("Danh sách theo dõi số liệu bất thường: xem, hoặc ghi một bước (xác nhận đúng, hỏi đơn vị, đã sửa, đơn vị trả lời).",
                    "The anomaly worklist: list it, or record a step (confirmed correct, asked the unit, corrected, the unit's answer)."),
        discussion: T("""
        Không có --state: in các giá trị bất thường của kỳ cùng bước theo dõi hiện hành của mỗi giá trị. Có --state: ghi một bước \
        cho giá trị của --unit, --indicator, --column (giá trị đang lưu), kèm --note (lý do, câu hỏi hoặc câu trả lời). Bước \
        theo dõi gắn với giá trị: đơn vị nộp lại cùng số thì bước vẫn giữ, số khác thì bước cũ không còn áp dụng. Mỗi bước được \
        ghi nhật ký (tonghop serve: trang Nhật ký).
        """, """
        Without --state: the period's anomalies, each with the follow-up that holds now. With --state: records a step for \
        the value stored for --unit, --indicator, --column, with --note (the reason, the question or the answer). A step \
        belongs to the value: a new revision with the same figure keeps it, another figure leaves it behind. Every step is \
        in the audit log.
        """)
    )

    @Option(name: .long, help: H("Kỳ báo cáo (mặc định: kỳ mới nhất trong kho).", "The period (default: the latest in the store)."))
    var period: String?

    @Option(name: .long, help: H("Mã đơn vị.", "Unit code."))
    var unit: String?

    @Option(name: .long, help: H("Mã chỉ tiêu.", "Indicator code."))
    var indicator: String?

    @Option(name: .long, help: H("Mã cột (estimate, plan, prev_actual…).", "Column key (estimate, plan, prev_actual…)."))
    var column: String?

    @Option(name: .long, help: H("confirmed (xác nhận đúng), asked (hỏi đơn vị), corrected (đã sửa) hoặc answered (đơn vị trả lời).",
                                 "confirmed, asked, corrected or answered (the unit's answer)."))
    var state: String?

    @Option(name: .long, help: H("Lý do, câu hỏi hoặc câu trả lời (bắt buộc khi có --state).", "The reason, question or answer (required with --state)."))
    var note: String?

    @Option(name: .long, help: H("Người ghi (mặc định: tên người dùng máy).", "Who records it (default: the login name)."))
    var account: String?

    @Option(name: .long, help: H("text hoặc json.", "text or json."))
    var format: String = "text"

    @OptionGroup var store: StoreOptions

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        func fail(_ vi: String, _ en: String) -> ExitCode { printError(lang == .vi ? vi : en); return ExitStatus.unreadable }
        guard ["text", "json"].contains(format) else { throw fail("--format phải là text hoặc json", "--format must be text or json") }
        let s = try store.open(lang, mode: state == nil ? .readOnly : .readWrite)
        let t = try store.resolveTemplate(s, lang)
        let p = try store.resolvePeriod(period, s, t, lang)
        if let state {
            guard let st = FollowUp.State(rawValue: state) else {
                throw fail("--state phải là confirmed, asked, corrected hoặc answered", "--state must be confirmed, asked, corrected or answered")
            }
            guard let unit, let indicator, let column else { throw fail("cần --unit, --indicator và --column", "--unit, --indicator and --column are required") }
            let text = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty, text.count <= 2000 else {
                throw fail("cần --note (lý do, câu hỏi hoặc câu trả lời; tối đa 2.000 ký tự)", "--note is required (the reason, question or answer; at most 2,000 characters)")
            }
            let values = try s.currentReportedValues(template: t.id, period: p)
            guard let v = values[unit]?[indicator.uppercased()]?[column] else {
                throw fail("kho không có giá trị \(unit) \(indicator) \(column) của kỳ \(p.label(.vi))",
                           "the store holds no value \(unit) \(indicator) \(column) for \(p.label(.en))")
            }
            let who = account ?? ProcessInfo.processInfo.environment["USER"]
            try s.addFollowUp(template: t.id, period: p, unit: unit, indicator: indicator.uppercased(), column: column, value: v.number,
                              state: st, note: text, account: who)
            try s.audit(account: who, action: "followup", detail: "\(p) \(unit) \(indicator.uppercased()) \(column) \(st.rawValue): \(text)")
            print(lang == .vi ? "Đã ghi: \(unit) \(indicator.uppercased()) \(column) — \(st.label(.vi))" : "Recorded: \(unit) \(indicator.uppercased()) \(column) — \(st.label(.en))")
            return
        }
        let found = try Screening(input: try QualityInput.load(template: t, period: p, store: s)).run()
        let marks = try s.currentFollowUps(template: t, period: p)
        let text = format == "json" ? AnomalyReport.json(found, template: t, period: p, lang: lang, followUps: marks)
            : AnomalyReport.worklist(found, template: t, period: p, lang: lang, followUps: marks)
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
