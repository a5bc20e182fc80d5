import KernelASM

/// Waiting for signals: rt_sigsuspend, rt_sigpending, rt_sigtimedwait, pause.
extension Process {
    /// rt_sigsuspend(2): replace the mask, sleep until a handler runs, return EINTR.
    /// The handler frame saves the *old* mask, so sigreturn restores it. Woken with no
    /// handler to run (a stop then SIGCONT, an ignored signal), the old mask comes back
    /// and the call restarts, as Linux's ERESTARTNOHAND does (area: jobctl2).
    func sysRtSigsuspend(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a1 == 8 else { throw .EINVAL }
        let newMask: UInt64 = try user.load(at: a.a0)
        let t: Task = Scheduler.current
        t.maskBeforeSuspend = signalMask
        signalMask = newMask & ~(Signals.bit(Signals.SIGKILL) | Signals.bit(Signals.SIGSTOP))
        while !Signals.interrupted { Scheduler.block() }
        throw Errno(Signals.restartNoHand)
    }

    /// pause(2): EINTR after a handler; otherwise it keeps waiting (ERESTARTNOHAND).
    func sysPause(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        while !Signals.interrupted { Scheduler.block() }
        throw Errno(Signals.restartNoHand)
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
            // A stop ends the wait with EINTR after SIGCONT, as signal(7) documents for
            // sigtimedwait on Linux (area: jobctl2).
            if Signals.interrupted { throw .EINTR }
            if deadline != 0 && services.monotonicNanoseconds() >= deadline { throw .EAGAIN }
            t.sigwaitSet = set                                         // area: jobctl: send wakes us
            Scheduler.block(until: deadline)
            t.sigwaitSet = 0
        }
    }
}
