// Issue 5: the process model seen through busybox's shell and small C programs —
// fork/exec/wait, pipes, signals with handlers, process groups, futex-free threads later.
import Foundation
import Testing

extension Integration {
    @Suite struct ProcessModel {
        private func sh(_ script: String, options: [String] = [], timeout: Double = 60,
                        sourceLocation: SourceLocation = #_sourceLocation) -> RunResult? {
            guard let busybox = Swiftlet.busybox(sourceLocation: sourceLocation) else { return nil }
            return Swiftlet.run(options: options, busybox, ["sh", "-c", script], timeout: timeout,
                                sourceLocation: sourceLocation)
        }

        @Test("pipelines of several processes: seq | sort -rn | head -3")
        func pipeline() {
            guard let r = sh("seq 1 100000 | sort -rn | head -3") else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["100000", "99999", "99998"], "\(r)")
        }

        @Test("redirections, command substitution and arithmetic")
        func redirections() {
            guard let r = sh("echo one > /tmp/f; echo two >> /tmp/f; n=$(wc -l < /tmp/f); echo \"lines=$n sum=$((n + 40))\"; cat /tmp/f 2>&1 >/dev/null; cat < /tmp/f") else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["lines=2 sum=42", "one", "two"], "\(r)")
        }

        @Test("a for loop spawning 200 processes")
        func spawnLoop() {
            guard let r = sh("c=0; for i in $(seq 1 200); do /bin/busybox true && c=$((c+1)); done; echo $c") else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "200\n", "\(r)")
        }

        @Test("background jobs and wait")
        func backgroundJobs() {
            guard let r = sh("(sleep 0.2; echo late) & (echo early) & wait; echo done") else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["early", "late", "done"], "\(r)")
        }

        @Test("trap runs a handler for a signal sent with kill")
        func trapHandler() {
            guard let r = sh("trap 'echo caught USR1' USR1; kill -USR1 $$; echo after") else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["caught USR1", "after"], "\(r)")
        }

        @Test("xargs runs a command per input")
        func xargs() {
            guard let r = sh("printf 'a\\nb\\nc\\n' | xargs -n 1 echo item") else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["item a", "item b", "item c"], "\(r)")
        }

        @Test("exit statuses: a child's status, and a child killed by a signal")
        func exitStatuses() {
            guard let r = sh("sh -c 'exit 7'; echo status=$?; sh -c 'kill -9 $$'; echo status=$?") else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["status=7", "status=137"], "\(r)")
        }

        @Test("the program's exit status is the shell's, and orphans do not keep the VM alive")
        func shellExitStatus() {
            guard let r = sh("(sleep 5 &) ; exit 3", timeout: 30) else { return }
            #expect(r.status == 3, "\(r)")
        }

        @Test("fork, wait, pipes, exec, vfork, signals and a SIGSEGV handler (C, musl and glibc)",
              arguments: ["process-musl", "process-glibc"])
        func processProgram(_ name: String) {
            let passed = Swiftlet.runSelfChecking(name)
            #expect(passed?.count == 12, "\(passed ?? [])")
        }

        @Test("the vDSO serves clock_gettime, gettimeofday and time, consistent with the kernel",
              arguments: ["vdso-musl", "vdso-glibc"])
        func vdso(_ name: String) {
            guard let r = Swiftlet.runImage(name) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "vdso ok\n", "\(r)")
        }

        @Test("F_GETPIPE_SZ/F_SETPIPE_SZ, mincore and sigqueue (C, musl and glibc)",
              arguments: ["misc-musl", "misc-glibc"])
        func smallerCalls(_ name: String) {
            let passed = Swiftlet.runSelfChecking(name)
            #expect(passed?.count == 9, "\(passed ?? [])")
        }

        @Test("a SIGPIPE kills the writer when the reader is gone")
        func sigpipe() {
            guard let r = sh("yes | head -1; echo rc=$?") else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["y", "rc=0"], "\(r)")
        }
    }
}
