import KernelASM

/// Waiting for signals: rt_sigsuspend, rt_sigpending, rt_sigtimedwait, pause.
extension Process {
    /// rt_sigsuspend(2): replace the mask, sleep until a handler runs, return EINTR.
    /// The handler frame saves the *old* mask, so sigreturn restores it.
    func sysRtSigsuspend(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a1 == 8 else { throw .EINVAL }
        let newMask: UInt64 = try user.load(at: a.a0)
        let t: Task = Scheduler.current
        t.maskBeforeSuspend = signalMask
        signalMask = newMask & ~(Signals.bit(Signals.SIGKILL) | Signals.bit(Signals.SIGSTOP))
        while !Signals.hasDeliverable { Scheduler.block() }
        throw .EINTR
    }

    func sysPause(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        while !Signals.hasDeliverable { Scheduler.block() }
        throw .EINTR
    }

    func sysRtSigpending(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a1 <= 8 else { throw .EINVAL }
        try user.store(Scheduler.current.pendingSignals & signalMask, at: a.a0)
        return 0
    }

    /// rt_sigtimedwait(2): take a pending signal from `set` (which the caller has
    /// blocked), waiting up to the timeout; EAGAIN when it expires.
    func sysRtSigtimedwait(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a3 == 8 else { throw .EINVAL }
        let set: UInt64 = try user.load(at: a.a0)
        let t: Task = Scheduler.current
        var deadline: UInt64 = 0
        if a.a2 != 0 {
            let ns = try loadTimespec(at: a.a2)
            deadline = services.monotonicNanoseconds() &+ max(ns, 1)
        }
        while true {
            let ready = t.pendingSignals & set
            if ready != 0 {
                let sig = Int32(ready.trailingZeroBitCount + 1)
                let info = Signals.dequeue(sig, from: t)                // area: jobctl: one instance
                if a.a1 != 0 { try user.copyOut(Signals.encode(sig, info), to: a.a1) }
                return UInt64(sig)
            }
            if Signals.hasDeliverable { throw .EINTR }
            if deadline != 0 && services.monotonicNanoseconds() >= deadline { throw .EAGAIN }
            t.sigwaitSet = set                                         // area: jobctl: send wakes us
            Scheduler.block(until: deadline)
            t.sigwaitSet = 0
        }
    }
}
