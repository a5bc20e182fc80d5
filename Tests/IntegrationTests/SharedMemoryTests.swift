// Issue 5 (area: shm): MAP_SHARED memory across fork, and memory exhaustion. The C
// programs check themselves: "ok NAME" or "FAIL NAME: ...", and exit with the number of
// failures; oom runs in a 64 MiB VM so that it can exhaust it.
import Testing

extension Integration {
    @Suite struct SharedMemory {
        @Test("MAP_SHARED anonymous and file mappings are shared across fork, coherent with read/write, msync, mprotect, mremap, SIGBUS past the object",
              arguments: ["shm-musl", "shm-glibc"])
        func sharedMappings(_ name: String) {
            Swiftlet.runSelfChecking(name, required: [
                "anon-page-touched-after-fork", "anon-running-child", "anon-survives-munmap", "private-stays-private",
                "anon-mremap-shared", "anon-mremap-grown-sigbus", "msync-einval", "proc-maps-s",
                "file-mapping-to-read", "file-write-to-mapping", "file-fork-and-second-mapping", "file-truncate",
                "file-beyond-eof-sigbus", "file-rdonly-eacces",
            ])
        }

        @Test("out of memory: ENOMEM from MAP_POPULATE and fork, SIGKILL for a faulting hog, ENOSPC for tmpfs, and the VM survives",
              arguments: ["oom-musl", "oom-glibc"])
        func exhaustion(_ name: String) {
            // Exit status 0 (checked) also rules out a kernel panic, which exits 125.
            Swiftlet.runSelfChecking(name, timeout: 120, required: [
                "shared-freed-after-use", "populate-enomem", "populate-shared-enomem", "hog-child-sigkill", "hold-until-enomem",
                "fork-fails-cleanly", "children-oom-killed", "tmpfs-enospc", "healthy-at-the-end",
            ], options: ["--memory", "64M"])
        }

        @Test("PID 1 killed by the OOM killer ends the VM with 128+9", arguments: ["oom-musl", "oom-glibc"])
        func initKilled(_ name: String) {
            guard let r = Swiftlet.runImage(name, options: ["--memory", "64M"], ["self"], timeout: 120) else { return }
            #expect(r.status == 137, "\(r)")
            #expect(r.stdoutLines == ["hogging"], "\(r)")
            #expect(r.stderrText.contains("SIGKILL: out of memory"), "\(r)")
        }
    }
}
