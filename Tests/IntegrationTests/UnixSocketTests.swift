// Issue 5 §6: AF_UNIX sockets (Guest/Kernel/Net) — socketpair of every type, blocking
// across fork, EOF, EPIPE/SIGPIPE, SCM_RIGHTS between processes, MSG_CTRUNC, shutdown,
// nonblocking I/O, bind/listen/accept/connect. The program checks itself against the
// same expectations it meets natively on Linux.
import Foundation
import Testing

extension Integration {
    @Suite struct UnixSockets {
        @Test("AF_UNIX sockets behave as on Linux (C, musl and glibc)",
              arguments: ["unixsock-musl", "unixsock-glibc"])
        func unixSockets(_ name: String) {
            let passed = Swiftlet.runSelfChecking(name)
            #expect(passed?.count == 59, "\(passed ?? [])")
        }

        @Test("poll and epoll see socket readiness: data, idle, EOF (C, musl and glibc)",
              arguments: ["sockpoll-musl", "sockpoll-glibc"])
        func socketReadiness(_ name: String) {
            guard let r = Swiftlet.runImage(name) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["ok idle-writable", "ok wakes-on-data", "ok epoll-empty", "ok epoll-eof", "0 failures"], "\(r)")
        }
    }
}
