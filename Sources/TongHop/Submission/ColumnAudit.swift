import SheetIO

/// Makes sure no column of numbers is dropped silently: a column of the table holding
/// numbers under a header that maps to no template column is a finding naming the header,
/// its cells and the columns the template expects (an error while a template column is
/// missing — the officer's plan may sit there — else a warning); a template column the
/// table lacks is one finding for the column, not one per row; a recognised column left
/// unused (another year, hidden) is information.
enum ColumnAudit {
    static func run(_ s: inout Submission, sheet: Sheet, header: TableHeader, ignored: [TableHeader.Ignored], template t: Template) {
        let period = s.period ?? Period(year: header.years.values.max() ?? 2024)
        let file = s.file, sheetName = s.sheet
        func label(_ c: ValueColumn) -> String { "«\(c.label(for: period))»" }
        func colName(_ c: Int) -> String { CellRef.columnName(c) }

        // The table's rows: those under the header with a code or a name (not the
        // numbering row "(1) (2) (3)" right under the header).
        let rows = sheet.rows.filter { r in
            guard r.index > header.row else { return false }
            let code = header.code.flatMap { r[column: $0] }.map { CellText.csv($0.value).trimmedSpaces } ?? ""
            let name = header.name.flatMap { r[column: $0] }.map { CellText.csv($0.value).trimmedSpaces } ?? ""
            if r.index == header.row + 1, code.count <= 1, name.count <= 1 { return false }
            return !code.isEmpty || !name.isEmpty
        }
        // Plan-like columns that say neither which plan: never guessed.
        for c in header.undecidedPlans {
            let text = header.texts[c] ?? ""
            let names = t.planColumns.map { "«\($0.label(for: period))» (\($0.planName))" }.joined(separator: ", ")
            s.findings.append(Finding(.planUndecided, file: file, sheet: sheetName, cell: CellRef(row: header.row, column: c), value: text,
                expected: t.planColumns.map { $0.label(for: period) }.joined(separator: " | "),
                vi: "cột «\(text)» (cột \(colName(c))) là cột kế hoạch nhưng không rõ là kế hoạch nào trong \(names); số liệu cột này chưa được đọc. Ghi rõ tiêu đề, ví dụ «\(t.planColumns[0].label(for: period))»",
                en: "column \"\(text)\" (\(colName(c))) is a plan column but names none of the plans (\(t.planColumns.map { $0.planName }.joined(separator: ", "))); its figures were not read. Name it, e.g. \"\(t.planColumns[0].label(for: period))\""))
        }
        // Several columns equally fit for one template column, holding different figures:
        // never the first by position.
        for (key, list) in header.undecided.sorted(by: { $0.key < $1.key }) {
            guard let col = t.column(key) else { continue }
            let named = list.map { "«\(header.texts[$0.column] ?? "")» (cột \(colName($0.column)))" }.joined(separator: ", ")
            let namedEN = list.map { "\"\(header.texts[$0.column] ?? "")\" (\(colName($0.column)))" }.joined(separator: ", ")
            s.findings.append(Finding(.columnUndecided, file: file, sheet: sheetName, cell: CellRef(row: header.row, column: list[0].column), column: key,
                value: list.map { header.texts[$0.column] ?? colName($0.column) }.joined(separator: " | "), expected: col.label(for: period),
                vi: "có \(list.count) cột cùng có thể là cột \(label(col)): \(named), với số liệu khác nhau; không cột nào được đọc. Xoá cột không dùng, ghi «cập nhật» vào tiêu đề cột mới nhất, hoặc chọn cột khi kiểm tra, ví dụ --column \(key)=\(colName(list.last!.column))",
                en: "\(list.count) columns could each be \"\(col.label(for: period))\": \(namedEN), holding different figures; none was read. Delete the unused one, mark the latest with \"cập nhật\", or choose the column, e.g. --column \(key)=\(colName(list.last!.column))"))
        }
        let used = Set(header.columnKeys.values).union(header.undecidedPlans).union(header.undecided.values.flatMap { $0.map(\.column) })
        let ignoredColumns = Set(ignored.map(\.column))
        let left = max(header.code ?? -1, header.name ?? -1, header.unit ?? -1)
        var unmapped: [(column: Int, text: String, first: Int, last: Int, count: Int)] = []
        let lastColumn = rows.compactMap { $0.cells.last?.column }.max() ?? -1
        if lastColumn > left {
            for c in (left + 1)...lastColumn where !used.contains(c) && !ignoredColumns.contains(c) {
                var count = 0, first = Int.max, last = -1
                for r in rows {
                    guard let cell = r[column: c], isNumber(cell.value) else { continue }
                    count += 1
                    first = min(first, r.index)
                    last = max(last, r.index)
                }
                if count >= 2 || (count >= 1 && rows.count <= 2) {
                    unmapped.append((c, header.texts[c] ?? "", first, last, count))
                }
            }
        }

        let missing = t.columns.filter { header.values[$0.key] == nil }
        // Made only when a finding says it (filling the labels was 4 % of validating a batch).
        var expected: String { t.columns.map(label).joined(separator: ", ") }
        for u in unmapped {
            let cells = "\(colName(u.column))\(u.first + 1):\(colName(u.column))\(u.last + 1)"
            let title = u.text.isEmpty ? "cột \(colName(u.column)) (không có tiêu đề)" : "cột «\(u.text)»"
            let titleEN = u.text.isEmpty ? "column \(colName(u.column)) (no header)" : "column \"\(u.text)\""
            let ref = CellRef(row: header.row, column: u.column)
            if let want = missing.first {
                s.findings.append(Finding(.unrecognisedColumn, file: file, sheet: sheetName, cell: ref, value: u.text,
                    expected: want.label(for: period),
                    vi: "\(title) (\(cells), \(u.count) số) có số liệu nhưng tiêu đề không khớp cột nào của mẫu; mẫu cần các cột \(expected) và đang thiếu \(missing.map(label).joined(separator: ", ")). Nếu đây là cột \(label(want)), hãy sửa tiêu đề thành \(label(want)); số liệu cột này chưa được đọc",
                    en: "\(titleEN) (\(cells), \(u.count) numbers) holds figures but its header matches no template column; the template expects \(t.columns.map { "\"\($0.label(for: period))\"" }.joined(separator: ", ")) and lacks \(missing.map { "\"\($0.label(for: period))\"" }.joined(separator: ", ")). If this is \"\(want.label(for: period))\", rename the header; its figures were not read"))
            } else {
                s.findings.append(Finding(.extraNumberColumn, file: file, sheet: sheetName, cell: ref, value: u.text,
                    vi: "\(title) (\(cells), \(u.count) số) không phải cột của mẫu (\(expected)); số liệu cột này không được đọc",
                    en: "\(titleEN) (\(cells), \(u.count) numbers) is not a template column; its figures were not read"))
            }
        }
        for m in missing {
            s.columnsReportedMissing.insert(m.key)
            if !unmapped.isEmpty { continue }  // said above, with the column that may hold it
            if m.role == .plan && !header.undecidedPlans.isEmpty { continue }  // E109 says it
            if header.undecided[m.key] != nil { continue }  // E008 says it
            let isEstimate = m.key == t.estimateColumn?.key
            s.findings.append(Finding(isEstimate ? .columnMissing : .optionalColumnMissing, file: file, sheet: sheetName,
                cell: CellRef(row: header.row, column: 0), column: m.key, expected: m.label(for: period),
                vi: "bảng không có cột \(label(m)) (mẫu cần các cột \(expected))",
                en: "the table has no column \"\(m.label(for: period))\" (the template expects \(t.columns.map { "\"\($0.label(for: period))\"" }.joined(separator: ", ")))"))
        }
        for g in ignored where header.undecided[g.key] == nil {
            guard let col = t.column(g.key), let chosen = header.values[g.key] else { continue }
            let wantYear = col.role == .previous ? period.year - 1 : period.year
            let badYear = g.year.flatMap { $0 != wantYear ? $0 : nil }
            let why = g.hidden ? "cột ẩn" : badYear.map { "năm \($0) không khớp kỳ \(period.label(.vi))" } ?? "đã có cột khác khớp hơn"
            let whyEN = g.hidden ? "a hidden column" : badYear.map { "year \($0) does not fit \(period.label(.en))" } ?? "another column fits better"
            s.findings.append(Finding(.columnIgnored, file: file, sheet: sheetName, cell: CellRef(row: header.row, column: g.column), column: g.key,
                value: g.text, expected: col.label(for: period),
                vi: "cột «\(g.text)» (cột \(colName(g.column))) không dùng (\(why)); cột \(label(col)) lấy ở cột \(colName(chosen))",
                en: "column \"\(g.text)\" (\(colName(g.column))) not used (\(whyEN)); \"\(col.label(for: period))\" is read from column \(colName(chosen))"))
        }
    }

    /// A number, or text that reads as one ("2.450", "52,9", "8.200 tấn").
    static func isNumber(_ v: CellValue) -> Bool {
        switch v {
        case .number: return true
        case .text(let x):
            guard let p = VietNumber.parse(x, convention: .vi) else { return false }
            if case .number = p.value { return true }
            return false
        default: return false
        }
    }
}
