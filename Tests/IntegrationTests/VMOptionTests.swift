// The VM-level options: --trace-boot, --kernel-log, --platform, --memory, --timeout.
import Foundation
import Testing

extension Integration {
    @Suite struct VMOptions {
        static let milestones = [
            "kvm-ready", "memory-ready", "kernel-entry", "kernel-init-done",
            "program-entry", "program-exit", "vm-torn-down",
        ]

        @Test("--trace-boot prints all seven milestones in order")
        func traceBoot() throws {
            guard let r = Swiftlet.runImage("hello-musl", options: ["--trace-boot"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "hello, world\n", "\(r)")
            // "swiftlet: trace: <milestone> <micros> us"
            var seen: [(String, UInt64)] = []
            for line in r.stderrLines where line.hasPrefix("swiftlet: trace: ") {
                let fields = line.dropFirst("swiftlet: trace: ".count).split(separator: " ")
                guard fields.count == 3, fields[2] == "us", let micros = UInt64(fields[1]) else {
                    Issue.record("malformed trace line: \(line)")
                    continue
                }
                seen.append((String(fields[0]), micros))
            }
            #expect(seen.map(\.0) == Self.milestones, "\(r)")
            let times = seen.map(\.1)
            #expect(times == times.sorted(), "timestamps go backwards: \(times)")
            #expect((times.last ?? 0) > (times.first ?? 0), "\(times)")
        }

        /// Contract: the kernel logs exactly "platform: pvm-native" or "platform: ring0".
        @Test("the kernel runs PVM-native on a PVM host, ring 0 otherwise")
        func kernelPlatform() throws {
            guard let r = Swiftlet.runImage("hello-musl", options: ["--trace-boot", "--kernel-log"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "hello, world\n", "\(r)")
            let expected = hostIsPVM ? "platform: pvm-native" : "platform: ring0"
            #expect(r.stderrText.contains(expected), "host is \(hostIsPVM ? "PVM" : "not PVM")\n\(r)")
        }

        @Test("--kernel-log shows the kernel log on stderr, not stdout")
        func kernelLog() throws {
            guard let r = Swiftlet.runImage("hello-musl", options: ["--kernel-log"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "hello, world\n", "\(r)")
            #expect(r.stderrText.contains("platform: "), "\(r)")
        }

        @Test("--platform emulated runs hello (slow path)")
        func emulatedPlatform() throws {
            guard let r = Swiftlet.runImage("hello-musl", options: ["--platform", "emulated", "--kernel-log"], timeout: 120) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "hello, world\n", "\(r)")
            #expect(r.stderrText.contains("platform: ring0"), "\(r)")
        }

        @Test("--memory and -m accept sizes with suffixes", arguments: [["--memory", "64M"], ["-m", "256M"], ["-m", "1G"]])
        func memorySizes(_ options: [String]) throws {
            guard let r = Swiftlet.runImage("hello-musl", options: options) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "hello, world\n", "\(r)")
        }

        @Test("--timeout stops a program that never exits with 125")
        func timeout() throws {
            guard let program = Swiftlet.image("spin") else { return }
            let start = Date()
            guard let r = Swiftlet.run(options: ["--timeout", "2"], program, timeout: 60) else { return }
            #expect(r.status == 125, "\(r)")
            #expect(r.stderrLines.contains { $0.hasPrefix("swiftlet: ") }, "\(r)")
            #expect(Date().timeIntervalSince(start) >= 2, "stopped before the timeout")
        }
    }
}
