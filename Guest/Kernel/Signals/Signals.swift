import KernelASM

/// What siginfo reports for one pending signal instance (area: jobctl). The layout of
/// `siginfo_t` depends on si_code and the signal (`Signals.encode`).
struct SigInfo {
    var code: Int32 = 0                 // si_code: SI_USER 0, SI_QUEUE -1, SI_TIMER -2, SI_TKILL -6, kernel > 0
    var pid: Int32 = 0                  // si_pid of kill/sigqueue/SIGCHLD
    var status: Int32 = 0               // SIGCHLD si_status
    var value: UInt64 = 0               // si_value of sigqueue and timers
    var timerId: Int32 = 0              // SI_TIMER si_tid
    var overrun: Int32 = 0              // SI_TIMER si_overrun
    var address: UInt64 = 0             // si_addr of a fault
}

/// A pending signal instance: standard signals (1...31) have at most one per task,
/// real-time signals (32...64) one per sigqueue/kill, delivered in order.
struct QueuedSignal {
    let sig: Int32
    var info: SigInfo
}

/// Signal generation and delivery (signal(7)). Dispositions and the mask live in the
/// portable `Process` (rt_sigaction, rt_sigprocmask); pending bits and their siginfo
/// queue live on the task; job-control state (stopped) on the `ProcessEntry`.
enum Signals {
    /// The x86-64 Linux signal numbers (asm/signal.h) and their names: the one place
    /// they are spelled (faults, delivery, job control, logs).
    static let SIGHUP: Int32 = 1, SIGINT: Int32 = 2, SIGQUIT: Int32 = 3, SIGILL: Int32 = 4, SIGTRAP: Int32 = 5
    static let SIGABRT: Int32 = 6, SIGBUS: Int32 = 7, SIGFPE: Int32 = 8, SIGKILL: Int32 = 9, SIGUSR1: Int32 = 10
    static let SIGSEGV: Int32 = 11, SIGUSR2: Int32 = 12, SIGPIPE: Int32 = 13, SIGALRM: Int32 = 14, SIGTERM: Int32 = 15
    static let SIGSTKFLT: Int32 = 16, SIGCHLD: Int32 = 17, SIGCONT: Int32 = 18, SIGSTOP: Int32 = 19, SIGTSTP: Int32 = 20
    static let SIGTTIN: Int32 = 21, SIGTTOU: Int32 = 22, SIGURG: Int32 = 23, SIGXCPU: Int32 = 24, SIGXFSZ: Int32 = 25
    static let SIGVTALRM: Int32 = 26, SIGPROF: Int32 = 27, SIGWINCH: Int32 = 28, SIGIO: Int32 = 29, SIGPWR: Int32 = 30
    static let SIGSYS: Int32 = 31
    static let SIGRTMIN: Int32 = 32

    static let names: [String] = [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ]

    static func name(_ s: Int32) -> String {
        if s >= 1 && Int(s) <= names.count { return names[Int(s) - 1] }
        return "signal \(s)"
    }
    static let sigDefault: UInt64 = 0, sigIgnore: UInt64 = 1
    static let saNoCldStop: UInt64 = 1
    static let saRestorer: UInt64 = 0x0400_0000, saOnStack: UInt64 = 0x0800_0000
    static let saRestart: UInt64 = 0x1000_0000, saNoDefer: UInt64 = 0x4000_0000
    static let saResetHand: UInt64 = 0x8000_0000, saSigInfo: UInt64 = 4
    /// SIGCHLD si_code values.
    static let cldExited: Int32 = 1, cldKilled: Int32 = 2, cldStopped: Int32 = 5, cldContinued: Int32 = 6
    /// Internal "restart this syscall" results (include/linux/errno.h), thrown by calls
    /// a signal (or a stop) interrupted; `fixRestart` turns them into a restart or EINTR.
    /// ERESTARTSYS: restarted unless a handler without SA_RESTART ran.
    static let restartSys: Int32 = 512
    /// ERESTARTNOINTR: always restarted.
    static let restartNoIntr: Int32 = 513
    /// ERESTARTNOHAND: restarted only if no handler ran (pause, sigsuspend, poll...).
    static let restartNoHand: Int32 = 514
    /// ERESTART_RESTARTBLOCK: if no handler ran, restart_syscall(2) continues the call
    /// from the task's `restartBlock` (nanosleep with the time left); else EINTR.
    static let restartBlock: Int32 = 516
    /// Queued real-time signal instances a process may hold: its RLIMIT_SIGPENDING soft
    /// limit (`queueLimit(_:)`). Beyond it sigqueue/tkill (si_code < 0) fail with EAGAIN;
    /// kill and kernel signals still get through, as on Linux, up to `hardQueueLimit`
    /// records, then without their own siginfo.
    static let hardQueueLimit = 4096
    static func queueLimit(_ p: Process) -> Int {
        Int(min(p.limits.soft[ResourceLimits.sigpending], UInt64(hardQueueLimit)))
    }

    @inline(__always) static func bit(_ sig: Int32) -> UInt64 { 1 << UInt64(sig - 1) }
    static let stopSignals: UInt64 = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU)
    static func isStop(_ sig: Int32) -> Bool { sig >= SIGSTOP && sig <= SIGTTOU }

    static func handler(_ p: Process, _ sig: Int32) -> UInt64 { p.signalActions[Int(sig) * 4] }
    static func flags(_ p: Process, _ sig: Int32) -> UInt64 { p.signalActions[Int(sig) * 4 + 1] }

    /// Signals whose default action is to do nothing.
    static func ignoredByDefault(_ sig: Int32) -> Bool {
        sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT
    }

    /// An ignored signal that the target does not block is discarded when generated
    /// (blocked ones stay pending: the disposition may change before they are
    /// unblocked, and sigwait takes them). SIGKILL and SIGSTOP are never ignored.
    static func discarded(_ sig: Int32, _ p: Process, blocked: UInt64) -> Bool {
        if sig == SIGKILL || sig == SIGSTOP || blocked & bit(sig) != 0 { return false }
        let h = handler(p, sig)
        return h == sigIgnore || (h == sigDefault && ignoredByDefault(sig))
    }

    /// Makes `sig` pending for the process: on the first thread that does not block it
    /// (or the first thread), waking it if it sleeps interruptibly. The siginfo is the
    /// chosen task's staged fields (`Task.siginfoCode`...), for older callers.
    static func send(_ sig: Int32, to entry: ProcessEntry) {
        guard let t = pick(sig, entry) else { return }
        send(sig, toTask: t)
    }

    /// Process-directed signal with its siginfo. False only when a real-time signal
    /// with si_code < 0 exceeds the queue limit (EAGAIN).
    @discardableResult
    static func send(_ sig: Int32, to entry: ProcessEntry, info: SigInfo) -> Bool {
        guard sig >= 1 && sig <= 64, !entry.zombie, let t = pick(sig, entry) else { return true }
        return send(sig, toTask: t, info: info)
    }

    /// The task a process-directed signal goes to: one that already has it pending (a
    /// standard signal then coalesces), else the first that does not block it, else one
    /// waiting for it in rt_sigtimedwait.
    static func pick(_ sig: Int32, _ entry: ProcessEntry) -> Task? {
        guard sig >= 1 && sig <= 64, !entry.zombie else { return nil }
        if sig < SIGRTMIN, let t = entry.tasks.first(where: { $0.state != .zombie && $0.pendingSignals & bit(sig) != 0 }) {
            return t
        }
        return entry.tasks.first(where: { $0.state != .zombie && $0.blockedSignals & bit(sig) == 0 })
            ?? entry.tasks.first(where: { $0.state != .zombie && $0.sigwaitSet & bit(sig) != 0 })
            ?? entry.tasks.first(where: { $0.state != .zombie })
    }

    /// Thread-directed signal whose siginfo is the task's staged fields (then cleared).
    static func send(_ sig: Int32, toTask t: Task) {
        let info = SigInfo(code: t.siginfoCode, pid: t.siginfoPid, value: t.siginfoValue,
                           timerId: t.siginfoTimerId, overrun: t.siginfoOverrun, address: t.faultAddress)
        t.siginfoCode = 0; t.siginfoPid = 0; t.siginfoValue = 0; t.siginfoTimerId = 0; t.siginfoOverrun = 0
        t.faultAddress = 0
        send(sig, toTask: t, info: info)
    }

    /// Thread-directed signal with its siginfo: job-control side effects, then queued.
    @discardableResult
    static func send(_ sig: Int32, toTask t: Task, info: SigInfo) -> Bool {
        guard sig >= 1 && sig <= 64, t.state != .zombie else { return true }
        if let e = t.entry { prepare(sig, e) }
        if discarded(sig, t.process, blocked: t.blockedSignals) { return true }
        if sig >= SIGRTMIN {
            let queued = queuedCount(uid: t.process.credentials.uid)
            if queued >= queueLimit(t.process) && info.code < 0 { return false }
            if queued < hardQueueLimit { t.sigQueue.append(QueuedSignal(sig: sig, info: info)) }
        } else if t.pendingSignals & bit(sig) == 0 {
            t.sigQueue.removeAll { $0.sig == sig }
            t.sigQueue.append(QueuedSignal(sig: sig, info: info))
        }                                                   // a pending standard signal: coalesced
        t.pendingSignals |= bit(sig)
        PollHub.signalPosted()      // poll area: signalfd readers and pollers re-check
        if t.state == .blocked && (t.blockedSignals & bit(sig) == 0 || sig == SIGKILL || t.sigwaitSet & bit(sig) != 0) {
            t.wokenBySignal = true
            Scheduler.makeRunnable(t)
        }
        return true
    }

    /// Signal instances queued for one real user (Linux charges RLIMIT_SIGPENDING to
    /// the receiver's real uid, across its processes; area: jobctl2).
    static func queuedCount(uid: UInt32) -> Int {
        var n = 0
        for e in ProcessTable.entries where !e.zombie && e.process.credentials.uid == uid {
            for t in e.tasks { n += t.sigQueue.count }
        }
        return n
    }

    /// Takes one pending instance of `sig` from `t` (the oldest), clearing the pending
    /// bit when it was the last.
    static func dequeue(_ sig: Int32, from t: Task) -> SigInfo {
        var info = SigInfo()
        if let i = t.sigQueue.firstIndex(where: { $0.sig == sig }) { info = t.sigQueue.remove(at: i).info }
        if !t.sigQueue.contains(where: { $0.sig == sig }) { t.pendingSignals &= ~bit(sig) }
        return info
    }

    static func discardPending(_ mask: UInt64, _ t: Task) {
        guard t.pendingSignals & mask != 0 else { return }
        t.pendingSignals &= ~mask
        t.sigQueue.removeAll { mask & bit($0.sig) != 0 }
    }

    // MARK: job control (area: jobctl)

    /// Generation-time effects (Linux prepare_signal): SIGCONT continues a stopped
    /// process and discards its pending stop signals, whatever its disposition; a stop
    /// signal discards a pending SIGCONT.
    static func prepare(_ sig: Int32, _ e: ProcessEntry) {
        if sig == SIGCONT {
            for t in e.tasks { discardPending(stopSignals, t) }
            if e.stopped {
                e.stopped = false
                e.process.jobStopped = false
                e.reportStopped = false
                e.reportContinued = true
                for t in e.tasks where t.jobStopped { Scheduler.makeRunnable(t) }
                notifyParent(e, code: cldContinued, status: SIGCONT)
            }
        } else if isStop(sig) {
            for t in e.tasks { discardPending(bit(SIGCONT), t) }
        }
    }

    /// SIGCHLD to the parent and a wake-up of its wait4/waitid. Stop and continue
    /// reports send no signal if the parent ignores SIGCHLD or set SA_NOCLDSTOP.
    static func notifyParent(_ e: ProcessEntry, code: Int32, status: Int32) {
        guard let parent = e.parent else { return }
        let pp = parent.process
        let quiet = (code == cldStopped || code == cldContinued)
            && (flags(pp, SIGCHLD) & saNoCldStop != 0 || handler(pp, SIGCHLD) == sigIgnore)
        if !quiet { send(SIGCHLD, to: parent, info: SigInfo(code: code, pid: e.pid, status: status)) }
        parent.childExited.wakeAll()
    }

    /// The default action of a stop signal: the whole process stops until SIGCONT or
    /// SIGKILL. Threads stop as they return to user mode (`deliver`).
    static func stopProcess(_ e: ProcessEntry, _ sig: Int32) {
        e.stopped = true
        e.process.jobStopped = true
        e.stopSignal = sig
        e.reportStopped = true
        e.reportContinued = false
        // Threads asleep in the kernel stop too (Linux signal_wake_up from
        // do_signal_stop): their interruptible waits end with a restart code, they stop
        // on the way out, and after SIGCONT the call restarts (area: jobctl2).
        for t in e.tasks where t.state == .blocked && !t.jobStopped && t !== Scheduler.current {
            t.wokenBySignal = true
            Scheduler.makeRunnable(t)
        }
        notifyParent(e, code: cldStopped, status: sig)
    }

    /// POSIX orphaned process group: no member has a parent in another group of the
    /// same session. Children of init (PID 1, the program swiftlet runs) do not count,
    /// as on Linux; TSTP/TTIN/TTOU to such a group are discarded.
    static func orphanedGroup(_ e: ProcessEntry) -> Bool {
        let g = e.processGroup
        for m in ProcessTable.entries where !m.zombie && m.processGroup == g {
            guard let parent = m.parent, parent.pid != 1 else { continue }
            if parent.processGroup != g && parent.session == m.session { return false }
        }
        return true
    }

    /// True if the current task has a deliverable signal (for EINTR decisions).
    static var hasDeliverable: Bool {
        let t: Task = Scheduler.current
        return t.pendingSignals & ~t.process.signalMask != 0 || t.pendingSignals & bit(SIGKILL) != 0
    }

    /// True if a sleep must end: a deliverable signal, or the process is stopping (the
    /// thread must leave its wait to stop; area: jobctl2).
    static var interrupted: Bool {
        hasDeliverable || Scheduler.current.entry?.stopped == true
    }

    /// Runs before every return to user mode: stops while the process is stopped, takes
    /// the default action or builds a handler frame for each deliverable signal.
    /// `frame` is the task's user frame (or an IST frame, where it must not sleep).
    static func deliver(_ frame: UnsafeMutablePointer<TrapFrame>) {
        let t: Task = Scheduler.current
        let canSleep = frame == t.frame
        while true {
            if let e = t.entry, e.stopped {
                guard canSleep else { return }
                t.jobStopped = true
                while e.stopped && t.pendingSignals & bit(SIGKILL) == 0 { Scheduler.block() }
                t.jobStopped = false
                if t.killed { return }                        // area: jobctl2: ended while stopped
            }
            let p = t.process
            let deliverable = t.pendingSignals & (~p.signalMask | bit(SIGKILL) | bit(SIGSTOP))
            guard deliverable != 0 else { noHandlerRan(frame, t); return }
            let sig = Int32(deliverable.trailingZeroBitCount + 1)
            let h = handler(p, sig)
            if sig == SIGKILL || sig == SIGSTOP || h == sigDefault {
                if isStop(sig) {
                    guard canSleep else { return }
                    _ = dequeue(sig, from: t)
                    // Init ignores stop signals it does not handle; TSTP/TTIN/TTOU to an
                    // orphaned process group are discarded (Linux).
                    if t.entry.pid == 1 || (sig != SIGSTOP && orphanedGroup(t.entry)) { continue }
                    stopProcess(t.entry, sig)
                    continue
                }
                _ = dequeue(sig, from: t)
                if ignoredByDefault(sig) { continue }
                Lifecycle.exitProcess(t.entry, waitStatus: Lifecycle.signalStatus(sig),
                                      reason: Signals.name(sig) + ": killed by a signal")
                return                                        // the entry code switches away
            }
            let info = dequeue(sig, from: t)
            if h == sigIgnore { continue }
            let f = flags(p, sig)
            fixRestart(frame, handled: true, flags: f)
            if !SignalFrame.push(frame, task: t, signal: sig, info: info, handler: h, flags: f,
                                 restorer: p.signalActions[Int(sig) * 4 + 2], mask: p.signalActions[Int(sig) * 4 + 3]) {
                Lifecycle.exitProcess(t.entry, waitStatus: Lifecycle.signalStatus(SIGSEGV),
                                      reason: "SIGSEGV: cannot build the signal frame for \(Signals.name(sig))")
                return
            }
            if f & saResetHand != 0 { p.signalActions[Int(sig) * 4] = sigDefault }
            return                                            // one handler frame at a time
        }
    }

    /// The 128-byte siginfo_t for `sig` (si_signo 0, si_errno 4, si_code 8, union at
    /// 16): user-sent (si_code <= 0) {pid, uid, value}; SI_TIMER {tid, overrun, value};
    /// SIGCHLD {pid, uid, status}; faults {addr}.
    static func encode(_ sig: Int32, _ info: SigInfo) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 128)
        func put(_ o: Int, _ v: UInt64, _ n: Int) { for k in 0..<n { b[o + k] = UInt8(truncatingIfNeeded: v >> UInt64(8 * k)) } }
        func put32(_ o: Int, _ v: Int32) { put(o, UInt64(UInt32(bitPattern: v)), 4) }
        put32(0, sig)
        put32(8, info.code)
        if info.code == Timers.siTimer {
            put32(16, info.timerId); put32(20, info.overrun); put(24, info.value, 8)
        } else if info.code <= 0 {
            put32(16, info.pid); put(24, info.value, 8)
        } else if sig == SIGCHLD {
            put32(16, info.pid); put32(24, info.status)
        } else if sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP {
            put(16, info.address, 8)
        } else {
            put32(16, info.pid)
        }
        return b
    }

    /// An interrupted syscall (Linux arch/x86/kernel/signal.c handle_signal and
    /// arch_do_signal_or_restart): with a handler about to run, ERESTARTSYS restarts
    /// only under SA_RESTART, ERESTARTNOINTR always, the others fail with EINTR; with no
    /// handler every code restarts, ERESTART_RESTARTBLOCK through restart_syscall.
    static func fixRestart(_ frame: UnsafeMutablePointer<TrapFrame>, handled: Bool, flags: UInt64) {
        guard frame.pointee.vector == TrapFrame.syscallVector else { return }
        let code = -Int64(bitPattern: frame.pointee.rax)
        guard code == Int64(restartSys) || code == Int64(restartNoIntr) || code == Int64(restartNoHand)
              || code == Int64(restartBlock) else { return }
        let restart = handled ? (code == Int64(restartNoIntr) || (code == Int64(restartSys) && flags & saRestart != 0)) : true
        if restart {
            frame.pointee.rax = code == Int64(restartBlock) ? UInt64(SyscallNumber.restart_syscall)
                                                            : frame.pointee.error   // the original syscall number
            frame.pointee.rip &-= 2                          // back onto the SYSCALL instruction
        } else {
            frame.pointee.rax = UInt64(bitPattern: -Int64(Errno.EINTR.rawValue))
            Scheduler.current.restartBlock = .none
        }
    }

    /// Return to user mode with no handler run: an interrupted call restarts, and a mask
    /// that sigsuspend/ppoll/pselect replaced comes back (restore_saved_sigmask).
    static func noHandlerRan(_ frame: UnsafeMutablePointer<TrapFrame>, _ t: Task) {
        fixRestart(frame, handled: false, flags: 0)
        if let m = t.maskBeforeSuspend {
            t.process.signalMask = m
            t.maskBeforeSuspend = nil
        }
    }
}

extension Signals {
    /// prctl(PR_SET_PDEATHSIG): the children of a dying process get their chosen signal
    /// (area: jobctl). Linux sends it when the parent *thread* exits; here it is when
    /// the parent process exits.
    static func parentDied(_ entry: ProcessEntry) {
        for c in entry.children where !c.zombie && c.process.parentDeathSignal != 0 {
            send(c.process.parentDeathSignal, to: c, info: SigInfo(code: 0, pid: entry.pid))
        }
    }
}
