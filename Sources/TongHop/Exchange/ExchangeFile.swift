import Foundation
import SheetIO

/// The exchange formats `tonghop export` and the province's web page write.
public enum ExchangeFormat: String, CaseIterable, Sendable {
    case sdmxCSV = "sdmx-csv", sdmxStructure = "sdmx-structure", dhis2JSON = "dhis2-json", px

    public var fileExtension: String {
        switch self {
        case .sdmxCSV: return "csv"
        case .sdmxStructure: return "xml"
        case .dhis2JSON: return "json"
        case .px: return "px"
        }
    }

    public var mediaType: String {
        switch self {
        case .sdmxCSV: return "text/csv; charset=utf-8"
        case .sdmxStructure: return "application/xml; charset=utf-8"
        case .dhis2JSON: return "application/json"
        case .px: return "text/plain; charset=utf-8"
        }
    }
}

/// Why an export cannot be written, in both languages.
public struct ExchangeError: Error, Sendable {
    public var vi: String
    public var en: String
    public func message(_ lang: Language) -> String { lang == .vi ? vi : en }
}

extension ExchangeExport {
    /// The whole file of a format for a template and period of a store. `storeName` is
    /// the store's file name (DATA_SOURCE); `prepared` the structure message's time.
    public static func file(_ format: ExchangeFormat, store s: Store, template t: Template, period p: Period, storeName: String,
                            mapping: DHIS2Mapping = DHIS2Mapping(), prepared: @autoclosure () -> String = preparedNow()) throws -> String {
        if format == .dhis2JSON, dhis2Period(p) == nil {
            throw ExchangeError(vi: "DHIS2 không có loại kỳ cho \(p.label(.vi)) (\(p)); hãy xuất sdmx-csv, hoặc kỳ năm, 6 tháng hay quý",
                                en: "DHIS2 has no period type for \(p.label(.en)) (\(p)); export sdmx-csv, or a year, 6-month or quarter period")
        }
        // The structure depends on the template (and the period's column labels), never on the figures.
        if format == .sdmxStructure { return SDMXStructure.message(template: t, period: p, prepared: prepared()) }
        if try s.currentSubmissions(template: t.id, period: p).isEmpty {
            let have = ((try? s.periods(template: t.id)) ?? []).map(\.description).joined(separator: ", ")
            throw ExchangeError(vi: "kho chưa có số liệu kỳ \(p.label(.vi)) của mẫu \(t.id)\(have.isEmpty ? "" : "; kho có các kỳ: \(have)")",
                                en: "the store has no data for \(p.label(.en)) of template \(t.id)\(have.isEmpty ? "" : "; it has: \(have)")")
        }
        let values = try s.currentReportedValues(template: t.id, period: p)
        var prov = Provenance()
        let (cells, revisions) = try s.currentValueSources(template: t.id, period: p)
        prov.cells = cells
        let missing = Set(t.reportingUnits(for: p).map(\.code)).subtracting(revisions.map(\.unit))
        prov.partial = !missing.isEmpty
        prov.dataSource = dataSource(template: t, store: storeName, revisions: revisions)
        switch format {
        case .sdmxCSV:
            return sdmxCSV(observations(values, template: t), template: t, period: p, provenance: prov)
        case .px:
            let expected = revisions.count + missing.count
            let note = (prov.partial ? "Số liệu chưa đầy đủ: \(revisions.count)/\(expected) đơn vị đã báo cáo. " : "") + prov.dataSource
            return PXExport.px(values, template: t, period: p, unitNames: Dictionary(t.units.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a }),
                               note: note)
        case .dhis2JSON:
            return dhis2JSON(observations(values, template: t), period: p, mapping: mapping)!
        case .sdmxStructure:
            preconditionFailure("returned above")
        }
    }

    /// Now in ISO 8601 (UTC), or `SOURCE_DATE_EPOCH` when set (the reproducible-builds
    /// convention), for the structure message's Prepared.
    public static func preparedNow(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let epoch = environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init)
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: epoch.map { Date(timeIntervalSince1970: $0) } ?? Date())
    }
}
