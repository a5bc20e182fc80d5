#if canImport(Glibc)
import Glibc
#endif
import KVM
import Synchronization

/// The helper thread that makes a stuck KVM_RUN return. Every period it sets
/// kvm_run.immediate_exit and sends SIGUSR1 to the vCPU thread; the no-op handler is
/// installed without SA_RESTART, so KVM_RUN fails with EINTR and the run loop gets a
/// chance to sample progress. immediate_exit covers the race where the signal lands
/// just before the thread enters KVM_RUN. (facts/pvm.md §6.1: a PVM vCPU with a U/S=0
/// page table entry spins in the host forever, with no exit.)
final class WatchdogThread: @unchecked Sendable {
    static let signal = SIGUSR1

    // Fields written before pthread_create and read-only afterwards; the stop pipe is the
    // only channel between the threads.
    private let kicker: VCPUKicker
    private let target: pthread_t
    private let periodMillis: Int32
    /// A pipe: writing to stopFDs[1] wakes the thread's poll on stopFDs[0].
    private var stopFDs: [Int32] = [-1, -1]
    private var thread: pthread_t = 0
    /// True while the vCPU thread is inside (or about to enter) KVM_RUN. The signal is
    /// sent only then, so host syscalls made by the I/O handler (a blocking read of
    /// stdin, say) are not interrupted; immediate_exit alone catches the next entry.
    let inGuest = Atomic<Bool>(false)
    private var running = false

    /// Installs the kick signal handler and unblocks it in the calling (vCPU) thread.
    static func prepareCallingThread() throws(MachineError) {
        guard installKickHandler(signal) == 0 else { throw .thread(errno: errno) }
    }

    init(kicker: VCPUKicker, target: pthread_t, periodMicros: UInt64) throws(MachineError) {
        self.kicker = kicker
        self.target = target
        self.periodMillis = Int32(clamping: max(1, periodMicros / 1000))
        guard pipe(&stopFDs) == 0 else { throw .thread(errno: errno) }
        for fd in stopFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    }

    deinit {
        stop()
        for fd in stopFDs where fd >= 0 { close(fd) }
    }

    func start() throws(MachineError) {
        let context = Unmanaged.passRetained(self).toOpaque()
        let r = pthread_create(&thread, nil, { raw in
            // SAFETY: `raw` is the retained WatchdogThread passed below; released here.
            let me = Unmanaged<WatchdogThread>.fromOpaque(raw!).takeRetainedValue()
            me.loop()
            return nil
        }, context)
        guard r == 0 else {
            Unmanaged<WatchdogThread>.fromOpaque(context).release()
            throw .thread(errno: r)
        }
        running = true
    }

    /// Wakes the thread and joins it. Afterwards no kick can arrive any more (a signal
    /// already sent may still be pending; the handler ignores it).
    func stop() {
        guard running else { return }
        running = false
        var one: UInt8 = 1
        _ = Glibc.write(stopFDs[1], &one, 1)
        pthread_join(thread, nil)
    }

    private func loop() {
        var pfd = pollfd(fd: stopFDs[0], events: Int16(POLLIN), revents: 0)
        while true {
            let r = poll(&pfd, 1, periodMillis)
            if r > 0 { return }           // stop requested
            if r < 0 && errno != EINTR { return }
            if r == 0 {
                kicker.requestExit()
                if inGuest.load(ordering: .sequentiallyConsistent) { pthread_kill(target, Self.signal) }
            }
        }
    }
}
