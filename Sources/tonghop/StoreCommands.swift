import ArgumentParser
import Foundation
import TongHop

/// Options of the commands that use the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: H("Kho số liệu (SQLite). Mặc định: tonghop.db ở thư mục đang làm việc.", "The store (SQLite). Default: tonghop.db in the working folder."))
    var db: String = "tonghop.db"

    @Option(name: .long, help: H("Mẫu biểu (tệp YAML hoặc mã mẫu). Mặc định: mẫu có trong kho.", "The template (a YAML file or an id). Default: the one the store holds."))
    var template: String?

    @Option(name: .long, help: H("Thư mục mẫu biểu (mặc định: $TONGHOP_TEMPLATES hoặc ./templates).", "Templates folder (default: $TONGHOP_TEMPLATES or ./templates)."))
    var templates: String?

    /// Opens the store: read-write for `import` (created when missing), read-only for
    /// the reports, which never create or change a store.
    func open(_ lang: Language, mode: Store.Mode) throws -> Store {
        do { return try Store(path: db, mode: mode) } catch let e as StoreError {
            printError(lang == .vi ? "không mở được kho số liệu \(e.message(lang))" : "cannot open the store \(e.message(lang))")
            throw ExitStatus.unreadable
        }
    }

    /// The template given, else the only one the store has submissions of.
    func resolveTemplate(_ store: Store, _ lang: Language) throws -> Template {
        if let template { return try loadTemplate(template, dir: templates, lang: lang) }
        let ids = (try? store.templateIDs()) ?? []
        guard ids.count == 1 else {
            printError(ids.isEmpty ? (lang == .vi ? "kho chưa có số liệu; hãy chạy tonghop import trước, hoặc ghi --template" : "the store is empty; run tonghop import first, or give --template")
                                   : (lang == .vi ? "kho có nhiều mẫu (\(ids.joined(separator: ", "))); hãy ghi --template" : "the store holds several templates (\(ids.joined(separator: ", "))); give --template"))
            throw ExitStatus.unreadable
        }
        return try loadTemplate(ids[0], dir: templates, lang: lang)
    }

    /// Opens the store and consolidates a period (default: the latest) of its template.
    func summaryData(period: String?, _ lang: Language, requireData: Bool = true) throws -> SummaryData {
        let s = try open(lang, mode: .readOnly)
        let t = try resolveTemplate(s, lang)
        let p = try resolvePeriod(period, s, t, lang)
        // A period the store has nothing for is an error naming the periods it has.
        if requireData, let subs = try? s.currentSubmissions(template: t.id, period: p), subs.isEmpty {
            let have = ((try? s.periods(template: t.id)) ?? []).map(\.description).joined(separator: ", ")
            printError(lang == .vi ? "kho chưa có số liệu kỳ \(p.label(.vi)) của mẫu \(t.id)\(have.isEmpty ? "" : "; kho có các kỳ: \(have)")"
                                   : "the store has no data for \(p.label(.en)) of template \(t.id)\(have.isEmpty ? "" : "; it has: \(have)")")
            throw ExitStatus.unreadable
        }
        do { return try SummaryData.load(template: t, period: p, store: s) } catch {
            printError("\(db): \(error)")
            throw ExitStatus.unreadable
        }
    }

    func resolvePeriod(_ text: String?, _ store: Store, _ t: Template, _ lang: Language) throws -> Period {
        if let text {
            guard let p = Period(text) else {
                printError(lang == .vi ? "kỳ báo cáo \"\(text)\" không hợp lệ (ví dụ: 2024, 2024-6T)" : "invalid period \"\(text)\" (e.g. 2024, 2024-6T)")
                throw ExitStatus.unreadable
            }
            return p
        }
        guard let latest = try? store.periods(template: t.id).first else {
            printError(lang == .vi ? "kho chưa có số liệu của mẫu \(t.id); hãy ghi --period" : "no data for template \(t.id); give --period")
            throw ExitStatus.unreadable
        }
        return latest
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: T("Nhập các biểu đã kiểm tra vào kho số liệu (tệp có lỗi không được nhập).", "Import checked forms into the store (files with errors import nothing)."),
        discussion: T("Kiểm tra từng tệp và nhập trong một giao dịch: tệp có lỗi không nhập gì; nội dung đã có là \"không đổi\"; nội dung mới của một đơn vị, một kỳ thành lần nộp mới thay lần trước (lần cũ được giữ để đối chiếu). Mã thoát 1 khi có tệp bị từ chối, 2 khi sai cú pháp lệnh hoặc không mở được kho.", """
        Validates each file and imports it in one transaction: a file with errors imports \
        nothing; the same content again is "unchanged"; new content for a unit and period \
        becomes a new revision that supersedes the old one (kept for audit). Exit status 1 \
        when a file was rejected, 2 for usage errors or a store that cannot be opened.
        """)
    )

    @Argument(help: H("Các tệp, hoặc thư mục chứa tệp .xlsx/.csv.", "Files, or folders of .xlsx/.csv files."))
    var files: [String]

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: H("text hoặc json.", "text or json."))
    var format: String = "text"

    @Flag(name: .customLong("no-screen"), help: H("Không rà soát số liệu bất thường sau khi nhập (W160, W161).", "Do not screen the new reports against the other units after the import (W160, W161)."))
    var noScreen = false

    @OptionGroup var choices: ReadingChoices

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        let paths = expand(files, lang: lang)
        guard !paths.isEmpty else {
            printError(lang == .vi ? "không có tệp nào để nhập" : "no files to import")
            throw ExitStatus.unreadable
        }
        let library = TemplateLibrary(directory: store.templates)
        // The first files are read on the other core while the store opens and the template loads.
        let ahead = paths.count > 1 ? ReadAhead(paths: paths, reader: SubmissionReader(library: library)) : nil
        defer { ahead?.stop() }
        let s = try store.open(lang, mode: .readWrite)
        let fixed = try store.template.map { try loadTemplate($0, dir: store.templates, lang: lang) }
        var importer = Importer(store: s, reader: try choices.apply(to: SubmissionReader(library: library, template: fixed), lang: lang))
        importer.screenAtImport = !noScreen
        let outcomes: [ImportOutcome]
        let progress = Progress(total: paths.count, label: lang == .vi ? "Nhập" : "Import")
        do { outcomes = try importer.run(paths: paths, readAhead: ahead, progress: progress.update) } catch let failure as Importer.Failure {
            // Say what was done before the failure, then what failed and why.
            let done = ImportReport.text(failure.completed, store: store.db, lang: lang)
            FileHandle.standardOutput.write(Data(done.utf8))
            printError(failure.error.message(lang))
            throw ExitStatus.unreadable
        }
        let out = format == "json" ? ImportReport.json(outcomes, store: store.db, lang: lang)
            : ImportReport.text(outcomes, store: store.db, lang: lang)
        FileHandle.standardOutput.write(Data(out.utf8))
        if outcomes.contains(where: { $0.status == .rejected }) { throw ExitStatus.findings }
    }
}

/// The options of the text-or-JSON reports on a period (status, scorecard).
struct ReportQuery: ParsableArguments {
    @Option(name: .long, help: H("Kỳ báo cáo (mặc định: kỳ mới nhất trong kho).", "The period (default: the latest in the store)."))
    var period: String?

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: H("text hoặc json.", "text or json."))
    var format: String = "text"

    @OptionGroup var common: CommonOptions

    /// Consolidates the period and prints the JSON or the text rendering.
    func print(json: (SummaryData) -> String, text: (SummaryData, Language) -> String, requireData: Bool = true) throws {
        let lang = common.language
        let d = try store.summaryData(period: period, lang, requireData: requireData)
        let out = format == "json" ? json(d) : text(d, lang)
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: T("Đơn vị nào đã nộp, đơn vị nào còn thiếu.", "Who has reported and who is missing or late."),
        discussion: T("Các đơn vị phải báo cáo (theo cấp hành chính có hiệu lực trong kỳ) so với các đơn vị đã nộp, kèm lần nộp, thời gian, hạn nộp và cảnh báo.", "Expected units (the hierarchy valid for the period) against received ones, with revision, time and findings.")
    )

    @OptionGroup var query: ReportQuery

    func run() throws {
        // Who is missing is worth saying even when nobody has reported yet.
        try query.print(json: SummaryExport.json, text: { SummaryExport.statusText($0, lang: $1) }, requireData: false)
    }
}

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: T("Lập biểu tổng hợp toàn tỉnh (XLSX có công thức, CSV hoặc JSON).", "Write the province summary workbook (XLSX with formulas, CSV or JSON)."),
        discussion: T("Tổng hợp các báo cáo hiện hành của một kỳ theo cấp hành chính có hiệu lực và ghi bảng tính tổng hợp: Tổng hợp (số toàn tỉnh là công thức sống kèm giá trị), Số liệu đơn vị, Chấm điểm (có biểu đồ), Kết quả kiểm tra, Tình hình nộp.", """
        Consolidates the current submissions of a period over the hierarchy valid for it and \
        writes the summary workbook: Tổng hợp (province figures as live formulas with their \
        values), Số liệu đơn vị, Chấm điểm (with a chart), Kết quả kiểm tra, Tình hình nộp.
        """)
    )

    @Option(name: .long, help: H("Kỳ báo cáo (mặc định: kỳ mới nhất trong kho).", "The period (default: the latest in the store)."))
    var period: String?

    @Option(name: .shortAndLong, help: H("Tệp ghi ra (xlsx); với csv, json và text, \"-\" hoặc không ghi -o thì in ra màn hình.", "Output file (xlsx); for csv, json and text, \"-\" or no -o prints."))
    var output: String?

    @Option(name: .long, help: H("xlsx, csv, json hoặc text (bảng in ra màn hình).", "xlsx, csv, json, or text (a table for the terminal)."))
    var format: String = "xlsx"

    @Option(name: .long, help: H("Với --format text: chỉ các mã chỉ tiêu này (cách nhau bằng dấu phẩy).", "With --format text: only these indicator codes (comma-separated)."))
    var codes: String?

    @OptionGroup var store: StoreOptions

    @OptionGroup var common: CommonOptions

    @Flag(name: .customLong("no-formula-escape"), help: H("CSV: ghi nguyên văn chữ bắt đầu bằng =, +, -, @ (cho chương trình; mặc định thêm dấu ' ở đầu để Excel hiện là chữ, không chạy công thức).", "CSV: write text beginning with =, +, -, @ as it is (for machines; by default it gets a leading ' so Excel shows it as text)."))
    var noFormulaEscape = false

    @Flag(name: .long, help: H("CSV cho chương trình: dấu phẩy phân cách, dấu chấm thập phân, không làm tròn, không BOM (mặc định: cho Excel tiếng Việt: ';', dấu phẩy thập phân, làm tròn, UTF-8 có BOM).", "CSV for machines: comma-separated, decimal point, unrounded, no BOM (default: for Excel in vi-VN: ';', decimal comma, rounded, UTF-8 with BOM)."))
    var raw = false

    func run() throws {
        let lang = common.language
        var format = self.format
        if let output, output != "-" {
            // The format follows the file's extension when not given; an extension we do not
            // write is an error, not an XLSX under another name.
            try guardOutput(output, against: [store.db, store.db + "-wal", store.db + "-shm"], lang)
            let ext = (output as NSString).pathExtension.lowercased()
            let known = ["xlsx": "xlsx", "csv": "csv", "json": "json", "txt": "text"]
            guard let byExt = known[ext] else {
                printError(lang == .vi ? "không ghi được tệp .\(ext): hãy đặt tên .xlsx, .csv, .json hoặc .txt (PDF: mở tệp .xlsx bằng Excel hoặc LibreOffice rồi in)"
                                       : "cannot write a .\(ext) file: name it .xlsx, .csv, .json or .txt (for PDF, open the .xlsx in Excel or LibreOffice and print)")
                throw ExitStatus.unreadable
            }
            if self.format == "xlsx" { format = byExt }
        }
        let d = try store.summaryData(period: period, lang)
        if let codes {
            let wanted = codes.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces).uppercased() }
            let unknown = wanted.filter { d.template.indicator($0) == nil }
            guard unknown.isEmpty else {
                printError(lang == .vi ? "mẫu \(d.template.id) không có chỉ tiêu \(unknown.joined(separator: ", "))" : "template \(d.template.id) has no indicator \(unknown.joined(separator: ", "))")
                throw ExitStatus.unreadable
            }
        }
        do {
            switch format {
            case "xlsx":
                guard let output, output != "-" else {
                    printError(lang == .vi ? "cần -o TỆP.xlsx" : "-o FILE.xlsx is required")
                    throw ExitStatus.unreadable
                }
                try SummaryWorkbook.write(d, to: output, lang: common.paperLanguage)
                announceWritten(output, lang)
            case "csv", "json", "text":
                let text = format == "csv" ? SummaryExport.csv(d, neutralise: !noFormulaEscape, forExcel: !raw) : format == "json" ? SummaryExport.json(d)
                    : SummaryExport.text(d, lang: lang, codes: codes.map { Set($0.split(separator: ",").map { String($0).uppercased() }) })
                if let output, output != "-" { try AtomicFile.write(Data(text.utf8), to: output); announceWritten(output, lang) }
                else { FileHandle.standardOutput.write(Data(text.utf8)) }
            default:
                printError(lang == .vi ? "--format phải là xlsx, csv, json hoặc text" : "--format must be xlsx, csv, json or text")
                throw ExitStatus.unreadable
            }
        } catch let e as SheetIOError {
            printError(e.message(lang))
            throw ExitStatus.unreadable
        }
    }
}

struct ScorecardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scorecard",
        abstract: T("Kết quả thực hiện kế hoạch theo đơn vị: \"16/33 chỉ tiêu đạt và vượt\", chỉ tiêu chưa đạt, xếp hạng.", "Plan attainment per unit: \"16/33 indicators met or beat the plan\", lagging indicators, rank."),
        discussion: T("Ước thực hiện của từng đơn vị so với kế hoạch của chính đơn vị, theo chiều của chỉ tiêu và cả kế hoạch ghi dạng khoảng hoặc ngưỡng.", "Each unit's own estimate against its own plan, respecting direction and plans written as ranges or bounds.")
    )

    @OptionGroup var query: ReportQuery

    func run() throws {
        // 6- and 9-month periods: the year-end estimate and on-track call follow the scorecard.
        try query.print(json: { ScorecardYearEnd.json(SummaryExport.scorecardJSON($0), $0, query) },
                        text: { SummaryExport.scorecardText($0, lang: $1) + ScorecardYearEnd.text($0, query, $1) })
    }
}
