import Foundation

/// The findings table of an annotated copy, the same words whether the copy is annotated
/// in place (``PackageAnnotator``) or rebuilt from a CSV or .xls file (``Annotator``):
/// "BẢN KIỂM TRA", the verdict, the colour legend (comments do not print), one row a finding.
enum FindingsPaper {
    static let widths: [Double] = [7, 10, 7, 9, 16, 16, 18, 54]

    static func title(_ s: Submission, _ w: PaperWords) -> String {
        w("BẢN KIỂM TRA — KẾT QUẢ KIỂM TRA: ", "CHECKED COPY — CHECK RESULTS: ") + (s.file as NSString).lastPathComponent
    }

    static func verdict(_ report: FileReport, _ w: PaperWords) -> String {
        let verdict = report.valid ? w("HỢP LỆ", "VALID") : w("KHÔNG HỢP LỆ", "NOT VALID")
        return w("\(verdict): \(report.errors) lỗi, \(report.warnings) cảnh báo, \(report.infos) thông tin",
                 "\(verdict): \(report.errors) errors, \(report.warnings) warnings, \(report.infos) notes")
    }

    static func legend(_ w: PaperWords) -> String {
        w("Trên trang biểu, ô nền đỏ: lỗi; ô nền vàng: cảnh báo; ô nền xanh: thông tin. Lý do của từng ô ghi ở bảng dưới (ghi chú của ô không in ra).",
          "On the form, red cells: errors; yellow cells: warnings; blue cells: notes. Each cell's reason is in the table below (cell comments do not print).")
    }

    static func headers(_ w: PaperWords) -> [String] {
        [w("Mã", "Code"), w("Mức", "Level"), w("Ô", "Cell"), w("Chỉ tiêu", "Indicator"), w("Cột", "Column"), w("Giá trị đã ghi", "Value written"),
         w("Cần", "Expected"), w("Nội dung", "Message")]
    }

    /// A finding's cells; the column by its header on the form, not the template's key.
    static func row(_ f: Finding, _ s: Submission, _ template: Template?, _ w: PaperWords) -> [String] {
        let sev = f.severity == .error ? w("Lỗi", "Error") : f.severity == .warning ? w("Cảnh báo", "Warning") : w("Thông tin", "Note")
        let column = f.column.map { key in template?.column(key)?.label(for: s.period ?? Period(year: 2000), w.lang) ?? key } ?? ""
        return [f.code, sev, f.cell ?? "", f.indicator ?? "", column, f.value ?? "", f.expected ?? "", f.message(w.lang)]
    }
}
