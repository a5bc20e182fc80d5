import Testing
@testable import Bench

@Suite struct OutputTests {
    let host = HostDescription(kvm: "pvm", cpuModel: "Test CPU", cpus: 2, memoryMiB: 1024, kernel: "Linux 6.1")

    @Test func tableAlignsLabelsLeftAndFiguresRight() {
        let t = TextTable(header: ["name", "median"], rows: [["getpid", "4.5"], ["open_close", "13423.5"]])
        #expect(t.render() == """
            name         median
            ----------  -------
            getpid          4.5
            open_close  13423.5

            """)
    }

    @Test func fixedPointFormatting() {
        #expect(Format.fixed(3.14159, 2) == "3.14")
        #expect(Format.fixed(2.5, 0) == "3")
        #expect(Format.fixed(0.05, 1) == "0.1")
        #expect(Format.fixed(-1.25, 1) == "-1.3")
        #expect(Format.fixed(7, 3) == "7.000")
        #expect(Format.micros(8_123_456) == "8123.5")
        #expect(Format.ratio(179.4) == "179x")
        #expect(Format.ratio(19.83) == "19.8x")
        #expect(Format.ratio(0.0089) == "0.0089x")
        #expect(Format.ratio(.nan) == "-")
    }

    @Test func jsonEscapesAndNests() {
        let v = JSONValue.object([
            JSONField("s", .string("a\"b\\c\n\u{1}")),
            JSONField("n", .int(-3)), JSONField("d", .number(1.5)), JSONField("inf", .number(.infinity)),
            JSONField("a", .array([.bool(true), .null])), JSONField("e", .object([])),
        ])
        #expect(v.render() == """
            {
              "s": "a\\"b\\\\c\\n\\u0001",
              "n": -3,
              "d": 1.5,
              "inf": null,
              "a": [
                true,
                null
              ],
              "e": {}
            }

            """)
    }

    @Test func bootTraceParsesMilestonesAndPhases() throws {
        let log = BootTraceLog(parsing: """
            swiftlet: host /dev/kvm: pvm, guest kernel mode: pvm-native
            swiftlet: trace: kvm-ready 1000 us
            swiftlet: trace: memory-ready 1500 us
            swiftlet: trace: kernel-entry 1600 us
            swiftlet: trace: kernel-init-done 2600 us
            swiftlet: trace: program-entry 2599 us
            swiftlet: trace: program-exit 2700 us
            swiftlet: trace: vm-torn-down 3000 us
            unrelated line
            """)
        #expect(log.platform == "pvm, guest kernel mode: pvm-native")
        #expect(log.missing.isEmpty)
        // program-entry is 1 µs "before" kernel-init-done (TSC mapping): clamped to 0.
        #expect(try #require(log.phaseNanos()) == [1_000_000, 500_000, 100_000, 1_000_000, 0, 100_000, 300_000])
        #expect(BootTraceLog(parsing: "swiftlet: trace: kvm-ready 5 us").phaseNanos() == nil)
    }

    @Test func syscallProbeOutputParsesCRLFAndUnsupported() {
        let out = SyscallProbeOutput(parsing: "tsc_hz 2000000000\r\nvdso 1\r\nround getpid 1000 200000\r\nround getpid 1000 400000\r\nunsupported futex_wake 38\r\ndone\r\n")
        #expect(out.tscHz == 2_000_000_000 && out.vdso && out.complete)
        #expect(out.order == ["getpid", "futex_wake"])
        // 200 cycles per call at 2 GHz = 100 ns = 100 000 ps.
        #expect(out.picosPerCall("getpid") == [100_000, 200_000])
        #expect(out.unsupported["futex_wake"] == 38)
    }

    @Test func syscallProbeOutputKeepsSlowProcessRounds() {
        // Process operations run few iterations per ~20 ms round; each round still counts.
        let out = SyscallProbeOutput(parsing: "tsc_hz 1000000000\nvdso 1\nround execve_hello 4 2000000\nround execve_hello 5 2000000\nround execve_hello 4 1800000\nunsupported fork_exit_wait 38\nround pipe_pingpong 1717 7000000\ndone\n")
        #expect(out.complete)
        #expect(out.order == ["execve_hello", "fork_exit_wait", "pipe_pingpong"])
        // 500 000, 400 000 and 450 000 cycles per call at 1 GHz = 500, 400 and 450 µs.
        #expect(out.picosPerCall("execve_hello") == [500_000_000, 400_000_000, 450_000_000])
        let result = SyscallResult(host: host, rounds: 2, program: "syscalls", columns: [
            .init(name: "native", output: out, note: nil)])
        let text = result.renderText()
        #expect(text.contains("(20 ms for process operations)"))
        let row = text.split(separator: "\n").first { $0.hasPrefix("execve_hello") }.map(String.init) ?? ""
        let cells = row.split(separator: " ")
        #expect(cells.count == 2, "\(row)")
        // The median (450 µs), to HdrHistogram's three significant digits.
        let ns = cells.count == 2 ? Double(cells[1]) ?? 0 : 0
        #expect(abs(ns - 450_000) < 1_000, "\(row)")
        #expect(text.contains("n/a (ENOSYS)"))
    }

    func syscallResult() -> SyscallResult {
        let native = SyscallProbeOutput(parsing: "tsc_hz 1000000000\nvdso 1\nround getpid 10 1000\nround futex_wake 10 2000\ndone\n")
        let guest = SyscallProbeOutput(parsing: "tsc_hz 1000000000\nvdso 0\nround getpid 10 20000\nunsupported futex_wake 38\ndone\n")
        return SyscallResult(host: host, rounds: 1, program: "syscalls", columns: [
            .init(name: "native", output: native, note: nil),
            .init(name: "swiftlet", output: guest, note: nil),
            .init(name: "qemu", output: nil, note: "qemu: not installed"),
        ])
    }

    @Test func syscallTableShowsRatiosAndENOSYS() {
        let text = syscallResult().renderText()
        #expect(text.contains("/dev/kvm: PVM"))
        #expect(text.contains("qemu: qemu: not installed"))
        let rows = text.split(separator: "\n")
        let getpid = rows.first { $0.hasPrefix("getpid") }.map(String.init) ?? ""
        #expect(getpid.split(separator: " ") == ["getpid", "100.0", "2000.0", "20.0x"])
        let futex = rows.first { $0.hasPrefix("futex_wake") }.map(String.init) ?? ""
        #expect(futex.contains("n/a (ENOSYS)"))
    }

    @Test func syscallJSONNamesEveryColumn() {
        let json = syscallResult().json().render()
        #expect(json.contains("\"benchmark\": \"syscall\""))
        #expect(json.contains("\"native\": {"))
        #expect(json.contains("\"swiftlet\": {"))
        #expect(json.contains("\"unavailable\": \"n/a (ENOSYS)\""))
        #expect(json.contains("\"ns_per_call\": 2000.0"))
    }

    @Test func bootTextHasPhasesAndRatios() {
        let r = BootResult(host: host, runs: 3, warmup: 0, program: "tiny", guestPlatform: "pvm",
                           phases: [Comparison(name: "vmm start -> kvm-ready", samples: [1000, 2000, 3000])],
                           columns: [Comparison(name: "swiftlet", samples: [10_000, 10_000, 10_000]),
                                     Comparison(name: "native", samples: [1000, 1000, 1000]),
                                     Comparison(name: "qemu microvm", note: "qemu: not installed")],
                           qemuStatus: "qemu: not installed")
        let text = r.renderText()
        #expect(text.contains("vmm start -> kvm-ready"))
        #expect(text.contains("0.100x"))
        #expect(text.contains("note: qemu microvm: qemu: not installed"))
        #expect(r.json().render().contains("\"swiftlet\": {"))
    }

    @Test func optionParser() throws {
        let o = try BenchOptionParser.parse(["syscall", "-n", "7", "--json", "--plot", "/tmp/p", "--no-qemu"])
        #expect(o.kind == .syscall && o.runs == 7 && o.json && o.plotDirectory == "/tmp/p" && !o.qemu)
        #expect(try BenchOptionParser.parse(["boot"]).runs == 50)
        #expect(try BenchOptionParser.parse(["density", "-n3", "--max", "100"]).maxConcurrent == 100)
        #expect(throws: BenchError.self) { try BenchOptionParser.parse(["bogus"]) }
        #expect(throws: BenchError.self) { try BenchOptionParser.parse(["boot", "-n", "0"]) }
        #expect(throws: BenchError.self) { try BenchOptionParser.parse(["boot", "--frobnicate"]) }
        #expect(throws: BenchError.self) { try BenchOptionParser.parse([]) }
    }

    @Test func processStatusAndPlatform() throws {
        let m = try #require(ProcessMemory(status: "Name:\tswiftlet\nVmHWM:\t   20000 kB\nVmRSS:\t   18000 kB\nRssAnon:\t    7000 kB\n"))
        #expect(m == ProcessMemory(rssKiB: 18000, hwmKiB: 20000, anonKiB: 7000))
        #expect(HostDescription.kvmKind(pvmModuleLoaded: true, devKVM: true, cpuinfo: "flags\t: fpu vmx") == "pvm")
        #expect(HostDescription.kvmKind(pvmModuleLoaded: false, devKVM: true, cpuinfo: "flags\t: fpu vmx") == "hardware")
        #expect(HostDescription.kvmKind(pvmModuleLoaded: false, devKVM: true, cpuinfo: "flags\t: fpu") == "none")
        #expect(HostDescription.kvmKind(pvmModuleLoaded: true, devKVM: false, cpuinfo: "") == "none")
    }
}
