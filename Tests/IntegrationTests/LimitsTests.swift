// Issue 5: resource limits (getrlimit/setrlimit/prlimit64 and their enforcement),
// credentials, fork bombs bounded by RLIMIT_NPROC and by the kernel's task limit,
// /proc/<pid>/exe and fd of other processes, and the kernel heap staying flat over many
// fork+exit+wait (each exited process used to leak its kernel objects). The C program
// images/limits.c checks itself ("ok NAME" / "FAIL NAME: ..."), built with musl and glibc.
import Testing

extension Integration {
    @Suite struct Limits {
        @Test("rlimits: round trips, errnos, NOFILE/AS/DATA/STACK/NPROC enforcement, fork bombs, inheritance, /proc/<child>",
              arguments: ["limits-musl", "limits-glibc"])
        func limits(_ name: String) {
            Swiftlet.runSelfChecking(name, timeout: 120, required: [
                "setrlimit-roundtrip", "unprivileged-limits-and-setuid", "prlimit-child", "prlimit-esrch",
                "inherit-fork-exec", "stack-limit-at-exec", "nofile-emfile", "as-mmap-enomem", "data-brk-mmap-enomem",
                "nproc-root-exempt", "nproc-eagain", "fork-bomb-nproc", "fork-bomb-kernel-limit",
                "proc-child-exe", "proc-child-fd-pipe", "proc-child-fd-socket", "proc-child-fd-eventfd",
                "proc-zombie-exe-enoent",
            ])
        }

        @Test("2000 fork+exit+wait in 32 MiB leave the kernel heap (Slab in /proc/meminfo) flat",
              arguments: ["limits-musl", "limits-glibc"])
        func noLeakPerExitedProcess(_ name: String) {
            guard let r = Swiftlet.runImage(name, options: ["--memory", "32M"], ["leak", "2000"], timeout: 120) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines.contains("ok leak-slab-flat"), "\(r)")
            #expect(r.stdoutLines.last == "0 failures", "\(r)")
        }

        @Test("ulimit in busybox sh reports and sets the limits; /proc/<pid>/fd of a background job")
        func busyboxUlimit() {
            guard let busybox = Swiftlet.busybox(),
                  let r = Swiftlet.run(busybox, ["sh", "-c",
                      "ulimit -n; ulimit -s; ulimit -n 64; ulimit -n; sh -c 'ulimit -n'; sleep 1 < /dev/null & p=$!; readlink /proc/$p/exe; readlink /proc/$p/fd/0; wait"])
            else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["1024", "8192", "64", "64", "/bin/busybox", "/dev/null"], "\(r)")
        }
    }
}
