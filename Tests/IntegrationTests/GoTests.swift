// Issue 5: a static Go program (images/go/gotest, Debian's golang-go, CGO_ENABLED=0).
// Go's runtime exercises clone threads, futexes, signals (async preemption by SIGURG on
// a sigaltstack), epoll and pipes (the netpoller), the vDSO clock, and os/exec's
// clone(CLONE_VM|CLONE_VFORK) + execve + wait4. The program checks itself: "ok NAME"
// or "FAIL NAME: ...", then "N failures", and exits with N.
import Testing

extension Integration {
    @Suite struct GoProgram {
        static let checks = [
            "channel-workers", "mutex-waitgroup", "sleep", "timer", "timer-stop", "time-after", "ticker",
            "afterfunc", "select-timeout", "select-ready", "async-preemption", "gc-stop-the-world",
            "exec-output", "exec-exit-code", "exec-stdin", "exec-parallel", "exec-missing",
            "os-pipe", "pipe-deadline", "file-io", "file-stat", "read-dir",
        ]

        @Test("goroutines, channels, mutexes, timers, tickers, select, async preemption, os/exec, pipes and files")
        func goRuntime() {
            guard let passed = Swiftlet.runSelfChecking("gotest", required: Self.checks) else { return }
            #expect(passed.count == Self.checks.count, "\(passed.sorted())")
        }
    }
}
