import ArgumentParser
import Foundation
import TongHop

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: T("Xuất số liệu hiện hành của một kỳ cho hệ thống khác (SDMX-CSV, DHIS2 JSON, PX).", "Export a period's current figures for other systems (SDMX-CSV, DHIS2 JSON, PX)."),
        discussion: T("""
        sdmx-csv: SDMX-CSV 2.0, mỗi dòng một đơn vị × chỉ tiêu × cột; STRUCTURE_ID ghi mẫu và phiên bản \
        (VN_TONGHOP:MẪU(phiên bản.0)); tệp này nhập được vào kho khác cùng mẫu (tonghop import). sdmx-structure: \
        cấu trúc SDMX-ML 2.1 (danh mục mã, DSD, dataflow) sinh từ mẫu. dhis2-json: dataValueSets; dataElement = mã chỉ tiêu, \
        categoryOptionCombo = mã cột, orgUnit = mã đơn vị, trừ khi --mapping ghi khác. Kỳ 9 tháng \
        không có trong DHIS2.
        """, """
        sdmx-csv: SDMX-CSV 2.0, one line per unit × indicator × column; STRUCTURE_ID names the \
        template and its version (VN_TONGHOP:TEMPLATE(version.0)); the file imports into another store of the \
        same template (tonghop import). sdmx-structure: the SDMX-ML 2.1 structure (code lists, DSD, dataflow) \
        generated from the template. dhis2-json: dataValueSets; \
        dataElement = indicator code, categoryOptionCombo = column key, orgUnit = unit code, \
        unless --mapping says otherwise. DHIS2 has no 9-month period.
        """)
    )

    @Option(name: .long, help: H("Kỳ báo cáo (mặc định: kỳ mới nhất trong kho).", "The period (default: the latest in the store)."))
    var period: String?

    @Option(name: .long, help: H("sdmx-csv, sdmx-structure (cấu trúc SDMX-ML 2.1 của tệp sdmx-csv), dhis2-json hoặc px (PC-Axis cho PxWeb).", "sdmx-csv, sdmx-structure (the SDMX-ML 2.1 structure of the sdmx-csv files), dhis2-json or px (PC-Axis for PxWeb)."))
    var format: String

    @Option(name: .shortAndLong, help: H("Tệp ghi ra; \"-\" hoặc không ghi -o thì in ra màn hình.", "Output file; \"-\" or no -o prints."))
    var output: String?

    @Option(name: .long, help: H("dhis2-json: tệp JSON đổi mã của ta sang mã DHIS2 ({\"dataElements\":{…},\"categoryOptionCombos\":{…},\"orgUnits\":{…}}).", "dhis2-json: a JSON file mapping our codes to DHIS2 ids ({\"dataElements\":{…},\"categoryOptionCombos\":{…},\"orgUnits\":{…}})."))
    var mapping: String?

    @OptionGroup var store: StoreOptions

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        guard let fmt = ExchangeFormat(rawValue: format) else {
            printError(lang == .vi ? "--format phải là sdmx-csv, sdmx-structure, dhis2-json hoặc px" : "--format must be sdmx-csv, sdmx-structure, dhis2-json or px")
            throw ExitStatus.unreadable
        }
        if let output, output != "-" { try guardOutput(output, against: [store.db, store.db + "-wal", store.db + "-shm"], lang) }
        var map = ExchangeExport.DHIS2Mapping()
        if let mapping {
            guard fmt == .dhis2JSON else {
                printError(lang == .vi ? "--mapping chỉ dùng với --format dhis2-json" : "--mapping is only for --format dhis2-json")
                throw ExitStatus.unreadable
            }
            do { map = try JSONDecoder().decode(ExchangeExport.DHIS2Mapping.self, from: Data(contentsOf: URL(fileURLWithPath: mapping))) } catch {
                printError(lang == .vi ? "không đọc được tệp đổi mã \(mapping): \(error.localizedDescription)" : "cannot read the mapping \(mapping): \(error.localizedDescription)")
                throw ExitStatus.unreadable
            }
        }
        let s = try store.open(lang, mode: .readOnly)
        let t = try store.resolveTemplate(s, lang)
        let p = try store.resolvePeriod(period, s, t, lang)
        let text: String
        do {
            text = try ExchangeExport.file(fmt, store: s, template: t, period: p, storeName: URL(fileURLWithPath: store.db).lastPathComponent, mapping: map)
        } catch let e as ExchangeError {
            printError(e.message(lang))
            throw ExitStatus.unreadable
        } catch {
            printError("\(store.db): \(error)")
            throw ExitStatus.unreadable
        }
        try emit(text, lang)
    }

    func emit(_ text: String, _ lang: Language) throws {
        if let output, output != "-" {
            do { try AtomicFile.write(Data(text.utf8), to: output) } catch {
                printError(lang == .vi ? "không ghi được \(output): \(error)" : "cannot write \(output): \(error)")
                throw ExitStatus.unreadable
            }
            announceWritten(output, lang)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
