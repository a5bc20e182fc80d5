import Testing
@testable import Bench

@Suite struct StatisticsTests {
    /// HdrHistogram (when built with it) keeps 3 significant digits.
    func close(_ a: UInt64, _ b: UInt64) -> Bool {
        let d = a > b ? a - b : b - a
        return d * 1000 <= max(a, b)
    }

    @Test func percentilesOfOneToHundred() throws {
        let s = try #require(LatencySummary(samples: Array(1...100).reversed().map { UInt64($0) * 1000 }))
        #expect(s.count == 100)
        #expect(s.min == 1000)
        #expect(s.max == 100_000)
        #expect(close(s.median, 50_000))
        #expect(close(s.p90, 90_000))
        #expect(close(s.p99, 99_000))
        #expect(s.mean == 50_500)
    }

    @Test func singleSample() throws {
        let s = try #require(LatencySummary(samples: [42_000]))
        #expect(s.min == 42_000 && s.median == 42_000 && s.p99 == 42_000 && s.max == 42_000)
    }

    @Test func noSamplesGivesNoSummary() {
        #expect(LatencySummary(samples: []) == nil)
    }

    @Test func tailIsVisibleInP99ButNotMedian() throws {
        // 99 fast runs and one slow outlier: the outlier is the max, not the median.
        let s = try #require(LatencySummary(samples: Array(repeating: 8_000, count: 99) + [900_000]))
        #expect(close(s.median, 8_000))
        #expect(close(s.p99, 8_000))
        #expect(s.max == 900_000)
    }

    @Test func nearestRank() {
        let sorted: [UInt64] = [10, 20, 30, 40]
        #expect(LatencySummary.nearestRank(50, sorted) == 20)
        #expect(LatencySummary.nearestRank(90, sorted) == 40)
        #expect(LatencySummary.nearestRank(1, sorted) == 10)
        #expect(LatencySummary.nearestRank(100, sorted) == 40)
    }

    @Test func ratioBetweenComparisons() throws {
        let a = Comparison(name: "a", samples: [100, 100, 100])
        let b = Comparison(name: "b", samples: [400, 400, 400])
        #expect(try #require(b.ratio(to: a)) == 4.0)
        #expect(Comparison(name: "empty", note: "not installed").ratio(to: a) == nil)
    }

    @Test func densityLevels() {
        #expect(DensityBench.levels(max: 1) == [1])
        #expect(DensityBench.levels(max: 32) == [1, 2, 4, 8, 16, 32])
        #expect(DensityBench.levels(max: 100) == [1, 2, 4, 8, 16, 32, 64, 100])
    }
}
