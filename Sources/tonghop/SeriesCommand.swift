import ArgumentParser
import Foundation
import TongHop

struct SeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: T("Diễn biến một chỉ tiêu qua các kỳ trong kho (toàn tỉnh, một đơn vị hoặc khu vực so sánh được).",
                    "An indicator over the periods in the store (the province, a unit, or comparable areas)."),
        discussion: T("""
        Số ước thực hiện của từng kỳ cùng loại (năm; hoặc 6 tháng, 9 tháng theo --from). Khi các kỳ nằm hai bên đợt sắp xếp \
        đơn vị hành chính (1/7/2025), số liệu đi theo khu vực nhỏ nhất so sánh được trước và sau (theo bảng chuyển đổi), không \
        chi tiết hơn; đơn vị thiếu số liệu thì khu vực không có số của kỳ đó (không cộng thiếu).
        """, """
        The estimate of each period of one span (years; or 6 or 9 months, following --from). When the periods straddle the \
        reform of the units (1 July 2025), figures go by the smallest areas comparable before and after (from the conversion \
        table), never finer; a member without a figure leaves its area without one for that period (never a partial sum).
        """)
    )

    @Option(name: .long, help: H("Mã chỉ tiêu.", "The indicator code."))
    var indicator: String

    @Option(name: .long, help: H("Mã đơn vị (hoặc khu vực so sánh được chứa đơn vị).", "A unit's code (or the comparable area holding it)."))
    var unit: String?

    @Flag(name: .customLong("by-area"), help: H("Mỗi đơn vị (hoặc khu vực so sánh được) một dòng.", "One line per unit (or comparable area)."))
    var byArea = false

    @Option(name: .long, help: H("Từ kỳ (ví dụ 2023, 2024-6T).", "From period (e.g. 2023, 2024-6T)."))
    var from: String?

    @Option(name: .long, help: H("Đến kỳ.", "To period."))
    var to: String?

    @Option(name: .long, help: H("text, csv hoặc json.", "text, csv or json."))
    var format: String = "text"

    @OptionGroup var store: StoreOptions

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        guard ["text", "csv", "json"].contains(format) else {
            printError(lang == .vi ? "--format phải là text, csv hoặc json" : "--format must be text, csv or json")
            throw ExitStatus.unreadable
        }
        let s = try store.open(lang, mode: .readOnly)
        let t = try store.resolveTemplate(s, lang)
        guard t.indicator(indicator) != nil else {
            printError(lang == .vi ? "mẫu \(t.id) không có chỉ tiêu \(indicator)" : "template \(t.id) has no indicator \(indicator)")
            throw ExitStatus.unreadable
        }
        func parse(_ x: String?) throws -> Period? {
            guard let x else { return nil }
            guard let p = Period(x) else {
                printError(lang == .vi ? "kỳ báo cáo \"\(x)\" không hợp lệ (ví dụ: 2024, 2024-6T)" : "invalid period \"\(x)\" (e.g. 2024, 2024-6T)")
                throw ExitStatus.unreadable
            }
            return p
        }
        let lo = try parse(from), hi = try parse(to)
        let span = lo?.span ?? hi?.span ?? .year
        let periods = ((try? s.periods(template: t.id)) ?? []).filter { p in
            p.span == span && (lo.map { p >= $0 } ?? true) && (hi.map { p <= $0 } ?? true)
        }.sorted()
        guard !periods.isEmpty else {
            printError(lang == .vi ? "kho không có kỳ nào trong khoảng đã chọn" : "the store has no period in that range")
            throw ExitStatus.unreadable
        }
        if let unit, !periods.contains(where: { t.unit(unit, for: $0) != nil }) {
            printError(lang == .vi ? "mẫu \(t.id) không có đơn vị \(unit)" : "template \(t.id) has no unit \(unit)")
            throw ExitStatus.unreadable
        }
        var values: [Period: [String: [String: [String: ReportedValue]]]] = [:]
        do { for p in periods { values[p] = try s.currentReportedValues(template: t.id, period: p) } } catch {
            printError("\(store.db): \(error)")
            throw ExitStatus.unreadable
        }
        guard let series = Series.build(template: t, indicator: indicator.uppercased(), periods: periods, values: values, unit: unit, allAreas: byArea) else {
            throw ExitStatus.unreadable
        }
        let out = format == "json" ? series.json() : format == "csv" ? series.csv() : series.text(lang)
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
