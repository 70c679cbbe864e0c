import SheetIO
import Foundation

/// Parsed units by text: the same few units recur in every row of every file.
private let memo = TextMemo<MeasureUnit?>(limit: 10_000)

/// A unit of measure as a scale and a base: "nghìn tấn" is 10³ × "tấn", "triệu đồng/người"
/// is 10⁶ × "đồng/người", "%" is 1 × "%".
public struct MeasureUnit: Hashable, Sendable, CustomStringConvertible {
    /// The scale factor (1, 10³ nghìn, 10⁴ vạn, 10⁶ triệu, 10⁹ tỷ, and products of them).
    public var scale: Double
    /// The base unit, folded ("tan", "dong/nguoi", "%", "ha"); "" for a pure number.
    public var base: String
    /// The text it was read from.
    public var text: String

    public var description: String { text }

    static let scaleWords: [(String, Double)] = [
        ("nghin", 1e3), ("ngan", 1e3), ("van", 1e4), ("trieu", 1e6), ("tr", 1e6), ("ty", 1e9), ("ti", 1e9),
    ]

    /// Officers' run-together abbreviations, split into words: "trđ" and "tr.đ" (triệu
    /// đồng), "tỷđ", "ngđ" (nghìn đồng).
    static let contractions: [String: [String]] = [
        "trd": ["trieu", "dong"], "trdong": ["trieu", "dong"], "tyd": ["ty", "dong"], "tid": ["ty", "dong"],
        "ngd": ["nghin", "dong"], "nghd": ["nghin", "dong"],
    ]

    /// Equivalent spellings of base units, folded.
    static let synonyms: [String: String] = [
        "dong": "dong", "vnd": "dong", "d": "dong",
        "tan": "tan", "t": "tan", "ta": "ta", "kg": "kg",
        "ha": "ha", "hecta": "ha", "hec ta": "ha",
        "nguoi": "nguoi", "lao dong": "nguoi", "ld": "nguoi",
        "phan tram": "%", "diem phan tram": "diem %",
        "luot": "luot", "luot khach": "luot", "luot nguoi": "luot",
        "xa": "xa", "thon ban": "thon ban", "thon": "thon ban", "ban": "thon ban",
        "doanh nghiep": "doanh nghiep", "dn": "doanh nghiep",
        "ho": "ho", "bac si": "bac si", "truong": "truong", "km": "km",
        "tieu chi": "tieu chi",
        "yen": "yen", "m": "m", "met": "m",
        "km2": "km2", "km 2": "km2", "kilomet vuong": "km2", "m2": "m2", "m 2": "m2", "met vuong": "m2",
        "hec": "ha",
    ]

    /// Base units of one kind that convert into each other: the kind and the size in the
    /// kind's first unit (1 tạ = 0,1 tấn; 1 km² = 100 ha).
    static let kinds: [String: (kind: String, size: Double)] = [
        "tan": ("mass", 1), "ta": ("mass", 0.1), "yen": ("mass", 0.01), "kg": ("mass", 0.001),
        "ha": ("area", 1), "km2": ("area", 100), "m2": ("area", 0.0001),
        "km": ("length", 1), "m": ("length", 0.001),
    ]

    /// Parses a unit as written: "nghìn tấn", "Tỷ đồng", "triệu đồng/người", "%",
    /// "tạ/ha", "người". Returns nil for empty text.
    /// A unit given by its parts (a unit read from SDMX's UNIT_MEASURE and UNIT_MULT).
    public init(scale: Double, base: String, text: String) {
        self.scale = scale
        self.base = base
        self.text = text
    }

    public init?(_ text: String) {
        guard let parsed = memo.value(text, { MeasureUnit(parsing: $0) }) else { return nil }
        self = parsed
    }

    private init?(parsing text: String) {
        let t = text.trimmedSpaces
        guard !t.isEmpty else { return nil }
        self.text = t
        // Each side of "/" is a base unit of its own ("triệu đồng/người"); scale words
        // lead the first side.
        var scale = 1.0
        var bases: [String] = []
        for (i, side) in t.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            var words = VietFold.loose(side.replacingOccurrences(of: "%", with: " phan tram ").replacingOccurrences(of: "²", with: "2"))
                .split(separator: " ")
                .flatMap { MeasureUnit.contractions[String($0)] ?? [String($0)] }
            if i == 0 {
                // A bare scale word ("tỷ", "triệu", "tr") leaves the base empty: it is read
                // against the indicator's own unit ("177,1 tỷ" where the form says tỷ đồng).
                while let first = words.first, let s = MeasureUnit.scaleWords.first(where: { $0.0 == first }) {
                    scale *= s.1
                    words.removeFirst()
                }
            }
            let joined = words.joined(separator: " ")
            bases.append(MeasureUnit.synonyms[joined] ?? joined)
        }
        self.scale = scale
        self.base = bases.joined(separator: "/")
    }

    /// The factor that converts a number in `self` to a number in `target`, or nil when
    /// no conversion exists ("%" is not "tấn"). Bases of one kind convert side by side of
    /// their "/" ("tấn/ha" is 10 × "tạ/ha"; "km²" is 100 × "ha").
    public func factor(to target: MeasureUnit) -> Double? {
        if base == target.base || (base.isEmpty && scale != 1) { return scale / target.scale }
        let mine = base.split(separator: "/", omittingEmptySubsequences: false)
        let theirs = target.base.split(separator: "/", omittingEmptySubsequences: false)
        guard mine.count == theirs.count else { return nil }
        var f = scale / target.scale
        for (i, (a, b)) in zip(mine, theirs).enumerated() where a != b {
            guard let ka = MeasureUnit.kinds[String(a)], let kb = MeasureUnit.kinds[String(b)], ka.kind == kb.kind else { return nil }
            f = i == 0 ? f * ka.size / kb.size : f * kb.size / ka.size
        }
        return f
    }

    /// Whether the unit is one tonghop knows (a base it has a name for, or a bare scale
    /// word): text in a row name's parentheses counts as a unit only then.
    public var isKnown: Bool {
        if isBareScale { return true }
        let known = Set(MeasureUnit.synonyms.values)
        return !base.isEmpty && base.split(separator: "/").allSatisfy { known.contains(String($0)) }
    }

    /// Whether the unit is only a scale word, read against the indicator's base.
    public var isBareScale: Bool { base.isEmpty && scale != 1 }
}
