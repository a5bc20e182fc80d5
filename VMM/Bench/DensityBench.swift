import Launch
#if canImport(Glibc)
import Glibc
#endif

/// `swiftlet bench density`: K microVMs started at once (K = 1, 2, 4, … up to --max),
/// each running `sleeper`, which prints "ready" and sleeps. A microVM counts as started
/// when its "ready" arrives; memory is read while all K sleep, then they are killed.
public struct DensityResult: Equatable, Sendable {
    public struct Level: Equatable, Sendable {
        public var concurrent: Int
        /// Per repetition: K / (time from the first spawn to the last "ready"), in
        /// milli-starts per second.
        public var startRateMilli: [UInt64] = []
        public var allReadyNanos: [UInt64] = []
        /// One sample per microVM per repetition.
        public var rssKiB: [UInt64] = []
        public var hwmKiB: [UInt64] = []
        public var anonKiB: [UInt64] = []
        /// From smaps (`VMMOverhead`), one sample per microVM: RSS of the guest RAM mapping,
        /// RSS outside it (the VMM overhead), and the private part of the latter.
        public var guestKiB: [UInt64] = []
        public var vmmKiB: [UInt64] = []
        public var vmmPrivateKiB: [UInt64] = []
        /// Per repetition: MemAvailable drop / K.
        public var hostKiBPerVM: [UInt64] = []
        public var failures: [String] = []
    }

    public var host: HostDescription
    public var repetitions: Int
    public var program: String
    /// One-at-a-time starts: `swiftlet run tiny` in sequence.
    public var sequentialNanos: [UInt64]
    public var levels: [Level]

    static func median(_ xs: [UInt64]) -> UInt64? { LatencySummary(samples: xs)?.median }

    public func renderText() -> String {
        var out = "swiftlet bench density: K microVMs started at once, \(repetitions) repetition(s) per K\n"
        out += host.summaryLine
        out += "program: \(program)\n"
        if let s = LatencySummary(samples: sequentialNanos) {
            out += "one at a time: \(Format.fixed(1e9 / Double(s.median), 1)) starts/s (median boot exec -> exit \(Format.micros(s.median)) us over \(s.count) runs)\n"
        }
        out += "\n"
        func mib(_ kib: UInt64?) -> String { kib.map { Format.fixed(Double($0) / 1024, 1) } ?? "-" }
        var t = TextTable(header: ["K", "starts/s", "all ready (ms)", "RSS/VM MiB", "RSS p90", "HWM/VM", "guest/VM", "VMM/VM",
                                   "VMM priv", "host MiB/VM"])
        for l in levels {
            let rate = Self.median(l.startRateMilli).map { Format.fixed(Double($0) / 1000, 1) } ?? "-"
            let ready = Self.median(l.allReadyNanos).map { Format.fixed(Double($0) / 1e6, 1) } ?? "-"
            t.rows.append([String(l.concurrent), rate, ready, mib(Self.median(l.rssKiB)),
                           mib(LatencySummary(samples: l.rssKiB)?.p90), mib(Self.median(l.hwmKiB)),
                           mib(Self.median(l.guestKiB)), mib(Self.median(l.vmmKiB)), mib(Self.median(l.vmmPrivateKiB)),
                           mib(Self.median(l.hostKiBPerVM))])
        }
        out += t.render()
        out += """
            RSS = VmRSS of each swiftlet process = guest (RSS of the guest RAM mapping: guest pages touched)
            + VMM (RSS of every other mapping: binary, Swift runtime and libraries, heap, stacks, KVM pages);
            VMM priv = its private part; host MiB/VM = drop of MemAvailable while all K sleep, divided by K.

            """
        for l in levels where !l.failures.isEmpty {
            out += "K=\(l.concurrent): \(l.failures.count) problem(s): \(l.failures[0])\n"
        }
        return out
    }

    public func json() -> JSONValue {
        func dist(_ xs: [UInt64], _ unit: String) -> JSONValue { LatencySummary(samples: xs)?.json(unit: unit) ?? .null }
        return .object([
            JSONField("benchmark", .string("density")),
            JSONField("host", host.json),
            JSONField("repetitions", .int(Int64(repetitions))),
            JSONField("program", .string(program)),
            JSONField("sequential_boot", dist(sequentialNanos, "ns")),
            JSONField("levels", .array(levels.map { l in
                .object([
                    JSONField("concurrent", .int(Int64(l.concurrent))),
                    JSONField("starts_per_second", Self.median(l.startRateMilli).map { .number(Double($0) / 1000) } ?? .null),
                    JSONField("all_ready", dist(l.allReadyNanos, "ns")),
                    JSONField("rss", dist(l.rssKiB, "KiB")),
                    JSONField("hwm", dist(l.hwmKiB, "KiB")),
                    JSONField("rss_anon", dist(l.anonKiB, "KiB")),
                    JSONField("guest_touched", dist(l.guestKiB, "KiB")),
                    JSONField("vmm_overhead", dist(l.vmmKiB, "KiB")),
                    JSONField("vmm_private", dist(l.vmmPrivateKiB, "KiB")),
                    JSONField("host_memory_per_vm", dist(l.hostKiBPerVM, "KiB")),
                    JSONField("failures", .array(l.failures.map(JSONValue.string))),
                ])
            })),
        ])
    }
}

enum DensityBench {
    /// 1, 2, 4, … below `max`, then `max` itself.
    static func levels(max: Int) -> [Int] {
        var out: [Int] = []
        var k = 1
        while k < max { out.append(k); k *= 2 }
        out.append(max)
        return out
    }

    static func run(_ options: BenchOptions, host: HostDescription, workloads w: Workloads) throws(BenchError) -> DensityResult {
        let ks = levels(max: options.maxConcurrent)
        let sequentialRuns = 10
        var progress = Progress("density", total: sequentialRuns + ks.count * options.runs)
        var sequential: [UInt64] = []
        for i in 0..<(options.warmup + sequentialRuns) {
            progress.step(max(i - options.warmup, 0), "(one at a time)")
            let r = try Subprocess.run([w.swiftlet, "run", w.tiny], stdout: .discard, stderr: .capture, timeoutSeconds: Subprocess.swiftletTimeout)
            guard r.status == 0 else { throw BenchError("swiftlet run \(w.tiny) exited \(r.status):\n\(r.stderrText)") }
            if i >= options.warmup { sequential.append(r.nanos) }
        }
        var levels: [DensityResult.Level] = []
        for (li, k) in ks.enumerated() {
            var level = DensityResult.Level(concurrent: k)
            for rep in 0..<options.runs {
                progress.step(sequentialRuns + li * options.runs + rep, "(K=\(k))")
                try measure(k, w, into: &level)
            }
            levels.append(level)
        }
        progress.finish()
        return DensityResult(host: host, repetitions: options.runs,
                             program: "\(w.sleeper) (prints ready, then nanosleep)",
                             sequentialNanos: sequential, levels: levels)
    }

    /// One repetition at concurrency `k`.
    static func measure(_ k: Int, _ w: Workloads, into level: inout DensityResult.Level) throws(BenchError) {
        // Long enough that nobody wakes before the last one started; they are killed
        // once measured, so the length costs nothing.
        let holdMillis = 60_000 + 1000 * k
        let availBefore = memAvailableKiB()
        let t0 = Clock.nanos()
        var children: [Subprocess.Child] = []
        defer {
            for c in children {
                kill(c.pid, SIGKILL)
                if c.stdoutFD >= 0 { close(c.stdoutFD) }
                _ = Subprocess.reap(c.pid)
            }
        }
        for _ in 0..<k {
            children.append(try Subprocess.spawn([w.swiftlet, "run", w.sleeper, String(holdMillis)], stdout: .capture, stderr: .discard))
        }
        var ready = [Bool](repeating: false, count: k)
        var lastReady = t0
        let deadline = t0 + 60_000_000_000
        var buffer = [UInt8](repeating: 0, count: 256)
        while ready.contains(false) && Clock.nanos() < deadline {
            var pfds: [pollfd] = []
            var index: [Int] = []
            for (i, c) in children.enumerated() where !ready[i] {
                pfds.append(pollfd(fd: c.stdoutFD, events: Int16(POLLIN), revents: 0))
                index.append(i)
            }
            let n = poll(&pfds, nfds_t(pfds.count), 500)
            if n <= 0 { continue }
            for (j, p) in pfds.enumerated() where p.revents != 0 {
                let got = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
                let i = index[j]
                if got > 0 {
                    ready[i] = true         // "ready\n" is the only output
                    lastReady = Clock.nanos()
                } else {
                    ready[i] = true
                    level.failures.append("microVM \(i) ended before printing ready")
                }
            }
        }
        let started = ready.indices.filter { ready[$0] }.count - level.failures.count
        guard started > 0 else {
            level.failures.append("no microVM started within 60 s")
            return
        }
        if ready.contains(false) { level.failures.append("\(ready.filter { !$0 }.count) microVM(s) not ready within 60 s") }
        let elapsed = max(lastReady - t0, 1)
        level.allReadyNanos.append(elapsed)
        level.startRateMilli.append(UInt64(Double(k) * 1e12 / Double(elapsed)))
        for c in children {
            guard let m = ProcessMemory.read(pid: c.pid) else { continue }
            level.rssKiB.append(m.rssKiB)
            level.hwmKiB.append(m.hwmKiB)
            level.anonKiB.append(m.anonKiB)
            guard let o = VMMOverhead.read(pid: c.pid, guestBytes: RunOptions.defaultMemory) else { continue }
            level.guestKiB.append(o.guestKiB)
            level.vmmKiB.append(o.totalKiB)
            level.vmmPrivateKiB.append(o.privateKiB)
        }
        let availDuring = memAvailableKiB()
        if availBefore > availDuring { level.hostKiBPerVM.append((availBefore - availDuring) / UInt64(k)) }
    }
}
