import KernelASM

/// Where tasks waiting in poll, select, epoll_wait and signalfd reads sleep. Every
/// readiness change (pipe data, an eventfd write, a posted signal, a timerfd being
/// re-armed) wakes them all and each re-scans its own descriptors. One queue instead
/// of one per object keeps `FileObject` free of kernel types; the herd is small on a
/// one-vCPU machine.
enum PollHub {
    nonisolated(unsafe) static let queue = WaitQueue()
    /// Moves on every signal made pending (signalfd's readiness counter).
    nonisolated(unsafe) static var signalGeneration: UInt64 = 0

    static func notify() { queue.wakeAll() }

    /// Signals.send: a signal became pending (perhaps blocked, so the task itself was
    /// not woken); signalfd readers and pollers re-check.
    static func signalPosted() {
        signalGeneration &+= 1
        queue.wakeAll()
    }

    /// Sleeps until `scan` finds something, `deadline` (monotonic ns, 0 = never)
    /// passes, or a signal arrives (EINTR: poll, select and epoll_wait are not
    /// restarted after a handler, as on Linux). `scan` returns how many are ready and
    /// the earliest time readiness changes by itself (0 = none). With `nonBlocking`,
    /// scans once.
    static func wait(deadline: UInt64, nonBlocking: Bool,
                     _ scan: () throws(Errno) -> (ready: Int, wakeAt: UInt64)) throws(Errno) -> Int {
        let services = Kernel.services!
        while true {
            let (ready, wakeAt) = try scan()
            if ready > 0 || nonBlocking { return ready }
            if Signals.interrupted { throw .EINTR }                 // area: jobctl2: a stop too
            let now = services.monotonicNanoseconds()
            if deadline != 0 && now >= deadline { return 0 }
            var until = deadline
            if wakeAt != 0 && (until == 0 || wakeAt < until) { until = max(wakeAt, 1) }
            if !queue.wait(deadline: until) { throw .EINTR }
        }
    }

    /// A relative timeout in ns from now as a deadline (0 = forever is not expressible
    /// here: callers pass nil for that).
    static func deadline(after ns: UInt64) -> UInt64 {
        let now = Kernel.services!.monotonicNanoseconds()
        let (d, o) = now.addingReportingOverflow(max(ns, 1))
        return o ? UInt64.max : d
    }

    /// Earlier of two wake times, where 0 means none.
    static func earlier(_ a: UInt64, _ b: UInt64) -> UInt64 {
        if a == 0 { return b }
        if b == 0 { return a }
        return min(a, b)
    }
}

/// Temporarily replaced signal masks (ppoll, pselect6, epoll_pwait): like
/// rt_sigsuspend, the old mask comes back on return, or, when a signal interrupts
/// the call, through the handler frame (so the handler runs under the temporary mask
/// and sigreturn restores the old one).
struct TemporarySignalMask {
    let old: UInt64?

    init(_ p: Process, maskAt address: UInt64, size: UInt64) throws(Errno) {
        guard address != 0 else { old = nil; return }
        guard size == 8 else { throw .EINVAL }
        let mask: UInt64 = try p.user.load(at: address)
        old = p.signalMask
        p.signalMask = mask & ~(Signals.bit(Signals.SIGKILL) | Signals.bit(Signals.SIGSTOP))
    }

    /// The call is returning with `error` (nil on success).
    func finish(_ p: Process, interrupted: Bool) {
        guard let old else { return }
        if interrupted && Signals.hasDeliverable {
            Scheduler.current.maskBeforeSuspend = old
        } else {
            p.signalMask = old
        }
    }
}
