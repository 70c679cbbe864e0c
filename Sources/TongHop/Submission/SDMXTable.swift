import Foundation
import SheetIO

/// SDMX-CSV (ours, or another system's written against our structure) read as a long
/// table: REF_AREA is the unit, TIME_PERIOD the period, INDICATOR the code, VALUE_TYPE the
/// column key, OBS_VALUE the figure. Numbers are SDMX's own (a point for decimals, no
/// grouping), never an officer's: "1.234" is one and a quarter, never read by vi-VN habit.
/// OBS_STATUS gives the statistical symbols ("-" N, "..." L, "x" M); LOWER_BOUND and
/// UPPER_BOUND a plan's range or bound; UNIT_MEASURE and UNIT_MULT the unit, converted to
/// the template's when they differ and refused when no conversion exists.
extension LongTable {
    static let sdmxRequired = ["INDICATOR", "REF_AREA", "TIME_PERIOD", "VALUE_TYPE", "OBS_VALUE"]

    /// The layout of an SDMX-CSV header: the names must be SDMX's, in capitals, as written.
    static func locateSDMX(_ sheet: Sheet) -> Layout? {
        guard let row = sheet.rows.first else { return nil }
        var at: [String: Int] = [:]
        for c in row.cells {
            guard let t = c.value.text?.trimmingCharacters(in: .whitespaces), at[t] == nil else { continue }
            at[t] = c.column
        }
        guard sdmxRequired.allSatisfy({ at[$0] != nil }), at["STRUCTURE_ID"] != nil || at["DATAFLOW"] != nil else { return nil }
        return Layout(header: row.index, unit: at["REF_AREA"]!, period: at["TIME_PERIOD"]!, code: at["INDICATOR"]!, column: at["VALUE_TYPE"]!,
                      value: at["OBS_VALUE"]!, unitOfMeasure: at["UNIT_MEASURE"],
                      sdmx: SDMXColumns(status: at["OBS_STATUS"], mult: at["UNIT_MULT"], lower: at["LOWER_BOUND"], upper: at["UPPER_BOUND"],
                                        strict: at["BOUND_STRICT"]))
    }

    /// The template an SDMX-CSV file names in its first line's STRUCTURE_ID (SDMX-CSV 2.0)
    /// or DATAFLOW (1.0): "VN_TONGHOP:lai-chau-ktxh(3.0)" → ("lai-chau-ktxh", 3).
    static func sdmxStructure(_ sheet: Sheet) -> (id: String, version: Int?)? {
        guard let layout = locateSDMX(sheet), let header = sheet.rows.first else { return nil }
        _ = layout
        guard let col = header.cells.first(where: { ["STRUCTURE_ID", "DATAFLOW"].contains($0.value.text?.trimmingCharacters(in: .whitespaces) ?? "") })?.column,
              let first = sheet.rows.dropFirst().first, let ref = first[column: col]?.value.text else { return nil }
        return SDMXCodes.structure(ref)
    }

    /// "12.5", "-3", "1e6": SDMX's decimal; nothing else ("1,5", "1 234", "NaN", "inf").
    static func sdmxNumber(_ text: String) -> Double? {
        var sawDigit = false, sawExp = false, sawPoint = false, prev: UInt8 = 0
        for (i, b) in text.utf8.enumerated() {
            switch b {
            case 48...57: sawDigit = true
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard i == 0 || prev == UInt8(ascii: "e") || prev == UInt8(ascii: "E") else { return nil }
            case UInt8(ascii: "."):
                guard !sawPoint, !sawExp else { return nil }
                sawPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard sawDigit, !sawExp else { return nil }
                sawExp = true
            default: return nil
            }
            prev = b
        }
        guard sawDigit, let d = Double(text), d.isFinite else { return nil }
        return d
    }

    /// One observation's value, in the template's unit; nil (with an error finding) when it
    /// cannot be read as exactly one value, or for an empty observation.
    static func sdmxValue(_ r: Row, layout: Layout, _ sd: SDMXColumns, template t: Template, indicator ind: Indicator, column col: ValueColumn,
                          submission s: inout Submission) -> SubmittedValue? {
        func text(_ c: Int?) -> String { c.flatMap { r[column: $0] }.map { CellText.csv($0.value).trimmedSpaces } ?? "" }
        let file = s.file, sheetName = s.sheet
        let ref = CellRef(row: r.index, column: layout.value)
        let v = text(layout.value), status = text(sd.status).uppercased()
        let lower = text(sd.lower), upper = text(sd.upper), strict = text(sd.strict).lowercased()
        let label = "\(ind.code), \(col.key)"
        func refuse(_ cell: CellRef, _ value: String, expected: String, _ vi: String, _ en: String) -> SubmittedValue? {
            s.findings.append(Finding(.notANumber, file: file, sheet: sheetName, cell: cell, indicator: ind.code, column: col.key, value: value,
                                      expected: expected, vi: "\(label): \(vi)", en: "\(label): \(en)"))
            return nil
        }
        var written = v
        let value: ReportedValue
        if !lower.isEmpty || !upper.isEmpty {
            let lref = CellRef(row: r.index, column: sd.lower ?? layout.value), uref = CellRef(row: r.index, column: sd.upper ?? layout.value)
            guard v.isEmpty else {
                return refuse(ref, v, expected: "OBS_VALUE trống khi có LOWER_BOUND/UPPER_BOUND",
                              "có cả OBS_VALUE «\(v)» và cận (LOWER_BOUND/UPPER_BOUND): không rõ số nào là chỉ tiêu",
                              "both OBS_VALUE \"\(v)\" and bounds (LOWER_BOUND/UPPER_BOUND): which is meant cannot be told")
            }
            guard col.acceptsTargets else {
                s.findings.append(Finding(.targetNotAllowed, file: file, sheet: sheetName, cell: lref, indicator: ind.code, column: col.key,
                    value: lower + "…" + upper, vi: "\(label): cột \(col.key) không nhận khoảng hay cận, chỉ nhận một số",
                    en: "\(label): column \(col.key) takes a single figure, not a range or bound"))
                return nil
            }
            let lo = lower.isEmpty ? nil : sdmxNumber(lower), hi = upper.isEmpty ? nil : sdmxNumber(upper)
            if !lower.isEmpty, lo == nil { return refuse(lref, lower, expected: "số thập phân SDMX (ví dụ 6.6)", "LOWER_BOUND «\(lower)» không phải số", "LOWER_BOUND \"\(lower)\" is not a number") }
            if !upper.isEmpty, hi == nil { return refuse(uref, upper, expected: "số thập phân SDMX (ví dụ 6.8)", "UPPER_BOUND «\(upper)» không phải số", "UPPER_BOUND \"\(upper)\" is not a number") }
            guard ["", "true", "false"].contains(strict) else {
                return refuse(CellRef(row: r.index, column: sd.strict ?? layout.value), strict, expected: "true, false hoặc trống",
                              "BOUND_STRICT «\(strict)» không phải true/false", "BOUND_STRICT \"\(strict)\" is not true/false")
            }
            switch (lo, hi) {
            case let (a?, b?):
                guard a <= b, strict != "true" else {
                    return refuse(lref, lower + "–" + upper, expected: "LOWER_BOUND ≤ UPPER_BOUND, không có BOUND_STRICT",
                                  "khoảng \(lower)–\(upper) không hợp lệ", "the range \(lower)–\(upper) is not valid")
                }
                value = .range(a, b)
                written = lower + "-" + upper
            case let (a?, nil): value = .atLeast(a, strict: strict == "true"); written = (strict == "true" ? ">" : ">=") + lower
            case let (nil, b?): value = .atMost(b, strict: strict == "true"); written = (strict == "true" ? "<" : "<=") + upper
            default: return nil
            }
        } else {
            switch status {
            case "N":
                guard v.isEmpty || sdmxNumber(v) == 0 else {
                    return refuse(ref, v, expected: "0 hoặc trống khi OBS_STATUS là N (ký hiệu «-»)",
                                  "OBS_STATUS N («-», không phát sinh) nhưng OBS_VALUE là «\(v)»", "OBS_STATUS N (\"-\", nil) but OBS_VALUE is \"\(v)\"")
                }
                value = .symbol(.none)
            case "L", "M", "O", "Q":
                guard v.isEmpty else {
                    return refuse(ref, v, expected: "OBS_VALUE trống khi OBS_STATUS là \(status)",
                                  "OBS_STATUS \(status) (không có số liệu) nhưng OBS_VALUE là «\(v)»", "OBS_STATUS \(status) (no figure) but OBS_VALUE is \"\(v)\"")
                }
                value = .symbol(status == "M" ? .notApplicable : .missing)
            default:
                guard !v.isEmpty else {
                    if status.isEmpty { return nil }
                    return refuse(CellRef(row: r.index, column: sd.status ?? layout.value), status, expected: "N («-»), L («...»), M («x»)",
                                  "OBS_VALUE trống với OBS_STATUS «\(status)»: không rõ là ký hiệu nào", "empty OBS_VALUE with OBS_STATUS \"\(status)\": which symbol is meant cannot be told")
                }
                guard let d = sdmxNumber(v) else {
                    return refuse(ref, v, expected: "số thập phân SDMX: dấu chấm thập phân, không phân tách hàng nghìn (ví dụ 1234.5)",
                                  "OBS_VALUE «\(v)» không phải số theo SDMX", "OBS_VALUE \"\(v)\" is not an SDMX number")
                }
                value = .number(d)
            }
        }
        guard ValueParser.isSound(value) else {
            return refuse(ref, written, expected: "số hữu hạn", "«\(written)» là số ngoài miền số đọc được", "\"\(written)\" is outside the range of numbers")
        }
        var sv = SubmittedValue(ref: ref, written: written, value: value, writtenUnit: nil, conversion: nil, fromFormula: false)
        if case .symbol = value { return sv }
        do {
            // The unit: UNIT_MEASURE and UNIT_MULT as written; a column left out or empty is
            // the structure's (the template's) own.
            let measure = text(layout.unitOfMeasure), multText = text(sd.mult)
            let mine = ExchangeExport.unitAttributes(ind)
            guard multText.isEmpty || Int(multText).map({ (-12...15).contains($0) }) == true else {
                return refuse(CellRef(row: r.index, column: sd.mult ?? layout.value), multText, expected: "số nguyên (0, 3, 6, 9…)",
                              "UNIT_MULT «\(multText)» không phải số mũ của 10", "UNIT_MULT \"\(multText)\" is not a power of ten")
            }
            let mult = Int(multText) ?? mine.mult
            let base = measure.isEmpty ? mine.measure : SDMXCodes.base(ofMeasure: measure)
            guard base != mine.measure || mult != mine.mult else { return sv }
            let unit = SDMXCodes.unit(measure: SDMXCodes.measureCode(base), mult: mult)
            let unitRef = CellRef(row: r.index, column: (measure.isEmpty ? sd.mult : layout.unitOfMeasure) ?? layout.value)
            if ind.unit == nil {
                s.findings.append(Finding(.unitIncompatible, file: file, sheet: sheetName, cell: unitRef, indicator: ind.code, column: col.key,
                    value: unit.text, expected: ind.unitText.isEmpty ? "NUMBER" : ind.unitText,
                    vi: "\(label): đơn vị «\(unit.text)» nhưng chỉ tiêu không có đơn vị quy đổi được", en: "\(label): unit \"\(unit.text)\" but the indicator's unit converts to none"))
                return nil
            }
            let parser = ValueParser(file: file, sheet: sheetName, template: t, convention: .vi, conventionDecided: true)
            sv = parser.convert(sv, unitText: unit.text, unit: unit, unitRef: unitRef, ind: ind, column: col, ownCell: false, findings: &s.findings)
            return sv.value == .empty ? nil : sv
        }
    }
}
