/// The `--trace-boot` lines of one `swiftlet run`: `swiftlet: trace: NAME MICROS us`,
/// each MICROS counted from swiftlet's own start (its first line of main).
public struct BootTraceLog: Equatable, Sendable {
    /// Milestones in the order a boot passes them.
    public static let milestones = [
        "kvm-ready", "memory-ready", "kernel-entry", "kernel-init-done",
        "program-entry", "program-exit", "vm-torn-down",
    ]

    public var micros: [String: UInt64] = [:]
    /// From the `swiftlet: host /dev/kvm: pvm, guest kernel mode: pvm-native` line,
    /// e.g. "pvm, guest kernel mode: pvm-native".
    public var platform: String?

    public init(micros: [String: UInt64] = [:], platform: String? = nil) {
        self.micros = micros
        self.platform = platform
    }

    public init(parsing text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("swiftlet: host /dev/kvm: ") {
                platform = String(line.dropFirst("swiftlet: host /dev/kvm: ".count))
                continue
            }
            guard line.hasPrefix("swiftlet: trace: ") else { continue }
            let words = line.dropFirst("swiftlet: trace: ".count).split(separator: " ")
            if words.count == 3, words[2] == "us", let v = UInt64(words[1]) {
                micros[String(words[0])] = v
            }
        }
    }

    /// The milestones missing from this log (an empty list means a complete boot).
    public var missing: [String] { Self.milestones.filter { micros[$0] == nil } }

    /// Phase durations in ns, from swiftlet's start through each milestone in turn.
    /// Guest milestones are converted from the guest TSC, so two neighbours can be a
    /// microsecond out of order: a negative phase counts as zero.
    public func phaseNanos() -> [UInt64]? {
        guard missing.isEmpty else { return nil }
        var previous: UInt64 = 0
        var out: [UInt64] = []
        for m in Self.milestones {
            let v = micros[m]!
            out.append(v > previous ? (v - previous) * 1000 : 0)
            previous = Swift.max(previous, v)
        }
        return out
    }

    /// Labels for `phaseNanos()`, in the same order.
    public static let phaseLabels = [
        "vmm start -> kvm-ready", "kvm-ready -> memory-ready", "memory-ready -> kernel-entry",
        "kernel-entry -> kernel-init-done", "kernel-init-done -> program-entry",
        "program-entry -> program-exit", "program-exit -> vm-torn-down",
    ]
}
