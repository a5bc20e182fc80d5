import KernelASM

/// One setitimer(2) timer. For ITIMER_REAL `value` is a monotonic deadline; for
/// ITIMER_VIRTUAL and ITIMER_PROF it is the CPU time left. 0 means disarmed.
struct IntervalTimer {
    var value: UInt64 = 0
    var interval: UInt64 = 0
}

/// One timer_create(2) timer.
final class PosixTimer {
    static let sigevSignal: Int32 = 0, sigevNone: Int32 = 1, sigevThread: Int32 = 2, sigevThreadId: Int32 = 4
    let id: Int32
    let clock: UInt64
    let notify: Int32
    let signal: Int32
    let value: UInt64
    /// SIGEV_THREAD_ID: the thread to signal.
    let targetTid: Int32
    /// Expiry in the timer's clock: monotonic ns (REALTIME is converted when armed), or
    /// process CPU ns for CLOCK_PROCESS_CPUTIME_ID. 0 = disarmed.
    var deadline: UInt64 = 0
    var interval: UInt64 = 0
    /// Overruns counted for the signal generated last (timer_getoverrun).
    var overrun: UInt64 = 0

    init(id: Int32, clock: UInt64, notify: Int32, signal: Int32, value: UInt64, targetTid: Int32) {
        self.id = id; self.clock = clock; self.notify = notify; self.signal = signal
        self.value = value; self.targetTid = targetTid
    }
}

/// CPU-time accounting, driven by the scheduler tick (10 ms), and timer expiry, at the
/// timer interrupt `ClockEvents` arms for the earliest expiry (area: hrtimer).
///
/// Accounting: each tick charges one tick period to the task it interrupted, as user
/// time if the trap frame came from ring 3 and as system time otherwise; a tick that
/// finds the vCPU idle charges nobody. ITIMER_VIRTUAL counts down on user ticks of the
/// process, ITIMER_PROF on user and system ticks, so both have tick granularity.
enum Timers {
    static let SIGALRM: Int32 = 14, SIGVTALRM: Int32 = 26, SIGPROF: Int32 = 27
    static let siTimer: Int32 = -2, siKernel: Int32 = 0x80
    /// Set by the trap handler for the timer interrupt: did it interrupt user mode?
    nonisolated(unsafe) static var tickFromUser = false
    /// Number of armed timers of any kind (bookkeeping only).
    nonisolated(unsafe) static var armed = 0

    /// Every timer interrupt (area: hrtimer): `charge` is the CPU time a tick charges to
    /// the interrupted task (0 if this interrupt is a deadline, not a tick, or the vCPU
    /// idled); wall-clock timers expire at any interrupt, so within tens of µs.
    static func tick(now: UInt64, charge: UInt64) {
        let period = charge
        if period != 0, !Scheduler.idling, let t = Scheduler.current, t.state != .zombie {
            if tickFromUser { t.userNanoseconds &+= period } else { t.systemNanoseconds &+= period }
            let e: ProcessEntry = t.entry
            if tickFromUser && e.virtualTimer.value != 0 { countDown(&e.virtualTimer, period, SIGVTALRM, e) }
            if e.profTimer.value != 0 { countDown(&e.profTimer, period, SIGPROF, e) }
        }
        // `armed` is bookkeeping for /proc and debugging only: expiry never trusts it, so
        // a miscount cannot lose a timer. The walk is a few compares per process.
        for e in ProcessTable.entries where !e.zombie && (e.realTimer.value != 0 || !e.posixTimers.isEmpty) {
            if e.realTimer.value != 0 && e.realTimer.value <= now {
                if e.realTimer.interval != 0 {
                    // Drift-free like hrtimer_forward; expiries missed entirely are dropped.
                    var (next, o) = e.realTimer.value.addingReportingOverflow(e.realTimer.interval)
                    if !o && next <= now { (next, o) = now.addingReportingOverflow(e.realTimer.interval) }
                    if o { next = UInt64.max }
                    e.realTimer.value = next
                } else {
                    e.realTimer.value = 0
                    armed -= 1
                }
                sendKernelSignal(SIGALRM, to: e)
            }
            if e.posixTimers.isEmpty { continue }
            var cpu: UInt64? = nil
            for tm in e.posixTimers where tm.deadline != 0 {
                let clockNow: UInt64
                if tm.clock == 2 {
                    if cpu == nil { cpu = processCPU(e) }
                    clockNow = cpu!
                } else {
                    clockNow = now
                }
                if tm.deadline <= clockNow { expire(tm, e, now: clockNow) }
            }
        }
    }

    static func countDown(_ timer: inout IntervalTimer, _ period: UInt64, _ sig: Int32, _ e: ProcessEntry) {
        if timer.value > period { timer.value -= period; return }
        if timer.interval != 0 { timer.value = timer.interval } else { timer.value = 0; armed -= 1 }
        sendKernelSignal(sig, to: e)
    }

    /// The task a process-directed signal goes to, as `Signals.send(_:to:)` picks it;
    /// nil if the signal would be discarded.
    static func recipient(_ sig: Int32, _ e: ProcessEntry) -> Task? {
        let p = e.process
        let h = Signals.handler(p, sig)
        if h == Signals.sigIgnore || (h == Signals.sigDefault && Signals.ignoredByDefault(sig)) { return nil }
        return e.tasks.first(where: { $0.state != .zombie && $0.blockedSignals & Signals.bit(sig) == 0 })
            ?? e.tasks.first(where: { $0.state != .zombie })
    }

    /// setitimer/alarm signals: si_code SI_KERNEL, as Linux's send_sig_info(SEND_SIG_PRIV).
    static func sendKernelSignal(_ sig: Int32, to e: ProcessEntry) {
        guard let t = recipient(sig, e) else { return }
        Signals.send(sig, toTask: t, info: SigInfo(code: siKernel))      // area: jobctl: siginfo API
    }

    static func expire(_ tm: PosixTimer, _ e: ProcessEntry, now: UInt64) {
        var missed: UInt64 = 0
        if tm.interval != 0 {
            missed = (now - tm.deadline) / tm.interval
            let (step, o1) = (missed + 1).multipliedReportingOverflow(by: tm.interval)
            let (next, o2) = tm.deadline.addingReportingOverflow(step)
            tm.deadline = o1 || o2 ? UInt64.max : next             // a huge interval: never again
        } else {
            tm.deadline = 0
            armed -= 1
        }
        if tm.notify == PosixTimer.sigevNone { return }
        let target: Task?
        if tm.notify == PosixTimer.sigevThreadId {
            target = e.tasks.first { $0.tid == tm.targetTid && $0.state != .zombie }
        } else {
            target = recipient(tm.signal, e)
        }
        guard let t = target else { return }
        // area: jobctl — the timer's queued instance is in the task's signal queue.
        if let i = t.sigQueue.firstIndex(where: { $0.sig == tm.signal && $0.info.code == siTimer && $0.info.timerId == tm.id }) {
            // Still queued from the last expiry: count an overrun instead (Linux).
            tm.overrun = tm.overrun &+ 1 &+ missed
            t.sigQueue[i].info.overrun = Int32(truncatingIfNeeded: min(tm.overrun, 0x7fff_ffff))
            return
        }
        tm.overrun = missed
        Signals.send(tm.signal, toTask: t, info: SigInfo(code: siTimer, value: tm.value, timerId: tm.id,
                                                         overrun: Int32(truncatingIfNeeded: min(missed, 0x7fff_ffff))))
    }

    // MARK: accounting

    static func processUser(_ e: ProcessEntry) -> UInt64 {
        var n = e.deadUserNanoseconds
        for t in e.tasks { n &+= t.userNanoseconds }
        return n
    }

    static func processSystem(_ e: ProcessEntry) -> UInt64 {
        var n = e.deadSystemNanoseconds
        for t in e.tasks { n &+= t.systemNanoseconds }
        return n
    }

    static func processCPU(_ e: ProcessEntry) -> UInt64 { processUser(e) &+ processSystem(e) }

    /// Frames mapped in the address space (present or PROT_NONE-parked pages).
    static func residentPages(_ e: ProcessEntry) -> UInt64 {
        guard !e.zombie else { return e.peakPages }
        var n: UInt64 = 0
        AddressSpaces.walkUser(e.space.root) { _, _ in n += 1 }
        if n > e.peakPages { e.peakPages = n }
        return n
    }

    /// A thread leaves: its CPU time stays with the process.
    static func threadExited(_ t: Task) {
        let e: ProcessEntry = t.entry
        e.deadUserNanoseconds &+= t.userNanoseconds
        e.deadSystemNanoseconds &+= t.systemNanoseconds
        t.userNanoseconds = 0; t.systemNanoseconds = 0
    }

    /// The process is about to lose its address space: note its peak, drop its timers.
    static func processExiting(_ e: ProcessEntry) {
        _ = residentPages(e)
        disarmAll(e)
    }

    static func disarmAll(_ e: ProcessEntry) {
        if e.realTimer.value != 0 { armed -= 1 }
        if e.virtualTimer.value != 0 { armed -= 1 }
        if e.profTimer.value != 0 { armed -= 1 }
        e.realTimer = IntervalTimer(); e.virtualTimer = IntervalTimer(); e.profTimer = IntervalTimer()
        deletePosixTimers(e)
    }

    static func deletePosixTimers(_ e: ProcessEntry) {
        for tm in e.posixTimers where tm.deadline != 0 { armed -= 1 }
        e.posixTimers.removeAll()
    }

    /// wait4/waitid reap `child`: its times (and its reaped children's) go to the parent.
    static func reaped(_ child: ProcessEntry, by parent: ProcessEntry) {
        parent.childUserNanoseconds &+= processUser(child) &+ child.childUserNanoseconds
        parent.childSystemNanoseconds &+= processSystem(child) &+ child.childSystemNanoseconds
        parent.childPeakPages = max(parent.childPeakPages, max(child.peakPages, child.childPeakPages))
    }

    /// struct rusage (144 bytes): utime, stime timevals, then longs from ru_maxrss (KiB).
    static func rusage(user: UInt64, system: UInt64, maxrssPages: UInt64) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 144)
        func put(_ off: Int, _ v: UInt64) { for k in 0..<8 { b[off + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) } }
        put(0, user / 1_000_000_000); put(8, (user % 1_000_000_000) / 1000)
        put(16, system / 1_000_000_000); put(24, (system % 1_000_000_000) / 1000)
        put(32, maxrssPages * 4)
        return b
    }

    /// Linux's dynamic CPU clocks (posix-cpu-timers): the id is ~pid << 3 | per-thread 4 |
    /// type (0 PROF: user + system, 1 VIRT: user, 2 SCHED: user + system); pid 0 is the
    /// caller. Thread clocks must name a thread of the caller's process.
    static func cpuClock(id: Int32) -> UInt64? {
        let type = id & 3
        guard type != 3, let me = Scheduler.current else { return nil }
        let pid = ~(id >> 3)
        if id & 4 != 0 {
            let t: Task? = pid == 0 ? me : me.entry.tasks.first { $0.tid == pid && $0.state != .zombie }
            guard let t else { return nil }
            return type == 1 ? t.userNanoseconds : t.userNanoseconds &+ t.systemNanoseconds
        }
        let e: ProcessEntry? = pid == 0 ? me.entry : ProcessTable.entries.first { $0.pid == pid && !$0.zombie }
        guard let e else { return nil }
        return type == 1 ? processUser(e) : processCPU(e)
    }

    /// CLOCK_PROCESS_CPUTIME_ID (thread false) and CLOCK_THREAD_CPUTIME_ID (true).
    static func cpuClock(thread: Bool) -> UInt64 {
        guard let t = Scheduler.current else { return 0 }
        if thread { return t.userNanoseconds &+ t.systemNanoseconds }
        return processCPU(t.entry)
    }
}
