// Issue 5 stress tests: many threads on one mutex, condition-variable hand-off through a
// bounded buffer, and 64 MiB through a pipe and an AF_UNIX socketpair between two
// processes with checksums on both sides (images/stress-*.c, musl and glibc).
import Foundation
import Testing

extension Integration {
    @Suite struct Stress {
        @Test("pthreads: 16 threads x 100,000 mutex increments; 100,000 items through a condition-variable bounded buffer",
              arguments: ["stress-threads-musl", "stress-threads-glibc"])
        func threads(_ name: String) {
            let passed = Swiftlet.runSelfChecking(name, timeout: 120, required: [
                "mutex-threads-created", "mutex-counter-total",
                "condvar-1to1-items", "condvar-1to1-order", "condvar-1to1-checksum",
                "condvar-2to2-items", "condvar-2to2-checksum",
            ])
            #expect(passed?.count == 7, "\(passed ?? [])")
        }

        @Test("64 MiB child->parent through a pipe and parent->child through a socketpair, checksummed on both sides",
              arguments: ["stress-pipe-musl", "stress-pipe-glibc"])
        func transfer(_ name: String) {
            let passed = Swiftlet.runSelfChecking(name, timeout: 120, required: [
                "pipe-child-to-parent-bytes", "pipe-child-to-parent-content",
                "pipe-child-to-parent-checksum", "pipe-child-to-parent-child-exit",
                "socketpair-send", "socketpair-shutdown",
                "socketpair-parent-to-child-checksum", "socketpair-parent-to-child-child-exit",
            ])
            #expect(passed?.count == 8, "\(passed ?? [])")
        }
    }
}
