import ArgumentParser
import Foundation
import TongHop

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: T("Kiểm tra biểu báo cáo trước khi gửi: liệt kê mọi lỗi theo ô.", "Check a report before sending it: every problem, by cell."),
        discussion: T("Kiểm tra các biểu đã điền (XLSX hoặc CSV; trong thư mục thì tìm các tệp .xlsx và .csv) và in mọi lỗi theo ô. Mã thoát: 0 khi không tệp nào có lỗi, 1 khi có, 2 khi sai cú pháp lệnh hoặc không đọc được tệp.", """
        Checks filled forms (XLSX or CSV; folders are searched for .xlsx and .csv files) and \
        prints every problem by cell. Exit status: 0 when no file has errors, 1 when some \
        has, 2 for usage errors or unreadable files.
        """)
    )

    @Argument(help: H("Các biểu đã điền, hoặc thư mục chứa chúng.", "Filled forms, or folders of them."))
    var files: [String]

    @Option(name: .long, help: H("Mẫu biểu (tệp YAML hoặc mã mẫu). Mặc định: mẫu ghi trong biểu.", "The template (a YAML file or an id). Default: the one the form names."))
    var template: String?

    @Option(name: .long, help: H("Thư mục mẫu biểu (mặc định: $TONGHOP_TEMPLATES hoặc ./templates).", "Templates folder (default: $TONGHOP_TEMPLATES or ./templates)."))
    var templates: String?

    @Option(name: .long, help: H("text hoặc json.", "text or json."))
    var format: String = "text"

    @Option(name: .long, help: H("Ghi một bản của bảng với các ô có vấn đề được tô màu và ghi chú (một thư mục khi có nhiều tệp).", "Write a copy of the table with flagged cells coloured and commented (a folder for several files)."))
    var annotate: String?

    @Option(name: .long, help: H("Liệt kê số liệu sẽ lưu, theo đơn vị tính của biểu, cạnh chữ ghi trong ô: yes hoặc no (mặc định: yes khi kiểm tra một tệp).", "List the values as they will be stored, in the form's units, beside the cell's text: yes or no (default: yes when checking one file)."))
    var values: String?

    @OptionGroup var choices: ReadingChoices

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        guard format == "text" || format == "json" else {
            printError(lang == .vi ? "--format phải là text hoặc json" : "--format must be text or json")
            throw ExitStatus.unreadable
        }
        let library = TemplateLibrary(directory: templates)
        let paths = expand(files, lang: lang)
        // The first files are read on the other core while the template loads.
        let ahead = paths.count > 1 ? ReadAhead(paths: paths, reader: SubmissionReader(library: library)) : nil
        defer { ahead?.stop() }
        let fixed = try template.map { try loadTemplate($0, dir: templates, lang: lang) }
        guard !paths.isEmpty else {
            printError(lang == .vi ? "không có tệp .xlsx hoặc .csv nào để kiểm tra" : "no .xlsx or .csv files to check")
            throw ExitStatus.unreadable
        }
        let reader = try choices.apply(to: SubmissionReader(library: library, template: fixed), lang: lang)
        reader.prepare()
        var reports: [FileReport] = []
        var unreadable = false
        var annotated: [(Submission, FileReport, Template?)] = []
        let progress = Progress(total: paths.count, label: lang == .vi ? "Kiểm tra" : "Checking")
        var done = 0
        let showValues = values.map { $0 == "yes" } ?? (paths.count == 1)
        BatchCheck.run(paths: paths, reader: reader, keepSheets: annotate != nil, keepRows: annotate != nil || showValues, readAhead: ahead) { _, t, checked in
            done += 1
            if done % 25 == 0 || done == paths.count { progress.update(done, paths.count) }
            for (s, findings) in checked {
                if findings.contains(where: { $0.code == FindingCode.unreadableFile.rawValue }) { unreadable = true }
                var r = FileReport(file: s.file, unit: s.unit, period: s.period, templateID: t?.id ?? s.templateID,
                                   templateVersion: t?.version ?? s.templateVersion, findings: findings)
                if showValues, let t { r.values = ReadValue.all(s, template: t) }
                reports.append(r)
                if annotate != nil, s.sheetData != nil { annotated.append((s, r, t)) }
            }
        }
        let out = format == "json" ? ReportFormatter.json(reports, lang: lang)
            : ReportFormatter.text(reports, lang: lang, color: isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        FileHandle.standardOutput.write(Data(out.utf8))
        if let annotate {
            do {
                if annotated.count == 1 && !annotate.hasSuffix("/") {
                    try OutputGuard.check(output: annotate, against: paths)
                    try writeAnnotated(annotated[0].0, annotated[0].1, annotated[0].2, to: annotate)
                    announceWritten(annotate, lang)
                } else {
                    try FileManager.default.createDirectory(atPath: annotate, withIntermediateDirectories: true)
                    for (s, r, t) in annotated {
                        let base = ((s.file as NSString).lastPathComponent as NSString).deletingPathExtension
                        let suffix = subsCount(annotated, s.file) > 1 ? "_\(s.unit?.code ?? "x")_\(s.period?.description ?? "x")" : ""
                        let out = "\(annotate)/\(base)\(suffix)_kiem-tra.xlsx"
                        try OutputGuard.check(output: out, against: paths)
                        try writeAnnotated(s, r, t, to: out)
                        announceWritten(out, lang)
                    }
                }
            } catch let e as SheetIOError {
                printError(e.message(lang))
                throw ExitStatus.unreadable
            }
        }
        if unreadable { throw ExitStatus.unreadable }
        if reports.contains(where: { !$0.valid }) { throw ExitStatus.findings }
    }

    /// The officer's own XLSX annotated in place when it can be edited, else a rebuilt
    /// copy of the table (CSV, XLS, a package we do not edit).
    private func writeAnnotated(_ s: Submission, _ r: FileReport, _ t: Template?, to out: String) throws {
        if s.file.lowercased().hasSuffix(".xlsx"),
           try PackageAnnotator.write(s, report: r, template: t, source: s.file, to: out, lang: common.paperLanguage) { return }
        try Annotator.write(s, report: r, template: t, to: out, lang: common.paperLanguage)
    }

    private func subsCount(_ a: [(Submission, FileReport, Template?)], _ file: String) -> Int { a.filter { $0.0.file == file }.count }
}

/// Files as given, folders replaced by the spreadsheets in them (sorted, not recursive).
/// In a folder only regular files are taken; a symbolic link is followed only when its
/// target stays inside the folder. What is left out is said on stderr.
func expand(_ args: [String], lang: Language = MessageLanguage.fromEnvironment(ProcessInfo.processInfo.environment)) -> [String] {
    var out: [String] = []
    let vi = lang == .vi
    for a in args {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: a, isDirectory: &isDir), isDir.boolValue else {
            out.append(a)
            continue
        }
        let folder = URL(fileURLWithPath: a).resolvingSymlinksInPath().path
        let items = (try? FileManager.default.contentsOfDirectory(atPath: a)) ?? []
        for name in items.sorted() {
            let l = name.lowercased()
            guard (l.hasSuffix(".xlsx") || l.hasSuffix(".xls") || l.hasSuffix(".csv") || l.hasSuffix(".xlsm")) && !name.hasPrefix(".") && !name.hasPrefix("~$") else { continue }
            let path = (a as NSString).appendingPathComponent(name)
            var lst = stat()
            guard lstat(path, &lst) == 0 else { continue }
            if lst.st_mode & S_IFMT == S_IFLNK {
                let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                guard target.hasPrefix(folder + "/") else {
                    printError(vi ? "\(path): bỏ qua, liên kết tượng trưng trỏ ra ngoài thư mục (\(target))"
                                  : "\(path): skipped, a symbolic link pointing outside the folder (\(target))")
                    continue
                }
            }
            guard InputFile.isRegular(path) else {
                printError(vi ? "\(path): bỏ qua, không phải tệp thông thường" : "\(path): skipped, not a regular file")
                continue
            }
            out.append(path)
        }
    }
    return out
}
