import Foundation
import SheetIO

/// Reading target texts and writing what was found (text, JSON, the plan texts a form takes).
public enum TargetReport {
    /// The text of a file: UTF-8, UTF-16 or the legacy Vietnamese code pages the CSV reader
    /// knows; a .docx's paragraphs through libzip.
    public static func readText(path: String) throws -> String {
        let file = try InputFile(path: path, limits: ReadLimits())
        let head = file.read(at: 0, count: 4)
        if SpreadsheetDocument.isZip(head) {
            let zip = try ZipArchive(file: file)
            guard zip.contains("word/document.xml") else { throw SheetIOError(.notXLSX("not a .docx: no word/document.xml"), file: path) }
            return docxText(try zip.readAll("word/document.xml"))
        }
        let decoded = try TextDecoder.decode(try file.readAll(), file: path)
        return String(decoding: decoded.utf8[decoded.start...], as: UTF8.self)
    }

    /// The text runs of WordprocessingML, one line per paragraph (entities decoded).
    static func docxText(_ xml: [UInt8]) -> String {
        var out = "", inText = false, i = 0
        var run: [UInt8] = []
        while i < xml.count {
            if xml[i] == UInt8(ascii: "<") {
                if inText { out += decodeEntities(String(decoding: run, as: UTF8.self)); run.removeAll() }
                var j = i
                while j < xml.count && xml[j] != UInt8(ascii: ">") { j += 1 }
                let tag = String(decoding: xml[i..<min(j + 1, xml.count)], as: UTF8.self)
                if tag.hasPrefix("<w:t>") || tag.hasPrefix("<w:t ") { inText = true }
                else if tag.hasPrefix("</w:t>") { inText = false }
                else if tag.hasPrefix("</w:p>") { out += "\n" }
                else if tag.hasPrefix("<w:tab") { out += "\t" }
                i = j + 1
                continue
            }
            if inText { run.append(xml[i]) }
            i += 1
        }
        return out
    }

    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func number(_ v: Double, _ decimals: Int) -> String { VietNumber.format(v, decimals: max(decimals, 2)) }

    /// How the plan cell is written so the reader takes it back: "5,6", "Trên 97", "Từ 5,6",
    /// "Dưới 4", "Không quá 4", "15-18"; nil for statements a plan cell cannot hold alone
    /// (increments need last year's figure).
    public static func planText(_ t: TargetStatement, _ ind: Indicator) -> String? {
        guard let v = t.converted, t.kind == .level || t.kind == .growth else { return nil }
        let n = number(v, ind.decimals)
        switch t.qualifier {
        case .exact, .about: return n
        case .atLeast: return (t.strict ? "Trên " : "Từ ") + n
        case .atMost: return (t.strict ? "Dưới " : "Không quá ") + n
        case .range: return t.value2.map { "\(n)-\(number($0, ind.decimals))" } ?? n
        }
    }

    public static func json(_ e: TargetExtraction, template t: Template, unit: String?, period: String?, source: String) -> String {
        func s(_ v: String?) -> String { v.map(CellText.jsonString) ?? "null" }
        func n(_ v: Double?) -> String { v.map(CellText.number) ?? "null" }
        func item(_ x: TargetStatement) -> String {
            let ind = x.indicator.flatMap { t.indicator($0) }
            return "{\"indicator\":\(s(x.indicator)),\"name\":\(s(ind?.name)),\"value\":\(n(x.value)),\"value2\":\(n(x.value2)),"
                + "\"unit_written\":\(s(x.unitWritten)),\"value_in_unit\":\(n(x.converted)),\"unit\":\(s(ind?.unitText)),\"kind\":\(s(x.kind.rawValue)),"
                + "\"qualifier\":\(s(x.qualifier.rawValue)),\"strict\":\(x.strict),\"plan_text\":\(s(ind.flatMap { planText(x, $0) })),"
                + "\"text\":\(s(x.text)),\"span\":[\(x.span.lowerBound),\(x.span.upperBound)],\"confidence\":\(n((x.confidence * 100).rounded() / 100))}"
        }
        var out = "{\"template\":\(s(t.id)),\"unit\":\(s(unit)),\"period\":\(s(period)),\"source\":\(s(source)),\"targets\":["
        out += e.placed.map { "\n" + item($0) }.joined(separator: ",")
        out += "\n],\"unplaced\":[" + e.unplaced.map { "\n" + item($0) }.joined(separator: ",")
        out += "\n],\"conflicts\":[" + e.conflicts.map { "\n[" + $0.map(item).joined(separator: ",") + "]" }.joined(separator: ",")
        return out + "\n]}\n"
    }

    public static func text(_ e: TargetExtraction, template t: Template, lang: Language) -> String {
        let vi = lang == .vi
        var out = vi ? "\(e.placed.count) chỉ tiêu tìm được:\n" : "\(e.placed.count) targets placed:\n"
        for x in e.placed {
            let ind = t.indicator(x.indicator!)!
            let kind = [TargetStatement.Kind.level: vi ? "mức" : "level", .growth: vi ? "tăng trưởng" : "growth",
                        .increment: vi ? "tăng thêm so với năm trước" : "increment on last year", .count: vi ? "số đơn vị" : "count"][x.kind]!
            out += "  \(ind.code) \(ind.name): \(planText(x, ind) ?? ((vi ? "thêm " : "+") + number(x.converted ?? x.value, ind.decimals))) \(ind.unitText) (\(kind))"
            out += "  ← «\(TerminalText.safe(x.text))»\n"
        }
        if !e.unplaced.isEmpty {
            out += vi ? "Câu có số liệu chưa xếp được vào chỉ tiêu nào (\(e.unplaced.count)):\n" : "Statements not placed (\(e.unplaced.count)):\n"
            for x in e.unplaced { out += "  «\(TerminalText.safe(x.text))»\n" }
        }
        for c in e.conflicts {
            let ind = t.indicator(c[0].indicator!)!
            out += vi ? "Mâu thuẫn: \(ind.code) \(ind.name) được ghi \(c.count) lần với giá trị khác nhau:\n" : "Conflict: \(ind.code) \(ind.name) set \(c.count) times with different values:\n"
            for x in c { out += "  «\(TerminalText.safe(x.text))»\n" }
        }
        return out
    }

    /// A workbook for the officer's review: the placed targets (indicator, value as the
    /// plan cell takes it, kind, qualifier, the phrase, confidence), then what could not
    /// be placed and the conflicts.
    public static func writeXLSX(_ e: TargetExtraction, template t: Template, source: String, to path: String) throws {
        let wb = try XLSXWriter(path: path)
        let base = CellFormat().with { $0.fontName = "Times New Roman"; $0.fontSize = 11; $0.vAlign = .top }
        let head = base.with { $0.bold = true; $0.border = .thin; $0.fillColor = 0xDDEBF7; $0.wrap = true; $0.hAlign = .center }
        let cell = base.with { $0.border = .thin; $0.wrap = true }
        let ws = try wb.addWorksheet("Chỉ tiêu")
        try ws.write(0, 0, text: "CHỈ TIÊU KẾ HOẠCH ĐỌC TỪ VĂN BẢN — \(source)", base.with { $0.bold = true; $0.fontSize = 13 })
        let headers = ["Mã", "Chỉ tiêu", "Ghi vào cột kế hoạch", "ĐVT", "Loại", "Câu trong văn bản", "Độ tin cậy"]
        for (i, h) in headers.enumerated() { try ws.write(2, i, text: h, head) }
        for (i, w) in [7.0, 40, 16, 14, 16, 70, 10].enumerated() { try ws.setColumns(i, i, width: w) }
        let kinds: [TargetStatement.Kind: String] = [.level: "mức", .growth: "tăng trưởng", .increment: "tăng thêm so với năm trước", .count: "số đơn vị đạt"]
        for (r, x) in e.placed.enumerated() {
            let ind = t.indicator(x.indicator!)!
            try ws.write(3 + r, 0, text: ind.code, cell)
            try ws.write(3 + r, 1, text: ind.name, cell)
            try ws.write(3 + r, 2, text: planText(x, ind) ?? "thêm \(number(x.converted ?? x.value, ind.decimals))", cell)
            try ws.write(3 + r, 3, text: ind.unitText, cell)
            try ws.write(3 + r, 4, text: kinds[x.kind]!, cell)
            try ws.write(3 + r, 5, text: x.text, cell)
            try ws.write(3 + r, 6, number: (x.confidence * 100).rounded() / 100, cell.with { $0.numberFormat = "0.00" })
        }
        let un = try wb.addWorksheet("Chưa xếp được")
        try un.write(0, 0, text: "Câu có số liệu chưa xếp được vào chỉ tiêu nào, và chỉ tiêu ghi hai lần khác nhau", base.with { $0.bold = true })
        try un.setColumns(0, 0, width: 100)
        var r = 2
        for x in e.unplaced { try un.write(r, 0, text: x.text, cell); r += 1 }
        for c in e.conflicts {
            for x in c { try un.write(r, 0, text: "Mâu thuẫn \(x.indicator ?? ""): \(x.text)", cell); r += 1 }
        }
        try wb.close()
    }

    /// Plan texts from a targets JSON file: indicator → (text for the plan cell, comment).
    public static func planTexts(jsonPath: String) throws -> [String: (text: String, comment: String)] {
        guard let data = FileManager.default.contents(atPath: jsonPath),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let targets = root["targets"] as? [[String: Any]] else {
            throw SheetIOError(.csv("not a targets JSON file (tonghop targets --format json)"), file: jsonPath)
        }
        var out: [String: (String, String)] = [:]
        for t in targets {
            guard let code = t["indicator"] as? String, let text = t["plan_text"] as? String else { continue }
            out[code] = (text, "Từ văn bản: «\(t["text"] as? String ?? "")»")
        }
        return out
    }
}

