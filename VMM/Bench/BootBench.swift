/// `swiftlet bench boot`: N sequential `swiftlet run --trace-boot tiny` after warm-up,
/// interleaved with native spawns of the same program and (when installed) QEMU
/// microvm boots, so that drift on a noisy machine hits every column alike.
public struct BootResult: Equatable, Sendable {
    public var host: HostDescription
    public var runs: Int
    public var warmup: Int
    public var program: String
    public var guestPlatform: String?
    /// `BootTraceLog.phaseLabels` plus the untraced rest and the outside total.
    public var phases: [Comparison]
    public var columns: [Comparison]
    public var qemuStatus: String

    public static let untracedLabel = "exec/runtime/exit outside trace"
    public static let totalLabel = "total exec -> exit (outside)"

    public func renderText() -> String {
        var out = "swiftlet bench boot: \(runs) runs after \(warmup) warm-up runs, interleaved\n"
        out += host.summaryLine
        out += "guest platform: \(guestPlatform ?? "unknown")\n"
        out += "program: \(program)\n"
        out += qemuStatus + "\n\n"
        var phaseTable = TextTable(header: ["swiftlet phase (us)", "median", "p90", "p99", "max"])
        for p in phases {
            guard let s = p.summary else { continue }
            phaseTable.rows.append([p.name, Format.micros(s.median), Format.micros(s.p90), Format.micros(s.p99), Format.micros(s.max)])
        }
        out += phaseTable.render() + "\n"
        var side = TextTable(header: ["exec -> exit (us)", "runs", "median", "p90", "p99", "max", "vs swiftlet"])
        let base = columns[0]
        for c in columns {
            if let s = c.summary {
                side.rows.append([c.name, String(s.count), Format.micros(s.median), Format.micros(s.p90),
                                  Format.micros(s.p99), Format.micros(s.max),
                                  c.ratio(to: base).map(Format.ratio) ?? "-"])
            } else {
                side.rows.append([c.name, "0", "-", "-", "-", "-", "-"])
            }
        }
        out += side.render()
        for c in columns where c.note != nil { out += "note: \(c.name): \(c.note!)\n" }
        return out
    }

    public func json() -> JSONValue {
        .object([
            JSONField("benchmark", .string("boot")),
            JSONField("host", host.json),
            JSONField("runs", .int(Int64(runs))), JSONField("warmup", .int(Int64(warmup))),
            JSONField("program", .string(program)),
            JSONField("guest_platform", guestPlatform.map(JSONValue.string) ?? .null),
            JSONField("qemu", .string(qemuStatus)),
            JSONField("phases", .array(phases.map { p in
                .object([JSONField("name", .string(p.name))] + (p.summary.map { [JSONField("summary", $0.json(unit: "ns"))] } ?? []))
            })),
            JSONField("columns", .object(columns.map { c in
                var v = c.json(unit: "ns")
                if case .object(var f) = v, let r = c.ratio(to: columns[0]) {
                    f.append(JSONField("ratio_to_swiftlet", .number(r)))
                    v = .object(f)
                }
                return JSONField(c.name, v)
            })),
        ])
    }
}

enum BootBench {
    static func run(_ options: BenchOptions, host: HostDescription, workloads w: Workloads) throws(BenchError) -> BootResult {
        let n = options.runs
        var phases = (BootTraceLog.phaseLabels + [BootResult.untracedLabel, BootResult.totalLabel]).map { Comparison(name: $0) }
        var swiftlet = Comparison(name: "swiftlet")
        var native = Comparison(name: "native (posix_spawn+exec)")
        var qemuColumns: [QEMU.Accel: Comparison] = [:]
        let (qemu, qemuStatus) = options.qemu ? QEMU.find() : (nil, "qemu: skipped (--no-qemu)")
        var initrd: String?
        if let qemu {
            initrd = try qemu.initramfs(program: w.tiny, into: w.directory)
            for a in QEMU.Accel.allCases { qemuColumns[a] = Comparison(name: "qemu microvm (\(a.rawValue))") }
        }
        var guestPlatform: String?

        func bootSwiftlet() throws(BenchError) -> (BootTraceLog, UInt64) {
            let r = try Subprocess.run([w.swiftlet, "run", "--trace-boot", w.tiny], stdout: .discard, stderr: .capture, timeoutSeconds: Subprocess.swiftletTimeout)
            guard r.status == 0 else { throw BenchError("swiftlet run \(w.tiny) exited \(r.status):\n\(r.stderrText)") }
            let log = BootTraceLog(parsing: r.stderrText)
            guard log.missing.isEmpty else {
                throw BenchError("swiftlet run --trace-boot: missing milestones \(log.missing.joined(separator: ", "))")
            }
            return (log, r.nanos)
        }
        func spawnNative() throws(BenchError) -> UInt64 {
            let r = try Subprocess.run([w.tiny], stdout: .discard, stderr: .discard)
            guard r.status == 0 else { throw BenchError("\(w.tiny) exited \(r.status)") }
            return r.nanos
        }

        var progress = Progress("boot", total: options.warmup + n)
        for i in 0..<options.warmup {
            progress.step(i, "(warm-up)")
            _ = try bootSwiftlet()
            _ = try spawnNative()
        }
        for i in 0..<n {
            progress.step(options.warmup + i)
            let (log, total) = try bootSwiftlet()
            guestPlatform = log.platform
            let traced = log.phaseNanos()!
            for (k, v) in traced.enumerated() { phases[k].samples.append(v) }
            let tracedEnd = log.micros["vm-torn-down"]! * 1000
            phases[traced.count].samples.append(total > tracedEnd ? total - tracedEnd : 0)
            phases[traced.count + 1].samples.append(total)
            swiftlet.samples.append(total)
            native.samples.append(try spawnNative())
            if let qemu, let initrd, i < options.qemuRuns {
                for a in QEMU.Accel.allCases where qemuColumns[a]!.note == nil {
                    progress.step(options.warmup + i, "(qemu \(a.rawValue))")
                    let r = try qemu.boot(accel: a, initramfs: initrd, initArgs: [], timeoutSeconds: options.qemuTimeoutSeconds)
                    if r.timedOut {
                        qemuColumns[a]!.note = "timeout (> \(options.qemuTimeoutSeconds) s; not retried)"
                    } else if r.status != 0 {
                        qemuColumns[a]!.note = "failed (exit \(r.status)): " + lastLine(r.stderrText)
                    } else {
                        qemuColumns[a]!.samples.append(r.nanos)
                    }
                }
            }
        }
        progress.finish()
        var columns = [swiftlet, native]
        if qemu != nil {
            columns += QEMU.Accel.allCases.map { qemuColumns[$0]! }
        } else {
            columns.append(Comparison(name: "qemu microvm", note: qemuStatus))
        }
        return BootResult(host: host, runs: n, warmup: options.warmup,
                          program: "\(w.tiny) (\(Workloads.fileSize(w.tiny)) bytes, static musl)",
                          guestPlatform: guestPlatform, phases: phases, columns: columns, qemuStatus: qemuStatus)
    }
}

func lastLine(_ text: String) -> String {
    String(text.split(separator: "\n").last ?? "")
}
