import Foundation

/// Robust statistics for screening values across units: the median, the median absolute
/// deviation (MAD) scaled by 1.4826 so it estimates a normal standard deviation, and
/// quantiles (type 7, numpy's default). Never a z of 0 for a value away from the median
/// when the MAD is 0: the scale has a floor the caller sets.
public enum RobustStats {
    /// The MAD's scale to a normal distribution's σ (1 / Φ⁻¹(3/4)).
    public static let madScale = 1.4826

    /// The median (the mean of the middle two for an even count); nil for no values.
    public static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        var s = xs
        s.sort()
        return medianOfSorted(s)
    }

    static func medianOfSorted(_ s: [Double]) -> Double {
        let n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// The median absolute deviation from the median (unscaled).
    public static func mad(_ xs: [Double]) -> Double? {
        guard let m = median(xs) else { return nil }
        return median(xs.map { abs($0 - m) })
    }

    /// The q-quantile (0…1) by linear interpolation between order statistics (type 7).
    public static func quantile(_ xs: [Double], _ q: Double) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        let h = Double(s.count - 1) * min(max(q, 0), 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }

    /// Location and scale of a set of peers, with the scale never below `floor`.
    public struct Fit: Sendable, Equatable {
        public var median: Double
        /// MAD × 1.4826, raised to the floor.
        public var scale: Double
        /// The raw MAD (before scaling and the floor).
        public var mad: Double
        public var count: Int

        /// The robust z-score of a value: (x − median) ÷ scale.
        public func z(_ x: Double) -> Double { (x - median) / scale }
        /// The interval of values whose |z| does not pass `threshold`.
        public func interval(_ threshold: Double) -> (Double, Double) { (median - threshold * scale, median + threshold * scale) }
    }

    /// Fits median and scaled MAD; `floor` bounds the scaled MAD from below (so a set of
    /// identical peers still gives finite, non-zero z-scores to a different value).
    public static func fit(_ xs: [Double], floor: Double) -> Fit? {
        guard !xs.isEmpty else { return nil }
        var s = xs
        s.sort()
        let m = medianOfSorted(s)
        var d = s.map { abs($0 - m) }
        d.sort()
        let mad = medianOfSorted(d)
        return Fit(median: m, scale: max(mad * madScale, floor, .leastNormalMagnitude), mad: mad, count: xs.count)
    }

    /// The DHIS2-style z-score of a value against a history: (x − mean) ÷ standard
    /// deviation (population σ, as DHIS2 computes it); 0 when σ is 0 (its behaviour).
    public static func classicZ(_ x: Double, history: [Double]) -> Double {
        guard history.count >= 2 else { return 0 }
        let mean = history.reduce(0, +) / Double(history.count)
        let v = history.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(history.count)
        let sd = v.squareRoot()
        return sd > 0 ? (x - mean) / sd : 0
    }
}
