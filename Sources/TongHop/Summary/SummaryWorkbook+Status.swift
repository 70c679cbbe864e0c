import Foundation
import SheetIO

extension SummaryWorkbook {
    /// Kết quả kiểm tra: the warnings and notes kept at import, one row per finding.
    static func writeFindings(_ ws: Worksheet, _ d: SummaryData, _ w: PaperWords) throws {
        let headers = [w("Đơn vị", "Unit"), w("Tệp", "File"), w("Mã", "Code"), w("Mức", "Level"), w("Ô", "Cell"), w("Chỉ tiêu", "Indicator"),
                       w("Cột", "Column"), w("Giá trị ghi", "Value written"), w("Nội dung", "Message")]
        let widths: [Double] = [18, 22, 7, 10, 7, 9, 12, 14, 52]
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 8)),
                     text: w("CẢNH BÁO VÀ THÔNG TIN KHI NHẬP SỐ LIỆU (các tệp có lỗi không được nhập)", "WARNINGS AND NOTES AT IMPORT (files with errors are not imported)"),
                     bold.with { $0.fontSize = 13 })
        for (i, h) in headers.enumerated() { try ws.write(2, i, text: h, header) }
        try ws.setRow(2, height: PaperLayout.rowHeight(zip(headers, widths).map { ($0, $1, 11) }, minimum: 18, bold: true))
        for (i, width) in widths.enumerated() { try ws.setColumns(i, i, width: width) }
        for (i, x) in d.findings.enumerated() {
            let r = 3 + i
            let f = x.finding
            let unit = d.template.unit(x.unit, for: d.period)?.name ?? x.unit, file = (x.file as NSString).lastPathComponent
            let message = f.message(w.lang)
            // The column by its printed header, not our key ("estimate").
            let column = f.column.map { d.template.column($0)?.label(for: d.period, w.lang) ?? $0 } ?? ""
            try ws.setRow(r, height: PaperLayout.rowHeight([(unit, widths[0], 11), (file, widths[1], 11), (column, widths[6], 11), (f.value ?? "", widths[7], 11), (message, widths[8], 11)]))
            try ws.write(r, 0, text: unit, cell)
            try ws.write(r, 1, text: file, cell)
            try ws.write(r, 2, text: f.code, centered)
            try ws.write(r, 3, text: f.severity == .warning ? w("Cảnh báo", "Warning") : f.severity == .info ? w("Thông tin", "Note") : w("Lỗi", "Error"), centered)
            try ws.write(r, 4, text: f.cell ?? "", centered)
            try ws.write(r, 5, text: f.indicator ?? "", centered)
            try ws.write(r, 6, text: column, centered)
            try ws.write(r, 7, text: f.value ?? "", cell)
            try ws.write(r, 8, text: message, cell)
        }
        if d.findings.isEmpty { try ws.write(3, 0, text: w("Không có cảnh báo.", "No warnings."), base.with { $0.italic = true }) }
        // The province's follow-up of anomalies: what was confirmed, asked, corrected, answered.
        if !d.followUps.isEmpty {
            var r = 3 + max(d.findings.count, 1) + 1
            try ws.merge(CellRange(first: CellRef(row: r, column: 0), last: CellRef(row: r, column: 8)),
                         text: w("THEO DÕI SỐ LIỆU BẤT THƯỜNG (\(d.followUps.count) giá trị)", "FOLLOW-UP OF ANOMALIES (\(d.followUps.count) values)"),
                         bold.with { $0.fontSize = 12 })
            r += 1
            let heads = [w("Đơn vị", "Unit"), w("Người ghi", "By"), w("Thời gian", "When"), w("Việc", "Step"), "", w("Chỉ tiêu", "Indicator"),
                         w("Cột", "Column"), w("Giá trị", "Value"), w("Lý do, câu hỏi, trả lời", "Reason, question, answer")]
            for (i, h) in heads.enumerated() { try ws.write(r, i, text: h, header) }
            for f in d.followUps {
                r += 1
                let unit = d.template.unit(f.unit, for: d.period)?.name ?? f.unit
                let when = UnitStatus.localTime(f.at), value = f.value.map { VietNumber.format($0, decimals: 3, w.lang) } ?? ""
                let column = d.template.column(f.column)?.label(for: d.period, w.lang) ?? f.column
                try ws.setRow(r, height: PaperLayout.rowHeight([(unit, widths[0], 11), (f.note, widths[8], 11), (f.state.label(w.lang), widths[3] + widths[4], 11), (column, widths[6], 11)]))
                try ws.write(r, 0, text: unit, cell)
                try ws.write(r, 1, text: f.account ?? "", cell)
                try ws.write(r, 2, text: when, cell)
                try ws.merge(CellRange(first: CellRef(row: r, column: 3), last: CellRef(row: r, column: 4)), text: f.state.label(w.lang), cell)
                try ws.write(r, 5, text: f.indicator, centered)
                try ws.write(r, 6, text: column, centered)
                try ws.write(r, 7, text: value, cell)
                try ws.write(r, 8, text: f.note, cell)
            }
        }
        ws.freezePanes(row: 3, col: 0)
        try printSetup(ws, repeat: 2...2, d, w)
    }

    /// Tình hình nộp: who sent what, when, against the deadline.
    static func writeStatus(_ ws: Worksheet, _ d: SummaryData, _ w: PaperWords) throws {
        let received = d.status.filter(\.received).count
        let widths: [Double] = [5, 8, 22, 13, 7, 16, 22, 8, 8, 30, 7]
        try ws.merge(CellRange(first: CellRef(row: 0, column: 0), last: CellRef(row: 0, column: 8)),
                     text: w("TÌNH HÌNH NỘP BÁO CÁO — \(d.period.label().uppercased()): \(received)/\(d.status.count) đơn vị (\(VietNumber.format(d.completeness * 100, decimals: 1))%)",
                             "SUBMISSIONS — \(d.period.label(.en).uppercased()): \(received) of \(d.status.count) units (\(String(format: "%.1f", d.completeness * 100))%)"),
                     bold.with { $0.fontSize = 13 })
        let due = d.template.deadline(for: d.period)
        if let due {
            let late = d.status.filter { $0.daysLate != nil }.count
            try ws.merge(CellRange(first: CellRef(row: 1, column: 0), last: CellRef(row: 1, column: 8)),
                         text: w("Hạn nộp: \(UnitStatus.vietDate(due)) — \(late) đơn vị nộp muộn hoặc quá hạn chưa nộp", "Deadline: \(UnitStatus.vietDate(due)) — \(late) units late or overdue"),
                         cell.with { $0.border = .none; $0.italic = true })
        }
        let headers = [w("STT", "No."), w("Mã ĐV", "Unit code"), w("Đơn vị", "Unit"), w("Trạng thái", "Status"), w("Lần nộp", "Revision"),
                       w("Thời gian nhập (giờ Việt Nam)", "Imported (Viet Nam time)"), w("Tệp", "File"), w("Cảnh báo", "Warnings"), w("Thông tin", "Notes"),
                       w("Tệp bị từ chối", "Rejected file"), w("Muộn (ngày)", "Days late")]
        for (i, h) in headers.enumerated() { try ws.write(2, i, text: h, header) }
        try ws.setRow(2, height: PaperLayout.rowHeight(zip(headers, widths).map { ($0, $1, 11) }, minimum: 18, bold: true))
        for (i, width) in widths.enumerated() { try ws.setColumns(i, i, width: width) }
        let missing = centered.with { $0.fontColor = 0xC00000; $0.bold = true }
        for (i, s) in d.status.enumerated() {
            let r = 3 + i
            let name = s.unit.level == .provincePart ? s.unit.name : FormBuilder.unitTitle(s.unit)
            let state = s.received ? (s.rejection != nil ? w("Đã nộp; tệp mới bị từ chối", "Received; a later file rejected") : w("Đã nộp", "Received"))
                : (s.rejection != nil ? w("Tệp bị từ chối", "File rejected") : w("Chưa nộp", "Missing"))
            let file = s.submission.map { ($0.fileName as NSString).lastPathComponent } ?? ""
            let rejection = s.rejection.map { rej in
                "\(UnitStatus.localTime(rej.rejectedAt)) — \((rej.fileName as NSString).lastPathComponent): " + w("\(rej.errors) lỗi; lỗi đầu: ", "\(rej.errors) errors; first: ") + rej.firstError
            } ?? ""
            try ws.setRow(r, height: PaperLayout.rowHeight([(name, widths[2], 11), (state, widths[3], 11), (file, widths[6], 11), (rejection, widths[9], 9)]))
            try ws.write(r, 0, number: Double(i + 1), centered)
            try ws.write(r, 1, text: s.unit.level == .provincePart ? "" : s.unit.code, centered)
            try ws.write(r, 2, text: name, cell)
            try ws.write(r, 3, text: state, s.received && s.rejection == nil ? centered : missing.with { $0.wrap = true })
            if let sub = s.submission {
                try ws.write(r, 4, number: Double(sub.revision), centered)
                try ws.write(r, 5, text: UnitStatus.localTime(sub.importedAt), centered)
                try ws.write(r, 6, text: file, cell)
                try ws.write(r, 7, number: Double(sub.warnings), centered)
                try ws.write(r, 8, number: Double(sub.infos), centered)
            } else {
                for k in 4...8 { try ws.writeBlank(r, k, cell) }
            }
            if s.rejection != nil {
                try ws.write(r, 9, text: rejection, cell.with { $0.fontSize = 9; $0.fontColor = 0xC00000 })
            } else {
                try ws.writeBlank(r, 9, cell)
            }
            // Days past the deadline (a unit still missing: as of today).
            if let late = s.daysLate { try ws.write(r, 10, number: Double(late), missing) }
            else { try ws.writeBlank(r, 10, centered) }
        }
        ws.freezePanes(row: 3, col: 0)
        try printSetup(ws, repeat: 2...2, d, w)
    }
}
