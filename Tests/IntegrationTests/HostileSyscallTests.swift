// Issue 5: memory exhaustion gives ENOMEM, not a kernel panic; the guest program is an
// adversary. images/hostile.c calls syscalls with absurd sizes and counts (INT_MAX,
// SIZE_MAX, negative, 1 GiB transfers into a 16 KiB mapping, 1025 iovecs, a 1M-entry
// descriptor table, 5 MiB of execve arguments...) and checks Linux's errno or partial
// result for each (the expectations match a native run), then that the VM still forks
// and pipes. Run in the default 128 MiB and in 64 MiB, musl and glibc.
import Testing

extension Integration {
    @Suite struct HostileSyscalls {
        static let required = [
            "readv iovcnt 1025", "readv iov_len negative", "readv iov_len SSIZE_MAX", "readv iovcnt 1024",
            "read /dev/zero 1 GiB into 16 KiB", "read /dev/zero SIZE_MAX", "write /dev/null 1 GiB from 16 KiB",
            "getrandom 1 GiB into 16 KiB", "write file 1 GiB from 16 KiB", "pread 1 GiB into 8 KiB before a hole",
            "pwrite offset+count overflows", "ftruncate 1 TiB", "pwrite at 1 TiB",
            "read /proc/self/maps 1 GiB into 64 bytes", "poll nfds > RLIMIT_NOFILE", "ppoll nfds 1<<40 is 0",
            "select nfds INT_MAX, no sets", "epoll_wait maxevents INT_MAX", "epoll_wait maxevents INT_MAX/12, nothing ready",
            "sendmsg iovlen 1025", "sendmsg controllen 1 GiB", "recv 1 GiB buffer",
            "recv MSG_WAITALL 3 MiB", "recv MSG_WAITALL 8 MiB, writer sends 3 MiB", "mmap SIZE_MAX", "mincore 1 TiB",
            "sched_getaffinity size 1 MiB", "2000 areas, fork", "execve string of 128 KiB", "execve 5 MiB of arguments",
            "execve 1M empty arguments", "execve argv at a hole", "dup2 to RLIMIT_NOFILE-1",
            "fork with a 1M-entry descriptor table", "healthy fork and pipe",
        ]

        @Test("absurd syscall sizes: Linux errnos and partial results, no panic (128 MiB)",
              arguments: ["hostile-musl", "hostile-glibc"])
        func hostile(_ name: String) {
            Swiftlet.runSelfChecking(name, timeout: 120, required: Self.required)
        }

        @Test("absurd syscall sizes in 64 MiB: ENOMEM where the kernel heap is short, never a panic",
              arguments: ["hostile-musl", "hostile-glibc"])
        func hostileSmallMemory(_ name: String) {
            Swiftlet.runSelfChecking(name, timeout: 120, required: Self.required, options: ["--memory", "64M"])
        }

        @Test("filling tmpfs with small files in 64 MiB ends in ENOSPC/ENFILE, not a panic or an OOM kill",
              arguments: ["hostile-musl", "hostile-glibc"])
        func fillTmpfs(_ name: String) {
            Swiftlet.runSelfChecking(name, ["fill"], timeout: 180,
                                     required: ["fill tmpfs: ENOSPC or ENFILE", "fill tmpfs: all removed"],
                                     options: ["--memory", "64M"])
        }
    }
}
