import KernelASM

/// Timers and CPU accounting: alarm, getitimer/setitimer, timer_create and friends,
/// times, getrusage; and the scheduling-parameter calls (affinity, policy, nice).
/// Expiry and accounting happen in `Timers.tick`.
extension Process {
    private var entry: ProcessEntry { Scheduler.current.entry }
    private var now: UInt64 { services.monotonicNanoseconds() }

    private func satAdd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (s, o) = a.addingReportingOverflow(b)
        return o ? UInt64.max : s
    }

    // MARK: setitimer, getitimer, alarm

    /// struct timeval → ns; usec outside 0..<1e6 or a negative second is EINVAL.
    private func loadTimeval(at address: UInt64) throws(Errno) -> UInt64 {
        let sec = Int64(bitPattern: try user.load(at: address))
        let usec = Int64(bitPattern: try user.load(at: address &+ 8))
        guard sec >= 0, usec >= 0, usec < 1_000_000 else { throw .EINVAL }
        let (m, o) = UInt64(sec).multipliedReportingOverflow(by: 1_000_000_000)
        return o ? UInt64.max : satAdd(m, UInt64(usec) * 1000)
    }

    /// struct itimerval {interval, value}; a value that is not 0 but rounds to 0 µs
    /// reports 1 µs, so the timer still reads as armed.
    private func storeItimerval(interval: UInt64, value: UInt64, at address: UInt64) throws(Errno) {
        var v = value / 1000
        if value != 0 && v == 0 { v = 1 }
        let i = interval / 1000
        try user.store(i / 1_000_000, at: address)
        try user.store(i % 1_000_000, at: address &+ 8)
        try user.store(v / 1_000_000, at: address &+ 16)
        try user.store(v % 1_000_000, at: address &+ 24)
    }

    /// The time left on an itimer (REAL: to its deadline; VIRTUAL/PROF: CPU time).
    private func itimerLeft(_ which: UInt64, _ e: ProcessEntry) -> (UInt64, UInt64) {
        switch which {
        case 0:
            let t = e.realTimer
            if t.value == 0 { return (t.interval, 0) }
            let n = now
            return (t.interval, t.value > n ? t.value - n : 1)
        case 1: return (e.virtualTimer.interval, e.virtualTimer.value)
        default: return (e.profTimer.interval, e.profTimer.value)
        }
    }

    private func setItimer(_ which: UInt64, _ e: ProcessEntry, interval: UInt64, value: UInt64) {
        var t = IntervalTimer(value: 0, interval: value == 0 ? 0 : interval)
        if value != 0 { t.value = which == 0 ? satAdd(now, value) : value }
        let old: IntervalTimer
        switch which {
        case 0: old = e.realTimer; e.realTimer = t
        case 1: old = e.virtualTimer; e.virtualTimer = t
        default: old = e.profTimer; e.profTimer = t
        }
        if old.value != 0 { Timers.armed -= 1 }
        if t.value != 0 { Timers.armed += 1 }
        if which == 0 { ClockEvents.request(t.value) }        // area: hrtimer
    }

    func sysGetitimer(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a0 <= 2 else { throw .EINVAL }
        let (i, v) = itimerLeft(a.a0, entry)
        try storeItimerval(interval: i, value: v, at: a.a1)
        return 0
    }

    /// setitimer(2): a NULL new value disarms (Linux accepts it with a warning).
    func sysSetitimer(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a0 <= 2 else { throw .EINVAL }
        var interval: UInt64 = 0, value: UInt64 = 0
        if a.a1 != 0 {
            interval = try loadTimeval(at: a.a1)
            value = try loadTimeval(at: a.a1 &+ 16)
        }
        let e = entry
        let (oi, ov) = itimerLeft(a.a0, e)
        if a.a2 != 0 { try storeItimerval(interval: oi, value: ov, at: a.a2) }
        setItimer(a.a0, e, interval: interval, value: value)
        return 0
    }

    /// alarm(2): ITIMER_REAL without interval; returns the seconds left on the previous
    /// one, rounded to nearest, and at least 1 if it was armed.
    func sysAlarm(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let e = entry
        let (_, left) = itimerLeft(0, e)
        let seconds = a.a0 & 0xffff_ffff
        setItimer(0, e, interval: 0, value: seconds * 1_000_000_000)
        if left == 0 { return 0 }
        let usec = left / 1000
        var s = usec / 1_000_000
        if usec % 1_000_000 >= 500_000 || s == 0 { s += 1 }
        return s
    }

    // MARK: POSIX timers

    private func findTimer(_ id: UInt64) throws(Errno) -> PosixTimer {
        let e = entry
        guard id <= 0x7fff_ffff, let tm = e.posixTimers.first(where: { $0.id == Int32(id) }) else { throw .EINVAL }
        return tm
    }

    /// timer_create(2): clocks REALTIME, MONOTONIC, BOOTTIME and PROCESS_CPUTIME_ID;
    /// notification SIGEV_SIGNAL (or SIGEV_THREAD, the same here), SIGEV_NONE or SIGEV_THREAD_ID (struct sigevent:
    /// sigev_value 0, sigev_signo 8, sigev_notify 12, sigev_notify_thread_id 16).
    func sysTimerCreate(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let clock = a.a0
        guard clock == 0 || clock == 1 || clock == 2 || clock == 7 else { throw .EINVAL }
        let e = entry
        var notify = PosixTimer.sigevSignal, signal = Timers.SIGALRM, tid: Int32 = 0
        var value = UInt64(UInt32(bitPattern: e.nextTimerId))
        if a.a1 != 0 {
            value = try user.load(at: a.a1)
            signal = Int32(bitPattern: try user.load(at: a.a1 &+ 8))
            notify = Int32(bitPattern: try user.load(at: a.a1 &+ 12))
            tid = Int32(bitPattern: try user.load(at: a.a1 &+ 16))
            switch notify {
            case PosixTimer.sigevNone: break
            case PosixTimer.sigevSignal, PosixTimer.sigevThread:
                // area: jobctl — SIGEV_THREAD is SIGEV_SIGNAL to the kernel (good_sigevent);
                // the C library makes the thread.
                guard signal >= 1 && signal <= 64 else { throw .EINVAL }
            case PosixTimer.sigevThreadId:
                guard signal >= 1 && signal <= 64 else { throw .EINVAL }
                guard e.tasks.contains(where: { $0.tid == tid && $0.state != .zombie }) else { throw .EINVAL }
            default:
                throw .EINVAL
            }
        }
        guard e.posixTimers.count < 4096 else { throw .EAGAIN }
        var id = e.nextTimerId
        while e.posixTimers.contains(where: { $0.id == id }) { id = id == Int32.max ? 0 : id + 1 }
        if a.a1 == 0 { value = UInt64(UInt32(bitPattern: id)) }
        try user.store(id, at: a.a2)
        e.nextTimerId = id == Int32.max ? 0 : id + 1
        e.posixTimers.append(PosixTimer(id: id, clock: clock, notify: notify, signal: signal, value: value, targetTid: tid))
        return 0
    }

    private func clockNow(_ tm: PosixTimer, _ e: ProcessEntry) -> UInt64 {
        tm.clock == 2 ? Timers.processCPU(e) : now
    }

    /// struct itimerspec {it_interval, it_value} of `tm` as it stands.
    private func storeTimerSpec(_ tm: PosixTimer, _ e: ProcessEntry, at address: UInt64) throws(Errno) {
        var left: UInt64 = 0
        if tm.deadline != 0 {
            let n = clockNow(tm, e)
            left = tm.deadline > n ? tm.deadline - n : 1
        }
        try storeTimespec(tm.interval, at: address)
        try storeTimespec(left, at: address &+ 16)
    }

    /// timer_settime(2): flags TIMER_ABSTIME (1); a zero it_value disarms.
    func sysTimerSettime(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let tm = try findTimer(a.a0)
        let e = entry
        guard a.a2 != 0 else { throw .EFAULT }
        guard a.a1 & ~UInt64(1) == 0 else { throw .EINVAL }
        let interval = try loadTimespec(at: a.a2)
        let value = try loadTimespec(at: a.a2 &+ 16)
        if a.a3 != 0 { try storeTimerSpec(tm, e, at: a.a3) }
        if tm.deadline != 0 { Timers.armed -= 1 }
        tm.deadline = 0
        tm.interval = 0
        tm.overrun = 0
        guard value != 0 else { return 0 }
        var deadline: UInt64
        let n = clockNow(tm, e)
        if a.a1 & 1 != 0 {
            deadline = value
            if tm.clock == 0 {                                    // REALTIME: to monotonic
                let offset = services.realtimeNanoseconds() &- n
                deadline = value > offset ? value - offset : 1
            }
            if deadline == 0 { deadline = 1 }
        } else {
            deadline = satAdd(n, value)
        }
        tm.deadline = deadline
        tm.interval = interval
        Timers.armed += 1
        if deadline <= n { Timers.expire(tm, e, now: n) }         // already due: fire now
        if tm.clock != 2 { ClockEvents.request(tm.deadline) }    // area: hrtimer
        return 0
    }

    func sysTimerGettime(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let tm = try findTimer(a.a0)
        try storeTimerSpec(tm, entry, at: a.a1)
        return 0
    }

    func sysTimerGetoverrun(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let tm = try findTimer(a.a0)
        return min(tm.overrun, 0x7fff_ffff)
    }

    func sysTimerDelete(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let tm = try findTimer(a.a0)
        if tm.deadline != 0 { Timers.armed -= 1 }
        tm.deadline = 0
        entry.posixTimers.removeAll { $0 === tm }
        return 0
    }

    // MARK: times, getrusage

    /// times(2): struct tms in clock ticks (USER_HZ 100); returns ticks since boot.
    func sysTimes(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let tick: UInt64 = 10_000_000
        if a.a0 != 0 {
            let e = entry
            try user.store(Timers.processUser(e) / tick, at: a.a0)
            try user.store(Timers.processSystem(e) / tick, at: a.a0 &+ 8)
            try user.store(e.childUserNanoseconds / tick, at: a.a0 &+ 16)
            try user.store(e.childSystemNanoseconds / tick, at: a.a0 &+ 24)
        }
        return now / tick
    }

    /// getrusage(2): RUSAGE_SELF 0, RUSAGE_CHILDREN -1, RUSAGE_THREAD 1. ru_maxrss is
    /// the largest count of mapped frames seen (KiB); the other fields stay 0.
    func sysGetrusage(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let who = Int32(truncatingIfNeeded: a.a0)
        let e = entry
        let b: [UInt8]
        switch who {
        case 0:
            let pages = max(Timers.residentPages(e), e.peakPages)
            b = Timers.rusage(user: Timers.processUser(e), system: Timers.processSystem(e), maxrssPages: pages)
        case -1:
            b = Timers.rusage(user: e.childUserNanoseconds, system: e.childSystemNanoseconds, maxrssPages: e.childPeakPages)
        case 1:
            let t: Task = Scheduler.current
            let pages = max(Timers.residentPages(e), e.peakPages)
            b = Timers.rusage(user: t.userNanoseconds, system: t.systemNanoseconds, maxrssPages: pages)
        default:
            throw .EINVAL
        }
        try user.copyOut(b, to: a.a1)
        return 0
    }

    // MARK: scheduling parameters (one CPU, SCHED_OTHER only)

    /// pid 0 is the caller; otherwise any live thread id.
    private func checkTarget(_ raw: UInt64) throws(Errno) {
        let pid = Int32(truncatingIfNeeded: raw)
        guard pid >= 0 else { throw .EINVAL }
        if pid == 0 { return }
        for e in ProcessTable.entries where !e.zombie {
            if e.tasks.contains(where: { $0.tid == pid && $0.state != .zombie }) { return }
        }
        throw .ESRCH
    }

    /// sched_getaffinity(2): the mask is 8 bytes (CPU 0 only); returns its size.
    func sysSchedGetaffinity(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try checkTarget(a.a0)
        guard a.a1 >= 8, a.a1 & 7 == 0 else { throw .EINVAL }
        try user.store(UInt64(1), at: a.a2)
        return 8
    }

    /// sched_setaffinity(2): a mask without CPU 0 is EINVAL.
    func sysSchedSetaffinity(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try checkTarget(a.a0)
        guard a.a1 > 0 else { throw .EINVAL }
        guard a.a1 >= 4 else { throw .EINVAL }                    // too short to name CPU 0 usefully
        let first: UInt32 = try user.load(at: a.a2)
        guard first & 1 != 0 else { throw .EINVAL }
        return 0
    }

    func sysSchedGetscheduler(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try checkTarget(a.a0)
        return 0                                                   // SCHED_OTHER
    }

    /// sched_setscheduler(2): SCHED_OTHER, SCHED_BATCH, SCHED_IDLE with priority 0.
    func sysSchedSetscheduler(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let policy = Int32(truncatingIfNeeded: a.a1) & ~0x4000_0000    // SCHED_RESET_ON_FORK
        guard a.a2 != 0 else { throw .EINVAL }
        try checkTarget(a.a0)
        let prio = Int32(bitPattern: try user.load(at: a.a2))
        switch policy {
        case 0, 3, 5: guard prio == 0 else { throw .EINVAL }
        case 1, 2: guard prio >= 1 && prio <= 99 else { throw .EINVAL }; throw .EPERM
        default: throw .EINVAL
        }
        return 0
    }

    func sysSchedGetparam(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a1 != 0 else { throw .EINVAL }
        try checkTarget(a.a0)
        try user.store(Int32(0), at: a.a1)
        return 0
    }

    func sysSchedSetparam(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a1 != 0 else { throw .EINVAL }
        try checkTarget(a.a0)
        let prio = Int32(bitPattern: try user.load(at: a.a1))
        guard prio == 0 else { throw .EINVAL }
        return 0
    }

    func sysSchedGetPriorityMax(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        switch a.a0 { case 1, 2: return 99; case 0, 3, 5: return 0; default: throw .EINVAL }
    }

    func sysSchedGetPriorityMin(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        switch a.a0 { case 1, 2: return 1; case 0, 3, 5: return 0; default: throw .EINVAL }
    }

    /// The processes getpriority/setpriority address: PRIO_PROCESS 0, PRIO_PGRP 1,
    /// PRIO_USER 2 (everyone is uid 0).
    private func priorityTargets(_ which: UInt64, _ who: UInt64) throws(Errno) -> [ProcessEntry] {
        let id = Int32(truncatingIfNeeded: who)
        let me = entry
        let live = ProcessTable.entries.filter { !$0.zombie }
        let r: [ProcessEntry]
        switch which {
        case 0:
            if id == 0 { return [me] }
            r = live.filter { e in e.pid == id || e.tasks.contains(where: { $0.tid == id }) }
        case 1: r = live.filter { $0.processGroup == (id == 0 ? me.processGroup : id) }
        case 2: r = id == 0 ? live : []
        default: throw .EINVAL
        }
        guard !r.isEmpty else { throw .ESRCH }
        return r
    }

    /// getpriority(2), raw syscall: returns 20 - nice (1...40) for the best of the set.
    func sysGetpriority(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let r = try priorityTargets(a.a0, a.a1)
        var best: Int32 = 19
        for e in r { best = min(best, e.nice) }
        return UInt64(20 - best)
    }

    /// setpriority(2): nice is clamped to -20...19 (the caller is root: lowering is allowed).
    func sysSetpriority(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let r = try priorityTargets(a.a0, a.a1)
        let n = max(-20, min(19, Int32(truncatingIfNeeded: Int64(bitPattern: a.a2))))
        for e in r { e.nice = n }
        return 0
    }
}
