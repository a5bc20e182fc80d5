/// One column of a side-by-side comparison: a way to run the same program (swiftlet,
/// native, qemu-microvm-tcg, …) with its samples, or the reason it has none.
public struct Comparison: Equatable, Sendable {
    public var name: String
    public var samples: [UInt64]
    /// Why there are no (or fewer) samples: "not installed", "timeout (> 30 s)", …
    public var note: String?

    public init(name: String, samples: [UInt64] = [], note: String? = nil) {
        self.name = name
        self.samples = samples
        self.note = note
    }

    public var summary: LatencySummary? { LatencySummary(samples: samples) }

    /// median(self) / median(base), nil when either has no data.
    public func ratio(to base: Comparison) -> Double? {
        guard let a = summary, let b = base.summary, b.median > 0 else { return nil }
        return Double(a.median) / Double(b.median)
    }

    public func json(unit: String) -> JSONValue {
        var fields: [JSONField] = []
        if let s = summary { fields.append(JSONField("summary", s.json(unit: unit))) }
        if let note { fields.append(JSONField("note", .string(note))) }
        return .object(fields)
    }
}
