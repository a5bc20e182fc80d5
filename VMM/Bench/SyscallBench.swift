/// `swiftlet bench syscall`: images/bench/syscalls runs in a Swiftlet guest, natively,
/// and in a QEMU Linux guest where available, all in one invocation.
public struct SyscallResult: Equatable, Sendable {
    public struct Column: Equatable, Sendable {
        public var name: String
        public var output: SyscallProbeOutput?
        /// Why there is no output ("not installed", "timeout", …).
        public var note: String?
    }

    public var host: HostDescription
    public var rounds: Int
    public var program: String
    public var columns: [Column]
    /// The column every ratio divides by.
    public static let baseline = "native"

    public var calls: [String] {
        var names: [String] = []
        for c in columns {
            for n in c.output?.order ?? [] where !names.contains(n) { names.append(n) }
        }
        return names
    }

    /// Median ns per call, or the reason there is none.
    public func cell(_ column: Column, _ call: String) -> (LatencySummary?, String) {
        guard let out = column.output else { return (nil, column.note ?? "n/a") }
        if let e = out.unsupported[call] { return (nil, "n/a (\(errnoName(e)))") }
        guard let s = LatencySummary(samples: out.picosPerCall(call)) else { return (nil, "n/a") }
        return (s, Format.fixed(Double(s.median) / 1000, 1))
    }

    public func renderText() -> String {
        var out = "swiftlet bench syscall: \(rounds) rounds per call of about 2 ms each (20 ms for process operations), median ns per call\n"
        out += host.summaryLine
        out += "program: \(program)\n"
        for c in columns {
            if let o = c.output {
                out += "\(c.name): TSC \(Format.fixed(Double(o.tscHz) / 1e9, 3)) GHz (calibrated by the program), vDSO \(o.vdso ? "yes" : "no")\n"
            } else {
                out += "\(c.name): \(c.note ?? "no data")\n"
            }
        }
        out += "\n"
        let base = columns.first { $0.name == Self.baseline }
        var header = ["call (ns/call)"]
        for c in columns where c.output != nil {
            header.append(c.name)
            if c.name != Self.baseline && base?.output != nil { header.append("/" + Self.baseline) }
        }
        var table = TextTable(header: header)
        for call in calls {
            var row = [call]
            let baseSummary = base.flatMap { cell($0, call).0 }
            for c in columns where c.output != nil {
                let (s, text) = cell(c, call)
                row.append(text)
                if c.name != Self.baseline && base?.output != nil {
                    if let s, let b = baseSummary, b.median > 0 {
                        row.append(Format.ratio(Double(s.median) / Double(b.median)))
                    } else {
                        row.append("-")
                    }
                }
            }
            table.rows.append(row)
        }
        out += table.render()
        return out
    }

    public func json() -> JSONValue {
        let callList: [JSONValue] = calls.map { call in
            var fields = [JSONField("name", .string(call))]
            for c in columns {
                let (s, text) = cell(c, call)
                if let s {
                    var f = [JSONField("ns_per_call", .number(Double(s.median) / 1000)),
                             JSONField("summary", s.json(unit: "ps"))]
                    if let base = columns.first(where: { $0.name == Self.baseline }), c.name != Self.baseline,
                       let b = cell(base, call).0, b.median > 0 {
                        f.append(JSONField("ratio_to_native", .number(Double(s.median) / Double(b.median))))
                    }
                    fields.append(JSONField(c.name, .object(f)))
                } else {
                    fields.append(JSONField(c.name, .object([JSONField("unavailable", .string(text))])))
                }
            }
            return .object(fields)
        }
        return .object([
            JSONField("benchmark", .string("syscall")),
            JSONField("host", host.json),
            JSONField("rounds", .int(Int64(rounds))),
            JSONField("program", .string(program)),
            JSONField("columns", .array(columns.map { c in
                var f = [JSONField("name", .string(c.name))]
                if let o = c.output {
                    f.append(JSONField("tsc_hz", .uint(o.tscHz)))
                    f.append(JSONField("vdso", .bool(o.vdso)))
                }
                if let n = c.note { f.append(JSONField("note", .string(n))) }
                return .object(f)
            })),
            JSONField("calls", .array(callList)),
        ])
    }
}

enum SyscallBench {
    /// Where the guest finds images/bench/hello (`swiftlet run --add`).
    static let guestHello = "/bin/hello"
    static func run(_ options: BenchOptions, host: HostDescription, workloads w: Workloads) throws(BenchError) -> SyscallResult {
        let rounds = String(options.runs)
        var progress = Progress("syscall", total: 4)
        /// Swiftlet and native must work; a QEMU column that fails becomes a note.
        func probe(_ name: String, _ r: Subprocess.Result, optional: Bool = false) throws(BenchError) -> SyscallResult.Column {
            let out = SyscallProbeOutput(parsing: r.stdoutText)
            guard r.status == 0, out.complete, out.tscHz > 0 else {
                if r.timedOut { return .init(name: name, output: nil, note: "timeout") }
                if optional { return .init(name: name, output: nil, note: "failed (exit \(r.status)): " + lastLine(r.stderrText)) }
                throw BenchError("\(name): syscalls probe failed (exit \(r.status)):\n\(r.stderrText)\(r.stdoutText)")
            }
            return .init(name: name, output: out, note: nil)
        }
        progress.step(0, "(native)")
        var columns = [try probe("native", Subprocess.run([w.syscalls, rounds, w.hello]))]
        progress.step(1, "(swiftlet)")
        // One warm-up boot so that page cache and binary are hot for the measured one.
        // execve_hello needs the hello binary inside the guest: packed as /bin/hello.
        let guestRun = [w.swiftlet, "run", "--add", w.hello + ":" + SyscallBench.guestHello, w.syscalls]
        for _ in 0..<min(options.warmup, 1) {
            _ = try Subprocess.run(guestRun + ["1", SyscallBench.guestHello], stdout: .discard, stderr: .discard, timeoutSeconds: Subprocess.swiftletTimeout)
        }
        columns.append(try probe("swiftlet", Subprocess.run(guestRun + [rounds, SyscallBench.guestHello], timeoutSeconds: Subprocess.swiftletTimeout)))
        let (qemu, status) = options.qemu ? QEMU.find() : (nil, "qemu: skipped (--no-qemu)")
        if let qemu {
            let initrd = try qemu.initramfs(program: w.syscalls, extras: [(w.hello, "/hello")], into: w.directory)
            for (k, a) in QEMU.Accel.allCases.enumerated() {
                progress.step(2 + k, "(qemu \(a.rawValue))")
                let name = "qemu-microvm-\(a.rawValue)"
                if a == .kvm && host.kvm == "pvm" {
                    columns.append(.init(name: name, output: nil,
                        note: "skipped on PVM: an unmodified Linux kernel's ring 0 runs in KVM's instruction emulator (see bench boot)"))
                    continue
                }
                let r = try qemu.boot(accel: a, initramfs: initrd, initArgs: [rounds, "/hello"], timeoutSeconds: options.qemuTimeoutSeconds * 4)
                columns.append(try probe(name, r, optional: true))
            }
        } else {
            columns.append(.init(name: "qemu", output: nil, note: status))
        }
        progress.finish()
        return SyscallResult(host: host, rounds: options.runs,
                             program: "\(w.syscalls) (static musl, RDTSC)", columns: columns)
    }
}
