import Foundation
import SheetIO

/// Reads a filled form (XLSX or CSV, wide or long) into ``Submission``s: finds the
/// table by its header labels, identifies unit and period (hidden sheet, else title
/// block, else file name), maps rows by indicator code (else by name, with a warning)
/// and parses every value cell.
public struct SubmissionReader: Sendable {
    public var library: TemplateLibrary
    /// The template to read against (`--template`); otherwise the form's own.
    public var template: Template?
    public var limits: ReadLimits = .default
    /// Rows with values read per sheet. A report form has tens to a few hundred rows;
    /// reading stops at this many, so a sheet of a million rows costs the memory of ten
    /// thousand. A table sheet that goes on past it is an error (E003), never a silent cut.
    public var maxRowsPerSheet = 10_000
    /// Rows of a long-format CSV (one value per line, several units per file): 200,000
    /// lines hold 1,000 units × 60 indicators × 3 columns.
    public var maxLongRows = 200_000
    /// `--sheet`: the sheet holding the report (a name or a 1-based number), when the
    /// workbook offers several.
    public var sheetChoice: String?
    /// `--column ROLE=HEADER`: the column for a template column key ("estimate") when
    /// several fit, by words of its header or its letter.
    public var columnChoices: [String: String] = [:]

    public init(library: TemplateLibrary = TemplateLibrary(), template: Template? = nil) {
        self.library = library
        self.template = template
    }

    /// What a file's hidden identification sheet says.
    struct Meta { var templateID: String?; var version: Int?; var unitCode: String?; var period: String? }

    /// Reads a file. Never throws: an unreadable file is a submission whose findings say why.
    public func read(path: String, displayName: String? = nil) -> (Template?, [Submission]) {
        let name = displayName ?? path
        let doc: SpreadsheetDocument
        do {
            doc = try SpreadsheetDocument(path: path, displayName: name, limits: limits)
        } catch let e as SheetIOError {
            var s = Submission(file: name, sheet: "")
            s.findings.append(Finding(.unreadableFile, file: name, vi: e.message(.vi), en: e.message(.en)))
            return (template, [s])
        } catch {
            var s = Submission(file: name, sheet: "")
            s.findings.append(Finding(.unreadableFile, file: name, vi: "\(error)", en: "\(error)"))
            return (template, [s])
        }
        return read(doc)
    }

    public func read(_ doc: SpreadsheetDocument) -> (Template?, [Submission]) {
        let name = doc.fileName
        func failed(_ e: Error) -> (Template?, [Submission]) {
            var s = Submission(file: name, sheet: "")
            let (vi, en) = (e as? SheetIOError).map { ($0.message(.vi), $0.message(.en)) } ?? ("\(e)", "\(e)")
            s.findings.append(Finding(.unreadableFile, file: name, vi: vi, en: en))
            return (template, [s])
        }
        // Hidden identification sheet.
        var meta = Meta()
        if let i = doc.sheets.firstIndex(where: { $0.name == FormLayout.metaSheet }) {
            do {
                let m = try doc.readSheet(i, maxRows: maxRowsPerSheet)
                for r in m.rows {
                    guard let k = r[column: 0]?.value.text else { continue }
                    let v = r[column: 1].map { CellText.csv($0.value) }
                    switch k {
                    case "template_id": meta.templateID = v
                    case "template_version": meta.version = v.flatMap { Int($0) }
                    case "unit_code": meta.unitCode = v
                    case "period": meta.period = v
                    default: break
                    }
                }
            } catch { return failed(error) }
        }
        var sheets: [(Int, Sheet)] = []
        do {
            for i in candidateSheets(doc) { sheets.append((i, try doc.readSheet(i, maxRows: maxRowsPerSheet))) }
        } catch { return failed(error) }

        // SDMX-CSV names its structure (the template and version) in STRUCTURE_ID.
        var sdmxStructure: (id: String, version: Int?)? = nil
        if doc.kind == .csv, meta.templateID == nil, let first = sheets.first?.1, let ref = LongTable.sdmxStructure(first) {
            sdmxStructure = ref
            meta.templateID = ref.id
            meta.version = ref.version
        }
        // Text typed in a legacy font (.VnTime, VNI-Times): converted before anything is matched.
        var legacyFont: TextEncoding? = nil
        if doc.kind != .csv {
            if let enc = TextDecoder.legacyFontEncoding(sheets: sheets.map(\.1), rows: 400) {
                legacyFont = enc
                sheets = sheets.map { ($0.0, LegacyFont.repair($0.1, enc)) }
            }
        }
        // The template: given, named by the form, or the library's best match.
        var tmpl = template
        var templateFindings: [Finding] = []
        if tmpl == nil, let id = meta.templateID {
            tmpl = try? library.load(id)
            if tmpl == nil {
                templateFindings.append(Finding(.templateUnknown, file: name, sheet: FormLayout.metaSheet, value: id,
                    vi: "biểu ghi mẫu \"\(id)\" nhưng không tìm thấy mẫu này trong \(library.directory)/",
                    en: "the form names template \"\(id)\", which is not in \(library.directory)/"))
            }
        }
        if tmpl == nil {
            tmpl = bestTemplate(for: sheets.map(\.1))
        }
        guard let t = tmpl else {
            var s = Submission(file: name, sheet: sheets.first.map { doc.sheets[$0.0].name } ?? "")
            s.findings = templateFindings
            s.findings.append(Finding(.tableNotFound, file: name,
                vi: "không nhận ra biểu: không có mẫu nào trong \(library.directory)/ khớp với các mã chỉ tiêu của tệp",
                en: "form not recognised: no template in \(library.directory)/ matches the file's indicator codes"))
            return (nil, [s])
        }

        // Long CSV: one value per line.
        if doc.kind == .csv, var (_, sheet) = sheets.first, let long = LongTable.locate(sheet) {
            if sheet.truncatedAt != nil {
                do { sheet = try doc.readSheet(0, maxRows: maxLongRows) } catch { return failed(error) }
            }
            var subs = LongTable.read(sheet, layout: long, template: t, file: name, csvDelimiterIsSemicolon: doc.csvDelimiterUsed == UInt8(ascii: ";"))
            if let ref = sdmxStructure {
                for i in subs.indices {
                    subs[i].findings.insert(contentsOf: templateFindings, at: 0)
                    subs[i].templateID = ref.id
                    subs[i].templateVersion = ref.version
                    Identification.checkTemplate(&subs[i], t, file: name, sheet: sheet.name)
                }
            }
            if let cut = sheet.truncatedAt {
                let f = Finding(.sheetTooLong, file: name, sheet: sheet.name, cell: CellRef(row: cut, column: 0),
                    vi: "tệp CSV dạng danh sách dài hơn \(maxLongRows) dòng; chỉ đọc đến dòng \(cut). Hãy chia thành nhiều tệp (ví dụ mỗi huyện hoặc mỗi kỳ một tệp)",
                    en: "the long-format CSV has more than \(maxLongRows) rows; reading stopped before row \(cut + 1). Split it into several files (e.g. one per district or period)")
                if subs.isEmpty { subs = [Submission(file: name, sheet: sheet.name)] }
                for i in subs.indices { subs[i].findings.append(f) }
            }
            return (t, subs)
        }

        // Wide table: the sheet with the best header.
        let matcher = HeaderMatcher.shared(for: t)
        // The period as the form, the file name or the title says it: it tells "TH 2023"
        // (the previous year) from "Thực hiện 6 tháng 2024" (the period's actual) and picks
        // the right columns of an old workbook reused.
        let clues = Identification.FileClues(fileName: name, meta: meta)
        let knownPeriod = clues.metaPeriod ?? clues.filePeriod
        var tables: [SheetCandidate] = []
        for (i, sheet) in sheets {
            let hint = knownPeriod ?? Identification.titlePeriod(sheet, matcher: matcher)
            if let h = TableHeader.locate(in: sheet, matcher: matcher, periodYear: hint?.year) {
                tables.append(SheetCandidate(index: i, sheet: sheet, header: h, hint: hint))
            }
        }
        var sheetFindings: [Finding] = []
        if let spec = sheetChoice {
            guard let i = try? doc.sheetIndex(spec) else {
                var s = Submission(file: name, sheet: "")
                s.findings = [Finding(.sheetUndecided, file: name, value: spec, expected: doc.sheets.map(\.name).joined(separator: " | "),
                    vi: "không có trang «\(spec)»; tệp có các trang: \(doc.sheets.map { "«\($0.name)»" }.joined(separator: ", "))",
                    en: "no sheet \"\(spec)\"; the file's sheets: \(doc.sheets.map { "\"\($0.name)\"" }.joined(separator: ", "))")]
                return (t, [s])
            }
            tables = tables.filter { $0.index == i }
        }
        let best: SheetCandidate?
        switch chooseSheet(tables, doc: doc, meta: meta, clues: clues, template: t) {
        case .one(let c, let finding):
            best = c
            if let finding { sheetFindings.append(finding) }
        case .none:
            best = nil
        case .undecided(let finding):
            var s = Submission(file: name, sheet: "")
            s.findings = templateFindings + [finding]
            return (t, [s])
        }
        guard let best else {
            var s = Submission(file: name, sheet: sheets.first.map { doc.sheets[$0.0].name } ?? "")
            s.findings = templateFindings
            s.findings.append(Finding(.tableNotFound, file: name, sheet: s.sheet,
                vi: "không tìm thấy bảng số liệu: cần một dòng tiêu đề có cột \"Mã\" hoặc \"Chỉ tiêu\" và các cột \(t.columns.map { "\"\($0.label(for: Period(year: 2024)))\"" }.joined(separator: ", "))",
                en: "no data table: a header row with \"Mã\" or \"Chỉ tiêu\" and the columns \(t.columns.map { "\"\($0.label(for: Period(year: 2024)))\"" }.joined(separator: ", ")) is needed"))
            return (t, [s])
        }
        let (sheetIndex, sheet, hint) = (best.index, best.sheet, best.hint)
        var header = best.header
        let ignored = header.resolve(template: t, periodYear: hint?.year, sheet: sheet, choices: columnChoices)
        var s = Submission(file: name, sheet: doc.sheets[sheetIndex].name)
        s.findings = templateFindings + sheetFindings
        s.templateID = meta.templateID
        s.templateVersion = meta.version
        s.sheetData = sheet
        s.headerRow = header.row
        s.columnMap = header.columnKeys
        if let enc = legacyFont {
            let font = enc == .tcvn3 ? "TCVN3 (.VnTime, .VnArial…)" : "VNI (VNI-Times…)"
            s.findings.append(Finding(.legacyFontConverted, file: name, sheet: s.sheet, value: font,
                vi: "chữ trong tệp được gõ bằng phông \(font) và đã được chuyển sang Unicode để đọc; nên chuyển cả tệp sang phông Unicode (Times New Roman) trước khi gửi",
                en: "the text was typed in a \(font) font and was converted to Unicode to be read; convert the file to a Unicode font (Times New Roman) before sending"))
        }
        if let cut = sheet.truncatedAt {
            s.findings.append(Finding(.sheetTooLong, file: name, sheet: s.sheet, cell: CellRef(row: cut, column: 0),
                vi: "trang có bảng số liệu dài hơn \(maxRowsPerSheet) dòng có dữ liệu; chỉ đọc đến dòng \(cut), phần từ dòng \(cut + 1) không được đọc. Xoá các dòng thừa dưới bảng hoặc chuyển chúng sang trang khác",
                en: "the table's sheet has more than \(maxRowsPerSheet) rows with data; reading stopped before row \(cut + 1). Delete the rows below the table or move them to another sheet"))
        }
        Identification.identify(&s, sheet: sheet, header: header, meta: meta, template: t, clues: clues, csv: doc.kind == .csv)
        ColumnAudit.run(&s, sheet: sheet, header: header, ignored: ignored, template: t)
        ValueParser.parseRows(&s, sheet: sheet, header: header, template: t, csvSemicolon: doc.kind == .csv && doc.csvDelimiterUsed == UInt8(ascii: ";"), document: doc.kind == .csv ? nil : doc)
        return (t, [s])
    }

    /// A sheet holding a table of the form.
    struct SheetCandidate {
        var index: Int
        var sheet: Sheet
        var header: TableHeader
        /// The period known from the file, else the sheet's title.
        var hint: Period?
    }

    enum SheetChoice {
        case none
        case one(SheetCandidate, Finding?)
        case undecided(Finding)
    }

    /// The sheet holding the report, when exactly one survives the evidence: our own
    /// form's sheet; visible sheets over hidden ones; the period the file name or hidden
    /// sheet gives against each sheet's title; the unit they give, and whether the unit a
    /// title names reports in its period; the sheet the workbook opens on. Never the first
    /// by position: several left is a refusal listing them (choose with `--sheet`).
    func chooseSheet(_ tables: [SheetCandidate], doc: SpreadsheetDocument, meta: Meta, clues: Identification.FileClues,
                     template t: Template) -> SheetChoice {
        guard tables.count > 1 else { return tables.first.map { .one($0, nil) } ?? .none }
        let name = doc.fileName
        if meta.templateID != nil, let form = tables.first(where: { doc.sheets[$0.index].name == FormLayout.formSheet }) {
            return .one(form, nil)
        }
        let matcher = HeaderMatcher.shared(for: t)
        struct Clue { var c: SheetCandidate; var period: Period?; var unit: ReportingUnit?; var visible: Bool }
        let clues_ = tables.map { c -> Clue in
            let p = Identification.titlePeriod(c.sheet, matcher: matcher)
            let date = (p ?? clues.metaPeriod ?? clues.filePeriod)?.referenceDate
            return Clue(c: c, period: p, unit: Identification.titleUnit(c.sheet, above: c.header.row, template: t, on: date),
                        visible: doc.sheets[c.index].visibility == .visible)
        }
        var pool = clues_
        var reasons: [(String, String)] = []
        func narrow(_ keep: (Clue) -> Bool, _ vi: String, _ en: String) {
            let kept = pool.filter(keep)
            if !kept.isEmpty && kept.count < pool.count { pool = kept; reasons.append((vi, en)) }
        }
        narrow({ $0.visible }, "trang đang hiện (các trang ẩn không tính)", "the visible sheet (hidden ones do not count)")
        if let p = clues.metaPeriod ?? clues.filePeriod {
            let yearOnly = clues.metaPeriod == nil && clues.fileBareYear
            narrow({ $0.period.map { yearOnly ? $0.year == p.year : $0 == p } ?? false },
                   "tiêu đề trang ghi đúng kỳ \(p.label(.vi)) của tên tệp", "its title names the file name's period, \(p.label(.en))")
        }
        let fileUnit = meta.unitCode.flatMap { t.unit($0) } ?? Identification.matchUnitInFileName(clues.base, t)
        if let u = fileUnit {
            narrow({ $0.unit.map { $0.code == u.code } ?? false }, "tiêu đề trang ghi đúng đơn vị \(FormBuilder.unitTitle(u)) của tên tệp",
                   "its title names the file name's unit, \(u.name)")
        }
        narrow({ c in
            guard let u = c.unit, let date = (c.period ?? clues.metaPeriod ?? clues.filePeriod)?.referenceDate else { return false }
            return u.level == .province || u.isValid(on: date)
        }, "đơn vị ghi ở tiêu đề trang là đơn vị báo cáo trong kỳ", "the unit its title names reports in the period")
        if pool.count > 1, let active = doc.activeSheet, let a = pool.first(where: { $0.c.index == active }) {
            pool = [a]
            reasons.append(("trang đang mở khi lưu tệp", "the sheet the workbook was saved on"))
        }
        func describe(_ c: Clue, _ lang: Language) -> String {
            var parts: [String] = []
            if let p = c.period { parts.append(p.label(lang)) }
            if let u = c.unit { parts.append(lang == .vi ? FormBuilder.unitTitle(u) : u.name) }
            if !c.visible { parts.append(lang == .vi ? "ẩn" : "hidden") }
            let n = doc.sheets[c.c.index].name
            return parts.isEmpty ? (lang == .vi ? "«\(n)»" : "\"\(n)\"") : (lang == .vi ? "«\(n)» (\(parts.joined(separator: ", ")))" : "\"\(n)\" (\(parts.joined(separator: ", ")))")
        }
        if pool.count == 1 {
            let chosen = pool[0]
            let others = clues_.filter { $0.c.index != chosen.c.index }
            let f = Finding(.sheetChosen, file: name, sheet: doc.sheets[chosen.c.index].name, value: doc.sheets[chosen.c.index].name,
                expected: others.map { doc.sheets[$0.c.index].name }.joined(separator: " | "),
                vi: "tệp có \(clues_.count) trang có bảng số liệu; đọc trang \(describe(chosen, .vi)) vì: \(reasons.map(\.0).joined(separator: "; ")). Không đọc: \(others.map { describe($0, .vi) }.joined(separator: ", "))",
                en: "\(clues_.count) sheets hold a table; read \(describe(chosen, .en)) because: \(reasons.map(\.1).joined(separator: "; ")). Not read: \(others.map { describe($0, .en) }.joined(separator: ", "))")
            return .one(chosen.c, f)
        }
        let listed = pool.map { describe($0, .vi) }.joined(separator: ", ")
        let listedEN = pool.map { describe($0, .en) }.joined(separator: ", ")
        let example = doc.sheets[pool.last!.c.index].name
        return .undecided(Finding(.sheetUndecided, file: name, value: pool.map { doc.sheets[$0.c.index].name }.joined(separator: " | "),
            vi: "tệp có \(pool.count) trang cùng có bảng số liệu của biểu: \(listed); không có căn cứ cho biết trang nào là báo cáo, nên không đọc trang nào. Để lại một trang trong tệp, hoặc chọn khi kiểm tra: --sheet \"\(example)\"",
            en: "\(pool.count) sheets hold the form's table: \(listedEN); nothing shows which one is the report, so none was read. Keep one sheet in the file, or choose: --sheet \"\(example)\""))
    }

    /// Candidate sheets: the form sheet first, then visible worksheets, then hidden ones.
    func candidateSheets(_ doc: SpreadsheetDocument) -> [Int] {
        var order = doc.sheets.indices.filter { doc.sheets[$0].kind == .worksheet && doc.sheets[$0].name != FormLayout.metaSheet
            && doc.sheets[$0].name != FormLayout.instructionsSheet }
        order.sort { (doc.sheets[$0].name == FormLayout.formSheet ? 0 : doc.sheets[$0].visibility == .visible ? 1 : 2)
            < (doc.sheets[$1].name == FormLayout.formSheet ? 0 : doc.sheets[$1].visibility == .visible ? 1 : 2) }
        return order
    }

    /// Opens a workbook and reads the sheets ``read(_:)`` reads, in its order and with its
    /// row cap, keeping them in the document for it. Nil for anything but XLSX and on any
    /// error: such a file is then read as usual, from the start, so what it reports is
    /// what it always reported (a sheet read twice would count twice against the limits).
    public func readAhead(path: String) -> SpreadsheetDocument? {
        guard let doc = try? SpreadsheetDocument(path: path, displayName: path, limits: limits), doc.kind == .xlsx else { return nil }
        do {
            if let i = doc.sheets.firstIndex(where: { $0.name == FormLayout.metaSheet }) { try doc.keepSheet(i, maxRows: maxRowsPerSheet) }
            for i in candidateSheets(doc) { try doc.keepSheet(i, maxRows: maxRowsPerSheet) }
        } catch { return nil }
        return doc
    }

    /// Builds what every file read with this reader's template shares (the header matcher,
    /// the unit index) now rather than in the first file's check.
    public func prepare() {
        guard let t = template else { return }
        _ = HeaderMatcher.shared(for: t)
        _ = Identification.unitIndex(t)
    }

    /// The template in the library whose indicator codes appear most in the sheets.
    func bestTemplate(for sheets: [Sheet]) -> Template? {
        var codes = Set<String>()
        for sheet in sheets {
            for r in sheet.rows.prefix(400) {
                for c in r.cells {
                    if let t = c.value.text?.trimmedSpaces.uppercased(), t.count <= 12 { codes.insert(t) }
                }
            }
        }
        // Most codes found; between templates sharing codes (CS01, KT01…), the one whose
        // codes the file covers most completely.
        var best: (Template, Int, Double)? = nil
        for t in library.all() {
            let n = t.indicators.filter { codes.contains($0.code) }.count
            let share = Double(n) / Double(max(1, t.indicators.count))
            if n > 0, n > (best?.1 ?? 0) || (n == best?.1 && share > best!.2) { best = (t, n, share) }
        }
        return best?.0
    }
}

