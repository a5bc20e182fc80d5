import KernelASM

/// Signal generation and delivery (signal(7)). Dispositions and the mask live in the
/// portable `Process` (rt_sigaction, rt_sigprocmask); pending bits live on the task.
enum Signals {
    static let SIGKILL: Int32 = 9, SIGSEGV: Int32 = 11, SIGPIPE: Int32 = 13, SIGCHLD: Int32 = 17
    static let SIGCONT: Int32 = 18, SIGSTOP: Int32 = 19
    static let sigDefault: UInt64 = 0, sigIgnore: UInt64 = 1
    static let saRestorer: UInt64 = 0x0400_0000, saOnStack: UInt64 = 0x0800_0000
    static let saRestart: UInt64 = 0x1000_0000, saNoDefer: UInt64 = 0x4000_0000
    static let saResetHand: UInt64 = 0x8000_0000, saSigInfo: UInt64 = 4
    /// Internal "restart this syscall" result (Linux's ERESTARTSYS).
    static let restartSys: Int32 = 512

    @inline(__always) static func bit(_ sig: Int32) -> UInt64 { 1 << UInt64(sig - 1) }

    static func handler(_ p: Process, _ sig: Int32) -> UInt64 { p.signalActions[Int(sig) * 4] }
    static func flags(_ p: Process, _ sig: Int32) -> UInt64 { p.signalActions[Int(sig) * 4 + 1] }

    /// Signals whose default action is to do nothing.
    static func ignoredByDefault(_ sig: Int32) -> Bool {
        sig == SIGCHLD || sig == 23 || sig == 28 || sig == SIGCONT      // CHLD, URG, WINCH, CONT
    }

    /// Makes `sig` pending for the process: on the first thread that does not block it
    /// (or the first thread), waking it if it sleeps interruptibly.
    static func send(_ sig: Int32, to entry: ProcessEntry) {
        guard sig >= 1 && sig <= 64, !entry.zombie else { return }
        let p = entry.process
        // Ignored signals are discarded at generation time (except SIGCHLD is harmless).
        let h = handler(p, sig)
        if sig != SIGKILL && (h == sigIgnore || (h == sigDefault && ignoredByDefault(sig))) { return }
        guard let t = entry.tasks.first(where: { $0.state != .zombie && $0.blockedSignals & bit(sig) == 0 })
                ?? entry.tasks.first(where: { $0.state != .zombie }) else { return }
        send(sig, toTask: t)
    }

    static func send(_ sig: Int32, toTask t: Task) {
        t.pendingSignals |= bit(sig)
        PollHub.signalPosted()      // poll area: signalfd readers and pollers re-check
        if t.state == .blocked && (t.blockedSignals & bit(sig) == 0 || sig == SIGKILL) {
            t.wokenBySignal = true
            Scheduler.makeRunnable(t)
        }
    }

    /// True if the current task has a deliverable signal (for EINTR decisions).
    static var hasDeliverable: Bool {
        let t: Task = Scheduler.current
        return t.pendingSignals & ~t.process.signalMask != 0 || t.pendingSignals & bit(SIGKILL) != 0
    }

    /// Runs before every return to user mode: takes the default action or builds a
    /// handler frame for each deliverable signal. `frame` is the task's user frame.
    static func deliver(_ frame: UnsafeMutablePointer<TrapFrame>) {
        let t: Task = Scheduler.current
        while true {
            let p = t.process
            let deliverable = t.pendingSignals & (~p.signalMask | bit(SIGKILL) | bit(SIGSTOP))
            guard deliverable != 0 else { return }
            let sig = Int32(deliverable.trailingZeroBitCount + 1)
            t.pendingSignals &= ~bit(sig)
            let h = handler(p, sig)
            if sig == SIGKILL || h == sigDefault {
                if ignoredByDefault(sig) || sig == SIGSTOP || sig == 20 || sig == 21 || sig == 22 {
                    fixRestart(frame, handled: false, flags: 0)
                    continue                                  // stop signals: not supported yet
                }
                Lifecycle.exitProcess(t.entry, waitStatus: Lifecycle.signalStatus(sig),
                                      reason: Signal.name(sig) + ": killed by a signal")
            }
            if h == sigIgnore { fixRestart(frame, handled: false, flags: 0); continue }
            let f = flags(p, sig)
            fixRestart(frame, handled: true, flags: f)
            if !SignalFrame.push(frame, task: t, signal: sig, handler: h, flags: f,
                                 restorer: p.signalActions[Int(sig) * 4 + 2], mask: p.signalActions[Int(sig) * 4 + 3]) {
                Lifecycle.exitProcess(t.entry, waitStatus: Lifecycle.signalStatus(SIGSEGV),
                                      reason: "SIGSEGV: cannot build the signal frame for \(Signal.name(sig))")
            }
            if f & saResetHand != 0 { p.signalActions[Int(sig) * 4] = sigDefault }
            return                                            // one handler frame at a time
        }
    }

    /// An interrupted syscall: restart it (SA_RESTART, or no handler ran) or fail with
    /// EINTR, as Linux does for ERESTARTSYS.
    static func fixRestart(_ frame: UnsafeMutablePointer<TrapFrame>, handled: Bool, flags: UInt64) {
        guard frame.pointee.vector == TrapFrame.syscallVector,
              Int64(bitPattern: frame.pointee.rax) == -Int64(restartSys) else { return }
        if !handled || flags & saRestart != 0 {
            frame.pointee.rax = frame.pointee.error          // the original syscall number
            frame.pointee.rip &-= 2                          // back onto the SYSCALL instruction
        } else {
            frame.pointee.rax = UInt64(bitPattern: -Int64(Errno.EINTR.rawValue))
        }
    }
}
