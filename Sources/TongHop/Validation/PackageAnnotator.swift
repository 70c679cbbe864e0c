import Foundation
import SheetIO

/// Annotates the officer's own XLSX in place: the submitted package with a fill on each
/// flagged cell (its own style cloned, only the fill changed), a comment on each, and a
/// findings sheet whose rows link to the cells. Only these parts change: the styles, the
/// flagged sheet, its relationships, the workbook and its relationships, the content
/// types; the new parts are added; every other part is copied byte for byte
/// (``ZipRewrite``). Widths, merges, number formats, formulas, page setup and the other
/// sheets are the officer's own.
///
/// Returns false (and writes nothing) for a package it does not edit — no styles part,
/// prefixed element names, an unusual workbook layout — so the caller can write the
/// rebuilt copy (``Annotator``) instead. A sheet that already has comments keeps them and
/// gets fills only (the findings sheet lists every finding either way).
public enum PackageAnnotator {
    static let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let pkgRelNS = "http://schemas.openxmlformats.org/package/2006/relationships"

    /// `lang`: the language of the findings sheet and the comments (the officer's own
    /// sheet is left as written).
    public static func write(_ s: Submission, report: FileReport, template: Template?, source: String, to path: String, lang: Language = .vi) throws -> Bool {
        let w = PaperWords(lang)
        guard let zip = try? ZipArchive(path: source), let book = try? XLSXWorkbook(path: source) else { return false }
        let stored = Dictionary(zip.entryNames.map { (ZipArchive.normalise($0), $0) }, uniquingKeysWith: { a, _ in a })
        guard let sheetInfo = book.sheets.first(where: { $0.name == s.sheet }), let sheetKey = sheetInfo.part,
              let sheetName = stored[sheetKey], let wbName = stored["xl/workbook.xml"], let wbRelsName = stored["xl/_rels/workbook.xml.rels"],
              let stylesName = stored["xl/styles.xml"], let ctName = stored["[content_types].xml"] else { return false }
        func text(_ name: String) -> String? { (try? zip.readAll(name)).map { String(decoding: $0, as: UTF8.self) } }
        guard var sheetXML = text(sheetName), var styles = text(stylesName), var workbook = text(wbName),
              var wbRels = text(wbRelsName), var types = text(ctName) else { return false }
        // Prefixed element names ("<x:c …>") are left to the rebuilt copy.
        guard sheetXML.contains("<sheetData"), styles.contains("<cellXfs"), styles.contains("<fills"), workbook.contains("<sheets") else { return false }

        // The flagged cells of this sheet, worst severity each.
        var byCell: [String: [Finding]] = [:]
        for f in report.findings { if let c = f.cell, f.sheet == s.sheet || f.sheet == nil, CellRef(a1: c) != nil { byCell[c, default: []].append(f) } }

        // Styles: three fills appended, and per (original style, severity) a clone of the
        // cell's own format with the fill changed.
        let fillColours: [Rule.Severity: String] = [.error: "FFFFC7CE", .warning: "FFFFEB9C", .info: "FFDDEBF7"]
        guard let fillsCount = count(of: "fills", in: styles), let xfs = cellXfs(styles) else { return false }
        let fillID: [Rule.Severity: Int] = [.error: fillsCount, .warning: fillsCount + 1, .info: fillsCount + 2]
        let newFills = [Rule.Severity.error, .warning, .info].map {
            "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"\(fillColours[$0]!)\"/><bgColor indexed=\"64\"/></patternFill></fill>"
        }.joined()
        styles = appendChildren("fills", newFills, count: fillsCount + 3, in: styles)
        var clones: [String: Int] = [:]
        var newXfs: [String] = []
        func styleFor(_ original: Int, _ sev: Rule.Severity) -> Int {
            let key = "\(original)|\(sev)"
            if let hit = clones[key] { return hit }
            let base = original < xfs.count ? xfs[original] : (xfs.first ?? "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>")
            let xf = setAttribute("applyFill", "1", in: setAttribute("fillId", String(fillID[sev]!), in: base))
            let index = xfs.count + newXfs.count
            newXfs.append(xf)
            clones[key] = index
            return index
        }

        // The sheet: each flagged cell gets its clone's style (added when the cell is absent).
        for (a1, fs) in byCell.sorted(by: { $0.key < $1.key }) {
            let sev = fs.map(\.severity).max() ?? .info
            guard let ref = CellRef(a1: a1) else { continue }
            sheetXML = restyleCell(ref, in: sheetXML) { original in styleFor(original, sev) }
        }

        // Comments, unless the sheet already has its own.
        let sheetDir = (sheetName as NSString).deletingLastPathComponent
        let sheetFile = (sheetName as NSString).lastPathComponent
        let sheetRelsName = "\(sheetDir)/_rels/\(sheetFile).rels"
        let existingRels = stored[ZipArchive.normalise(sheetRelsName)].flatMap(text)
        let hasComments = sheetXML.contains("<legacyDrawing") || (existingRels?.contains("/comments\"") ?? false)
        var replace: [String: [UInt8]] = [:]
        var add: [(String, [UInt8])] = []
        func unique(_ make: (Int) -> String) -> String {
            var i = 1
            while stored[ZipArchive.normalise(make(i))] != nil || add.contains(where: { $0.0 == make(i) }) { i += 1 }
            return make(i)
        }
        if !hasComments && !byCell.isEmpty {
            let commentsName = unique { "xl/comments_kiemtra\($0).xml" }
            let vmlName = unique { "xl/drawings/vmlDrawing_kiemtra\($0).vml" }
            add.append((commentsName, Array(commentsXML(byCell, w).utf8)))
            add.append((vmlName, Array(vmlXML(byCell).utf8)))
            let rels = """
                <Relationship Id="rIdKiemTra1" Type="\(relNS)/comments" Target="\(relative(commentsName, from: sheetDir))"/>\
                <Relationship Id="rIdKiemTra2" Type="\(relNS)/vmlDrawing" Target="\(relative(vmlName, from: sheetDir))"/>
                """
            if let existingRels, let relsStored = stored[ZipArchive.normalise(sheetRelsName)] {
                guard let end = existingRels.range(of: "</Relationships>", options: .backwards) else { return false }
                replace[relsStored] = Array((existingRels[..<end.lowerBound] + rels + existingRels[end.lowerBound...]).utf8)
            } else {
                add.append((sheetRelsName, Array("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"\(pkgRelNS)\">\(rels)</Relationships>".utf8)))
            }
            sheetXML = insertLegacyDrawing(sheetXML, id: "rIdKiemTra2")
            types = addContentType(types, defaultExtension: "vml", type: "application/vnd.openxmlformats-officedocument.vmlDrawing")
            types = addContentType(types, override: "/" + commentsName, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml")
        }

        // The findings sheet, its rows linked to the cells.
        let findingsPart = unique { "xl/worksheets/sheet_kiemtra\($0).xml" }
        // Its own fonts (Times New Roman, as the papers) and a thin border, appended.
        guard let fontsCount = count(of: "fonts", in: styles), let bordersCount = count(of: "borders", in: styles) else { return false }
        styles = appendChildren("fonts", "<font><sz val=\"11\"/><name val=\"Times New Roman\"/><family val=\"1\"/></font><font><b/><sz val=\"11\"/><name val=\"Times New Roman\"/><family val=\"1\"/></font><font><b/><sz val=\"13\"/><name val=\"Times New Roman\"/><family val=\"1\"/></font><font><i/><sz val=\"10\"/><name val=\"Times New Roman\"/><family val=\"1\"/></font>",
                                count: fontsCount + 4, in: styles)
        styles = appendChildren("borders", "<border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right><top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border>",
                                count: bordersCount + 1, in: styles)
        let thin = bordersCount
        func xf(font: Int, fill: Int = 0, border: Int = 0, h: String? = nil) -> Int {
            newXfs.append("<xf numFmtId=\"0\" fontId=\"\(font)\" fillId=\"\(fill)\" borderId=\"\(border)\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\" applyAlignment=\"1\"><alignment vertical=\"center\" wrapText=\"1\"\(h.map { " horizontal=\"\($0)\"" } ?? "")/></xf>")
            return xfs.count + newXfs.count - 1
        }
        let findingStyles = FindingStyles(title: xf(font: fontsCount + 2), bold: xf(font: fontsCount + 1), note: xf(font: fontsCount + 3),
                                          header: xf(font: fontsCount + 1, fill: fillID[.info]!, border: thin, h: "center"),
                                          body: xf(font: fontsCount, border: thin), centered: xf(font: fontsCount, border: thin, h: "center"),
                                          severity: [.error: xf(font: fontsCount, fill: fillID[.error]!, border: thin, h: "center"),
                                                     .warning: xf(font: fontsCount, fill: fillID[.warning]!, border: thin, h: "center"),
                                                     .info: xf(font: fontsCount, fill: fillID[.info]!, border: thin, h: "center")])
        add.append((findingsPart, Array(findingsSheetXML(s, report: report, template: template, styles: findingStyles, w).utf8)))
        styles = replaceChildren("cellXfs", newXfs, base: xfs, in: styles)
        var title = w("Kết quả kiểm tra", "Check results")
        while book.sheets.contains(where: { $0.name == title }) { title += " (2)" }
        let sheetIDs = matches(#"sheetId="(\d+)""#, in: workbook).compactMap { Int($0) }
        guard let sheetsEnd = workbook.range(of: "</sheets>") else { return false }
        // The relationships prefix declared on the element itself: openpyxl declares it on
        // each <sheet>, not on <workbook>, and an undeclared r: makes the package unreadable.
        workbook.insert(contentsOf: "<sheet xmlns:r=\"\(relNS)\" name=\"\(xmlEscape(title))\" sheetId=\"\((sheetIDs.max() ?? 0) + 1)\" r:id=\"rIdKiemTraSheet\"/>", at: sheetsEnd.lowerBound)
        guard let relsEnd = wbRels.range(of: "</Relationships>", options: .backwards) else { return false }
        wbRels.insert(contentsOf: "<Relationship Id=\"rIdKiemTraSheet\" Type=\"\(relNS)/worksheet\" Target=\"\(relative(findingsPart, from: "xl"))\"/>", at: relsEnd.lowerBound)
        types = addContentType(types, override: "/" + findingsPart, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml")

        replace[sheetName] = Array(sheetXML.utf8)
        replace[stylesName] = Array(styles.utf8)
        replace[wbName] = Array(workbook.utf8)
        replace[wbRelsName] = Array(wbRels.utf8)
        replace[ctName] = Array(types.utf8)
        try ZipRewrite.write(input: source, output: path, replace: replace, add: add)
        return true
    }

    // MARK: XML pieces

    /// Text for XML content or a double-quoted attribute (also the web page's inline SVG).
    public static func xmlEscape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // Control characters are not allowed in XML 1.0 text.
                if ch.value < 0x20 && ch != "\n" && ch != "\t" && ch != "\r" { out += " " } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    static func matches(_ pattern: String, in s: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
        let ns = s as NSString
        return re.matches(in: s, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    /// The `count` of `<name count="N">`, or the number of children when it has none.
    static func count(of name: String, in xml: String) -> Int? {
        guard let open = xml.range(of: "<\(name)"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else { return nil }
        let block = String(xml[open.lowerBound..<close.upperBound])
        let child = String(name.dropLast())  // fills → fill
        return block.components(separatedBy: "<\(child)>").count - 1 + block.components(separatedBy: "<\(child) ").count - 1
    }

    /// The `<xf>` elements of `<cellXfs>`, in order.
    static func cellXfs(_ xml: String) -> [String]? {
        guard let open = xml.range(of: "<cellXfs"), let close = xml.range(of: "</cellXfs>", range: open.upperBound..<xml.endIndex),
              let start = xml.range(of: ">", range: open.upperBound..<close.lowerBound) else { return nil }
        let inner = String(xml[start.upperBound..<close.lowerBound])
        guard let re = try? NSRegularExpression(pattern: #"<xf\b[^>]*/>|<xf\b[^>]*>.*?</xf>"#, options: [.dotMatchesLineSeparators]) else { return nil }
        let ns = inner as NSString
        return re.matches(in: inner, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    }

    /// Appends children to `<name …>…</name>` and sets its count.
    static func appendChildren(_ name: String, _ children: String, count: Int, in xml: String) -> String {
        guard let open = xml.range(of: "<\(name)"), let gt = xml.range(of: ">", range: open.upperBound..<xml.endIndex) else { return xml }
        var out = xml
        if xml[..<gt.upperBound].hasSuffix("/>") {
            // An empty element: <fills count="0"/>.
            let head = setAttribute("count", String(count), in: String(xml[open.lowerBound..<gt.upperBound]).replacingOccurrences(of: "/>", with: ">"))
            out.replaceSubrange(open.lowerBound..<gt.upperBound, with: head + children + "</\(name)>")
            return out
        }
        guard let close = out.range(of: "</\(name)>", range: open.upperBound..<out.endIndex) else { return xml }
        out.insert(contentsOf: children, at: close.lowerBound)
        let head = setAttribute("count", String(count), in: String(out[open.lowerBound..<gt.upperBound]))
        out.replaceSubrange(open.lowerBound..<gt.upperBound, with: head)
        return out
    }

    /// Rewrites `<cellXfs>` with the original elements and the new ones (the count set).
    static func replaceChildren(_ name: String, _ added: [String], base: [String], in xml: String) -> String {
        guard let open = xml.range(of: "<\(name)"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else { return xml }
        var out = xml
        out.replaceSubrange(open.lowerBound..<close.upperBound, with: "<\(name) count=\"\(base.count + added.count)\">" + (base + added).joined() + "</\(name)>")
        return out
    }

    /// Sets an attribute in the first tag of `element` (replacing its value or adding it).
    static func setAttribute(_ attr: String, _ value: String, in element: String) -> String {
        guard let tagEnd = element.firstIndex(of: ">") else { return element }
        var tag = String(element[..<tagEnd])
        let rest = element[tagEnd...]
        if let r = tag.range(of: " \(attr)=\"") , let q = tag.range(of: "\"", range: r.upperBound..<tag.endIndex) {
            tag.replaceSubrange(r.upperBound..<q.lowerBound, with: value)
        } else {
            let selfClosing = tag.hasSuffix("/")
            if selfClosing { tag.removeLast() }
            tag += " \(attr)=\"\(value)\"" + (selfClosing ? "/" : "")
        }
        return tag + rest
    }

    /// Gives a cell the style `style(original)`; adds the cell (and its row) when absent.
    static func restyleCell(_ ref: CellRef, in xml: String, style: (Int) -> Int) -> String {
        let a1 = ref.a1
        var out = xml
        if let r = out.range(of: "<c r=\"\(a1)\"") , let gt = out.range(of: ">", range: r.upperBound..<out.endIndex) {
            let tag = String(out[r.lowerBound..<gt.upperBound])
            let original = matches(#" s="(\d+)""#, in: tag).first.flatMap { Int($0) } ?? 0
            out.replaceSubrange(r.lowerBound..<gt.upperBound, with: setAttribute("s", String(style(original)), in: tag))
            return out
        }
        let cell = "<c r=\"\(a1)\" s=\"\(style(0))\"/>"
        let rowNumber = ref.row + 1
        if let rr = out.range(of: "<row r=\"\(rowNumber)\""), let gt = out.range(of: ">", range: rr.upperBound..<out.endIndex) {
            if out[..<gt.upperBound].hasSuffix("/>") {
                let tag = String(out[rr.lowerBound..<gt.upperBound]).dropLast(2)
                out.replaceSubrange(rr.lowerBound..<gt.upperBound, with: tag + ">" + cell + "</row>")
                return out
            }
            guard let end = out.range(of: "</row>", range: gt.upperBound..<out.endIndex) else { return xml }
            // Before the first cell to its right (cells are in column order).
            var insertAt = end.lowerBound
            var search = gt.upperBound
            while let c = out.range(of: "<c r=\"", range: search..<end.lowerBound) {
                let q = out[c.upperBound...].prefix { $0 != "\"" }
                if let other = CellRef(a1: String(q)), other.column > ref.column { insertAt = c.lowerBound; break }
                search = c.upperBound
            }
            out.insert(contentsOf: cell, at: insertAt)
            return out
        }
        // No such row: a new one before the first row below it.
        guard let data = out.range(of: "<sheetData") else { return xml }
        let rowXML = "<row r=\"\(rowNumber)\">\(cell)</row>"
        if let selfClosed = out.range(of: "<sheetData/>") {
            out.replaceSubrange(selfClosed, with: "<sheetData>\(rowXML)</sheetData>")
            return out
        }
        guard let dataEnd = out.range(of: "</sheetData>", range: data.upperBound..<out.endIndex) else { return xml }
        var insertAt = dataEnd.lowerBound
        var search = data.upperBound
        while let r = out.range(of: "<row r=\"", range: search..<dataEnd.lowerBound) {
            if let n = Int(out[r.upperBound...].prefix { $0 != "\"" }), n > rowNumber { insertAt = r.lowerBound; break }
            search = r.upperBound
        }
        out.insert(contentsOf: rowXML, at: insertAt)
        return out
    }

    /// `<legacyDrawing>` in its place in the worksheet's element order.
    static func insertLegacyDrawing(_ xml: String, id: String) -> String {
        var out = xml
        // Declared on the element (a declaration somewhere else in the sheet need not be in scope).
        let element = "<legacyDrawing xmlns:r=\"\(relNS)\" r:id=\"\(id)\"/>"
        let after = ["<legacyDrawingHF", "<drawingHF", "<picture", "<oleObjects", "<controls", "<webPublishItems", "<tableParts", "<extLst", "</worksheet>"]
        let positions = after.compactMap { out.range(of: $0)?.lowerBound }
        guard let at = positions.min() else { return xml }
        out.insert(contentsOf: element, at: at)
        return out
    }

    static func addContentType(_ xml: String, defaultExtension ext: String, type: String) -> String {
        guard !xml.lowercased().contains("extension=\"\(ext)\""), let end = xml.range(of: "</Types>", options: .backwards) else { return xml }
        var out = xml
        out.insert(contentsOf: "<Default Extension=\"\(ext)\" ContentType=\"\(type)\"/>", at: end.lowerBound)
        return out
    }

    static func addContentType(_ xml: String, override part: String, type: String) -> String {
        guard let end = xml.range(of: "</Types>", options: .backwards) else { return xml }
        var out = xml
        out.insert(contentsOf: "<Override PartName=\"\(part)\" ContentType=\"\(type)\"/>", at: end.lowerBound)
        return out
    }

    /// A target relative to a folder ("xl/comments1.xml" from "xl/worksheets" → "../comments1.xml").
    static func relative(_ part: String, from dir: String) -> String {
        let a = part.split(separator: "/"), b = dir.split(separator: "/")
        var i = 0
        while i < min(a.count - 1, b.count), a[i] == b[i] { i += 1 }
        return (Array(repeating: "..", count: b.count - i) + a[i...].map(String.init)).joined(separator: "/")
    }

    static func commentText(_ fs: [Finding], _ w: PaperWords = PaperWords(.vi)) -> String {
        fs.map { "\($0.code): \($0.message(w.lang))" }.joined(separator: "\n")
    }

    static func commentsXML(_ byCell: [String: [Finding]], _ w: PaperWords = PaperWords(.vi)) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<comments xmlns=\"\(mainNS)\"><authors><author>\(w("Kiểm tra", "Check"))</author></authors><commentList>"
        for (a1, fs) in byCell.sorted(by: { $0.key < $1.key }) {
            out += "<comment ref=\"\(a1)\" authorId=\"0\"><text><r><t xml:space=\"preserve\">\(xmlEscape(commentText(fs, w)))</t></r></text></comment>"
        }
        return out + "</commentList></comments>"
    }

    static func vmlXML(_ byCell: [String: [Finding]]) -> String {
        var out = """
            <xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">\
            <o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>\
            <v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>
            """
        for (i, (a1, fs)) in byCell.sorted(by: { $0.key < $1.key }).enumerated() {
            guard let ref = CellRef(a1: a1) else { continue }
            let lines = min(12, 2 + fs.count * 3)
            out += """
                <v:shape id="_x0000_s\(1025 + i)" type="#_x0000_t202" style="position:absolute;margin-left:60pt;margin-top:2pt;width:260pt;height:\(lines * 12)pt;z-index:\(i + 1);visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">\
                <v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>\
                <v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>\
                <x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>\
                <x:Anchor>\(ref.column + 1), 15, \(ref.row), 2, \(ref.column + 4), 15, \(ref.row + lines / 2), 2</x:Anchor>\
                <x:AutoFill>False</x:AutoFill><x:Row>\(ref.row)</x:Row><x:Column>\(ref.column)</x:Column></x:ClientData></v:shape>
                """
        }
        return out + "</xml>"
    }

    /// The cell styles of the findings sheet (indices into cellXfs).
    struct FindingStyles {
        var title: Int, bold: Int, note: Int, header: Int, body: Int, centered: Int
        var severity: [Rule.Severity: Int]
    }

    /// The findings sheet, printed as a paper: "BẢN KIỂM TRA", the verdict, the colour
    /// legend (cell comments do not print: each flagged cell's reason is here), then one
    /// bordered row per finding, its height from its wrapped text, the cell column a link;
    /// A4 landscape one page wide, Nghị định 30 margins, the page number top centre.
    static func findingsSheetXML(_ s: Submission, report: FileReport, template: Template?, styles st: FindingStyles, _ w: PaperWords) -> String {
        func cell(_ col: Int, _ row: Int, _ text: String, style: Int? = nil) -> String {
            let a1 = CellRef(row: row, column: col).a1
            return "<c r=\"\(a1)\" t=\"inlineStr\"\(style.map { " s=\"\($0)\"" } ?? "")><is><t xml:space=\"preserve\">\(xmlEscape(text))</t></is></c>"
        }
        let widths = FindingsPaper.widths
        func row(_ r: Int, height: Double? = nil, _ cells: String) -> String {
            "<row r=\"\(r + 1)\"\(height.map { " ht=\"\($0)\" customHeight=\"1\"" } ?? "")>\(cells)</row>"
        }
        var rows = ""
        rows += row(0, height: 20, cell(0, 0, FindingsPaper.title(s, w), style: st.title))
        rows += row(1, cell(0, 1, FindingsPaper.verdict(report, w), style: st.bold))
        let legend = FindingsPaper.legend(w)
        rows += row(2, height: PaperLayout.rowHeight([(legend, widths.reduce(0, +), 10)]), cell(0, 2, legend, style: st.note))
        let headers = FindingsPaper.headers(w)
        rows += row(3, height: PaperLayout.rowHeight(zip(headers, widths).map { ($0, $1, 11) }, bold: true),
                    headers.enumerated().map { cell($0.offset, 3, $0.element, style: st.header) }.joined())
        var links = ""
        let sheetRef = "'" + s.sheet.replacingOccurrences(of: "'", with: "''") + "'"
        for (i, f) in report.findings.enumerated() {
            let r = 4 + i
            let values = FindingsPaper.row(f, s, template, w)
            let styles = [st.centered, st.severity[f.severity] ?? st.centered, st.centered, st.centered, st.body, st.body, st.body, st.body]
            rows += row(r, height: PaperLayout.rowHeight(zip(values, widths).map { ($0, $1, 11) }),
                        values.enumerated().map { cell($0.offset, r, $0.element, style: styles[$0.offset]) }.joined())
            if let c = f.cell, CellRef(a1: c) != nil, f.sheet == s.sheet || f.sheet == nil {
                links += "<hyperlink ref=\"\(CellRef(row: r, column: 2).a1)\" location=\"\(xmlEscape(sheetRef))!\(c)\" display=\"\(c)\"/>"
            }
        }
        let cols = widths.enumerated().map { "<col min=\"\($0.offset + 1)\" max=\"\($0.offset + 1)\" width=\"\($0.element)\" customWidth=\"1\"/>" }.joined()
        let m = PaperLayout.margins
        let header = xmlEscape(PaperLayout.header(mark: nil))
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="\(mainNS)" xmlns:r="\(relNS)"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews><sheetView workbookViewId="0"><pane ySplit="4" topLeftCell="A5" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
            <cols>\(cols)</cols><sheetData>\(rows)</sheetData>\
            <mergeCells count="3"><mergeCell ref="A1:H1"/><mergeCell ref="A2:H2"/><mergeCell ref="A3:H3"/></mergeCells>\
            \(links.isEmpty ? "" : "<hyperlinks>\(links)</hyperlinks>")<printOptions horizontalCentered="1"/><pageMargins left="\(m.0)" right="\(m.1)" top="\(m.2)" bottom="\(m.3)" header="0.3" footer="0.3"/>\
            <pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/><headerFooter><oddHeader>\(header)</oddHeader></headerFooter></worksheet>
            """
    }
}
