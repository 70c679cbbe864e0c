import SheetIO
/// A reporting period: a year, or the first 6 or 9 months of it (cumulative from January),
/// or a quarter.
public struct Period: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Span: Hashable, Sendable {
        case year
        case months(Int)
        case quarter(Int)
    }

    public var year: Int
    public var span: Span

    public init(year: Int, span: Span = .year) {
        self.year = year
        self.span = span
    }

    /// "2024", "2024-6T", "2024-9T", "2024-Q3"; also "6T/2024", "6T-2024", "Q3/2024".
    public init?(_ text: String) {
        // Every period text holds a year and at most a three-letter span ("12T", "NAM"):
        // four to seven ASCII letters and digits. Anything else (a title line) is refused
        // before Foundation trims and upper-cases it.
        var alnum = 0
        for b in text.utf8 where (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) {
            alnum += 1
            if alnum > 7 { return nil }
        }
        guard alnum >= 4 else { return nil }
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let parts = t.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "_" || $0 == " " }).map(String.init)
        func yearOf(_ s: String) -> Int? { Int(s).flatMap { (1990...2100).contains($0) ? $0 : nil } }
        func spanOf(_ s: String) -> Span? {
            if s.hasSuffix("T"), let m = Int(s.dropLast()), [3, 6, 9, 12].contains(m) { return m == 12 ? .year : .months(m) }
            if s.hasPrefix("Q"), let q = Int(s.dropFirst()), (1...4).contains(q) { return .quarter(q) }
            if s == "N" || s == "NAM" { return .year }
            return nil
        }
        switch parts.count {
        case 1:
            guard let y = yearOf(parts[0]) else { return nil }
            self.init(year: y)
        case 2:
            if let y = yearOf(parts[0]), let s = spanOf(parts[1]) { self.init(year: y, span: s) }
            else if let y = yearOf(parts[1]), let s = spanOf(parts[0]) { self.init(year: y, span: s) }
            else { return nil }
        default:
            return nil
        }
    }

    /// The canonical text: "2024", "2024-6T", "2024-Q3".
    public var description: String {
        switch span {
        case .year: return "\(year)"
        case .months(let m): return "\(year)-\(m)T"
        case .quarter(let q): return "\(year)-Q\(q)"
        }
    }

    /// The last day of the period ("YYYY-MM-DD"): the date the hierarchy is taken at.
    public var referenceDate: String {
        switch span {
        case .year: return "\(year)-12-31"
        case .months(let m): return "\(year)-\(m < 10 ? "0" : "")\(m)-\(m == 6 || m == 9 ? 30 : 31)"
        case .quarter(let q): return ["\(year)-03-31", "\(year)-06-30", "\(year)-09-30", "\(year)-12-31"][q - 1]
        }
    }

    /// "năm 2024", "6 tháng đầu năm 2024", "9 tháng năm 2024", "quý III năm 2024".
    public func label(_ lang: Language = .vi) -> String {
        switch (span, lang) {
        case (.year, .vi): return "năm \(year)"
        case (.year, .en): return "year \(year)"
        case (.months(6), .vi): return "6 tháng đầu năm \(year)"
        case (.months(let m), .vi): return "\(m) tháng năm \(year)"
        case (.months(let m), .en): return "first \(m) months of \(year)"
        case (.quarter(let q), .vi): return "quý \(["I", "II", "III", "IV"][q - 1]) năm \(year)"
        case (.quarter(let q), .en): return "Q\(q) \(year)"
        }
    }

    /// The same period a year earlier ("cùng kỳ").
    public var previous: Period { Period(year: year - 1, span: span) }

    /// Fills "{year}", "{prev_year}", "{period}" ("năm 2024", "6 tháng đầu năm 2024") and
    /// "{prev_period}" in a label.
    public func fill(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "{")) else { return s }
        return s.replacingOccurrences(of: "{year}", with: String(year))
            .replacingOccurrences(of: "{prev_year}", with: String(year - 1))
            .replacingOccurrences(of: "{period}", with: label(.vi))
            .replacingOccurrences(of: "{prev_period}", with: previous.label(.vi))
    }

    public static func < (a: Period, b: Period) -> Bool { a.referenceDate < b.referenceDate }
}

import Foundation
