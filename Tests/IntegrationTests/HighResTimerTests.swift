// Precise sleeps and timeouts without busy-waiting (area: hrtimer): the LAPIC timer is
// armed for the earliest deadline, so nanosleep, futex, poll/select/epoll, timerfd,
// POSIX timers, setitimer and sigtimedwait end within well under a 10 ms tick, a
// sleeping program uses next to no CPU, and a thread sleeping 1 ms in a loop does not
// starve a spinning one. images/hrsleep.c checks itself ("ok ..." / "FAIL ...").
import Testing

extension Integration {
    @Suite struct HighResTimers {
        /// Wall-clock bounds are tight (1 ms) and the test machine is shared, so a run
        /// that misses a bound is repeated once; a real regression (tick granularity,
        /// spinning) fails both.
        @Test("sleeps and timeouts meet sub-tick deadlines without spinning", arguments: ["hrsleep-musl", "hrsleep-glibc"])
        func highResolution(_ name: String) {
            var last: RunResult? = nil
            for _ in 0..<2 {
                guard let r = Swiftlet.runImage(name, timeout: 60) else { return }
                last = r
                if r.status == 0 && r.stdoutLines.last == "0 failures" && !r.stdoutLines.contains(where: { $0.hasPrefix("FAIL") }) { break }
            }
            guard let r = last else { return }
            let failures = r.stdoutLines.filter { $0.hasPrefix("FAIL") }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))\n\(r)")
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines.last == "0 failures", "\(r)")
            for required in ["ok nanosleep(1 ms) x 100", "ok sleeping uses little CPU", "ok a thread sleeping 1 ms in a loop",
                             "ok futex wait 2 ms:", "ok poll 3 ms:", "ok epoll_wait 2 ms:", "ok timerfd 1 ms interval",
                             "ok POSIX timer 2 ms:", "ok setitimer ITIMER_REAL 1.5 ms:", "ok sigtimedwait 2 ms:"] {
                #expect(r.stdoutLines.contains { $0.hasPrefix(required) }, "missing \(required)\n\(r)")
            }
        }
    }
}
