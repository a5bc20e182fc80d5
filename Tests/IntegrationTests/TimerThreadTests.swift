// Issue 5: timers and CPU accounting (alarm, itimers, POSIX timers, times, getrusage,
// CPU-time clocks, affinity), /proc maps, and pthread programs, each built with musl
// and glibc. The C programs check themselves: "ok NAME" or "FAIL NAME: ...", and exit
// with the number of failures.
import Testing

extension Integration {
    @Suite struct TimersAndThreads {
        private func selfChecking(_ name: String, _ arguments: [String] = [], expectOK: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
            Swiftlet.runSelfChecking(name, arguments, required: [expectOK], sourceLocation: sourceLocation)
        }

        @Test("alarm, setitimer, POSIX timers with SI_TIMER siginfo, times, getrusage, CPU clocks, affinity",
              arguments: ["timers-musl", "timers-glibc"])
        func timers(_ name: String) {
            selfChecking(name, expectOK: "timer-overrun")
        }

        @Test("/proc/self/maps, status and cmdline describe the process", arguments: ["procmaps-musl", "procmaps-glibc"])
        func procMaps(_ name: String) {
            selfChecking(name, ["a1", "b 2"], expectOK: "maps-file-offset")
        }

        @Test("pthreads: create/join, mutex and condvar contention, TLS, gettid, tgkill, robust mutex owner death, thread CPU clock, exit with a blocked thread, pthread_exit of main",
              arguments: ["threads-musl", "threads-glibc"])
        func threads(_ name: String) {
            selfChecking(name, expectOK: "robust-owner-died")
        }

        @Test("fork is copy-on-write: writes by either side, or by the kernel, stay private", arguments: ["cow-musl", "cow-glibc"])
        func copyOnWrite(_ name: String) {
            selfChecking(name, expectOK: "child-keeps-snapshot")
        }

        @Test("/proc/<pid> of another process, from busybox")
        func procOtherPid() {
            guard let busybox = Swiftlet.busybox(),
                  let r = Swiftlet.run(busybox, ["sh", "-c", "sleep 1 & p=$!; tr '\\0' ' ' < /proc/$p/cmdline; echo; grep -c busybox /proc/$p/maps; grep PPid /proc/$p/status; wait"])
            else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines.first == "sleep 1 ", "\(r)")
            #expect(r.stdoutLines.contains("PPid:\t1"), "\(r)")
        }
    }
}
