/// A plain-text table: the first column left-aligned (labels), the others
/// right-aligned (figures), columns two spaces apart, a dashed rule under the header.
public struct TextTable: Equatable, Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    public func render() -> String {
        let columns = ([header] + rows).map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in [header] + rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ row: [String]) -> String {
            var parts: [String] = []
            for i in 0..<columns {
                let cell = i < row.count ? row[i] : ""
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                parts.append(i == 0 ? cell + pad : pad + cell)
            }
            var s = parts.joined(separator: "  ")
            while s.last == " " { s.removeLast() }
            return s + "\n"
        }
        var out = line(header)
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) }
        return out
    }
}

/// Number formatting without Foundation (no `String(format:)` on this binary).
public enum Format {
    /// `x` rounded to `decimals` places, e.g. fixed(3.14159, 2) == "3.14".
    public static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "-" }
        var scale: Double = 1
        for _ in 0..<decimals { scale *= 10 }
        let negative = x < 0
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9e18 else { return String(x) }
        let n = UInt64(scaled)
        let whole = n / UInt64(scale)
        var text = String(whole)
        if decimals > 0 {
            var frac = String(n % UInt64(scale))
            while frac.count < decimals { frac = "0" + frac }
            text += "." + frac
        }
        return (negative && n != 0 ? "-" : "") + text
    }

    /// Nanoseconds as microseconds with one decimal: 8_123_456 → "8123.5".
    public static func micros(_ ns: UInt64) -> String { fixed(Double(ns) / 1000, 1) }

    /// A ratio such as "12.3x" (two significant-ish digits for small ones).
    public static func ratio(_ r: Double) -> String {
        guard r.isFinite, r > 0 else { return "-" }
        let decimals = r < 0.01 ? 4 : r < 1 ? 3 : r < 10 ? 2 : r < 100 ? 1 : 0
        return fixed(r, decimals) + "x"
    }
}
