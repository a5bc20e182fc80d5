// Debian's busybox-static, an unmodified real-world static program. It is packed
// as /bin/busybox, and Debian's build re-executes applets through /proc/self/exe.
import Foundation
import Testing

extension Integration {
    @Suite struct Busybox {
        /// Runs `busybox ARGUMENTS…` in the guest.
        private func busybox(
            _ arguments: [String], options: [String] = [], timeout: Double = 60,
            sourceLocation: SourceLocation = #_sourceLocation
        ) -> RunResult? {
            guard let busybox = Swiftlet.busybox(sourceLocation: sourceLocation) else { return nil }
            return Swiftlet.run(
                options: options, busybox, arguments, timeout: timeout, sourceLocation: sourceLocation)
        }

        @Test func echo() {
            guard let r = busybox(["echo", "hi", "a b", "ünï"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "hi a b ünï\n", "\(r)")
        }

        @Test func trueExitsZero() {
            guard let r = busybox(["true"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.isEmpty, "\(r)")
        }

        @Test func falseExitsOne() {
            guard let r = busybox(["false"]) else { return }
            #expect(r.status == 1, "\(r)")
        }

        @Test("cat of an added file, explicit guest path and default guest path")
        func catAddedFile() throws {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let content = Array("line one\nline two\n".utf8)
            let host = try dir.file("hello.txt", content)
            guard let r = busybox(["cat", "/data/hello.txt"], options: ["--add", "\(host):/data/hello.txt"])
            else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout == content, "\(r)")
            // GUEST defaults to HOST's absolute path.
            guard let d = busybox(["cat", host], options: ["--add", host]) else { return }
            #expect(d.status == 0, "\(d)")
            #expect(d.stdout == content, "\(d)")
        }

        @Test("an added directory brings its files")
        func addDirectory() throws {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            _ = try dir.file("first.txt", Array("1".utf8))
            _ = try dir.file("second.txt", Array("22".utf8))
            guard let r = busybox(["ls", "/data"], options: ["--add", "\(dir.path):/data"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(Set(r.stdoutLines) == ["first.txt", "second.txt"], "\(r)")
            guard let c = busybox(["cat", "/data/second.txt"], options: ["--add", "\(dir.path):/data"])
            else { return }
            #expect(c.stdoutText == "22", "\(c)")
        }

        @Test func lsBin() {
            guard let r = busybox(["ls", "/bin"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines.contains("busybox"), "\(r)")
        }

        @Test func unameAll() {
            guard let r = busybox(["uname", "-a"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText.contains("Linux"), "\(r)")
            #expect(r.stdoutText.contains("x86_64"), "\(r)")
        }

        @Test("env shows the default environment and --env values")
        func env() {
            guard let r = busybox(["env"], options: ["--env", "FOO=bar", "-e", "ANSWER=42"]) else { return }
            #expect(r.status == 0, "\(r)")
            let lines = Set(r.stdoutLines)
            for expected in defaultGuestEnvironment + ["FOO=bar", "ANSWER=42"] {
                #expect(lines.contains(expected), "missing \(expected)\n\(r)")
            }
        }

        @Test("seq prints 1000 lines")
        func seq() {
            guard let r = busybox(["seq", "1", "1000"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == (1...1000).map(String.init), "\(r.stdout.count) bytes")
        }

        @Test("a shell pipeline: seq 1 1000 | wc -l")
        func seqPipeWc() {
            guard let r = busybox(["sh", "-c", "seq 1 1000 | wc -l"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "1000", "\(r)")
        }

        @Test("sha256sum of an added 1 MiB file matches the host's")
        func sha256sum() throws {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let host = try dir.file("random.bin", randomBytes(1 << 20))
            let expected = try #require(hostSHA256(host))
            guard let r = busybox(["sha256sum", "/data/random.bin"], options: ["--add", "\(host):/data/random.bin"])
            else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "\(expected)  /data/random.bin\n", "\(r)")
        }

        @Test("head -c 100000 /dev/zero writes 100000 zero bytes")
        func headDevZero() {
            guard let r = busybox(["head", "-c", "100000", "/dev/zero"]) else { return }
            #expect(r.status == 0, "\(r)")
            let difference = firstDifference(r.stdout, [UInt8](repeating: 0, count: 100_000))
            #expect(difference == nil, "\(difference ?? "")")
        }

        @Test("wc -c of an added 1 MiB file")
        func wcBytes() throws {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let host = try dir.file("random.bin", randomBytes(1 << 20))
            guard let r = busybox(["wc", "-c", "/data/random.bin"], options: ["--add", "\(host):/data/random.bin"])
            else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "1048576 /data/random.bin\n", "\(r)")
        }

        @Test("a 1 MiB binary write to stdout arrives unchanged")
        func catMegabyte() throws {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let bytes = randomBytes(1 << 20)
            let host = try dir.file("random.bin", bytes)
            guard let r = busybox(["cat", "/data/random.bin"], options: ["--add", "\(host):/data/random.bin"])
            else { return }
            #expect(r.status == 0, "exit status \(r.status), stderr: \(r.stderrText)")
            // Compare outside #expect: on failure it would diff two 1 MiB arrays (quadratic).
            let difference = firstDifference(r.stdout, bytes)
            #expect(difference == nil, "\(difference ?? "")")
        }

        @Test("binary bytes and output without a final newline round-trip")
        func binaryOutput() {
            guard let r = busybox(["printf", "\\x00\\x01\\xff"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout == [0x00, 0x01, 0xff], "\(r.stdout)")
            guard let n = busybox(["printf", "no newline"]) else { return }
            #expect(n.stdout == Array("no newline".utf8), "\(n)")
        }

        @Test("stdin reads EOF: cat with no file exits 0 with no output")
        func stdinEOF() {
            guard let r = busybox(["cat"], timeout: 30) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.isEmpty, "\(r)")
        }
    }
}
