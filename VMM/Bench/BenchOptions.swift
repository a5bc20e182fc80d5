/// Which benchmark `swiftlet bench` runs.
public enum BenchKind: String, Sendable, CaseIterable {
    case boot, syscall, density
}

/// Options of `swiftlet bench KIND`, defaults applied.
public struct BenchOptions: Equatable, Sendable {
    public var kind: BenchKind = .boot
    /// Measured runs (boot), timed rounds per call (syscall), repetitions per level
    /// (density). nil means the kind's default.
    public var count: Int?
    public var warmup = 3
    public var json = false
    public var plotDirectory: String?
    /// Largest number of concurrent microVMs for `density`.
    public var maxConcurrent = 32
    /// Directory holding the `tiny`, `sleeper`, `syscalls` and `hello` workloads; nil means
    /// images/bench/out of the source tree swiftlet was built from.
    public var workloads: String?
    /// QEMU: off entirely, the per-run limit, and how many QEMU boots at most (each
    /// takes seconds under TCG, so they are capped separately from `count`).
    public var qemu = true
    public var qemuTimeoutSeconds = 30
    public var qemuRuns = 3

    public init() {}

    public var runs: Int {
        if let count { return count }
        switch kind {
        case .boot: return 50
        case .syscall: return 11
        case .density: return 1
        }
    }
}

/// A usage or run-time failure of `swiftlet bench`; printed as one line.
public struct BenchError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Hand-written, like the `run` parser: no argument-parser dependency in the binary.
public enum BenchOptionParser {
    public static let usage = """
    Usage: swiftlet bench boot|syscall|density [OPTIONS]

      -n N              measured runs (boot, default 50), rounds per call (syscall,
                        default 11), repetitions per level (density, default 1)
          --warmup N    unmeasured runs first (default 3)
          --json        JSON on stdout instead of a table
          --plot DIR    write PNG charts into DIR (needs gnuplot)
          --max K       density: most concurrent microVMs (default 32; up to 100+)
          --workloads DIR  directory with the built images/bench programs
          --no-qemu     skip the QEMU columns
          --qemu-runs N     QEMU boots per configuration (default 3)
          --qemu-timeout S  limit for one QEMU boot (default 30)

    """

    public static func parse(_ arguments: [String]) throws(BenchError) -> BenchOptions {
        var o = BenchOptions()
        guard let first = arguments.first else { throw BenchError("bench: missing kind (boot, syscall or density)") }
        guard let kind = BenchKind(rawValue: first) else {
            throw BenchError("bench: unknown kind '\(first)' (expected boot, syscall or density)")
        }
        o.kind = kind
        var i = 1
        func value(_ name: String) throws(BenchError) -> String {
            guard i < arguments.count else { throw BenchError("bench: \(name): missing value") }
            defer { i += 1 }
            return arguments[i]
        }
        func number(_ name: String, min: Int) throws(BenchError) -> Int {
            let text = try value(name)
            guard let n = Int(text), n >= min else { throw BenchError("bench: \(name): invalid number '\(text)'") }
            return n
        }
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            switch arg {
            case "-n": o.count = try number("-n", min: 1)
            case "--warmup": o.warmup = try number("--warmup", min: 0)
            case "--json": o.json = true
            case "--plot": o.plotDirectory = try value("--plot")
            case "--max": o.maxConcurrent = try number("--max", min: 1)
            case "--workloads": o.workloads = try value("--workloads")
            case "--no-qemu": o.qemu = false
            case "--qemu-runs": o.qemuRuns = try number("--qemu-runs", min: 0)
            case "--qemu-timeout": o.qemuTimeoutSeconds = try number("--qemu-timeout", min: 1)
            default:
                if arg.hasPrefix("-n"), let n = Int(arg.dropFirst(2)), n >= 1 { o.count = n; continue }
                throw BenchError("bench: unknown option '\(arg)'")
            }
        }
        return o
    }
}
