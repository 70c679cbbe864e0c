import Foundation
import SheetIO

/// The result of validating one submission.
/// One value as it will be stored, beside the cell's own text: what the officer checks
/// before sending ("318,0" shown, 318 tỷ đồng stored).
public struct ReadValue: Sendable, Equatable {
    public var indicator: String
    public var name: String
    public var column: String
    public var columnLabel: String
    public var cell: String
    /// The cell's text as written (a number cell's shortest text).
    public var written: String
    /// The value in the form's unit, vi-VN style ("318", "52,9", "Trên 97", "-").
    public var stored: String
    public var unit: String
    /// The number stored, for machines (nil for symbols and empty).
    public var number: Double?

    /// Every value read from a submission, in the form's row and column order.
    public static func all(_ s: Submission, template t: Template) -> [ReadValue] {
        var out: [ReadValue] = []
        for row in s.rows {
            guard let ind = row.indicator else { continue }
            for col in t.columns {
                guard let v = row.values[col.key], !v.value.isEmpty else { continue }
                var number: Double? = nil
                if case .number(let d) = v.value { number = d }
                out.append(ReadValue(indicator: ind.code, name: ind.name, column: col.key, columnLabel: s.period.map { col.label(for: $0) } ?? col.label,
                                     cell: v.ref.a1, written: v.written, stored: v.value.text(decimals: max(ind.decimals, 0) + 3).trimmingZeros(),
                                     unit: ind.unitText, number: number))
            }
        }
        return out
    }

    /// Whether the stored text says the same as the cell's own text (then one is shown).
    public var sameAsWritten: Bool {
        stored == written || VietNumber.parse(written, convention: .vi)?.value.text(decimals: 9).trimmingZeros() == stored
    }
}

private extension String {
    /// "318,000" → "318", "52,900" → "52,9" (a vi-VN number's trailing decimal zeros).
    func trimmingZeros() -> String {
        guard let comma = lastIndex(of: ","), self[index(after: comma)...].allSatisfy({ $0.isNumber }) else { return self }
        var s = self
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(",") { s.removeLast() }
        return s
    }
}

public struct FileReport: Sendable {
    public var file: String
    public var unit: ReportingUnit?
    public var period: Period?
    public var templateID: String?
    public var templateVersion: Int?
    public var findings: [Finding]
    /// The values as they will be stored (shown before submission), when asked for.
    public var values: [ReadValue] = []

    public var errors: Int { findings.filter { $0.severity == .error }.count }
    public var warnings: Int { findings.filter { $0.severity == .warning }.count }
    public var infos: Int { findings.filter { $0.severity == .info }.count }
    public var valid: Bool { errors == 0 }

    public init(file: String, unit: ReportingUnit?, period: Period?, templateID: String?, templateVersion: Int?, findings: [Finding]) {
        self.file = file
        self.unit = unit
        self.period = period
        self.templateID = templateID
        self.templateVersion = templateVersion
        // Reading order: by row, then column, then code.
        self.findings = findings.enumerated().sorted { a, b in
            let ra = a.element.row ?? 0, rb = b.element.row ?? 0
            if ra != rb { return ra < rb }
            let ca = a.element.cell.map(ReportFormatter.columnOf) ?? -1, cb = b.element.cell.map(ReportFormatter.columnOf) ?? -1
            if ca != cb { return ca < cb }
            if a.element.code != b.element.code { return a.element.code < b.element.code }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// Renders reports as people read them (grouped, capped) or as JSON.
public enum ReportFormatter {
    /// Details shown per group of identical problems; the rest are summarised by row.
    public static let perGroup = 8
    /// Detail lines per file before the rest is only counted.
    public static let perFile = 200

    static func columnOf(_ a1: String) -> Int { CellRef(a1: a1)?.column ?? -1 }

    public static func text(_ reports: [FileReport], lang: Language, color: Bool) -> String {
        let vi = lang == .vi
        var out = inParts(reports) { section($0, lang: lang, color: color) }.joined()
        if reports.count > 1 {
            let ok = reports.filter(\.valid).count
            out += vi ? "\(reports.count) tệp: \(ok) hợp lệ, \(reports.count - ok) không hợp lệ\n" : "\(reports.count) files: \(ok) valid, \(reports.count - ok) not valid\n"
        }
        return out
    }

    /// Each report rendered by `render`, in order; a long batch's halves on two cores
    /// (rendering 3,321 reports was the last thing left on one core).
    static func inParts(_ reports: [FileReport], _ render: (FileReport) -> String) -> [String] {
        guard reports.count >= 512 else { return reports.map(render) }
        let n = min(4, ProcessInfo.processInfo.activeProcessorCount * 2)
        let size = (reports.count + n - 1) / n
        let ranges = stride(from: 0, to: reports.count, by: size).map { $0..<min(reports.count, $0 + size) }
        return ParallelMap.map(ranges) { range in reports[range].map(render) }.flatMap { $0 }
    }

    /// One file's part of ``text(_:lang:color:)``.
    static func section(_ r: FileReport, lang: Language, color: Bool) -> String {
        let vi = lang == .vi
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        var out = ""
        // Names and cell text come from files: escaped so they cannot forge lines or
        // drive the terminal (JSON below stays exact).
        var head = paint(TerminalText.safe(r.file), "1")
        var who: [String] = []
        if let u = r.unit { who.append(FormBuilder.unitTitle(u)) }
        if let p = r.period { who.append(p.label(lang)) }
        if !who.isEmpty { head += " — " + who.joined(separator: ", ") }
        if let id = r.templateID { head += vi ? " (mẫu \(id)\(r.templateVersion.map { " v\($0)" } ?? ""))" : " (template \(id)\(r.templateVersion.map { " v\($0)" } ?? ""))" }
        out += head + "\n"
        var lines = 0
        var capped = false
        for severity in [Rule.Severity.error, .warning, .info] {
            let items = r.findings.filter { $0.severity == severity }
            guard !items.isEmpty else { continue }
            var groups: [(String, [Finding])] = []
            for f in items {
                if let i = groups.firstIndex(where: { $0.0 == f.code }) { groups[i].1.append(f) } else { groups.append((f.code, [f])) }
            }
            let (mark, colour, label) = severity == .error ? ("✗", "31", vi ? "Lỗi" : "Error")
                : severity == .warning ? ("!", "33", vi ? "Cảnh báo" : "Warning") : ("i", "36", vi ? "Thông tin" : "Info")
            for (code, fs) in groups {
                let title = FindingCode(rawValue: code)?.title(lang) ?? code
                out += "  " + paint("\(mark) \(label) \(code)", colour) + " \(title) (\(fs.count))\n"
                for f in fs.prefix(perGroup) {
                    if lines >= perFile { capped = true; break }
                    let place = f.cell.map { "\(f.sheet.map { "\(TerminalText.safe($0))!" } ?? "")\($0)" } ?? ""
                    out += "      " + (place.isEmpty ? "" : place + "  ") + TerminalText.safe(f.message(lang)) + "\n"
                    lines += 1
                }
                if fs.count > perGroup {
                    let rows = fs.dropFirst(perGroup).compactMap(\.row)
                    let where_ = rows.isEmpty ? "" : (vi ? " (dòng " : " (rows ") + rowRanges(rows) + ")"
                    out += "      " + (vi ? "… và \(fs.count - perGroup) chỗ khác\(where_)" : "… and \(fs.count - perGroup) more\(where_)") + "\n"
                }
            }
        }
        if capped {
            out += "  " + (vi ? "(đã đạt giới hạn \(perFile) dòng chi tiết; dùng --format json để xem đủ)" : "(detail capped at \(perFile) lines; use --format json for all)") + "\n"
        }
        if !r.values.isEmpty {
            out += "  " + (vi ? "Số liệu sẽ lưu (theo đơn vị tính của biểu):" : "Values as they will be stored (in the form's units):") + "\n"
            var lastIndicator = ""
            for v in r.values {
                let label = v.indicator == lastIndicator ? String(repeating: " ", count: v.indicator.count) : v.indicator
                lastIndicator = v.indicator
                var line = "    \(label)  \(v.columnLabel): \(v.stored) \(v.unit)  [\(v.cell)"
                if !v.sameAsWritten { line += vi ? ", ô ghi «\(v.written)»" : ", cell says \"\(v.written)\"" }
                out += TerminalText.safe(line + "]") + "\n"
            }
        }
        let counts = vi ? "\(r.errors) lỗi, \(r.warnings) cảnh báo, \(r.infos) thông tin" : "\(r.errors) error\(r.errors == 1 ? "" : "s"), \(r.warnings) warning\(r.warnings == 1 ? "" : "s"), \(r.infos) info"
        out += "  → " + (r.valid ? paint(vi ? "HỢP LỆ" : "VALID", "32") : paint(vi ? "KHÔNG HỢP LỆ" : "NOT VALID", "31;1")) + ": \(counts)\n"
        return out
    }

    /// "11–20, 35, 40–41".
    public static func rowRanges(_ rows: [Int]) -> String {
        let sorted = Array(Set(rows)).sorted()
        var parts: [String] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i])–\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }

    public static func json(_ reports: [FileReport], lang: Language) -> String {
        func s(_ v: String?) -> String { v.map(CellText.jsonString) ?? "null" }
        let entries = inParts(reports) { r in
            var out = "\n{\"file\":\(s(r.file)),\"unit\":\(s(r.unit?.code)),\"unit_name\":\(s(r.unit?.name)),\"period\":\(s(r.period?.description)),"
            out += "\"template\":\(s(r.templateID)),\"template_version\":\(r.templateVersion.map(String.init) ?? "null"),\"valid\":\(r.valid),"
            out += "\"counts\":{\"error\":\(r.errors),\"warning\":\(r.warnings),\"info\":\(r.infos)},\"findings\":["
            for (k, f) in r.findings.enumerated() {
                if k > 0 { out += "," }
                out += "\n {\"code\":\(s(f.code)),\"severity\":\(s(f.severity.rawValue)),\"sheet\":\(s(f.sheet)),\"cell\":\(s(f.cell)),"
                out += "\"row\":\(f.row.map(String.init) ?? "null"),\"indicator\":\(s(f.indicator)),\"column\":\(s(f.column)),"
                out += "\"value\":\(s(f.value)),\"expected\":\(s(f.expected)),\"message\":\(s(f.message(lang)))}"
            }
            out += "]"
            if !r.values.isEmpty {
                out += ",\"values\":["
                for (k, v) in r.values.enumerated() {
                    if k > 0 { out += "," }
                    out += "\n {\"indicator\":\(s(v.indicator)),\"column\":\(s(v.column)),\"cell\":\(s(v.cell)),\"written\":\(s(v.written)),"
                    out += "\"stored\":\(s(v.stored)),\"unit\":\(s(v.unit)),\"number\":\(v.number.map { CellText.number($0) } ?? "null")}"
                }
                out += "]"
            }
            out += "}"
            return out
        }
        return "{\"files\":[" + entries.joined(separator: ",") + "\n]}\n"
    }
}
