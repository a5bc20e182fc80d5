#if canImport(Histogram)
import Histogram
#endif

/// Distribution of one measured quantity (a duration in ns, or any positive integer
/// quantity): what every table row and JSON entry shows.
///
/// Percentiles come from an HdrHistogram (3 significant digits) when the package is
/// built with it (see Package.swift), else from the sorted samples (nearest rank).
/// The two agree to within 0.1 %.
public struct LatencySummary: Equatable, Sendable {
    public var count: Int
    public var min: UInt64
    public var median: UInt64
    public var p90: UInt64
    public var p99: UInt64
    public var max: UInt64
    public var mean: UInt64

    public init(count: Int, min: UInt64, median: UInt64, p90: UInt64, p99: UInt64, max: UInt64, mean: UInt64) {
        self.count = count; self.min = min; self.median = median
        self.p90 = p90; self.p99 = p99; self.max = max; self.mean = mean
    }

    /// nil for no samples: a row without data shows as such instead of zeros.
    public init?(samples: [UInt64]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        var sum: Double = 0
        for s in sorted { sum += Double(s) }
        count = sorted.count
        min = sorted[0]
        max = sorted[sorted.count - 1]
        mean = UInt64(sum / Double(sorted.count))
        #if canImport(Histogram)
        var h = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: Swift.max(max, 2),
            numberOfSignificantValueDigits: .three)
        for s in sorted { h.record(s) }
        median = Self.clamp(h.valueAtPercentile(50), sorted)
        p90 = Self.clamp(h.valueAtPercentile(90), sorted)
        p99 = Self.clamp(h.valueAtPercentile(99), sorted)
        #else
        median = Self.nearestRank(50, sorted)
        p90 = Self.nearestRank(90, sorted)
        p99 = Self.nearestRank(99, sorted)
        #endif
    }

    /// Whether the percentiles come from HdrHistogram (printed in the JSON).
    public static var usesHdrHistogram: Bool {
        #if canImport(Histogram)
        return true
        #else
        return false
        #endif
    }

    /// The smallest sample with at least `percent` % of the samples at or below it.
    static func nearestRank(_ percent: Int, _ sorted: [UInt64]) -> UInt64 {
        let rank = (percent * sorted.count + 99) / 100       // ceil(p/100 · n)
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }

    /// HdrHistogram reports the top of a value's bucket; keep it inside the samples.
    static func clamp(_ v: UInt64, _ sorted: [UInt64]) -> UInt64 {
        Swift.min(Swift.max(v, sorted[0]), sorted[sorted.count - 1])
    }
}
