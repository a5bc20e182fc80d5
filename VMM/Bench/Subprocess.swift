#if canImport(Glibc)
import Glibc
#endif

/// Child processes for the benchmarks: `posix_spawnp` (the same mechanism for
/// swiftlet, the native program, QEMU and gnuplot, so spawn cost is alike for all),
/// pipes for the streams a benchmark reads, /dev/null for the rest.
enum Subprocess {
    /// A benchmark never waits forever on a stuck microVM: one run is killed after
    /// this many seconds and reported as a failure.
    static let swiftletTimeout = 120

    enum Stream { case capture, discard, inherit }

    struct Child {
        let pid: pid_t
        /// Read ends of the captured streams, -1 when not captured.
        var stdoutFD: Int32
        var stderrFD: Int32
    }

    struct Result {
        /// Exit status, or 128+N when killed by signal N.
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        /// From just before the spawn to just after the reap.
        var nanos: UInt64
        var timedOut: Bool
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    static func spawn(_ argv: [String], stdout: Stream, stderr: Stream) throws(BenchError) -> Child {
        precondition(!argv.isEmpty)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        func plan(_ s: Stream, _ fd: Int32) throws(BenchError) -> Int32 {
            switch s {
            case .inherit: return -1
            case .discard:
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
                return -1
            case .capture:
                var p: [Int32] = [0, 0]
                // pipe2 is not visible through Glibc's module map; no other thread
                // spawns, so setting FD_CLOEXEC afterwards is race-free here.
                guard pipe(&p) == 0 else { throw BenchError("pipe: \(errnoText())") }
                _ = fcntl(p[0], F_SETFD, FD_CLOEXEC)
                _ = fcntl(p[1], F_SETFD, FD_CLOEXEC)
                posix_spawn_file_actions_adddup2(&actions, p[1], fd)
                parentEnds.append(p[0]); childEnds.append(p[1])
                return p[0]
            }
        }
        let outFD = try plan(stdout, 1)
        let errFD = try plan(stderr, 2)
        defer { for fd in childEnds { close(fd) } }
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cargs.append(nil)
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cargs, environ)
        guard rc == 0 else {
            for fd in parentEnds { close(fd) }
            throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        return Child(pid: pid, stdoutFD: outFD, stderrFD: errFD)
    }

    /// Reads the captured streams to EOF (or until `deadline`, when the child is
    /// killed), then reaps it.
    static func finish(_ child: Child, started: UInt64, deadline: UInt64? = nil) -> Result {
        var out: [UInt8] = [], err: [UInt8] = []
        var fds = [child.stdoutFD, child.stderrFD]
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while fds.contains(where: { $0 >= 0 }) {
            var pfds = fds.filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            var wait: Int32 = -1
            if let deadline {
                let now = Clock.nanos()
                if now >= deadline { timedOut = true; break }
                wait = Int32(Swift.min((deadline - now) / 1_000_000 + 1, 1000))
            }
            let n = poll(&pfds, nfds_t(pfds.count), wait)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { continue }
            for p in pfds where p.revents != 0 {
                let got = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
                if got > 0 {
                    if p.fd == fds[0] { out.append(contentsOf: buffer[0..<got]) } else { err.append(contentsOf: buffer[0..<got]) }
                } else if got == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(p.fd)
                    if p.fd == fds[0] { fds[0] = -1 } else { fds[1] = -1 }
                }
            }
        }
        if timedOut {
            kill(child.pid, SIGKILL)
            for fd in fds where fd >= 0 { close(fd) }
        }
        let status = reap(child.pid)
        return Result(status: status, stdout: out, stderr: err, nanos: Clock.nanos() &- started, timedOut: timedOut)
    }

    /// waitpid, retried on EINTR; the shell's convention for signals.
    static func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let sig = status & 0x7f
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig
    }

    static func run(_ argv: [String], stdout: Stream = .capture, stderr: Stream = .capture,
                    timeoutSeconds: Int? = nil) throws(BenchError) -> Result {
        let t0 = Clock.nanos()
        let child = try spawn(argv, stdout: stdout, stderr: stderr)
        let deadline = timeoutSeconds.map { t0 &+ UInt64($0) &* 1_000_000_000 }
        return finish(child, started: t0, deadline: deadline)
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// Writes all of `text` to fd 2 (progress and warnings).
func writeToStderr(_ text: String) {
    var text = text
    text.withUTF8 { u in
        var off = 0
        while off < u.count {
            let n = write(2, u.baseAddress! + off, u.count - off)
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            off += n
        }
    }
}
