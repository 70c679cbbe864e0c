/// A date, time or date-time read from a spreadsheet.
///
/// Held as a serial day number in the 1900 date system *without* Excel's 1900 leap-year
/// bug: days since 1899-12-30, so serial 1 is 1899-12-31 and serial 61 is 1900-03-01
/// (Excel's own serials below 61 are one more than this). 1904-system workbooks are
/// converted on reading.
public struct ExcelDateTime: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case date, dateTime = "datetime", time
        /// An elapsed time shown with `[h]`, `[m]` or `[s]`: may exceed 24 hours.
        case duration
    }

    /// Days since 1899-12-30 (fractional part: time of day).
    public var serial: Double
    public var kind: Kind

    public init(serial: Double, kind: Kind) {
        self.serial = serial
        self.kind = kind
    }

    /// Converts an Excel serial as stored in a cell (with the 1900 leap-year bug, or in
    /// the 1904 system) to an ``ExcelDateTime``.
    public init(excelSerial: Double, date1904: Bool, kind: Kind) {
        var s = excelSerial
        if date1904 && (kind == .date || kind == .dateTime) {
            s += 1462
        } else if (kind == .date || kind == .dateTime) && s >= 1 && s < 60 {
            // Excel's serials 1…59 (1900-01-01…1900-02-28) are one more than days since
            // 1899-12-30, because Excel counts a 1900-02-29 that never was (serial 60,
            // which therefore lands on 1900-02-28 here).
            s += 1
        }
        self.init(serial: s, kind: kind)
    }

    /// Calendar parts. Time is rounded to the nearest millisecond.
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) {
        var totalMs = (serial * 86_400_000).rounded()
        if !totalMs.isFinite { totalMs = 0 }
        let ms = Int64(totalMs)
        var days = ms / 86_400_000
        var rem = ms % 86_400_000
        if rem < 0 { rem += 86_400_000; days -= 1 }
        let (y, m, d) = ExcelDateTime.civil(fromDaysSince18991230: Int(days))
        let h = Int(rem / 3_600_000)
        let mi = Int(rem / 60_000 % 60)
        let s = Int(rem / 1000 % 60)
        return (y, m, d, h, mi, s, Int(rem % 1000))
    }

    /// ISO 8601: "2024-01-31", "2024-01-31T10:20:30", "10:20:30"; durations as "PT250H10M10S".
    public var iso8601: String {
        let c = components
        func p2(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        func p4(_ v: Int) -> String {
            let s = String(abs(v)); return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - s.count)) + s
        }
        let frac = c.millisecond == 0 ? "" : "." + String(String(1000 + c.millisecond).dropFirst())
        let date = "\(p4(c.year))-\(p2(c.month))-\(p2(c.day))"
        let time = "\(p2(c.hour)):\(p2(c.minute)):\(p2(c.second))\(frac)"
        switch kind {
        case .date: return date
        case .dateTime: return date + "T" + time
        case .time: return time
        case .duration:
            let totalMs = Int64((serial * 86_400_000).rounded())
            let sign = totalMs < 0 ? "-" : ""
            let a = abs(totalMs)
            let hours = a / 3_600_000, minutes = a / 60_000 % 60, seconds = a / 1000 % 60, msr = a % 1000
            let sfrac = msr == 0 ? "" : "." + String(String(1000 + msr).dropFirst())
            return "\(sign)PT\(hours)H\(minutes)M\(seconds)\(sfrac)S"
        }
    }

    public var description: String { iso8601 }

    /// Days since 1899-12-30 for a proleptic Gregorian date.
    public static func serial(year: Int, month: Int, day: Int) -> Int {
        // Howard Hinnant's days_from_civil, shifted to the 1899-12-30 epoch.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468 + 25_569
    }

    static func civil(fromDaysSince18991230 days: Int) -> (Int, Int, Int) {
        let z = days - 25_569 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Parses the ISO 8601 text of a `t="d"` cell: "2021-01-01", "2021-01-01T10:10:10(.123)(Z|±hh:mm)",
    /// "10:10:10". The zone, if any, is dropped (spreadsheets have no time zones).
    public init?(iso8601 text: String) {
        let b = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n { let d = b[i + k] &- 48; guard d < 10 else { return nil }; v = v * 10 + Int(d) }
            i += n
            return v
        }
        func eat(_ c: Character) -> Bool {
            if i < b.count && b[i] == c.asciiValue! { i += 1; return true }
            return false
        }
        var days: Int? = nil
        var secs: Double? = nil
        let save = i
        if let y = num(4), eat("-"), let m = num(2), eat("-"), let d = num(2), (1...12).contains(m), (1...31).contains(d) {
            days = ExcelDateTime.serial(year: y, month: m, day: d)
            if !(eat("T") || eat(" ")) {
                guard i == b.count else { return nil }
                self.init(serial: Double(days!), kind: .date)
                return
            }
        } else {
            i = save
        }
        guard let h = num(2), eat(":"), let mi = num(2), h < 24, mi < 60 else { return nil }
        var s = 0.0
        if eat(":") {
            guard let ss = num(2), ss < 61 else { return nil }
            s = Double(ss)
            if eat(".") {
                var scale = 0.1
                while i < b.count, b[i] >= 48, b[i] <= 57 { s += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            }
        }
        secs = Double(h * 3600 + mi * 60) + s
        // Zone designator: accepted and ignored.
        if eat("Z") {} else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            i += 1
            guard num(2) != nil else { return nil }
            _ = eat(":"); _ = num(2)
        }
        guard i == b.count, let t = secs else { return nil }
        if let d = days {
            self.init(serial: Double(d) + t / 86_400, kind: .dateTime)
        } else {
            self.init(serial: t / 86_400, kind: .time)
        }
    }
}
