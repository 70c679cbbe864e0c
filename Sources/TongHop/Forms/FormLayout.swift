import SheetIO

/// Where things sit on a blank form: shared by the form writer and its tests.
public struct FormLayout: Sendable {
    /// Sheet names.
    public static let formSheet = "Báo cáo"
    public static let instructionsSheet = "Hướng dẫn"
    /// The hidden sheet that identifies a form: template, version, unit, period.
    public static let metaSheet = "_tonghop"

    /// The table's columns in order.
    public enum Column: Hashable, Sendable {
        case stt, code, name, unit
        case value(String)       // a template value column key
        case comparison(String)  // a template comparison key
        case note
    }

    public let columns: [Column]
    /// 0-based rows.
    public let headerRow = 6
    public let numberingRow = 7
    public let firstDataRow = 8

    public init(template: Template) {
        var cols: [Column] = [.stt, .code, .name, .unit]
        cols += template.columns.map { .value($0.key) }
        cols += template.comparisons.map { .comparison($0.key) }
        cols.append(.note)
        columns = cols
    }

    public func index(of c: Column) -> Int { columns.firstIndex(of: c)! }

    /// The header text of a column for a period.
    public func header(_ c: Column, template: Template, period: Period) -> String {
        switch c {
        case .stt: return "STT"
        case .code: return "Mã"
        case .name: return "Chỉ tiêu"
        case .unit: return "ĐVT"
        case .value(let k): return template.column(k)!.label(for: period)
        case .comparison(let k): return template.comparisons.first { $0.key == k }!.label
        case .note: return "Ghi chú"
        }
    }

    /// The numbering row under the header, as Vietnamese forms have it: A, B, C, D for
    /// the text columns, 1, 2, 3 for values and "4=3/2" for computed ones.
    public func numbering(template: Template) -> [String] {
        var letters = ["A", "B", "C", "D"]
        var valueNumber: [String: Int] = [:]
        var out: [String] = []
        var n = 0
        for c in columns {
            switch c {
            case .stt, .code, .name, .unit: out.append(letters.removeFirst())
            case .value(let k):
                n += 1
                valueNumber[k] = n
                out.append(String(n))
            case .comparison(let k):
                n += 1
                let cmp = template.comparisons.first { $0.key == k }!
                out.append("\(n)=\(valueNumber[cmp.numerator] ?? 0)/\(valueNumber[cmp.denominator] ?? 0)")
            case .note: out.append("E")
            }
        }
        return out
    }
}
