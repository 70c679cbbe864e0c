import SheetIO
/// A cross-indicator rule: left side, operator, right side, checked per value column.
public struct Rule: Sendable, Hashable {
    public enum Op: String, Sendable, CaseIterable {
        case le = "<=", lt = "<", ge = ">=", gt = ">", eq = "==", ne = "!="

        /// As printed: "≤", "<", "≥", ">", "=", "≠".
        public var symbol: String {
            switch self { case .le: return "≤"; case .lt: return "<"; case .ge: return "≥"; case .gt: return ">"; case .eq: return "="; case .ne: return "≠" }
        }
    }
    public enum Severity: String, Sendable, Codable, Comparable {
        case error, warning, info
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.info, .warning, .error]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }
    /// What to do when a side has a missing value.
    public enum MissingPolicy: String, Sendable {
        /// Skip the rule if any indicator it uses is missing.
        case skipIfAny = "skip_if_any"
        /// Skip only when all are missing; missing ones count as 0 otherwise.
        case skipIfAll = "skip_if_all"
        /// Missing counts as 0.
        case zero
    }

    public var id: String
    public var left: Expr
    public var op: Op
    public var right: Expr
    public var severity: Severity
    public var missing: MissingPolicy
    /// The message shown in Vietnamese ("Số xã đạt chuẩn không vượt quá tổng số xã").
    public var message: String
    /// The value columns it applies to (all when empty).
    public var columns: [String]
    public var line: Int

    public init(id: String, left: Expr, op: Op, right: Expr, severity: Severity = .error, missing: MissingPolicy = .skipIfAny,
                message: String, columns: [String] = [], line: Int = 0) {
        self.id = id
        self.left = left
        self.op = op
        self.right = right
        self.severity = severity
        self.missing = missing
        self.message = message
        self.columns = columns
        self.line = line
    }

    public var text: String { "\(left) \(op.rawValue) \(right)" }

    public func holds(_ l: Double, _ r: Double) -> Bool {
        let eps = 1e-9 * max(1, abs(l), abs(r))
        switch op {
        case .le: return l <= r + eps
        case .lt: return l < r - eps
        case .ge: return l >= r - eps
        case .gt: return l > r + eps
        case .eq: return abs(l - r) <= eps
        case .ne: return abs(l - r) > eps
        }
    }
}

/// An arithmetic expression over indicator codes: "NN05", "XH01 * 19", "(A + B) / 2".
public indirect enum Expr: Sendable, Hashable, CustomStringConvertible {
    case indicator(String)
    case number(Double)
    case binary(Character, Expr, Expr)

    public var description: String {
        switch self {
        case .indicator(let c): return c
        case .number(let d): return d == d.rounded() ? String(Int64(d)) : String(d)
        case .binary(let op, let a, let b): return "\(a) \(op) \(b)"
        }
    }

    /// Indicator codes used.
    public var codes: [String] {
        switch self {
        case .indicator(let c): return [c]
        case .number: return []
        case .binary(_, let a, let b): return a.codes + b.codes
        }
    }

    /// Evaluates with a lookup; nil when a value is missing (after the caller's policy)
    /// or a division by zero.
    public func evaluate(_ value: (String) -> Double?) -> Double? {
        switch self {
        case .indicator(let c): return value(c)
        case .number(let d): return d
        case .binary(let op, let a, let b):
            guard let x = a.evaluate(value), let y = b.evaluate(value) else { return nil }
            switch op {
            case "+": return x + y
            case "-": return x - y
            case "*": return x * y
            default: return y == 0 ? nil : x / y
            }
        }
    }

    /// Parses "XH01 * 19 + 2" with the usual precedence. Returns nil with a reason.
    public static func parse(_ text: String) -> Result<Expr, ExprError> {
        var p = ExprParser(Array(text))
        do {
            let e = try p.sum()
            p.skipSpaces()
            guard p.i == p.chars.count else { throw ExprError(message: "unexpected '\(p.chars[p.i])'") }
            return .success(e)
        } catch let e as ExprError {
            return .failure(e)
        } catch {
            return .failure(ExprError(message: "\(error)"))
        }
    }
}

public struct ExprError: Error, Sendable { public var message: String }

struct ExprParser {
    let chars: [Character]
    var i = 0
    init(_ c: [Character]) { chars = c }

    mutating func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }

    mutating func sum() throws -> Expr {
        var e = try product()
        while true {
            skipSpaces()
            guard i < chars.count, chars[i] == "+" || chars[i] == "-" else { return e }
            let op = chars[i]; i += 1
            e = .binary(op, e, try product())
        }
    }

    mutating func product() throws -> Expr {
        var e = try atom()
        while true {
            skipSpaces()
            guard i < chars.count, chars[i] == "*" || chars[i] == "/" else { return e }
            let op = chars[i]; i += 1
            e = .binary(op, e, try atom())
        }
    }

    mutating func atom() throws -> Expr {
        skipSpaces()
        guard i < chars.count else { throw ExprError(message: "expression ends too early") }
        if chars[i] == "(" {
            i += 1
            let e = try sum()
            skipSpaces()
            guard i < chars.count, chars[i] == ")" else { throw ExprError(message: "missing ')'") }
            i += 1
            return e
        }
        if chars[i].isNumber || chars[i] == "." {
            let start = i
            while i < chars.count, chars[i].isNumber || chars[i] == "." { i += 1 }
            guard let d = Double(String(chars[start..<i])) else { throw ExprError(message: "bad number") }
            return .number(d)
        }
        if chars[i].isLetter {
            let start = i
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
            return .indicator(String(chars[start..<i]).uppercased())
        }
        throw ExprError(message: "unexpected '\(chars[i])'")
    }
}
