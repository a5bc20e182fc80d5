// The program's stdio over virtio-console (issue 4): byte-exact binary round trip,
// stderr kept apart, EOF, exit status.
import Foundation
import Testing

extension Integration {
    @Suite struct VirtioConsole {
        /// `swiftlet run busybox ARGS < in > out 2> err` through /bin/sh, as a user types it.
        private func shellRun(_ arguments: String, stdin: String, dir: TemporaryDirectory,
                              environment: [String: String] = [:]) -> RunResult? {
            guard let binary = Swiftlet.binary, let busybox = Swiftlet.busybox() else {
                Issue.record("swiftlet or busybox missing")
                return nil
            }
            var env = ProcessInfo.processInfo.environment
            env["SWIFTLET_VIRTIO_CONSOLE"] = "1"     // off by default (BENCHMARKS.md)
            for (k, v) in environment { env[k] = v }
            let command = "'\(binary)' run '\(busybox)' \(arguments) < '\(stdin)' > '\(dir.path)/out' 2> '\(dir.path)/err'"
            return execute(["/bin/sh", "-c", command], timeout: 120, environment: env)
        }

        @Test("10 MiB of binary data through stdin to stdout round-trips byte-exact")
        func catRoundTrip() throws {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let input = fastRandomBytes(10 << 20)
            let path = try dir.file("in", input)
            guard let r = shellRun("cat", stdin: path, dir: dir) else { return }
            #expect(r.status == 0, "\(r)")
            let out = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.path + "/out")))
            let same = out == input
            #expect(same, "stdout differs from stdin (\(out.count) of \(input.count) bytes)")
            let err = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.path + "/err")))
            #expect(err.isEmpty, "\(String(decoding: err, as: UTF8.self))")
        }

        @Test("stderr stays separate from stdout and the exit code is preserved")
        func separateStreamsAndStatus() throws {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let empty = try dir.file("empty", [])
            guard let r = shellRun("sh -c 'echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 42'", stdin: empty, dir: dir) else { return }
            #expect(r.status == 42, "\(r)")
            let out = try String(contentsOfFile: dir.path + "/out", encoding: .utf8)
            let err = try String(contentsOfFile: dir.path + "/err", encoding: .utf8)
            #expect(out == "out1\nout2\n")
            #expect(err == "err1\nerr2\n")
        }

        @Test("EOF on stdin ends the program's input; stdin is not a terminal")
        func eofAndNotATerminal() throws {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let input = try dir.file("in", Array("a\nb\nc\n".utf8))
            guard let r = shellRun("wc -l", stdin: input, dir: dir) else { return }
            #expect(r.status == 0, "\(r)")
            let out = try String(contentsOfFile: dir.path + "/out", encoding: .utf8)
            #expect(out.trimmingCharacters(in: .whitespaces) == "3\n")
            // `tty -s`: exit status 1 when stdin is not a terminal.
            guard let t = shellRun("tty -s", stdin: input, dir: dir) else { return }
            #expect(t.status == 1, "\(t)")
        }

        @Test("the host-call path still works when the consoles are off")
        func hostCallFallback() throws {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let input = fastRandomBytes(1 << 20)
            let path = try dir.file("in", input)
            guard let r = shellRun("cat", stdin: path, dir: dir, environment: ["SWIFTLET_VIRTIO_CONSOLE": "0"]) else { return }
            #expect(r.status == 0, "\(r)")
            let out = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.path + "/out")))
            #expect(out == input)
        }
    }
}
