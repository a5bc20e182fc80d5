// Issue 5 §6: readiness and event descriptors — poll, ppoll, select, pselect6, epoll
// (level, edge, oneshot, nesting), eventfd, timerfd and signalfd — through a
// self-checking C program built for musl and glibc, and busybox commands that wait.
import Foundation
import Testing

extension Integration {
    @Suite struct Poll {
        /// Checks every family reported at least its key cases (a missing "ok" line
        /// means the program stopped early or a case was dropped).
        static let required = [
            "poll-forked-writer", "poll-hup", "poll-nval", "poll-eintr", "ppoll-sigmask",
            "select-timeout-updated", "select-ebadf", "pselect-sigmask", "select-fd-1000",
            "epoll-ctl-eexist", "epoll-ctl-mod-enoent", "epoll-ctl-regular-eperm", "epoll-eloop",
            "epoll-level", "epoll-edge-quiet", "epoll-edge-new-data", "epoll-oneshot", "epoll-nested",
            "epoll-pwait-eintr", "eventfd-semaphore", "eventfd-short-read", "eventfd-forked-writer",
            "timerfd-periodic", "timerfd-epoll-edge", "timerfd-abstime-blocking",
            "signalfd-read", "signalfd-kill-from-child", "signalfd-update-mask",
        ]

        @Test("poll, select, epoll, eventfd, timerfd and signalfd (C, musl and glibc)",
              arguments: ["poll-musl", "poll-glibc"])
        func pollProgram(_ name: String) {
            Swiftlet.runSelfChecking(name, timeout: 120, required: Self.required)
        }

        @Test("a pipeline whose writer sleeps: sleep 0.1 | cat")
        func sleepPipeline() {
            guard let busybox = Swiftlet.busybox(),
                  let r = Swiftlet.run(busybox, ["sh", "-c", "sleep 0.1 | cat; echo rc=$?"], timeout: 60) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["rc=0"], "\(r)")
        }

        @Test("busybox timeout ends a longer sleep with SIGTERM after 1 s")
        func timeoutKillsSleep() {
            guard let busybox = Swiftlet.busybox() else { return }
            let start = Date()
            guard let r = Swiftlet.run(busybox, ["timeout", "1", "sleep", "5"], timeout: 60) else { return }
            let elapsed = Date().timeIntervalSince(start)
            #expect(r.status == 143, "\(r)")                  // 128 + SIGTERM, as on Linux
            #expect(elapsed >= 0.9 && elapsed < 4.5, "elapsed \(elapsed) s")
        }
    }
}
