import SheetIO
import Foundation
import Yams

/// A template that cannot be loaded: every problem, each naming its YAML line.
public struct TemplateError: Error, CustomStringConvertible, Sendable {
    public struct Problem: Sendable {
        public var line: Int?
        public var vi: String
        public var en: String
    }
    public var file: String
    public var problems: [Problem]

    public var description: String { message(.en) }

    public func message(_ lang: Language) -> String {
        problems.map { p in
            "\(file)" + (p.line.map { ":\($0)" } ?? "") + ": " + (lang == .vi ? p.vi : p.en)
        }.joined(separator: "\n")
    }
}

extension Template {
    /// Loads a template from a YAML file.
    public static func load(path: String) throws -> Template {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateError(file: path, problems: [.init(line: nil, vi: "không đọc được tệp mẫu", en: "cannot read the template file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TemplateError(file: path, problems: [.init(line: nil, vi: "tệp mẫu không phải UTF-8", en: "the template is not UTF-8")])
        }
        var t = try parse(yaml: text, file: path)
        t.sourcePath = path
        return t
    }

    /// Parses template YAML; `file` names it in errors.
    public static func parse(yaml: String, file: String) throws -> Template {
        let root: Node?
        do {
            // The basic resolver: no regular expressions run over every scalar to guess its
            // type (a quarter of a validate run's time); the loader reads scalars as text.
            root = try Yams.compose(yaml: yaml, .basic)
        } catch let e as YamlError {
            var line: Int? = nil
            var problem = "\(e)"
            switch e {
            case .scanner(_, let p, let mark, _), .parser(_, let p, let mark, _), .composer(_, let p, let mark, _):
                line = mark.line
                problem = p
            default: break
            }
            throw TemplateError(file: file, problems: [.init(line: line, vi: "YAML không hợp lệ: \(problem)", en: "invalid YAML: \(problem)")])
        }
        var loader = TemplateLoader(file: file)
        guard let root, case .mapping = root else {
            throw TemplateError(file: file, problems: [.init(line: 1, vi: "tệp mẫu phải là một bảng khoá: giá trị", en: "the template must be a mapping")])
        }
        let t = loader.template(root)
        if !loader.problems.isEmpty || t == nil { throw TemplateError(file: file, problems: loader.problems) }
        return t!
    }
}

/// Reads a template from a composed YAML node, collecting every problem with its line.
struct TemplateLoader {
    let file: String
    var problems: [TemplateError.Problem] = []

    mutating func fail(_ node: Node?, _ vi: String, _ en: String) {
        problems.append(.init(line: node?.mark?.line, vi: vi, en: en))
    }

    func str(_ n: Node?) -> String? {
        guard let n, case .scalar(let s) = n else { return nil }
        return s.string
    }

    mutating func requireString(_ map: Node, _ key: String) -> String? {
        requireString(map, key, value: map[key])
    }

    /// ``requireString(_:_:)`` with the key already looked up (`value`).
    mutating func requireString(_ map: Node, _ key: String, value: Node?) -> String? {
        guard let v = value else {
            fail(map, "thiếu khoá \"\(key)\"", "missing key \"\(key)\"")
            return nil
        }
        guard let s = str(v), !s.isEmpty else {
            fail(v, "\"\(key)\" phải là một chuỗi", "\"\(key)\" must be a string")
            return nil
        }
        return s
    }

    mutating func number(_ n: Node?, _ what: String) -> Double? {
        guard let n else { return nil }
        if case .scalar(let s) = n {
            if s.string == "null" || s.string == "~" || s.string.isEmpty { return nil }
            var t = s.string.trimmingCharacters(in: .whitespaces)
            var percent = false
            if t.hasSuffix("%") { percent = true; t.removeLast() }
            if let d = Double(t) { return percent ? d / 100 : d }
        }
        fail(n, "\(what): cần một số", "\(what): a number is expected")
        return nil
    }

    /// A unit's fields, the keys it may have.
    static let unitKeys: Set<String> = ["code", "name", "level", "valid_from", "valid_to", "aliases", "parent", "reports"]

    /// A mapping's values for some of `words` (lower-case words and underscores, which
    /// resolve to `str` however they are written), read in one pass. Yams finds a key by
    /// building a node for the word and comparing it with every key by text and resolved
    /// tag; for such words that is a key with the same text tagged `str` or not yet
    /// resolved, which is what is taken here (Yams refuses a mapping with a repeated key).
    /// Nil for a node that is not a mapping. Through Yams, the fields of 3,321 units were
    /// a fifth of loading the national template.
    func plainFields(_ n: Node, words: Set<String>) -> [String: Node]? {
        guard case .mapping(let m) = n else { return nil }
        var out: [String: Node] = [:]
        for (k, v) in m {
            guard case .scalar(let s) = k, words.contains(s.string),
                  s.tag.rawValue.isEmpty || s.tag.rawValue == Tag.Name.str.rawValue else { continue }
            out[s.string] = v
        }
        return out
    }

    func list(_ n: Node?) -> [Node] {
        guard let n else { return [] }
        if case .sequence(let s) = n { return Array(s) }
        return [n]
    }

    func strings(_ n: Node?) -> [String] { list(n).compactMap { str($0) } }

    mutating func bounds(_ n: Node?, _ what: String) -> Bounds? {
        guard let n else { return nil }
        var b = Bounds()
        switch n {
        case .sequence(let s) where s.count == 2:
            b.min = number(s[0], what)
            b.max = number(s[1], what)
        case .mapping:
            b.min = number(n["min"], what)
            b.max = number(n["max"], what)
        default:
            fail(n, "\(what): cần [min, max] hoặc {min:, max:}", "\(what): expected [min, max] or {min:, max:}")
            return nil
        }
        if let lo = b.min, let hi = b.max, lo > hi {
            fail(n, "\(what): min lớn hơn max", "\(what): min is greater than max")
        }
        return b
    }

    mutating func template(_ root: Node) -> Template? {
        let id = requireString(root, "id")
        var version = 1
        if let v = root["version"] {
            if let i = v.int { version = i } else { fail(v, "\"version\" phải là số nguyên", "\"version\" must be an integer") }
        } else {
            fail(root, "thiếu khoá \"version\"", "missing key \"version\"")
        }
        let title = requireString(root, "title")

        // Columns.
        var columns: [ValueColumn] = []
        for c in list(root["columns"]) {
            guard let key = requireString(c, "key"), let label = requireString(c, "label") else { continue }
            let roleText = str(c["role"]) ?? "other"
            guard let role = ValueColumn.Role(rawValue: roleText) else {
                fail(c["role"], "vai trò cột \"\(roleText)\" không hợp lệ (previous, plan, estimate, other)",
                     "column role \"\(roleText)\" is not one of previous, plan, estimate, other")
                continue
            }
            if columns.contains(where: { $0.key == key }) { fail(c, "cột \"\(key)\" khai báo hai lần", "column \"\(key)\" declared twice") }
            let isFirstPlan = role == .plan && !columns.contains { $0.role == .plan }
            columns.append(ValueColumn(key: key, label: label, aliases: strings(c["aliases"]), role: role,
                                       acceptsTargets: c["targets"]?.bool ?? (role == .plan), source: str(c["source"]),
                                       covers: c["indicators"].map { _ in Set(strings(c["indicators"]).map { $0.uppercased() }) },
                                       consolidates: c["consolidate"]?.bool ?? isFirstPlan))
        }
        if columns.isEmpty { fail(root, "cần ít nhất một cột số liệu (columns)", "at least one value column (columns) is required") }

        var comparisons: [ComparisonColumn] = []
        for c in list(root["comparisons"]) {
            guard let key = requireString(c, "key"), let label = requireString(c, "label") else { continue }
            let of = strings(c["of"])
            guard of.count == 2 else {
                fail(c, "so sánh \"\(key)\": \"of\" cần hai cột [tử số, mẫu số]", "comparison \"\(key)\": \"of\" needs two columns [numerator, denominator]")
                continue
            }
            for k in of where !columns.contains(where: { $0.key == k }) {
                fail(c["of"], "so sánh \"\(key)\": không có cột \"\(k)\"", "comparison \"\(key)\": no column \"\(k)\"")
            }
            comparisons.append(ComparisonColumn(key: key, label: label, aliases: strings(c["aliases"]), numerator: of[0], denominator: of[1]))
        }

        // Indicators, with group headings in between.
        var indicators: [Indicator] = []
        var group: String? = nil
        var seen: [String: Int] = [:]
        for n in list(root["indicators"]) {
            if n["code"] == nil, let g = str(n["group"]) { group = g; continue }
            guard let ind = indicator(n, group: group) else { continue }
            if let first = seen[ind.code] {
                fail(n, "mã chỉ tiêu \(ind.code) trùng với dòng \(first)", "indicator code \(ind.code) duplicates line \(first)")
                continue
            }
            seen[ind.code] = ind.line
            indicators.append(ind)
        }
        if indicators.isEmpty { fail(root, "cần ít nhất một chỉ tiêu (indicators)", "at least one indicator is required") }
        let codes = Set(indicators.map(\.code))
        for ind in indicators {
            for input in ind.aggregation.inputs where !codes.contains(input) {
                problems.append(.init(line: ind.line, vi: "\(ind.code): cách tổng hợp dùng chỉ tiêu \(input) không có trong mẫu",
                                      en: "\(ind.code): aggregation uses indicator \(input), which the template does not have"))
            }
        }

        // Rules.
        // A plan's indicators must exist and take a plan.
        for (c, node) in zip(columns, list(root["columns"])) {
            for code in c.covers ?? [] where !indicators.contains(where: { $0.code == code && $0.planned }) {
                fail(node["indicators"], "cột \"\(c.key)\": không có chỉ tiêu \(code) có kế hoạch", "column \"\(c.key)\": no planned indicator \(code)")
            }
        }
        var rules: [Rule] = []
        for (i, r) in list(root["rules"]).enumerated() {
            let rid = str(r["id"]) ?? "R\(i + 1)"
            guard let check = requireString(r, "check") else { continue }
            guard let op = Rule.Op.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count }).first(where: { check.contains($0.rawValue) }),
                  let range = check.range(of: op.rawValue) else {
                fail(r["check"], "luật \(rid): cần một phép so sánh (<=, <, >=, >, ==, !=)", "rule \(rid): a comparison (<=, <, >=, >, ==, !=) is needed")
                continue
            }
            let lhs = String(check[..<range.lowerBound]), rhs = String(check[range.upperBound...])
            var sides: [Expr] = []
            for side in [lhs, rhs] {
                switch Expr.parse(side) {
                case .success(let e): sides.append(e)
                case .failure(let e): fail(r["check"], "luật \(rid): \(e.message)", "rule \(rid): \(e.message)")
                }
            }
            guard sides.count == 2 else { continue }
            for code in sides[0].codes + sides[1].codes where !codes.contains(code) {
                fail(r["check"], "luật \(rid): không có chỉ tiêu \(code)", "rule \(rid): no indicator \(code)")
            }
            let sevText = str(r["severity"]) ?? "error"
            guard let severity = Rule.Severity(rawValue: sevText) else {
                fail(r["severity"], "luật \(rid): mức \"\(sevText)\" không hợp lệ (error, warning, info)", "rule \(rid): severity \"\(sevText)\" is not error, warning or info")
                continue
            }
            let missText = str(r["missing"]) ?? "skip_if_any"
            guard let missing = Rule.MissingPolicy(rawValue: missText) else {
                fail(r["missing"], "luật \(rid): \"missing\" phải là skip_if_any, skip_if_all hoặc zero", "rule \(rid): \"missing\" must be skip_if_any, skip_if_all or zero")
                continue
            }
            let cols = strings(r["columns"])
            for k in cols where !columns.contains(where: { $0.key == k }) {
                fail(r["columns"], "luật \(rid): không có cột \"\(k)\"", "rule \(rid): no column \"\(k)\"")
            }
            rules.append(Rule(id: rid, left: sides[0], op: op, right: sides[1], severity: severity, missing: missing,
                              message: str(r["message"]) ?? check, columns: cols, line: r.mark?.line ?? 0))
        }

        // Units.
        var units: [ReportingUnit] = []
        // Code → the eras it is declared for: new communes reuse a predecessor's code, so a
        // code may name one unit before the reform and another after it, never two at once.
        var declared: [String: [(String?, String?)]] = [:]
        func overlaps(_ a: (String?, String?), _ b: (String?, String?)) -> Bool {
            (a.0 ?? "0000") <= (b.1 ?? "9999") && (b.0 ?? "0000") <= (a.1 ?? "9999")
        }
        for u in list(root["units"]) {
            let fields = plainFields(u, words: TemplateLoader.unitKeys)
            func field(_ k: String) -> Node? { fields.map { $0[k] } ?? u[k] }
            guard let code = requireString(u, "code", value: field("code")), let name = requireString(u, "name", value: field("name")) else { continue }
            let levelText = str(field("level")) ?? "district"
            guard let level = ReportingUnit.Level(rawValue: levelText) else {
                fail(field("level"), "đơn vị \(code): cấp \"\(levelText)\" không hợp lệ (province, district, commune, province_part)",
                     "unit \(code): level \"\(levelText)\" is not province, district, commune or province_part")
                continue
            }
            var dates: [String?] = []
            for key in ["valid_from", "valid_to"] {
                let d = str(field(key))
                if let d, d.count != 10 || Period(String(d.prefix(4))) == nil {
                    fail(field(key), "đơn vị \(code): \(key) phải có dạng YYYY-MM-DD", "unit \(code): \(key) must be YYYY-MM-DD")
                }
                dates.append(d)
            }
            if declared[code, default: []].contains(where: { overlaps($0, (dates[0], dates[1])) }) {
                fail(u, "mã đơn vị \(code) trùng (cùng mã chỉ được dùng cho đơn vị ở thời kỳ khác)",
                     "unit code \(code) declared twice (a code may name another unit only in another era)")
            }
            declared[code, default: []].append((dates[0], dates[1]))
            var unit = ReportingUnit(code: code, name: name, aliases: strings(field("aliases")), parent: str(field("parent")), level: level,
                                     validFrom: dates[0], validTo: dates[1])
            if let r = field("reports") { unit.reports = r.bool ?? true }
            units.append(unit)
        }
        // Units from the official catalogue: `units_from: [{province: "12", levels: [commune],
        // valid_from: 2025-07-01}]`, with the parent they report to (default: the province).
        var catalogueNodes: [Node] = []
        var cataloguePath: String? = nil
        for spec in list(root["units_from"]) {
            // No province: the whole country (a national template of provinces, or of all communes).
            let province = str(spec["province"])
            let dir = (file as NSString).deletingLastPathComponent
            let catPath = str(spec["catalogue"]).map { ($0 as NSString).isAbsolutePath ? $0 : "\(dir.isEmpty ? "." : dir)/\($0)" }
                ?? UnitCatalogue.path(templatesDirectory: dir.isEmpty ? "." : dir)
            let catalogue: UnitCatalogue
            cataloguePath = cataloguePath ?? catPath
            do { catalogue = try UnitCatalogue.load(path: catPath) } catch {
                fail(spec, "không đọc được danh mục đơn vị \(catPath)", "cannot read the units catalogue \(catPath)")
                continue
            }
            var levels = Set<UnitCatalogue.Unit.Level>()
            for l in strings(spec["levels"]).isEmpty ? ["commune"] : strings(spec["levels"]) {
                guard let level = UnitCatalogue.Unit.Level(rawValue: l), level != .province || province == nil else {
                    fail(spec["levels"], "units_from: cấp \"\(l)\" không hợp lệ (district, commune; province khi không ghi tỉnh)",
                         "units_from: level \"\(l)\" is not district or commune (province only without a province)")
                    continue
                }
                levels.insert(level)
            }
            let from = str(spec["valid_from"]), to = str(spec["valid_to"])
            let found = province.map { catalogue.units(ofProvince: $0, levels: levels, from: from, to: to) }
                ?? catalogue.units(levels: levels, from: from, to: to)
            if found.isEmpty {
                fail(spec, "units_from: danh mục không có đơn vị nào của tỉnh \(province ?? "(cả nước)") trong khoảng thời gian này",
                     "units_from: the catalogue has no unit of province \(province ?? "(whole country)") in these dates")
            }
            guard let parent = str(spec["parent"]) ?? province else {
                fail(spec, "units_from: không ghi tỉnh thì phải ghi parent (đơn vị gốc, ví dụ \"VN\")",
                     "units_from: without a province, give parent (the root unit, e.g. \"VN\")")
                continue
            }
            let reports = spec["reports"]?.bool ?? true
            for u in found {
                let vf = [u.validFrom, from].compactMap { $0 }.max(), vt = [u.validTo, to].compactMap { $0 }.min()
                if declared[u.code, default: []].contains(where: { overlaps($0, (vf, vt)) }) {
                    fail(spec, "units_from: mã đơn vị \(u.code) (\(u.name)) trùng với một đơn vị đã có cùng thời kỳ",
                         "units_from: unit code \(u.code) (\(u.name)) is already declared for the same dates")
                    continue
                }
                declared[u.code, default: []].append((vf, vt))
                // Before the reform a commune reports to its district; after it, to `parent`. In
                // a national template (no province) a province reports to `parent` (the root),
                // a district or a new commune to its province.
                let reportsTo: String
                switch u.level {
                case .province: reportsTo = parent
                case .commune where u.validTo != nil: reportsTo = u.parent ?? parent
                default: reportsTo = province == nil ? (u.parent ?? parent) : parent
                }
                // A province under a national root is a lower unit of it (level district).
                var unit = ReportingUnit(code: u.code, name: u.name, aliases: u.shortName == u.name ? [] : [u.shortName], parent: reportsTo,
                                         level: u.level == .commune ? .commune : .district, validFrom: vf, validTo: vt)
                unit.reports = reports
                unit.predecessors = u.predecessors
                units.append(unit)
                catalogueNodes.append(spec)
            }
        }
        let unitCodes = Set(units.map(\.code))
        for (u, n) in zip(units, list(root["units"]) + catalogueNodes) {
            if let p = u.parent, !unitCodes.contains(p) {
                fail(n["parent"], "đơn vị \(u.code): không có đơn vị cấp trên \(p)", "unit \(u.code): no parent unit \(p)")
            }
        }

        // Deadlines: `deadlines: {year: "12-15", 6T: "06-15", "2025": 2025-12-10}` — by span
        // (month-day in the period's year) or for one period (a full date).
        var deadlines: [String: String] = [:]
        if let m = root["deadlines"]?.mapping {
            for (k, v) in m {
                guard let key = k.string, let value = v.string else { continue }
                // A span ("year", "N", "6T", "Q1"…: month-day) or one period (a full date).
                let upper = key.uppercased()
                let span: String? = upper == "YEAR" || upper == "N" ? "year" : ["3T", "6T", "9T", "Q1", "Q2", "Q3", "Q4"].contains(upper) ? upper : nil
                let monthDay = value.count == 5 && value.dropFirst(2).first == "-" && Int(value.prefix(2)).map { (1...12).contains($0) } == true
                let fullDate = value.count == 10 && Period(String(value.prefix(4))) != nil
                let slot: String?
                if let span { slot = monthDay ? span : nil } else { slot = fullDate ? Period(key)?.description : nil }
                guard let slot else {
                    fail(v, "deadlines: \"\(key): \(value)\" không hợp lệ (year/6T/9T/Q1…: \"MM-DD\"; một kỳ như \"2025\": YYYY-MM-DD)",
                         "deadlines: \"\(key): \(value)\" is not valid (year/6T/9T/Q1…: \"MM-DD\"; one period such as \"2025\": YYYY-MM-DD)")
                    continue
                }
                deadlines[slot] = value
            }
        }
        guard let id, let title else { return nil }
        var t = Template(id: id, version: version, title: title, formCode: str(root["form_code"]), receiver: str(root["receiver"]),
                        columns: columns, comparisons: comparisons, indicators: indicators, rules: rules, units: units)
        t.cataloguePath = cataloguePath
        t.deadlines = deadlines
        if let rf = root["receiver_from"] {
            if case .mapping(let m) = rf {
                for (k, v) in m {
                    guard let day = str(k), UnitStatus.dayNumber(day) != nil, let name = str(v) else {
                        fail(k, "receiver_from: mỗi dòng là \"YYYY-MM-DD\": tên đơn vị nhận báo cáo", "receiver_from: each entry is \"YYYY-MM-DD\": the receiving unit's name")
                        continue
                    }
                    t.receiverChanges.append((day, name))
                }
            } else {
                fail(rf, "receiver_from: phải là danh sách ngày: tên", "receiver_from: must map dates to names")
            }
        }
        if let v = root["screening_peers"] {
            if let sp = v.string.flatMap(Template.ScreeningPeers.init) { t.screeningPeers = sp } else {
                fail(v, "screening_peers: phải là level hoặc urban_rural", "screening_peers: must be level or urban_rural")
            }
        }
        // The official paper's lines: `official: {governing_body, issuing_office, place, signatures: [{title, name}]}`.
        if let o = root["official"] {
            t.official.governingBody = str(o["governing_body"])
            t.official.issuingOffice = str(o["issuing_office"])
            t.official.place = str(o["place"])
            t.official.issuedWith = str(o["issued_with"])
            let sigs = list(o["signatures"]).compactMap { n -> (title: String, name: String)? in
                guard let title = str(n["title"]) else { return nil }
                return (title, str(n["name"]) ?? "")
            }
            if !sigs.isEmpty { t.official.signatures = sigs }
        }
        return t
    }

    mutating func indicator(_ n: Node, group: String?) -> Indicator? {
        guard let code = requireString(n, "code"), let name = requireString(n, "name") else { return nil }
        let unit = str(n["unit"]) ?? ""
        let kindText = str(n["kind"]) ?? "number"
        guard let kind = Indicator.Kind(rawValue: kindText) else {
            fail(n["kind"], "\(code): loại \"\(kindText)\" không hợp lệ (number, integer, percent)", "\(code): kind \"\(kindText)\" is not number, integer or percent")
            return nil
        }
        let dirText = str(n["direction"]) ?? "higher"
        guard let direction = Indicator.Direction(rawValue: dirText) else {
            fail(n["direction"], "\(code): hướng \"\(dirText)\" không hợp lệ (higher, lower, none)", "\(code): direction \"\(dirText)\" is not higher, lower or none")
            return nil
        }
        var decimals = kind == .integer ? 0 : 1
        if let d = n["decimals"] {
            if let i = d.int, (0...6).contains(i) { decimals = i } else { fail(d, "\(code): \"decimals\" từ 0 đến 6", "\(code): \"decimals\" must be 0 to 6") }
        }
        guard let agg = aggregation(n["aggregate"], code: code) else { return nil }
        if !unit.isEmpty, MeasureUnit(unit) == nil {
            fail(n["unit"], "\(code): đơn vị tính \"\(unit)\" không đọc được", "\(code): unit \"\(unit)\" cannot be read")
        }
        var ind = Indicator(code: code.uppercased(), name: name, aliases: strings(n["aliases"]), unitText: unit, kind: kind, decimals: decimals,
                            direction: direction, hard: bounds(n["hard"], "\(code).hard"), soft: bounds(n["soft"], "\(code).soft"),
                            yoyBound: number(n["yoy"], "\(code).yoy"), required: n["required"]?.bool ?? true, aggregation: agg,
                            addsProvincePart: n["province_part"]?.bool ?? false, group: str(n["group"]) ?? group, line: n.mark?.line ?? 0)
        ind.planned = n["plan"]?.bool ?? true
        ind.headline = n["headline"]?.bool ?? false
        return ind
    }

    mutating func aggregation(_ n: Node?, code: String) -> Aggregation? {
        guard let n else { return .sum }
        if let s = str(n) {
            switch s {
            case "sum": return .sum
            case "min": return .min
            case "max": return .max
            case "province_only", "none": return .provinceOnly
            default:
                fail(n, "\(code): cách tổng hợp \"\(s)\" không hợp lệ", "\(code): aggregation \"\(s)\" is unknown")
                return nil
            }
        }
        guard case .mapping(let m) = n, let (k, v) = m.first, let key = str(k) else {
            fail(n, "\(code): cách tổng hợp không hợp lệ", "\(code): invalid aggregation")
            return nil
        }
        switch key {
        case "ratio":
            let parts = strings(v)
            guard parts.count == 2 else {
                fail(n, "\(code): ratio cần [tử số, mẫu số]", "\(code): ratio needs [numerator, denominator]")
                return nil
            }
            return .ratio(numerator: parts[0].uppercased(), denominator: parts[1].uppercased(), factor: number(n["factor"], "\(code).factor") ?? 1)
        case "weighted_mean": if let w = str(v) { return .weightedMean(weight: w.uppercased()) }
        case "growth": if let l = str(v) { return .growth(level: l.uppercased()) }
        case "rate_change": if let r = str(v) { return .rateChange(rate: r.uppercased()) }
        default: break
        }
        fail(n, "\(code): cách tổng hợp \"\(key)\" không hợp lệ (sum, ratio, weighted_mean, growth, rate_change, min, max, province_only)",
             "\(code): aggregation \"\(key)\" is not sum, ratio, weighted_mean, growth, rate_change, min, max or province_only")
        return nil
    }
}
