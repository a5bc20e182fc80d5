#if canImport(Glibc)
import Glibc
#endif

/// Destroying a KVM VM is slow: measured here, the last `close` of the VM file
/// descriptor took 12 ms (in-kernel irqchip and PVM shadow-page teardown), more than
/// the whole boot and run of a small program. A process that exits pays for it before
/// its parent sees the exit status, so `swiftlet` hands its descriptors to a short-lived
/// child that closes them after the parent is gone. Guest RAM is MADV_DONTFORK, so the
/// fork copies only the VMM's own small address space.
enum Teardown {
    /// Forks the helper. The child drops its stdio at once, so nobody waits on a pipe it
    /// still holds, then waits until the parent has exited (the write end of a pipe that
    /// only the parent holds reaches EOF), and exits itself, which destroys the VM.
    /// If anything fails the parent simply pays the cost itself.
    static func detachVMDestruction() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        let pid = fork()
        if pid == 0 {
            close(0); close(1); close(2)
            close(fds[1])
            var byte: UInt8 = 0
            while read(fds[0], &byte, 1) < 0 && errno == EINTR {}
            _exit(0)
        }
        close(fds[0])
        // fds[1] stays open until this process exits: that is the child's signal.
        if pid < 0 { close(fds[1]) }
    }
}
