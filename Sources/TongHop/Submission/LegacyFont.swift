import SheetIO

/// Text cells of a sheet typed in a legacy Vietnamese font, converted to Unicode
/// (``TextDecoder/legacyFontEncoding(_:)`` decides the font for the whole file).
enum LegacyFont {
    static func repair(_ sheet: Sheet, _ enc: TextEncoding) -> Sheet {
        var out = sheet
        for i in out.rows.indices {
            for j in out.rows[i].cells.indices {
                if case .text(let t) = out.rows[i].cells[j].value, let fixed = TextDecoder.repairLegacyFont(t, enc) {
                    out.rows[i].cells[j].value = .text(fixed)
                }
            }
        }
        return out
    }
}
