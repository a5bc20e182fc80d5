// Issue 5: timers and CPU accounting (alarm, itimers, POSIX timers, times, getrusage,
// CPU-time clocks, affinity), /proc maps, and pthread programs, each built with musl
// and glibc. The C programs check themselves: "ok NAME" or "FAIL NAME: ...", and exit
// with the number of failures.
import Testing

extension Integration {
    @Suite struct TimersAndThreads {
        private func selfChecking(_ name: String, expectOK: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
            guard let program = Swiftlet.image(name, sourceLocation: sourceLocation),
                  let r = Swiftlet.run(program, sourceLocation: sourceLocation) else { return }
            let failures = r.stdoutLines.filter { $0.hasPrefix("FAIL") }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))\n\(r)", sourceLocation: sourceLocation)
            #expect(r.status == 0, "\(r)", sourceLocation: sourceLocation)
            #expect(r.stdoutLines.contains("ok " + expectOK), "\(r)", sourceLocation: sourceLocation)
        }

        @Test("alarm, setitimer, POSIX timers with SI_TIMER siginfo, times, getrusage, CPU clocks, affinity",
              arguments: ["timers-musl", "timers-glibc"])
        func timers(_ name: String) {
            selfChecking(name, expectOK: "timer-overrun")
        }
    }
}
