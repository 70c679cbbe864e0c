import ArgumentParser
import Foundation
import TongHop

struct FormCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "form",
        abstract: T("Tạo biểu mẫu trống cho đơn vị báo cáo (XLSX hoặc CSV).", "Write blank forms for the reporting units (XLSX or CSV)."),
        discussion: T("Ghi biểu trống để đơn vị điền. Với --unit, PATH là tệp ghi ra; với --all, PATH là thư mục và mỗi đơn vị báo cáo trong kỳ có một tệp.", """
        Writes the blank form a unit fills in. With --unit, PATH is the file to write; with \
        --all, PATH is a folder and each unit reporting in the period gets one file.
        """)
    )

    @Argument(help: H("Mẫu biểu: tệp YAML, hoặc mã mẫu trong --templates.", "The template: a YAML file, or a template id in --templates."))
    var template: String

    @Option(name: .long, help: H("Mã đơn vị.", "The unit's code."))
    var unit: String?

    @Flag(name: .long, help: H("Mỗi đơn vị báo cáo trong kỳ một biểu.", "One form per unit reporting in the period."))
    var all = false

    @Option(name: .long, help: H("Kỳ báo cáo: 2024, 2024-6T, 2024-9T, 2024-Q3. Mặc định: năm hiện tại.", "The period: 2024, 2024-6T, 2024-9T, 2024-Q3. Default: the current year."))
    var period: String?

    @Option(name: .shortAndLong, help: H("Tệp ghi ra (--unit) hoặc thư mục (--all).", "Output file (--unit) or folder (--all)."))
    var output: String

    @Option(name: .long, help: H("xlsx hoặc csv.", "xlsx or csv."))
    var format: String = "xlsx"

    @Option(name: .long, help: H("Thư mục mẫu biểu (mặc định: $TONGHOP_TEMPLATES hoặc ./templates).", "Templates folder (default: $TONGHOP_TEMPLATES or ./templates)."))
    var templates: String?

    @Option(name: .customLong("plan-from"), help: H("Điền cột kế hoạch từ kết quả `tonghop targets --format json` (mỗi ô kèm ghi chú trích câu trong văn bản).", "Fill the plan column from `tonghop targets --format json` output (each cell with a comment quoting its phrase)."))
    var planFrom: String?

    @Flag(name: .customLong("prefill-previous"), help: H("Điền sẵn cột năm trước từ kho số liệu (--db): báo cáo năm trước của chính đơn vị, hoặc qua sắp xếp 2025 là của các đơn vị cũ hợp thành (ô màu cam, mỗi ô có ghi chú nguồn, để cán bộ kiểm tra lại).", "Fill the previous-year column from the store (--db): the unit's own report of the year before, or across the 2025 reform its predecessors' (orange cells, each with a comment saying where it came from, for the officer to confirm)."))
    var prefillPrevious = false

    @Option(name: .long, help: H("Kho số liệu cho --prefill-previous (mặc định: tonghop.db).", "The store for --prefill-previous (default: tonghop.db)."))
    var db: String = "tonghop.db"

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        let t = try loadTemplate(template, dir: templates, lang: lang)
        guard let p = period.map({ Period($0) }) ?? Period(year: Calendar.current.component(.year, from: Date())) else {
            printError(lang == .vi ? "kỳ báo cáo \"\(period ?? "")\" không hợp lệ (ví dụ: 2024, 2024-6T, 2024-9T)"
                                   : "invalid period \"\(period ?? "")\" (e.g. 2024, 2024-6T, 2024-9T)")
            throw ExitStatus.unreadable
        }
        guard format == "xlsx" || format == "csv" else {
            printError(lang == .vi ? "--format phải là xlsx hoặc csv" : "--format must be xlsx or csv")
            throw ExitStatus.unreadable
        }
        var units: [ReportingUnit]
        if all {
            units = t.reportingUnits(for: p)
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } else if let code = unit {
            guard let u = t.unit(code, on: p.referenceDate) ?? t.unit(code) else {
                printError(lang == .vi ? "mẫu \(t.id) không có đơn vị mã \(code) (có: \(t.units.map(\.code).joined(separator: ", ")))"
                                       : "template \(t.id) has no unit \(code) (units: \(t.units.map(\.code).joined(separator: ", ")))")
                throw ExitStatus.unreadable
            }
            // A unit that does not report in the period (a district after the 2025 reform)
            // gets no form.
            guard u.level == .province || u.isValid(on: p.referenceDate) else {
                let valid = t.reportingUnits(for: p).prefix(5).map { "\($0.code) \($0.name)" }.joined(separator: ", ")
                printError(lang == .vi ? "\(FormBuilder.unitTitle(u)) (mã \(code)) không báo cáo kỳ \(p.label(.vi)) (hiệu lực \(u.validFrom ?? "…")–\(u.validTo ?? "…")); đơn vị của kỳ này: \(valid)…; hoặc ghi --period"
                                       : "\(u.name) (\(code)) does not report for \(p.label(.en)) (valid \(u.validFrom ?? "…")–\(u.validTo ?? "…")); units of this period: \(valid)…; or give --period")
                throw ExitStatus.unreadable
            }
            units = [u]
        } else {
            printError(lang == .vi ? "cần --unit MÃ hoặc --all" : "--unit CODE or --all is required")
            throw ExitStatus.unreadable
        }
        var planTexts: [String: (text: String, comment: String)] = [:]
        if let planFrom {
            do { planTexts = try TargetReport.planTexts(jsonPath: planFrom) } catch let e as SheetIOError {
                printError(e.message(lang))
                throw ExitStatus.unreadable
            }
        }
        var cross: CrossReform? = nil
        if prefillPrevious {
            guard t.previousColumn != nil else {
                printError(lang == .vi ? "mẫu \(t.id) không có cột số liệu năm trước" : "template \(t.id) has no previous-year column")
                throw ExitStatus.unreadable
            }
            let store: Store
            do { store = try Store(path: db, mode: .readOnly) } catch let e as StoreError {
                printError(lang == .vi ? "không mở được kho số liệu \(e.message(lang))" : "cannot open the store \(e.message(lang))")
                throw ExitStatus.unreadable
            }
            cross = try CrossReform.load(template: t, period: p, store: store)
        }
        do {
            for u in units {
                var previous: [String: (value: Double, comment: String)] = [:]
                if let cross {
                    let (filledIn, r) = cross.prefill(for: u)
                    previous = filledIn
                    let filled = previous.count, total = t.indicators(for: u).count
                    FileHandle.standardError.write(Data((lang == .vi
                        ? "\(u.code) \(u.name): điền sẵn \(filled)/\(total) chỉ tiêu năm trước (\(r.quality.label(.vi)))\n"
                        : "\(u.code) \(u.name): \(filled)/\(total) previous-year figures filled (\(r.quality.label(.en)))\n").utf8))
                }
                let path = all ? "\(output)/\(FormBuilder.fileName(template: t, unit: u, period: p, ext: format))" : output
                try OutputGuard.check(output: path, against: [template, t.sourcePath].compactMap { $0 })
                if format == "csv" {
                    try FormBuilder.writeCSV(template: t, unit: u, period: p, path: path)
                } else {
                    try FormBuilder.writeXLSX(template: t, unit: u, period: p, path: path, planTexts: planTexts, previous: previous, lang: common.paperLanguage)
                }
                announceWritten(path, lang)
            }
        } catch let e as SheetIOError {
            printError(e.message(lang))
            throw ExitStatus.unreadable
        }
    }
}

/// Loads a template, printing its problems (each with its YAML line) on failure.
func loadTemplate(_ spec: String, dir: String?, lang: Language) throws -> Template {
    do {
        return try TemplateLibrary(directory: dir).load(spec)
    } catch let e as TemplateError {
        printError(e.message(lang))
        throw ExitStatus.unreadable
    }
}
