import Foundation
import SheetIO

/// PC-Axis (PX) for PxWeb: one matrix of a period, units in the stub, indicator × value
/// column in the heading. UTF-8 (`CODEPAGE="utf-8"`). Symbols as PX writes them: "-" is
/// `"-"`, "..." and a value not reported `".."`, "x" `"..."`; a plan range or bound has no
/// single value and is `".."`. Deterministic: no creation date.
public enum PXExport {
    /// A PX string: no double quotes or semicolons inside (the format has no escape).
    static func q(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: ";", with: ",")
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") + "\""
    }

    /// A list of PX strings, ten to a line (PX lines stay short).
    static func list(_ items: [String]) -> String {
        stride(from: 0, to: items.count, by: 10).map { items[$0..<min($0 + 10, items.count)].map(q).joined(separator: ",") }
            .joined(separator: ",\r\n")
    }

    public static func px(_ values: [String: [String: [String: ReportedValue]]], template t: Template, period p: Period,
                          unitNames: [String: String] = [:], note: String? = nil) -> String {
        let units = values.keys.sorted()
        let decimals = min(6, t.indicators.map(\.decimals).max() ?? 0)
        var out = "CHARSET=\"ANSI\";\r\nCODEPAGE=\"utf-8\";\r\nAXIS-VERSION=\"2013\";\r\nLANGUAGE=\"vi\";\r\n"
        out += "DECIMALS=\(decimals);\r\n"
        let matrix = String(t.id.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        out += "MATRIX=\(q(matrix));\r\nSUBJECT-CODE=\(q(matrix));\r\nSUBJECT-AREA=\(q(t.title));\r\n"
        out += "CONTENTS=\(q("\(t.title), \(p.label(.vi))"));\r\n"
        out += "TITLE=\(q("\(t.title) theo Đơn vị, Chỉ tiêu và Cột, \(p.label(.vi))"));\r\n"
        out += "UNITS=\(q("theo chỉ tiêu"));\r\n"
        out += "SOURCE=\(q("tonghop, mẫu \(t.id) phiên bản \(t.version), kỳ \(p)"));\r\n"
        if let note { out += "NOTE=\(q(note));\r\n" }
        out += "STUB=\"Đơn vị\";\r\nHEADING=\"Chỉ tiêu\",\"Cột\";\r\n"
        out += "VALUES(\"Đơn vị\")=\(list(units.map { c in unitNames[c].map { "\(c) \($0)" } ?? c }));\r\n"
        out += "VALUES(\"Chỉ tiêu\")=\(list(t.indicators.map { "\($0.code) \($0.name) (\($0.unitText))" }));\r\n"
        out += "VALUES(\"Cột\")=\(list(t.columns.map(\.key)));\r\n"
        out += "CODES(\"Đơn vị\")=\(list(units));\r\n"
        out += "CODES(\"Chỉ tiêu\")=\(list(t.indicators.map(\.code)));\r\n"
        out += "DATA=\r\n"
        for u in units {
            let table = values[u] ?? [:]
            var cells: [String] = []
            for ind in t.indicators {
                for col in t.columns {
                    switch table[ind.code]?[col.key] {
                    case .number(let d)?: cells.append(SDMXCodes.decimal(d))
                    case .symbol(.none)?: cells.append("\"-\"")
                    case .symbol(.notApplicable)?: cells.append("\"...\"")
                    default: cells.append("\"..\"")
                    }
                }
            }
            out += stride(from: 0, to: cells.count, by: 20).map { cells[$0..<min($0 + 20, cells.count)].joined(separator: " ") }
                .joined(separator: "\r\n") + "\r\n"
        }
        return out + ";\r\n"
    }
}
