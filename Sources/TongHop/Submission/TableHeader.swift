import SheetIO

/// Where the header row is and what each column holds.
struct TableHeader {
    var row: Int
    /// Column key ("code", "name", "unit", "stt", "note", a value or comparison key) → 0-based column.
    var columnKeys: [String: Int]
    var values: [String: Int]
    var comparisons: [String: Int]
    var code: Int?
    var name: Int?
    var unit: Int?
    var note: Int?
    var score: Int
    /// Years mentioned in value headers (to infer the period).
    var years: [String: Int]
    /// Every value column a header could mean, in sheet order: an old workbook reused
    /// carries "TH 2022" and "KH 2023" beside the right ones.
    var candidates: [String: [Candidate]] = [:]
    /// The text of every header cell of the row (joined with a group heading above).
    var texts: [Int: String] = [:]
    /// Plan-like columns that name none of the template's several plans.
    var undecidedPlans: [Int] = []
    /// Value keys with several equally good columns holding different figures (after
    /// ``resolve(template:periodYear:sheet:choices:)``): none of them is read.
    var undecided: [String: [Candidate]] = [:]

    struct Candidate { var column: Int; var year: Int?; var byMeaning: Bool }

    /// A recognised value column left unused, and why.
    struct Ignored { var column: Int; var key: String; var text: String; var hidden: Bool; var year: Int? }

    /// Scans the first 40 rows; a header cell's text is its own, or the merged range's,
    /// joined with the cell above when that is a group heading ("So sánh (%)" over "ƯTH/KH",
    /// "Năm 2024" over "Kế hoạch | Ước TH"). A header no label or alias matches is read by
    /// its words (``HeaderMatcher/semanticRole(_:year:periodYear:)``).
    static func locate(in sheet: Sheet, matcher: HeaderMatcher, periodYear: Int?) -> TableHeader? {
        var best: TableHeader? = nil
        let t = matcher.template
        let rows = sheet.rows.prefix(40)
        // Each row's header texts once (a row is also the row above the next one).
        let width = min(60, rows.map { $0.cells.last?.column ?? 0 }.max() ?? 0) + 1
        // The merges that reach the scanned rows, in the sheet's order (the first one
        // containing a cell wins, as in `Sheet.mergedRange(containing:)`).
        let lastScanned = rows.last?.index ?? 0
        let merges = sheet.mergedRanges.filter { $0.first.row <= lastScanned }
        // The last two rows' texts (a row is asked for, then as the row above the next one).
        var recent: [(index: Int, texts: [String?])] = []
        func texts(_ r: Int) -> [String?] {
            if let hit = recent.first(where: { $0.index == r }) { return hit.texts }
            let row = rowTexts(sheet, r, width: width, merges: merges)
            if recent.count == 2 { recent.removeFirst() }
            recent.append((r, row))
            return row
        }
        for row in rows {
            let r = row.index
            var h = TableHeader(row: r, columnKeys: [:], values: [:], comparisons: [:], score: 0, years: [:])
            let lastCol = row.cells.last?.column ?? 0
            let here = texts(r), columns = 0...min(lastCol, 60)
            // Header labels are short; titles and long names are not worth matching.
            func label(_ c: Int) -> String? { here[c].flatMap { $0.utf8.count <= 160 ? $0 : nil } }
            // Only a row with a "Mã" or "Chỉ tiêu" header can be the header (the guard after
            // the loop drops any other, and only a cell's own role can be code or name): the
            // title lines and the data rows are passed over on one lookup a cell.
            guard columns.contains(where: { label($0).map(HeaderMatcher.isCodeOrName) ?? false }) else { continue }
            let aboveRow = texts(r - 1)
            // Without a period from elsewhere, the plan's year is the report's ("Kế hoạch năm
            // 2024" beside "Thực hiện đến 30/6/2023" and "… 30/6/2024").
            let periodYear = periodYear ?? columns.compactMap { c -> Int? in
                guard let text = label(c), let y = HeaderMatcher.year(in: text),
                      HeaderMatcher.semanticRole(text, year: y, periodYear: nil) == .plan else { return nil }
                return y
            }.max()
            var rowTexts: [(Int, String)] = []
            for c in columns {
                guard var text = label(c) else { continue }
                let above = aboveRow[c].flatMap { $0 != text ? $0 : nil }
                let info = matcher.info(of: text)
                var role = info.role
                if role == nil || role == .name, let above, info.mayCompare || matcher.info(of: above).mayCompare {
                    let joined = above + " " + text
                    if let r2 = matcher.role(of: joined), case .comparison = r2 { role = r2; text = joined }
                }
                rowTexts.append((c, above.map { HeaderMatcher.year(in: $0) != nil && HeaderMatcher.year(in: text) == nil ? $0 + " " + text : text } ?? text))
                var byMeaning = false
                let year = HeaderMatcher.year(in: text) ?? above.flatMap(HeaderMatcher.year(in:))
                if role == nil, let meant = HeaderMatcher.semanticRole(text, year: year, periodYear: periodYear) {
                    if meant == .plan && t.planColumns.count > 1 {
                        // Several plans: the header's words say which, or it is undecided.
                        if let key = HeaderMatcher.planKey(for: text, template: t) { role = .value(key) } else { h.undecidedPlans.append(c) }
                    } else if let col = t.columns.first(where: { $0.role == meant }) {
                        role = .value(col.key)
                    }
                    byMeaning = role != nil
                } else if case .value(let k)? = role, t.planColumns.count > 1, t.column(k)?.role == .plan {
                    // Several plans: the header's source words decide ("KH", "Kế hoạch 2024"
                    // name none: undecided, never taken for the first plan by default).
                    if let named = HeaderMatcher.planKey(for: text, template: t) { role = .value(named) } else { role = nil; h.undecidedPlans.append(c) }
                }
                // A label matched regardless of its year ("Thực hiện năm #"): the year against
                // the period tells the period's actual from last year's.
                if case .value(let k)? = role, !byMeaning, let y = year, let py = periodYear, let col = t.column(k) {
                    let l = VietFold.loose(text)
                    let saysPrevious = l.utf8Contains("cung ky") || l.utf8Contains("nam truoc")
                    let saysEstimate = l.utf8Contains("uoc") || l.split(separator: " ").contains("uth")
                    if col.role == .previous && y == py && !saysPrevious, let e = t.estimateColumn { role = .value(e.key) }
                    else if col.role == .estimate && y == py - 1 && !saysEstimate, let p = t.previousColumn { role = .value(p.key) }
                }
                guard let role else { continue }
                switch role {
                case .stt: h.columnKeys["stt"] = c
                case .code: if h.code == nil { h.code = c; h.columnKeys["code"] = c; h.score += 3 }
                case .name: if h.name == nil { h.name = c; h.columnKeys["name"] = c; h.score += 3 }
                case .unit: if h.unit == nil { h.unit = c; h.columnKeys["unit"] = c; h.score += 1 }
                case .note: h.note = c; h.columnKeys["note"] = c
                case .value(let k):
                    if h.candidates[k] == nil { h.score += 2 }
                    h.candidates[k, default: []].append(Candidate(column: c, year: year, byMeaning: byMeaning))
                case .comparison(let k):
                    if h.comparisons[k] == nil { h.comparisons[k] = c; h.columnKeys[k] = c; h.score += 1 }
                }
            }
            // Only a row that can be the header keeps its texts.
            guard h.code != nil || h.name != nil else { continue }
            h.texts = Dictionary(rowTexts, uniquingKeysWith: { _, b in b })
            // One undecided plan column and one plan left without a column: that one. Two or
            // more undecided ones are never mapped to one plan (ColumnAudit reports them).
            let free = t.planColumns.filter { h.candidates[$0.key] == nil }
            if h.undecidedPlans.count == 1, let p = free.first {
                h.candidates[p.key] = [Candidate(column: h.undecidedPlans[0], year: HeaderMatcher.year(in: h.texts[h.undecidedPlans[0]] ?? ""), byMeaning: true)]
                h.score += 2
                h.undecidedPlans = []
            }
            guard h.code != nil || h.name != nil, !h.candidates.isEmpty || !h.undecidedPlans.isEmpty else { continue }
            if h.score > (best?.score ?? 0) { best = h }
        }
        return best
    }

    /// Chooses one column per value key among the candidates: a visible column before a
    /// hidden one, then the one whose year fits the period (the estimate and plan the
    /// period's year, the previous column the year before), then one whose header says it
    /// is the latest revision ("cập nhật", "điều chỉnh", "lần 2"), then an exact label
    /// before a header read by its words. Candidates still tied are one reading only when
    /// they hold the same figures; otherwise the key is left without a column and listed in
    /// ``undecided`` (never the first by position). `choices` (role key → words of a
    /// header, from `--column`) narrows the candidates first. Returns the candidates left unused.
    mutating func resolve(template t: Template, periodYear: Int?, sheet: Sheet, choices: [String: String] = [:]) -> [Ignored] {
        var ignored: [Ignored] = []
        // Without a period from elsewhere: the latest year among the estimate and plan headers.
        let current = periodYear ?? t.columns.filter { $0.role != .previous }.flatMap { candidates[$0.key] ?? [] }.compactMap(\.year).max()
        for col in t.columns {
            guard var list = candidates[col.key], !list.isEmpty else { continue }
            if let choice = choices[col.key] {
                // A column letter ("H"), else words of the header ("cập nhật T12").
                let byLetter = list.filter { CellRef.columnName($0.column) == choice.uppercased() }
                let want = VietFold.loose(choice)
                let picked = byLetter.isEmpty ? list.filter { VietFold.loose(texts[$0.column] ?? "").utf8Contains(want) } : byLetter
                if !picked.isEmpty { list = picked }
            }
            let want = current.map { col.role == .previous ? $0 - 1 : $0 }
            // Lexicographic rank, smaller is better: hidden, year fit, no revision words, read by meaning.
            let singleUnsourcedPlan = col.role == .plan && t.planColumns.count == 1 && col.source == nil
            func rank(_ c: Candidate) -> Int {
                let text = texts[c.column] ?? ""
                let hidden = sheet.isHidden(column: c.column) ? 1 : 0
                let yearFit = c.year == nil ? 1 : (want == nil || c.year == want ? 0 : 2)
                // A header whose own words say the role ("Cùng kỳ năm trước") before one that
                // only fits a label's shape ("Thực hiện"); the form's single plan is the one the
                // province, which receives the form, assigned ("KH tỉnh giao" before "KH huyện giao").
                let says = HeaderMatcher.semanticRole(text, year: c.year, periodYear: want.map { col.role == .previous ? $0 + 1 : $0 }) == col.role ? 0 : 1
                let source = singleUnsourcedPlan && !VietFold.loose(text).utf8Contains("tinh giao") ? 1 : 0
                let revision = TableHeader.saysLatestRevision(text) ? 0 : 1
                return hidden * 100_000 + yearFit * 10_000 + source * 1000 + says * 100 + revision * 10 + (c.byMeaning ? 1 : 0)
            }
            let best = list.map(rank).min()!
            let tied = list.filter { rank($0) == best }
            if tied.count > 1 && !TableHeader.sameFigures(tied.map { $0.column }, below: row, in: sheet) {
                undecided[col.key] = tied
                for c in list {
                    ignored.append(Ignored(column: c.column, key: col.key, text: texts[c.column] ?? "", hidden: sheet.isHidden(column: c.column), year: c.year))
                }
                continue
            }
            let chosen = tied[0]
            values[col.key] = chosen.column
            columnKeys[col.key] = chosen.column
            if let y = chosen.year { years[col.key] = y }
            for c in list where c.column != chosen.column {
                ignored.append(Ignored(column: c.column, key: col.key, text: texts[c.column] ?? "", hidden: sheet.isHidden(column: c.column), year: c.year))
            }
        }
        // "Cùng kỳ năm trước | … | Thực hiện": a bare "Thực hiện" left over once the previous
        // year's column is taken is the period's actual, when the estimate has no column.
        if let est = t.estimateColumn, values[est.key] == nil, undecided[est.key] == nil {
            let spare = ignored.indices.filter { i in
                let g = ignored[i]
                let l = VietFold.loose(g.text)
                return t.column(g.key)?.role == .previous && !g.hidden && g.year == nil
                    && (l == "thuc hien" || l == "th" || l == "so thuc hien")
            }
            if spare.count == 1 {
                let g = ignored.remove(at: spare[0])
                values[est.key] = g.column
                columnKeys[est.key] = g.column
            }
        }
        return ignored
    }

    /// Words that mark a column as the latest of several estimates: "cập nhật", "điều
    /// chỉnh", "chính thức", "lần 2", "lần 3", "mới nhất".
    static func saysLatestRevision(_ text: String) -> Bool {
        let l = " " + VietFold.loose(text) + " "
        return ["cap nhat", "dieu chinh", "chinh thuc", "lan 2", "lan 3", "lan cuoi", "moi nhat", "bo sung"].contains { l.utf8Contains($0) }
    }

    /// Whether columns hold the same cell values in every row under the header (two copies
    /// of one column are one reading).
    static func sameFigures(_ columns: [Int], below header: Int, in sheet: Sheet) -> Bool {
        for r in sheet.rows where r.index > header {
            let first = r[column: columns[0]]?.value ?? .empty
            for c in columns.dropFirst() where (r[column: c]?.value ?? .empty) != first { return false }
        }
        return true
    }

    /// ``headerText(_:_:_:)`` of columns 0..<width of row `r`, reading the row's cells in
    /// one pass (two searches of the sheet per cell were a fifth of locating the header);
    /// `merges` must hold every merge that can contain a cell of the row, in sheet order.
    static func rowTexts(_ sheet: Sheet, _ r: Int, width: Int, merges: [CellRange]) -> [String?] {
        var out = [String?](repeating: nil, count: width)
        guard r >= 0 else { return out }
        var present = [Bool](repeating: false, count: width)
        if let at = sheet.rowPosition(r) {
            for cell in sheet.rows[at].cells where cell.column < width && !present[cell.column] {
                present[cell.column] = true
                out[cell.column] = headerText(of: cell.value)
            }
        }
        for c in 0..<width where !present[c] {
            let ref = CellRef(row: r, column: c)
            guard let m = merges.first(where: { $0.contains(ref) }), let v = sheet.cell(at: m.first)?.value else { continue }
            out[c] = headerText(of: v)
        }
        return out
    }

    private static func headerText(of v: CellValue) -> String? {
        guard case .text(let t) = v else { return nil }
        var trimmed = t.trimmedSpaces
        if trimmed.utf8Contains("\n") { trimmed = trimmed.replacingOccurrences(of: "\n", with: " ") }
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The header text of one cell: its own text, or the text of the merge it lies in.
    /// (The definition ``rowTexts`` follows a row at a time; its test compares the two.)
    static func headerText(_ sheet: Sheet, _ r: Int, _ c: Int) -> String? {
        guard r >= 0 else { return nil }
        var ref = CellRef(row: r, column: c)
        if sheet.cell(at: ref) == nil, let m = sheet.mergedRange(containing: ref) { ref = m.first }
        return sheet.cell(at: ref).flatMap { headerText(of: $0.value) }
    }
}
