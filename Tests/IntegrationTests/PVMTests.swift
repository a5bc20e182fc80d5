// Issue 3: the kernel's own code runs natively on PVM hosts, the timer preempts a
// program that never makes a syscall, and the watchdog turns a hung guest into a clear
// error instead of a hang.
import Foundation
import Testing

extension Integration {
    @Suite struct PVM {
        static var isPVMHost: Bool { FileManager.default.fileExists(atPath: "/sys/module/kvm_pvm") }

        @Test("a 10M-iteration kernel loop takes under 100 ms (native kernel code)")
        func selfTestIsNative() throws {
            guard Self.isPVMHost else {
                Issue.record("not a PVM host: this test measures PVM native mode")
                return
            }
            guard let r = Swiftlet.runImage("hello-musl", options: ["--self-test", "--kernel-log"]) else { return }
            #expect(r.status == 0, "\(r)")
            // "self-test: 10000000 iterations in N us (checksum C)"
            guard let line = r.stderrLines.first(where: { $0.hasPrefix("self-test: 10000000 iterations in ") }),
                  let micros = line.split(separator: " ").dropFirst(4).first.flatMap({ UInt64($0) }) else {
                Issue.record("no self-test line: \(r)")
                return
            }
            #expect(micros > 0 && micros < 100_000, "10M iterations took \(micros) us: kernel code is not native")
        }

        @Test("the timer interrupts a program spinning in user mode")
        func timerPreemptsSpinningProgram() throws {
            guard let r = Swiftlet.runImage("spinfor", options: ["--kernel-log", "--watchdog", "1"], ["2"]) else { return }
            #expect(r.status == 0, "\(r)")
            // "exit: status 0 signal 0, N timer ticks, …" — 100 Hz for 2 s of spinning.
            guard let line = r.stderrLines.first(where: { $0.hasPrefix("exit: status 0") }),
                  let ticksField = line.split(separator: ",").dropFirst().first,
                  let ticks = Int(ticksField.split(separator: " ").first ?? "") else {
                Issue.record("no exit line with a tick count: \(r)")
                return
            }
            #expect(ticks >= 150, "only \(ticks) timer ticks during 2 s of user-mode spinning")
        }

        @Test("a guest hung in the kernel is stopped by the watchdog within its limit")
        func watchdogStopsHungGuest() throws {
            guard let program = Swiftlet.image("hello-musl") else { return }
            let start = Date()
            guard let r = Swiftlet.run(options: ["--test-hang", "--watchdog", "2"], program, timeout: 30) else { return }
            let elapsed = Date().timeIntervalSince(start)
            #expect(r.status == 125, "\(r)")
            #expect(r.stderrLines.first?.contains("watchdog") == true, "\(r)")
            #expect(r.stderrText.contains("rip="), "the failure report has a register dump: \(r)")
            #expect(elapsed < 10, "took \(elapsed) s")
            #expect(r.stdout.isEmpty)
        }

        @Test("syscalls, page faults and timer interrupts interleave under load")
        func syscallsFaultsAndTicksInterleave() throws {
            // busybox sha256sum of a 4 MiB file: thousands of read syscalls, demand
            // faults on the heap and the page cache, and timer ticks in between.
            guard let busybox = Swiftlet.busybox() else { return }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-pvm-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = dir.appendingPathComponent("data.bin")
            var bytes = [UInt8](repeating: 0, count: 4 << 20)
            for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 13) }
            try Data(bytes).write(to: file)
            guard let host = execute(["/usr/bin/sha256sum", file.path], timeout: 30),
                  let r = Swiftlet.run(options: ["--add", file.path + ":/data.bin", "--watchdog", "2"], busybox, ["sha256sum", "/data.bin"]) else { return }
            #expect(r.status == 0, "\(r)")
            let want = host.stdoutText.split(separator: " ").first.map(String.init)
            #expect(r.stdoutText.split(separator: " ").first.map(String.init) == want, "\(r)")
        }
    }
}
