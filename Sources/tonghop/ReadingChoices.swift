import ArgumentParser
import TongHop

/// `--sheet` and `--column`: the officer's choice when a workbook offers more than one
/// reading (several sheets with the form's table, several columns fit for one template
/// column). The reader never picks the first by position; it refuses and names these.
struct ReadingChoices: ParsableArguments {
    @Option(name: .long, help: H("Trang chứa báo cáo (tên hoặc số thứ tự từ 1), khi tệp có nhiều trang cùng có bảng.", "The sheet holding the report (a name or a number from 1), when several sheets hold the table."))
    var sheet: String?

    @Option(name: .long, help: H("Cột dùng cho một cột của mẫu khi có nhiều cột phù hợp: KHOÁ=CHỮ TRONG TIÊU ĐỀ hoặc KHOÁ=CHỮ CÁI CỘT, ví dụ estimate=\"cập nhật T12\" hoặc estimate=F (lặp lại được).", "The column for a template column when several fit: KEY=WORDS OF ITS HEADER or KEY=COLUMN LETTER, e.g. estimate=\"cập nhật T12\" or estimate=F (repeatable)."))
    var column: [String] = []

    /// The reader with these choices; a malformed `--column` is a usage error.
    func apply(to reader: SubmissionReader, lang: MessageLanguage) throws -> SubmissionReader {
        var r = reader
        r.sheetChoice = sheet
        for c in column {
            let parts = c.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                printError(lang == .vi ? "--column cần dạng KHOÁ=TIÊU ĐỀ, ví dụ estimate=\"cập nhật\"; nhận được «\(c)»"
                                       : "--column takes KEY=HEADER, e.g. estimate=\"cập nhật\"; got \"\(c)\"")
                throw ExitStatus.unreadable
            }
            r.columnChoices[parts[0]] = parts[1]
        }
        return r
    }
}
