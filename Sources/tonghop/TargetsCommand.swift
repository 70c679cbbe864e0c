import ArgumentParser
import Foundation
import SheetIO
import TongHop

struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets",
        abstract: T("Đọc chỉ tiêu kế hoạch từ văn bản (nghị quyết, kế hoạch, bản tin) để ghi vào cột kế hoạch.", "Read plan targets from text (resolutions, plans, press reports) for the plan column."),
        discussion: T("Đọc các câu nêu chỉ tiêu trong văn bản (UTF-8, UTF-16, Windows-1258, TCVN3, VNI hoặc .docx) và gắn mỗi câu với một chỉ tiêu của mẫu, kèm câu gốc: giá trị, đơn vị như đã viết và sau quy đổi, loại (mức, tăng trưởng, tăng thêm, số lượng), điều kiện (khoảng, ít nhất, tối đa, trong khoảng), độ tin cậy. Câu không khớp chỉ tiêu nào được liệt kê riêng; một chỉ tiêu được nêu hai giá trị khác nhau là mâu thuẫn. Quy tắc cố định, không dùng mô hình hay dịch vụ ngoài. `tonghop form … --plan-from targets.json` ghi cột kế hoạch.", """
        Reads target statements from text (UTF-8, UTF-16, Windows-1258, TCVN3, VNI, or .docx) \
        and places each on an indicator of the template, with the phrase it came from: value, \
        unit as written and converted, kind (level, growth, increment, count), qualifier \
        (about, at least, at most, range), confidence. Statements that fit no indicator are \
        listed; an indicator set twice with different values is a conflict. Deterministic rules, \
        no model or service. `tonghop form … --plan-from targets.json` writes the plan column.
        """)
    )

    @Argument(help: H("Các tệp văn bản (.txt, .docx).", "Text files (.txt, .docx)."))
    var files: [String]

    @Option(name: .long, help: H("Mẫu biểu (tệp YAML hoặc mã mẫu).", "The template (a YAML file or an id)."))
    var template: String

    @Option(name: .long, help: H("Thư mục mẫu biểu (mặc định: $TONGHOP_TEMPLATES hoặc ./templates).", "Templates folder (default: $TONGHOP_TEMPLATES or ./templates)."))
    var templates: String?

    @Option(name: .long, help: H("Đơn vị của các chỉ tiêu (ghi vào JSON).", "The unit the targets are for (recorded in the JSON)."))
    var unit: String?

    @Option(name: .long, help: H("Kỳ của các chỉ tiêu (ghi vào JSON).", "The period the targets are for (recorded in the JSON)."))
    var period: String?

    @Option(name: .long, help: H("text, json hoặc xlsx (bảng tính để rà soát; cần -o).", "text, json or xlsx (a workbook for review; needs -o)."))
    var format: String = "text"

    @Option(name: .shortAndLong, help: H("Tệp ghi ra (mặc định: in ra màn hình).", "Output file (default: standard output)."))
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
