import ArgumentParser
import Foundation
import SheetIO

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "In các ô của một trang tính (XLSX hoặc CSV) dạng CSV hoặc JSON.",
        discussion: """
        Prints a sheet from A1 to its last used cell. CSV: RFC 4180; numbers in their \
        shortest exact form; TRUE/FALSE; Excel error text; dates in ISO 8601. JSON: the \
        cells that hold something, with their types.
        """
    )

    @Argument(help: "The XLSX or CSV file.")
    var file: String

    @Option(name: .long, help: "Sheet number (from 1, over all sheets) or name. Default: the first.")
    var sheet: String?

    @Option(name: .long, help: "csv or json.")
    var format: SheetDump.Format = .csv

    @Flag(name: .customLong("no-formula-escape"), help: "CSV: write text beginning with =, +, -, @ as it is (for machines; by default it gets a leading ' so Excel shows it as text).")
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
