// Issue 5, area proctask: /proc/<pid>/task/<tid>/{stat,status,comm}, per-thread names
// (PR_SET_NAME, pthread_setname_np), /proc/thread-self, and MAP_GROWSDOWN growth.
import Foundation
import Testing

extension Integration {
    @Suite struct ProcTask {
        static let required = [
            "/proc/self/task has 4 entries (the tids)",
            "task/<tid>/stat: field 1 is the tid, field 2 the thread's comm",
            "task/<tid>/comm after pthread_setname_np", "task/<tid>/status: Pid is the tid, Tgid the pid",
            "task/<unknown tid> is ENOENT", "PR_GET_NAME is the calling thread's name",
            "/proc/self/comm is the leader's name", "/proc/thread-self -> <pid>/task/<tid>", "/proc/thread-self/comm",
            "after join /proc/self/task has 1 entry",
            "mmap MAP_GROWSDOWN", "maps shows the mapping", "a write just below a MAP_GROWSDOWN mapping succeeds",
            "maps shows the grown range", "grown pages are usable", "touching 1 MiB below is SIGSEGV (si_addr)",
            "without MAP_GROWSDOWN the page below is SIGSEGV", "growth up to RLIMIT_STACK",
            "growth beyond RLIMIT_STACK is SIGSEGV",
        ]

        @Test("/proc/<pid>/task, per-thread comm, thread-self, MAP_GROWSDOWN (C, musl and glibc)",
              arguments: ["proctask-musl", "proctask-glibc"])
        func procTaskProgram(_ name: String) {
            _ = Swiftlet.runSelfChecking(name, timeout: 60, required: Self.required)
        }

        @Test("busybox: /proc/<pid>/task lists the threads; ps -T shows them")
        func busyboxTask() {
            guard let busybox = Swiftlet.busybox() else { return }
            let script = """
                ls /proc/1/task; cat /proc/1/task/1/comm; readlink /proc/thread-self
                busybox ps -T
                """
            guard let r = Swiftlet.run(busybox, ["sh", "-c", script], timeout: 60) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines.first == "1", "\(r)")
            #expect(r.stdoutLines.count > 1 && r.stdoutLines[1] == "busybox", "\(r)")
            #expect(r.stdoutLines.contains { $0.hasSuffix("/task/") == false && $0.contains("/task/") }, "\(r)")
            #expect(r.stdoutLines.contains { $0.contains("PID") }, "\(r)")
        }
    }
}
