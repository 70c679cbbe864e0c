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
        guard ["sdmx-csv", "sdmx-structure", "dhis2-json", "px"].contains(format) else {
            printError(lang == .vi ? "--format phải là sdmx-csv, sdmx-structure, dhis2-json hoặc px" : "--format must be sdmx-csv, sdmx-structure, dhis2-json or px")
            throw ExitStatus.unreadable
        }
        if let output, output != "-" { try guardOutput(output, against: [store.db, store.db + "-wal", store.db + "-shm"], lang) }
        var map = ExchangeExport.DHIS2Mapping()
        if let mapping {
            guard format == "dhis2-json" else {
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
        if format == "dhis2-json", ExchangeExport.dhis2Period(p) == nil {
            printError(lang == .vi ? "DHIS2 không có loại kỳ cho \(p.label(.vi)) (\(p)); hãy xuất sdmx-csv, hoặc kỳ năm, 6 tháng hay quý"
                                   : "DHIS2 has no period type for \(p.label(.en)) (\(p)); export sdmx-csv, or a year, 6-month or quarter period")
            throw ExitStatus.unreadable
        }
        if format == "sdmx-structure" {
            // The structure depends on the template (and the period's column labels), never on
            // the store's figures. Prepared: SOURCE_DATE_EPOCH when set (reproducible output), else now.
            let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init)
            let f = ISO8601DateFormatter()
            f.timeZone = TimeZone(identifier: "UTC")
            let prepared = f.string(from: epoch.map { Date(timeIntervalSince1970: $0) } ?? Date())
            try emit(SDMXStructure.message(template: t, period: p, prepared: prepared), lang)
            return
        }
        let values: [String: [String: [String: ReportedValue]]]
        do {
            if try s.currentSubmissions(template: t.id, period: p).isEmpty {
                let have = ((try? s.periods(template: t.id)) ?? []).map(\.description).joined(separator: ", ")
                printError(lang == .vi ? "kho chưa có số liệu kỳ \(p.label(.vi)) của mẫu \(t.id)\(have.isEmpty ? "" : "; kho có các kỳ: \(have)")"
                                       : "the store has no data for \(p.label(.en)) of template \(t.id)\(have.isEmpty ? "" : "; it has: \(have)")")
                throw ExitStatus.unreadable
            }
            values = try s.currentReportedValues(template: t.id, period: p)
        } catch let e as ExitCode { throw e } catch {
            printError("\(store.db): \(error)")
            throw ExitStatus.unreadable
        }
        let obs = ExchangeExport.observations(values, template: t)
        let text: String
        switch format {
        case "sdmx-csv":
            var prov = ExchangeExport.Provenance()
            do {
                let (cells, revisions) = try s.currentValueSources(template: t.id, period: p)
                prov.cells = cells
                let expected = Set(t.reportingUnits(for: p).map(\.code))
                prov.partial = !expected.isSubset(of: Set(revisions.map(\.unit)))
                prov.dataSource = ExchangeExport.dataSource(template: t, store: URL(fileURLWithPath: store.db).lastPathComponent, revisions: revisions)
            } catch {
                printError("\(store.db): \(error)")
                throw ExitStatus.unreadable
            }
            text = ExchangeExport.sdmxCSV(obs, template: t, period: p, provenance: prov)
        case "px": text = PXExport.px(values, template: t, period: p, unitNames: Dictionary(t.units.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a }))
        default: text = ExchangeExport.dhis2JSON(obs, period: p, mapping: map)!
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
