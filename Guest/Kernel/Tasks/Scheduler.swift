import KernelASM

/// Round-robin, preemptive scheduling of tasks on the one vCPU. The timer tick ends a
/// task's slice; blocking calls give the CPU away; with nothing runnable the vCPU halts
/// until an interrupt.
enum Scheduler {
    nonisolated(unsafe) static var current: Task! = nil
    nonisolated(unsafe) static var runQueue: [Task] = []
    nonisolated(unsafe) static var sleepers: [Task] = []
    nonisolated(unsafe) static var nextTid: Int32 = 2
    /// Ticks left in the current slice (a slice is 2 ticks = 20 ms, like CFS's
    /// sched_latency order of magnitude on a small machine).
    nonisolated(unsafe) static var sliceLeft = 2
    nonisolated(unsafe) static var needResched = false
    /// True while the idle loop halts inside `schedule`; an interrupt then must not
    /// reschedule (it would re-enter the scheduler).
    nonisolated(unsafe) static var idling = false
    /// Dead tasks whose kernel stacks can be freed once another task runs.
    nonisolated(unsafe) static var graveyard: [Task] = []

    static func allocateTid() -> Int32 {
        let t = nextTid
        nextTid += 1
        return t
    }

    static func makeRunnable(_ t: Task) {
        guard t.state != .zombie else { return }
        if t.state == .runnable && (t === current || runQueue.contains(where: { $0 === t })) { return }
        t.state = .runnable
        t.wakeAt = 0
        if t !== current { runQueue.append(t) }
    }

    // --- area: hrtimer ---
    /// Timer interrupt (a tick or a deadline, see `ClockEvents`): wake sleepers whose
    /// deadline passed, fire timers, end the slice on a tick, arm the next interrupt.
    /// A sleeper woken by its deadline runs at once (wakeup preemption), so a short
    /// sleep does not wait for the running task's slice to end.
    static func tick(now: UInt64) {
        let charge = ClockEvents.interrupted(now: now)
        if !sleepers.isEmpty {
            var still: [Task] = []
            var woke = false
            for t in sleepers {
                if t.state == .blocked && t.wakeAt != 0 && t.wakeAt <= now {
                    makeRunnable(t)
                    if let i = runQueue.firstIndex(where: { $0 === t }), i > 0 { runQueue.insert(runQueue.remove(at: i), at: 0) }
                    woke = true
                } else if t.state == .blocked { still.append(t) }
            }
            sleepers = still
            if woke && !idling && current.state == .runnable { needResched = true }
        }
        Timers.tick(now: now, charge: charge)               // area: timers (accounting, expiries)
        if charge != 0 {
            sliceLeft -= 1
            if sliceLeft <= 0 && !runQueue.isEmpty { needResched = true }
        }
        ClockEvents.rearm(now: now, busy: !runQueue.isEmpty || (!idling && current.state == .runnable))
    }
    // --- end hrtimer ---

    /// Gives the CPU to the next runnable task (or keeps it if there is none and the
    /// current task can still run). Returns when the current task runs again.
    static func schedule() {
        needResched = false
        let prev: Task = current
        if prev.state == .runnable && !runQueue.isEmpty {
            runQueue.append(prev)
        }
        while true {
            if let i = runQueue.firstIndex(where: { $0.state == .runnable }) {
                let next = runQueue.remove(at: i)
                if next === prev { sliceLeft = 2; return }
                // prev blocked, the vCPU idled, and the interrupt that woke `next`
                // also woke prev: `makeRunnable` does not queue the current task, so
                // queue it now or it is never scheduled again (area: go).
                if prev.state == .runnable && !runQueue.contains(where: { $0 === prev }) { runQueue.append(prev) }
                switchTo(next, from: prev)
                return
            }
            if prev.state == .runnable { sliceLeft = 2; return }
            // Nothing to run: halt until an interrupt wakes somebody.
            idling = true
            Platform.idle()
            Platform.disableInterrupts()
            idling = false
            ClockEvents.leftIdle()                          // area: hrtimer
        }
    }

    static func switchTo(_ next: Task, from prev: Task) {
        if prev.state != .zombie {
            FPU.save(prev.fpu)
            prev.fpuSaved = true
        }
        // Per-thread signal masks (area: timers/threads): threads share one `Process`,
        // whose `signalMask` is the running thread's; a switched-out task keeps its own.
        prev.signalMask = prev.process.signalMask
        next.process.signalMask = next.signalMask
        prev.altStack = prev.process.altStack                // and so is the sigaltstack (area: go)
        next.process.altStack = next.altStack
        current = next
        sliceLeft = 2
        kernel_stack_top = next.stackTop
        CPU.tss?.storeBytes(of: next.stackTop, toByteOffset: 4, as: UInt64.self)
        AddressSpaces.activate(next.killed ? BootLayout.bootPML4 : next.space.root)   // area: jobctl2: its space may be gone
        next.started = true
        if next.fsBase != prev.fsBase { Platform.setFSBase(next.fsBase) }
        if next.fpuSaved { FPU.restore(next.fpu) }
        if prev.state == .zombie { graveyard.append(prev) }
        switch_context(&prev.savedRSP, next.savedRSP)
        // Back on some other task's stack: dead tasks' stacks are no longer in use.
        buryDead()
    }

    // --- area: limits (the per-exited-process leak) ---
    /// The last switch of a dead task. Its frame holds no references (the picked task is
    /// stored in `current` and dropped before the switch), so nothing the dead task used
    /// stays retained by its abandoned stack; `buryDead` frees the stack afterwards.
    static func leaveDead() -> Never {
        var deadRSP: UInt64 = 0
        var nextRSP: UInt64 = 0
        while !prepareSuccessorOfDead(&nextRSP) {
            idling = true
            Platform.idle()
            Platform.disableInterrupts()
            idling = false
            ClockEvents.leftIdle()                          // area: hrtimer
        }
        switch_context(&deadRSP, nextRSP)
        kernelPanic("a dead task was resumed")
    }

    @inline(never)
    static func prepareSuccessorOfDead(_ rsp: inout UInt64) -> Bool {
        guard let i = runQueue.firstIndex(where: { $0.state == .runnable }) else { return false }
        let next = runQueue.remove(at: i)
        let prev: Task = current
        next.process.signalMask = next.signalMask
        next.process.altStack = next.altStack                 // area: jobctl2: per-thread, as in switchTo
        current = next
        sliceLeft = 2
        needResched = false
        kernel_stack_top = next.stackTop
        CPU.tss?.storeBytes(of: next.stackTop, toByteOffset: 4, as: UInt64.self)
        AddressSpaces.activate(next.killed ? BootLayout.bootPML4 : next.space.root)   // area: jobctl2
        next.started = true
        if next.fsBase != prev.fsBase { Platform.setFSBase(next.fsBase) }
        if next.fpuSaved { FPU.restore(next.fpu) }
        graveyard.append(prev)
        rsp = next.savedRSP
        return true
    }
    // --- end limits ---

    static func buryDead() {
        guard !graveyard.isEmpty else { return }
        for t in graveyard where t !== current { t.freeResources() }
        graveyard.removeAll { $0.resourcesFreed }
    }

    /// Blocks the current task until `makeRunnable` (or a signal) wakes it.
    /// Returns false if a signal interrupted the wait.
    @discardableResult
    static func block(until deadline: UInt64 = 0) -> Bool {
        let t: Task = current
        t.state = .blocked
        t.wokenBySignal = false
        t.wakeAt = deadline
        if deadline != 0 { sleepers.append(t); ClockEvents.request(deadline) }   // area: hrtimer
        schedule()
        return !t.wokenBySignal
    }
}

/// Tasks waiting for something (pipe data, a child's exit, a futex word).
final class WaitQueue {
    var waiters: [Task] = []

    /// Blocks the current task on this queue. Returns false if a signal woke it.
    func wait(deadline: UInt64 = 0) -> Bool {
        waiters.append(Scheduler.current)
        let ok = Scheduler.block(until: deadline)
        waiters.removeAll { $0 === Scheduler.current }
        return ok
    }

    func wakeAll() {
        let w = waiters
        waiters.removeAll()
        for t in w where t.state == .blocked { Scheduler.makeRunnable(t) }
    }

    func wakeOne() -> Bool {
        while !waiters.isEmpty {
            let t = waiters.removeFirst()
            if t.state == .blocked { Scheduler.makeRunnable(t); return true }
        }
        return false
    }
}
