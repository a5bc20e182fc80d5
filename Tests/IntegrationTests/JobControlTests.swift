// Issue 5, area jobctl: job-control stop/continue (WUNTRACED/WCONTINUED, waitid
// WSTOPPED/WNOWAIT, SIGCHLD CLD_STOPPED/CLD_CONTINUED, orphaned process groups),
// PR_SET_PDEATHSIG, queued real-time signals and timer_create(SIGEV_THREAD).
import Foundation
import Testing

extension Integration {
    @Suite struct JobControl {
        static let required = [
            "WUNTRACED reports stop", "SIGCHLD CLD_STOPPED", "stop reported once", "stopped child makes no progress",
            "WCONTINUED reports continue", "SIGCHLD CLD_CONTINUED", "continued child progresses",
            "waitid WSTOPPED|WNOWAIT", "waitid WSTOPPED again after WNOWAIT", "waitid WCONTINUED", "SA_NOCLDSTOP",
            "SIGKILL kills a stopped child", "all threads of a stopped process stop", "all threads continue",
            "SIGTSTP handler runs instead of stopping", "caught SIGCONT continues and runs the handler",
            "SIGCONT discards a pending SIGTSTP; SIGTSTP stops (WSTOPSIG)",
            "SIGTSTP to an orphaned process group is discarded",
            "PR_SET_PDEATHSIG/PR_GET_PDEATHSIG", "PR_SET_PDEATHSIG 65 is EINVAL", "fork clears the parent-death signal",
            "parent-death signal delivered after reparenting",
            "queued SIGRTMIN instances in order with si_value", "lowest real-time signal first", "standard signals coalesce",
            "signalfd reads each queued instance", "handler runs once per queued instance, in order",
            "sigsuspend takes one instance", "the second instance stays queued", "sigqueue beyond the limit is EAGAIN",
            "timer_create SIGEV_THREAD (raw)", "SIGEV_THREAD expiry is SI_TIMER with si_value",
            "SIGEV_THREAD with signal 0 is EINVAL", "sigtimedwait wakes when the blocked signal arrives",
            "timer_create SIGEV_THREAD (libc) runs the callback", "unknown sigev_notify is EINVAL",
        ]

        @Test("job control, PR_SET_PDEATHSIG, queued real-time signals, SIGEV_THREAD (C, musl and glibc)",
              arguments: ["jobctl-musl", "jobctl-glibc"])
        func jobControlProgram(_ name: String) {
            _ = Swiftlet.runSelfChecking(name, timeout: 120, required: Self.required)
        }

        @Test("busybox sh: kill -STOP / -CONT a background job; /proc shows T (stopped); no progress while stopped")
        func shellStopContinue() {
            guard let busybox = Swiftlet.busybox() else { return }
            let script = """
                sleep 5 & pid=$!
                kill -STOP $pid; sleep 0.1
                grep State /proc/$pid/status
                kill -CONT $pid; sleep 0.1
                grep State /proc/$pid/status
                kill $pid; wait $pid; echo "status $?"
                (while :; do echo x; sleep 0.01; done) > /tmp/ticks & t=$!
                sleep 0.1; kill -STOP $t; sleep 0.05; a=$(wc -l < /tmp/ticks); sleep 0.2; b=$(wc -l < /tmp/ticks)
                [ "$a" = "$b" ] && [ "$a" -gt 0 ] && echo "no progress while stopped"
                kill -CONT $t; sleep 0.2; c=$(wc -l < /tmp/ticks)
                [ "$c" -gt "$b" ] && echo "progress after SIGCONT"
                kill -9 $t; wait $t; echo "killed $?"
                """
            guard let r = Swiftlet.run(busybox, ["sh", "-c", script], timeout: 60) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["State:\tT (stopped)", "State:\tS (sleeping)", "status 143",
                                      "no progress while stopped", "progress after SIGCONT", "killed 137"], "\(r)")
        }

        // --- area: jobctl2: stops reach sleeping threads, /proc/<pid>/stat, zombies,
        // RLIMIT_SIGPENDING, threads ended while blocked free their kernel objects ---
        static let stopWakeRequired = [
            "threads asleep in the kernel stop", "pipe read resumes after SIGCONT (no EINTR)",
            "poll resumes after SIGCONT (no EINTR)", "futex wait with timeout resumes, ETIMEDOUT",
            "wait4 resumes after SIGCONT", "sigtimedwait fails with EINTR after stop/continue (Linux)",
            "nanosleep continues with the time left", "only those six calls returned",
            "sigsuspend, pause and futex keep waiting after stop/continue", "pause returns EINTR after its handler",
            "sigsuspend returns EINTR after its handler, old mask back", "futex wait resumed and was woken",
            "nanosleep: EINTR with the time left when a SIGCONT handler runs",
            "/proc/self/stat starts with pid (comm)", "/proc/<pid>/stat has 52 fields", "stat: state R, ppid, pgrp, session",
            "stat: num_threads 1, vsize and rss", "stat: starttime (clock ticks since boot) not in the future",
            "stat of a stopped child: T, ppid", "/proc/<pid> of a zombie exists", "zombie status: State Z (zombie)",
            "zombie stat: Z, ppid", "zombie cmdline is empty", "zombie exe: readlink ENOENT", "/proc/<pid> gone once reaped",
            "RLIMIT_SIGPENDING has a finite default", "sigqueue stops at RLIMIT_SIGPENDING with EAGAIN",
            "kill of a real-time signal beyond the limit succeeds", "RLIMIT_SIGPENDING 0: sigqueue EAGAIN",
            "limit restored: sigqueue works",
        ]

        @Test("stops reach threads asleep in the kernel; calls resume after SIGCONT; /proc stat and zombies; RLIMIT_SIGPENDING (C, musl and glibc)",
              arguments: ["stopwake-musl", "stopwake-glibc"])
        func stopWake(_ name: String) {
            _ = Swiftlet.runSelfChecking(name, timeout: 120, required: Self.stopWakeRequired)
        }

        @Test("threads ended while blocked (exit_group, execve, SIGKILL) free their kernel objects: Slab flat",
              arguments: ["stopwake-musl", "stopwake-glibc"])
        func noLeakBlockedThreads(_ name: String) {
            guard let program = Swiftlet.image(name),
                  let r = Swiftlet.run(program, ["leak", "90"], timeout: 120) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines.contains("ok leak-blocked-threads-slab-flat"), "\(r)")
            #expect(r.stdoutLines.last == "0 failures", "\(r)")
        }

        @Test("busybox ps lists processes with their states: R, S, T (stopped job), Z (unreaped child)")
        func busyboxPs() {
            guard let busybox = Swiftlet.busybox() else { return }
            let script = """
                sleep 5 & s=$!
                kill -STOP $s
                sh -c 'sleep 0.1 & exec sleep 3' & z=$!
                sleep 0.5
                ps -o pid,ppid,stat,comm > /tmp/ps
                awk -v s=$s '$1 == s { print "stopped", $3 }' /tmp/ps
                awk -v z=$z '$2 == z { print "zombie", $3 }' /tmp/ps
                awk -v z=$z '$1 == z { print "sleeping", $3 }' /tmp/ps
                awk '$4 == "ps" { print "running", $3 }' /tmp/ps
                head -1 /tmp/ps
                ps | head -1
                kill -9 $s $z; wait
                """
            guard let r = Swiftlet.run(busybox, ["sh", "-c", script], timeout: 60) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["stopped T", "zombie Z", "sleeping S", "running R",
                                      "PID   PPID  STAT COMMAND", "PID   USER     COMMAND"], "\(r)")
        }
    }
}
