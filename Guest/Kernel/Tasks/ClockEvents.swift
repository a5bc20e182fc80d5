import KernelASM

/// High-resolution timer events (Linux's clockevents and hrtimers, for one vCPU). The
/// LAPIC timer is one-shot, armed for the earliest of:
/// - the next scheduler tick, every `LocalAPIC.tickNanoseconds` while a task runs (it
///   ends slices and samples CPU time), or a slow tick while the vCPU idles (it only
///   moves the heartbeat the VMM watchdog looks at);
/// - the earliest sleeper deadline (`Scheduler.block(until:)`: nanosleep, futex, poll,
///   epoll, timerfd, sigtimedwait);
/// - the earliest ITIMER_REAL, alarm or POSIX timer expiry on a wall clock.
/// So each deadline is met within the interrupt latency (tens of µs), not at a tick.
///
/// Every arming is a trapped WRMSR under PVM, so the timer is rearmed only when the
/// earliest deadline moves earlier than what it is armed for; a later one is armed by
/// the interrupt handler when the earlier one fires. The kernel runs with interrupts
/// masked, so none of this races with the handler.
enum ClockEvents {
    static let idleTickNanoseconds: UInt64 = 100_000_000
    /// The next scheduler tick (monotonic ns).
    nonisolated(unsafe) static var tickDue: UInt64 = 0
    /// The time the timer is armed for (monotonic ns); 0 when it is not armed.
    nonisolated(unsafe) static var armedAt: UInt64 = 0
    /// Interrupts that came before the time armed (KVM may fire a TSC deadline early).
    nonisolated(unsafe) static var early: UInt64 = 0
    /// Interrupts on time or late, and their total lateness (ns): the interrupt latency.
    nonisolated(unsafe) static var fired: UInt64 = 0
    nonisolated(unsafe) static var lateness: UInt64 = 0

    /// Boot: the first tick.
    static func start() {
        guard LocalAPIC.enabled, let s = Kernel.services else { return }
        let now = s.monotonicNanoseconds()
        tickDue = now &+ LocalAPIC.tickNanoseconds
        arm(tickDue, now: now)
    }

    /// A deadline (monotonic ns, 0 = none) was just registered: fire by then.
    static func request(_ deadline: UInt64) {
        guard LocalAPIC.enabled, deadline != 0, armedAt == 0 || deadline < armedAt,
              let s = Kernel.services else { return }
        arm(deadline, now: s.monotonicNanoseconds())
    }

    /// The timer interrupt: the CPU time to charge as ticks (tick periods passed while
    /// a task ran; 0 if this interrupt is not a tick or the vCPU was idle).
    static func interrupted(now: UInt64) -> UInt64 {
        if now < armedAt { early &+= 1 } else if armedAt != 0 { lateness &+= now - armedAt; fired &+= 1 }
        armedAt = 0
        guard now >= tickDue else { return 0 }
        let period = LocalAPIC.tickNanoseconds
        let k = (now - tickDue) / period + 1
        tickDue &+= k &* period
        return Scheduler.idling ? 0 : k &* period
    }

    /// After an interrupt was handled: arm for what is due next. `busy`: a task will run.
    static func rearm(now: UInt64, busy: Bool) {
        guard LocalAPIC.enabled else { return }
        var next = earliestDeadline()
        let tick = busy ? tickDue : now &+ idleTickNanoseconds
        if next == 0 || tick < next { next = tick }
        if armedAt == 0 || next < armedAt { arm(next, now: now) }
    }

    /// The vCPU stops idling (a device interrupt, or a deadline, made a task runnable):
    /// the running task needs its tick again, a period from now if it was skipped.
    static func leftIdle() {
        guard LocalAPIC.enabled, let s = Kernel.services else { return }
        // Woken with nothing to run (the idle tick, a timer signal to a blocked task):
        // stay on the idle tick.
        guard Scheduler.current?.state == .runnable || Scheduler.runQueue.contains(where: { $0.state == .runnable }) else { return }
        let now = s.monotonicNanoseconds()
        if tickDue <= now { tickDue = now &+ LocalAPIC.tickNanoseconds }
        if armedAt == 0 || tickDue < armedAt { arm(tickDue, now: now) }
    }

    /// The earliest sleeper or wall-clock timer deadline; 0 if there is none. CPU-time
    /// timers (ITIMER_VIRTUAL, ITIMER_PROF, CLOCK_PROCESS_CPUTIME_ID) run on ticks.
    static func earliestDeadline() -> UInt64 {
        var d: UInt64 = 0
        for t in Scheduler.sleepers where t.state == .blocked && t.wakeAt != 0 {
            if d == 0 || t.wakeAt < d { d = t.wakeAt }
        }
        for e in ProcessTable.entries where !e.zombie {
            let r = e.realTimer.value
            if r != 0 && (d == 0 || r < d) { d = r }
            for tm in e.posixTimers where tm.clock != 2 && tm.deadline != 0 {
                if d == 0 || tm.deadline < d { d = tm.deadline }
            }
        }
        return d
    }

    static func arm(_ deadline: UInt64, now: UInt64) {
        guard let s = Kernel.services else { return }
        // An hour at most: the TSC conversion must not overflow; a later deadline is
        // armed again when this one fires.
        let d = max(min(deadline, now &+ 3_600_000_000_000), 1)
        armedAt = d
        LocalAPIC.arm(tsc: s.tsc(atMonotonic: d), nanoseconds: d > now ? d - now : 0)
    }
}
