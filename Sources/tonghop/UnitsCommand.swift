import ArgumentParser
import Foundation
import SheetIO
import TongHop

struct UnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units",
        abstract: T("Danh mục đơn vị hành chính chính thức (trước và sau ngày 01/7/2025).", "The official administrative units (before and after 1 July 2025)."),
        discussion: T("Liệt kê đơn vị hành chính chính thức từ danh mục (templates/units/vn-units.csv, do scripts/gen-units.py tạo từ bảng của cơ quan thống kê): các tỉnh có hiệu lực vào một ngày, hoặc các huyện và xã (trước 01/7/2025) hay các xã (sau) của một tỉnh, kèm mã chính thức và, với đơn vị mới, các đơn vị hợp thành.", """
        Lists the official units from the catalogue (templates/units/vn-units.csv, made by \
        scripts/gen-units.py from the statistics office's tables): the provinces valid on a \
        date, or one province's districts and communes (before 1 July 2025) or communes \
        (after), with official codes and, for new units, what they were made of.
        """)
    )

    @Option(name: .long, help: H("Mã tỉnh (ví dụ 12). Mặc định: danh sách các tỉnh.", "A province code (e.g. 12). Default: the list of provinces."))
    var province: String?

    @Option(name: .long, help: H("Ngày các đơn vị có hiệu lực, YYYY-MM-DD (mặc định: hôm nay).", "The date the units are valid on, YYYY-MM-DD (default: today)."))
    var date: String?

    @Option(name: .long, help: H("text, csv hoặc json.", "text, csv or json."))
    var format: String = "text"

    @Option(name: .long, help: H("Thư mục mẫu biểu có units/vn-units.csv (mặc định: $TONGHOP_TEMPLATES hoặc ./templates).", "Templates folder holding units/vn-units.csv (default: $TONGHOP_TEMPLATES or ./templates)."))
    var templates: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let lang = common.language
        let vi = lang == .vi
        let day = date ?? {
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd"
            f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
            return f.string(from: Date())
        }()
        guard day.count == 10, Period(String(day.prefix(4))) != nil else {
            printError(vi ? "--date phải có dạng YYYY-MM-DD" : "--date must be YYYY-MM-DD")
            throw ExitStatus.unreadable
        }
        guard ["text", "csv", "json"].contains(format) else {
            printError(vi ? "--format phải là text, csv hoặc json" : "--format must be text, csv or json")
            throw ExitStatus.unreadable
        }
        let path = UnitCatalogue.path(templatesDirectory: TemplateLibrary(directory: templates).directory)
        let catalogue: UnitCatalogue
        do { catalogue = try UnitCatalogue.load(path: path) } catch let e as TemplateError {
            printError(e.message(lang))
            throw ExitStatus.unreadable
        }
        let list: [UnitCatalogue.Unit]
        if let province {
            list = catalogue.units(ofProvince: province, on: day)
            guard !list.isEmpty else {
                let known = catalogue.provinces(on: day).map(\.code).joined(separator: ", ")
                printError(vi ? "không có tỉnh mã \(province) vào ngày \(day) (có: \(known))" : "no province \(province) on \(day) (provinces: \(known))")
                throw ExitStatus.unreadable
            }
        } else {
            list = catalogue.provinces(on: day)
        }
        func preds(_ u: UnitCatalogue.Unit) -> String { u.predecessors.map { "\($0.code):\($0.how.rawValue)" }.joined(separator: ";") }
        var out = ""
        switch format {
        case "csv":
            out = "code,name,level,kind,parent,valid_from,valid_to,predecessors\r\n"
            for u in list {
                out += [u.code, u.name, u.level.rawValue, u.kind, u.parent ?? "", u.validFrom ?? "", u.validTo ?? "", preds(u)]
                    .map { CellText.quoteCSV(CellText.neutralised($0)) }.joined(separator: ",") + "\r\n"
            }
        case "json":
            func s(_ v: String?) -> String { v.map(CellText.jsonString) ?? "null" }
            out = "{\"date\":\(s(day)),\"province\":\(s(province)),\"units\":[" + list.map { u in
                "\n{\"code\":\(s(u.code)),\"name\":\(s(u.name)),\"level\":\(s(u.level.rawValue)),\"kind\":\(s(u.kind)),\"parent\":\(s(u.parent)),"
                    + "\"valid_from\":\(s(u.validFrom)),\"valid_to\":\(s(u.validTo)),\"predecessors\":["
                    + u.predecessors.map { "{\"code\":\(s($0.code)),\"how\":\(s($0.how.rawValue))}" }.joined(separator: ",") + "]}"
            }.joined(separator: ",") + "\n]}\n"
        default:
            let counts = Dictionary(grouping: list.dropFirst(province == nil ? 0 : 1), by: \.level).mapValues(\.count)
            if let p = list.first, province != nil {
                out += vi ? "\(p.name) (mã \(p.code)) ngày \(day): \(counts[.district] ?? 0) đơn vị cấp huyện, \(counts[.commune] ?? 0) đơn vị cấp xã\n"
                          : "\(p.name) (code \(p.code)) on \(day): \(counts[.district] ?? 0) districts, \(counts[.commune] ?? 0) communes\n"
            } else {
                out += vi ? "\(list.count) tỉnh, thành phố ngày \(day)\n" : "\(list.count) provinces on \(day)\n"
            }
            // Each district followed by its communes.
            func key(_ u: UnitCatalogue.Unit) -> String {
                u.level == .district ? u.code + "0" : (u.validTo != nil ? (u.parent ?? "") + "1" + u.code : u.code)
            }
            for u in list.dropFirst(province == nil ? 0 : 1).sorted(by: { key($0) < key($1) }) {
                let indent = u.level == .commune && u.validTo != nil ? "    " : "  "
                out += "\(indent)\(u.code)  \(u.name)" + (u.predecessors.isEmpty ? "" : (vi ? "  ← " : "  ← ") + preds(u)) + "\n"
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: T("Các mẫu biểu trong thư viện mẫu.", "The templates in the template library."),
        discussion: T("Liệt kê các mẫu trong thư mục mẫu: mã, phiên bản, tiêu đề, số chỉ tiêu và số đơn vị báo cáo theo kỳ.", "Lists the templates of the library folder: id, version, title, indicators and reporting units by period.")
    )

    @Option(name: .long, help: H("Thư mục mẫu biểu (mặc định: $TONGHOP_TEMPLATES hoặc ./templates).", "Templates folder (default: $TONGHOP_TEMPLATES or ./templates)."))
    var templates: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let vi = common.language == .vi
        let library = TemplateLibrary(directory: templates)
        let all = library.all()
        guard !all.isEmpty else {
            printError(vi ? "không có mẫu nào trong \(library.directory)/" : "no templates in \(library.directory)/")
            throw ExitStatus.unreadable
        }
        var out = ""
        for t in all {
            let before = t.reportingUnits(for: Period(year: 2024)).count, after = t.reportingUnits(for: Period(year: 2026)).count
            out += "\(t.id) v\(t.version)  \(t.title)\n"
            out += vi ? "    \(t.indicators.count) chỉ tiêu; đơn vị báo cáo: \(before) (năm 2024), \(after) (năm 2026)\n"
                      : "    \(t.indicators.count) indicators; reporting units: \(before) (2024), \(after) (2026)\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
