import Foundation
import Testing

/// Runs the real `swiftlet bench` (tiny N, no QEMU) and checks that the JSON is
/// well-formed with positive, plausible figures. No speed thresholds: timings belong
/// in BENCHMARKS.md, not in pass/fail.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: "/dev/kvm")))
struct BenchIntegrationTests {
    /// swiftlet is built next to the test bundle (.build/<triple>/<config>/).
    static var swiftlet: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        // On Linux the test runner is the file <config>/<Package>PackageTests.xctest.
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("swiftlet").path
    }

    func bench(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.swiftlet)
        p.arguments = ["bench"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func json(_ args: [String]) throws -> [String: Any] {
        let r = try bench(args + ["--json"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        let dict = try #require(object as? [String: Any], "not a JSON object: \(r.stdout)")
        let host = try #require(dict["host"] as? [String: Any])
        #expect(["pvm", "hardware", "none"].contains(host["kvm"] as? String ?? ""))
        #expect(r.stderr.contains("swiftlet bench:"), "progress on stderr")
        return dict
    }

    func checkSummary(_ value: Any?, unit: String, count: Int? = nil, atMost: Int) throws {
        let s = try #require(value as? [String: Any], "summary missing")
        #expect(s["unit"] as? String == unit)
        let mn = try #require(s["min"] as? Int), med = try #require(s["median"] as? Int)
        let p99 = try #require(s["p99"] as? Int), mx = try #require(s["max"] as? Int)
        #expect(0 <= mn && mn <= med && med <= p99 && p99 <= mx && mx <= atMost)
        if let count { #expect(s["count"] as? Int == count) }
    }

    @Test func bootJSON() throws {
        let d = try json(["boot", "-n", "2", "--warmup", "0", "--no-qemu"])
        #expect(d["benchmark"] as? String == "boot")
        let columns = try #require(d["columns"] as? [String: Any])
        let swiftlet = try #require(columns["swiftlet"] as? [String: Any])
        // A whole boot is positive and below a minute.
        try checkSummary(swiftlet["summary"], unit: "ns", count: 2, atMost: 60_000_000_000)
        let total = try #require((swiftlet["summary"] as? [String: Any])?["min"] as? Int)
        #expect(total > 0)
        let native = try #require(columns["native (posix_spawn+exec)"] as? [String: Any])
        try checkSummary(native["summary"], unit: "ns", count: 2, atMost: 60_000_000_000)
        let phases = try #require(d["phases"] as? [[String: Any]])
        #expect(phases.count == 9)
        for p in phases { try checkSummary(p["summary"], unit: "ns", count: 2, atMost: 60_000_000_000) }
    }

    @Test func bootText() throws {
        let r = try bench(["boot", "-n", "1", "--warmup", "0", "--no-qemu"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("/dev/kvm: "))
        #expect(r.stdout.contains("total exec -> exit (outside)"))
        #expect(r.stdout.contains("qemu: skipped"))
    }

    @Test func syscallJSON() throws {
        let d = try json(["syscall", "-n", "2", "--no-qemu"])
        let calls = try #require(d["calls"] as? [[String: Any]])
        #expect(calls.count == 20)   // images/bench/syscalls.c: 15 calls, then 5 process operations
        var measuredInGuest = 0
        // Issue #5 "Measure": these must run in the guest too (no "n/a").
        let processOps = ["pipe_pingpong", "thread_create_join", "fork_exit_wait", "execve_hello", "mmap_touch_munmap_1m"]
        for name in processOps {
            let c = try #require(calls.first { $0["name"] as? String == name }, "row \(name)")
            let guest = try #require(c["swiftlet"] as? [String: Any])
            #expect(guest["ns_per_call"] is Double, "\(name) in the guest: \(guest)")
        }
        for c in calls {
            let native = try #require(c["native"] as? [String: Any])
            let ns = try #require(native["ns_per_call"] as? Double, "native \(c["name"] ?? "?")")
            // Under 100 ms a call: mmap+touch of 1 MiB takes several ms in the guest.
            #expect(ns > 0 && ns < 100_000_000, "native \(c["name"] ?? "?"): \(ns)")
            let guest = try #require(c["swiftlet"] as? [String: Any])
            if let g = guest["ns_per_call"] as? Double {
                #expect(g > 0 && g < 100_000_000, "swiftlet \(c["name"] ?? "?"): \(g)")
                measuredInGuest += 1
            } else {
                #expect((guest["unavailable"] as? String ?? "").hasPrefix("n/a ("))
            }
        }
        #expect(measuredInGuest >= 15, "getpid, read, write, stat, fork, execve … run in the guest today")
    }

    @Test func densityJSON() throws {
        let d = try json(["density", "--max", "2", "-n", "1", "--warmup", "0"])
        let levels = try #require(d["levels"] as? [[String: Any]])
        #expect(levels.map { $0["concurrent"] as? Int } == [1, 2])
        for l in levels {
            let rate = try #require(l["starts_per_second"] as? Double)
            #expect(rate > 0 && rate < 100_000)
            // RSS of a swiftlet process: more than 1 MiB, less than 4 GiB.
            let rss = try #require(l["rss"] as? [String: Any])
            try checkSummary(rss, unit: "KiB", atMost: 4 << 20)
            #expect((rss["min"] as? Int ?? 0) > 1024)
            // smaps splits it: guest pages touched (at least the kernel image) and the VMM.
            let guest = try #require(l["guest_touched"] as? [String: Any])
            let vmm = try #require(l["vmm_overhead"] as? [String: Any])
            try checkSummary(guest, unit: "KiB", atMost: 128 << 10)
            try checkSummary(vmm, unit: "KiB", atMost: 4 << 20)
            #expect((guest["min"] as? Int ?? 0) > 256)
            #expect((vmm["min"] as? Int ?? 0) > 256)
            #expect((l["failures"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func usageErrorsExit125() throws {
        let r = try bench(["warp"])
        #expect(r.status == 125)
        #expect(r.stderr.contains("unknown kind"))
    }
}
