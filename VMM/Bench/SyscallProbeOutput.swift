/// What images/bench/syscalls.c printed (see the format in its header comment).
public struct SyscallProbeOutput: Equatable, Sendable {
    public struct Round: Equatable, Sendable {
        public var iterations: UInt64
        public var cycles: UInt64
    }

    public var tscHz: UInt64 = 0
    public var vdso = false
    /// Call names in the order the program ran them.
    public var order: [String] = []
    public var rounds: [String: [Round]] = [:]
    /// Calls whose first attempt failed, with the errno.
    public var unsupported: [String: Int32] = [:]
    /// The program reached its last line ("done").
    public var complete = false

    public init(parsing text: String) {
        // A serial console ends lines with "\r\n": one Character, split by isNewline.
        for raw in text.split(whereSeparator: \.isNewline) {
            let words = raw.split(separator: " ")
            guard let kind = words.first else { continue }
            switch (kind, words.count) {
            case ("tsc_hz", 2): tscHz = UInt64(words[1]) ?? 0
            case ("vdso", 2): vdso = words[1] == "1"
            case ("done", 1): complete = true
            case ("round", 4):
                guard let it = UInt64(words[2]), let cy = UInt64(words[3]), it > 0 else { continue }
                let name = String(words[1])
                if rounds[name] == nil { order.append(name) }
                rounds[name, default: []].append(Round(iterations: it, cycles: cy))
            case ("unsupported", 3):
                let name = String(words[1])
                if unsupported[name] == nil && rounds[name] == nil { order.append(name) }
                unsupported[name] = Int32(words[2]) ?? 0
            default: continue
            }
        }
    }

    /// Per-round cost of `name` in picoseconds per call (integers keep the
    /// histogram exact to 0.001 ns).
    public func picosPerCall(_ name: String) -> [UInt64] {
        guard tscHz > 0, let rs = rounds[name] else { return [] }
        return rs.map { r in
            UInt64(Double(r.cycles) / Double(r.iterations) / Double(tscHz) * 1e12)
        }
    }
}

/// errno values the probe can report, by name (Linux x86_64).
public func errnoName(_ e: Int32) -> String {
    switch e {
    case 1: return "EPERM"
    case 2: return "ENOENT"
    case 9: return "EBADF"
    case 12: return "ENOMEM"
    case 13: return "EACCES"
    case 14: return "EFAULT"
    case 22: return "EINVAL"
    case 24: return "EMFILE"
    case 38: return "ENOSYS"
    case 95: return "EOPNOTSUPP"
    default: return "errno \(e)"
    }
}
