import ArgumentParser
import Foundation
import SheetIO

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: T("In các ô của một trang tính (XLSX hoặc CSV) dạng CSV hoặc JSON.", "Print a sheet's cells (XLSX or CSV) as CSV or JSON."),
        discussion: T("In một trang tính từ A1 đến ô cuối có dữ liệu. CSV: theo RFC 4180; số ở dạng ngắn nhất chính xác; TRUE/FALSE; lỗi Excel như chữ; ngày theo ISO 8601. JSON: các ô có nội dung, kèm kiểu.", """
        Prints a sheet from A1 to its last used cell. CSV: RFC 4180; numbers in their \
        shortest exact form; TRUE/FALSE; Excel error text; dates in ISO 8601. JSON: the \
        cells that hold something, with their types.
        """)
    )

    @Argument(help: H("Tệp XLSX hoặc CSV.", "The XLSX or CSV file."))
    var file: String

    @Option(name: .long, help: H("Số thứ tự trang tính (từ 1, tính mọi trang) hoặc tên trang. Mặc định: trang đầu.", "Sheet number (from 1, over all sheets) or name. Default: the first."))
    var sheet: String?

    @Option(name: .long, help: H("csv hoặc json.", "csv or json."))
    var format: SheetDump.Format = .csv

    @Flag(name: .customLong("no-formula-escape"), help: H("CSV: ghi nguyên văn chữ bắt đầu bằng =, +, -, @ (cho chương trình; mặc định thêm dấu ' ở đầu để Excel hiện là chữ, không chạy công thức).", "CSV: write text beginning with =, +, -, @ as it is (for machines; by default it gets a leading ' so Excel shows it as text)."))
    var noFormulaEscape = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        do {
            let doc = try SpreadsheetDocument(path: file, displayName: file)
            let index = try sheet.map { try doc.sheetIndex($0) } ?? 0
            guard doc.sheets.indices.contains(index) else {
                throw SheetIOError(.noSuchSheet("#1 (the workbook has no sheets)"), file: file)
            }
            try SheetDump.write(open: { try doc.rows(ofSheet: index) }, sheetName: doc.sheets[index].name, fileName: file, format: format,
                              neutralise: !noFormulaEscape, to: OutputBuffer())
        } catch let e as SheetIOError {
            printError(e.message(common.language))
            throw ExitStatus.unreadable
        }
    }
}

extension SheetDump.Format: ExpressibleByArgument {}
