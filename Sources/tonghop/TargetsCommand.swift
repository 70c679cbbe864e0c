import ArgumentParser
import Foundation
import SheetIO
import TongHop

struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets",
        abstract: "Đọc chỉ tiêu kế hoạch từ văn bản (nghị quyết, kế hoạch, bản tin) để ghi vào cột kế hoạch.",
        discussion: """
        Reads target statements from text (UTF-8, UTF-16, Windows-1258, TCVN3, VNI, or .docx) \
        and places each on an indicator of the template, with the phrase it came from: value, \
        unit as written and converted, kind (level, growth, increment, count), qualifier \
        (about, at least, at most, range), confidence. Statements that fit no indicator are \
        listed; an indicator set twice with different values is a conflict. Deterministic rules, \
        no model or service. `tonghop form … --plan-from targets.json` writes the plan column.
        """
    )

    @Argument(help: "Text files (.txt, .docx).")
    var files: [String]

    @Option(name: .long, help: "The template (a YAML file or an id).")
    var template: String

    @Option(name: .long, help: "Templates folder (default: $TONGHOP_TEMPLATES or ./templates).")
    var templates: String?

    @Option(name: .long, help: "The unit the targets are for (recorded in the JSON).")
    var unit: String?

    @Option(name: .long, help: "The period the targets are for (recorded in the JSON).")
    var period: String?

    @Option(name: .long, help: "text, json or xlsx (a workbook for review; needs -o).")
    var format: String = "text"

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        guard ["text", "json", "xlsx"].contains(format) else {
            printError(lang == .vi ? "--format phải là text, json hoặc xlsx" : "--format must be text, json or xlsx")
            throw ExitStatus.unreadable
        }
        if format == "xlsx" && (output == nil || output == "-") {
            printError(lang == .vi ? "--format xlsx cần -o TỆP.xlsx" : "--format xlsx needs -o FILE.xlsx")
            throw ExitStatus.unreadable
        }
        let t = try loadTemplate(template, dir: templates, lang: lang)
        var text = ""
        for f in files {
            do { text += try TargetReport.readText(path: f) + "\n" } catch let e as SheetIOError {
                printError(e.message(lang))
                throw ExitStatus.unreadable
            }
        }
        let found = TargetExtractor(template: t).extract(text)
        if format == "xlsx", let output {
            try guardOutput(output, against: files, lang)
            do { try TargetReport.writeXLSX(found, template: t, source: files.joined(separator: ", "), to: output) } catch let e as SheetIOError {
                printError(e.message(lang))
                throw ExitStatus.unreadable
            }
            announceWritten(output, lang)
            return
        }
        let out = format == "json" ? TargetReport.json(found, template: t, unit: unit, period: period, source: files.joined(separator: ", "))
            : TargetReport.text(found, template: t, lang: lang)
        if let output, output != "-" {
            try guardOutput(output, against: files, lang)
            try AtomicFile.write(Data(out.utf8), to: output)
            announceWritten(output, lang)
        } else {
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
