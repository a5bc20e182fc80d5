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

        @Test("busybox ps -T shows the threads of a process ({comm} cmdline); /proc/<pid>/task lists them",
              arguments: ["proctask-musl", "proctask-glibc"])
        func busyboxPsThreads(_ name: String) {
            guard let busybox = Swiftlet.busybox(), let program = Swiftlet.image(name) else { return }
            let script = """
                /bin/pt hold & p=$!; sleep 0.5
                busybox ps -T
                echo "tasks $(ls /proc/$p/task | wc -l)"
                for t in $(ls /proc/$p/task); do cut -d' ' -f1-2 /proc/$p/task/$t/stat; done
                readlink /proc/thread-self
                wait
                """
            guard let r = Swiftlet.run(options: ["--add", program + ":/bin/pt"], busybox, ["sh", "-c", script], timeout: 60)
            else { return }
            #expect(r.status == 0, "\(r)")
            let threadRows = r.stdoutLines.filter { $0.hasSuffix("{holder} /bin/pt hold") }
            #expect(threadRows.count == 3, "\(r)")
            #expect(r.stdoutLines.contains { $0.hasSuffix(" /bin/pt hold") && !$0.contains("{") }, "\(r)")
            #expect(r.stdoutLines.contains("tasks 4"), "\(r)")
            #expect(r.stdoutLines.filter { $0.hasSuffix(" (holder)") }.count == 3, "\(r)")
            // readlink runs as its own process: its own <pid>/task/<pid>.
            #expect(r.stdoutLines.contains { line in
                let parts = line.components(separatedBy: "/task/")
                return parts.count == 2 && Int(parts[0]) != nil && parts[0] == parts[1]
            }, "\(r)")
        }
    }
}
