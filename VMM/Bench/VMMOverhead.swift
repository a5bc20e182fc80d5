/// Where one swiftlet process's resident memory is, from /proc/PID/smaps: the guest RAM
/// mapping (the guest pages touched so far) against everything else, which is the VMM's
/// own overhead. Firecracker's test_memory_overhead draws the line the same way for its
/// "≤ 5 MiB VMM overhead" bar: RSS outside guest memory, file-backed (the binary) and
/// anonymous (what the VMM allocates) apart.
public struct VMMOverhead: Equatable, Sendable {
    /// RSS of the guest RAM mapping. With transparent huge pages (`GuestRAM(hugePages:)`)
    /// it grows in 2 MiB steps.
    public var guestKiB: UInt64
    /// RSS of file-backed mappings: the swiftlet binary and the shared libraries (Swift
    /// runtime, libc, libstdc++, …). Mostly shared with every other swiftlet process.
    public var fileKiB: UInt64
    /// RSS of the other mappings: malloc heap and arenas, thread stacks, the vCPU's
    /// kvm_run page, the vDSO.
    public var anonKiB: UInt64
    /// Private_Clean + Private_Dirty outside guest RAM: what one more microVM costs on top
    /// of the guest pages, with the shared libraries already resident.
    public var privateKiB: UInt64
    /// PSS outside guest RAM (shared pages divided among the processes that map them).
    public var pssKiB: UInt64

    /// The VMM overhead in Firecracker's sense: all RSS outside guest RAM.
    public var totalKiB: UInt64 { fileKiB + anonKiB }

    public init(guestKiB: UInt64, fileKiB: UInt64, anonKiB: UInt64, privateKiB: UInt64, pssKiB: UInt64) {
        self.guestKiB = guestKiB; self.fileKiB = fileKiB; self.anonKiB = anonKiB
        self.privateKiB = privateKiB; self.pssKiB = pssKiB
    }

    /// Parses smaps text. The guest RAM is the one anonymous mapping of exactly
    /// `guestBytes` (GuestRAM maps it whole); nil if there is none, or more than one.
    public init?(smaps text: String, guestBytes: UInt64) {
        var mappings: [Mapping] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let m = Mapping(header: line) {
                mappings.append(m)
            } else if !mappings.isEmpty {
                mappings[mappings.count - 1].add(field: line)
            }
        }
        let guest = mappings.indices.filter { mappings[$0].name.isEmpty && mappings[$0].bytes == guestBytes }
        guard guest.count == 1 else { return nil }
        self.init(guestKiB: 0, fileKiB: 0, anonKiB: 0, privateKiB: 0, pssKiB: 0)
        for (i, m) in mappings.enumerated() {
            if i == guest[0] { guestKiB = m.rss; continue }
            if m.name.hasPrefix("/") { fileKiB += m.rss } else { anonKiB += m.rss }
            privateKiB += m.privateKiB
            pssKiB += m.pss
        }
    }

    static func read(pid: Int32, guestBytes: UInt64) -> VMMOverhead? {
        readTextFile("/proc/\(pid)/smaps", limit: 16 << 20).flatMap { VMMOverhead(smaps: $0, guestBytes: guestBytes) }
    }

    /// One smaps entry: "start-end perms offset dev inode [name]" and its "Key: N kB" lines.
    struct Mapping {
        var bytes: UInt64
        var name: Substring
        var rss: UInt64 = 0, pss: UInt64 = 0, privateKiB: UInt64 = 0

        init?(header line: Substring) {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5 else { return nil }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16),
                  end >= start else { return nil }
            bytes = end - start
            name = fields.count == 6 ? Substring(fields[5].drop(while: { $0 == " " })) : ""
        }

        mutating func add(field line: Substring) {
            guard let colon = line.firstIndex(of: ":") else { return }
            let value = line[line.index(after: colon)...].split(separator: " ").first.flatMap { UInt64($0) } ?? 0
            switch line[..<colon] {
            case "Rss": rss = value
            case "Pss": pss = value
            case "Private_Clean", "Private_Dirty": privateKiB += value
            default: break
            }
        }
    }
}
