import KernelASM

/// Process and thread death, and reaping.
enum Lifecycle {
    /// Wait status for wait4(2): exited with `code`, or killed by `signal`.
    static func exitStatus(code: Int32) -> Int32 { (code & 0xff) << 8 }
    static func signalStatus(_ signal: Int32) -> Int32 { signal & 0x7f }

    /// Ends the whole process (exit_group, or a fatal signal). Returns (area: limits/leak):
    /// the caller unwinds to the trap or syscall entry, whose `finishIfDead` switches away
    /// for good from a frame that holds no references. (Switching away from deep inside
    /// the kernel left the Swift frames on the dead stack holding retains that never got
    /// released: ~6 KiB of Process/Task/FileTable/... per exited process.)
    static func exitProcess(_ entry: ProcessEntry, waitStatus: Int32, reason: String = "") {
        guard !entry.zombie else { return }
        if entry.pid == 1 {
            let signal = waitStatus & 0x7f
            if signal != 0 { Kernel.terminate(status: 128 + signal, signal: signal, reason: reason) }
            Kernel.terminate(status: (waitStatus >> 8) & 0xff)
        }
        if !reason.isEmpty { KernelLog.line("pid \(entry.pid): " + reason) }
        let me: Task = Scheduler.current
        // Files first: closing pipe ends wakes readers and writers elsewhere.
        let files = entry.process.files
        for fd in files.openDescriptors { try? files.close(fd) }
        for t in entry.tasks {
            t.pendingSignals = 0                              // area: limits: nothing more to deliver
            RobustList.release(t)                             // area: timers: robust futexes
            clearChildTid(t)
            if let parent = t.vforkParent { t.vforkParent = nil; Scheduler.makeRunnable(parent) }
        }
        Scheduler.runQueue.removeAll { $0.entry === entry }
        for t in entry.tasks where t !== me { endOther(t, entry) }     // area: jobctl2
        Timers.processExiting(entry)                          // area: timers: peak RSS, disarm
        Futex.waiters.removeAll { w in entry.tasks.contains { $0 === w.task } }
        // The address space goes now; the kernel stacks when the parent reaps us.
        AddressSpaces.activate(BootLayout.bootPML4)
        releaseSpace(entry.space, leaving: entry)
        // Orphans go to init, which reaps them (Linux reparents to the subreaper/PID 1).
        if let initEntry = ProcessTable.initProcess {
            for c in entry.children {
                c.parent = initEntry
                initEntry.children.append(c)
                if c.zombie { initEntry.childExited.wakeAll() }
                c.process.parentPid = initEntry.pid               // area: jobctl: getppid after reparenting
            }
        }
        Signals.parentDied(entry)                             // area: jobctl: PR_SET_PDEATHSIG
        entry.children.removeAll()
        entry.waitStatus = waitStatus
        entry.zombie = true
        if entry.parent != nil {                              // area: jobctl: SIGCHLD with CLD_EXITED/KILLED
            let signal = waitStatus & 0x7f
            Signals.notifyParent(entry, code: signal != 0 ? Signals.cldKilled : Signals.cldExited,
                                 status: signal != 0 ? signal : (waitStatus >> 8) & 0xff)
        }
        me.state = .zombie
    }

    // --- area: jobctl2 (threads ended while switched out) ---
    /// Ends a thread other than the running one. One that never ran has no kernel
    /// frames: it becomes a zombie at once (`buryDead` frees its stack). Any other sits
    /// in the kernel (asleep, or preempted), its Swift frames holding references: it is
    /// woken with SIGKILL pending so every wait ends, unwinds, and dies in
    /// `returnToUser` (`diesOnReturn`) without touching user memory.
    static func endOther(_ t: Task, _ entry: ProcessEntry) {
        guard t.state != .zombie, !t.killed else { return }
        t.sigQueue.removeAll()
        guard t.started else {
            t.state = .zombie
            if !Scheduler.graveyard.contains(where: { $0 === t }) { Scheduler.graveyard.append(t) }
            return
        }
        t.killed = true
        t.dyingEntry = entry
        t.pendingSignals = Signals.bit(Signals.SIGKILL)
        t.wokenBySignal = true
        if t.state == .blocked { Scheduler.makeRunnable(t) }
        else if !Scheduler.runQueue.contains(where: { $0 === t }) { Scheduler.runQueue.append(t) }
    }

    /// True (and the task a zombie) if the current task was ended by another thread:
    /// the entry code then switches away for good (`finishIfDead`).
    static func diesOnReturn(_ t: Task) -> Bool {
        guard t.killed else { return false }
        t.pendingSignals = 0
        t.state = .zombie
        t.dyingEntry = nil
        return true
    }
    // --- end jobctl2 ---

    /// Ends one thread (exit(2)); the last thread ends the process. Returns like
    /// `exitProcess`; the entry code switches away.
    static func exitThread(_ task: Task, code: Int32) {
        let entry: ProcessEntry = task.entry
        let live = entry.tasks.filter { $0.state != .zombie }
        if live.count <= 1 { exitProcess(entry, waitStatus: exitStatus(code: code)); return }
        task.pendingSignals = 0
        RobustList.release(task)                              // area: timers: robust futexes
        clearChildTid(task)
        Timers.threadExited(task)                             // area: timers: keep its CPU time
        task.state = .zombie
        entry.tasks.removeAll { $0 === task }
        task.process.threadNames.removeAll { $0.tid == task.tid }   // area: proctask
    }

    // --- area: limits (the per-exited-process leak) ---
    /// Called last by the trap and syscall entry points, after every Swift frame that
    /// held references has returned: a task that died on the way switches away for good.
    @inline(never)
    static func finishIfDead() {
        guard Scheduler.current.state == .zombie else { return }
        Scheduler.leaveDead()
    }
    // --- end limits ---

    /// Frees the page tables of `space`, which `entry` stops using (exit or exec),
    /// unless another live process shares it (a CLONE_VM child, or the parent of one).
    static func releaseSpace(_ space: UserSpace, leaving entry: ProcessEntry) {
        let shared = ProcessTable.entries.contains { $0 !== entry && !$0.zombie && $0.space === space }
        guard !shared else { return }
        Drivers.quiesceDisks()                                // area: diskyield: no DMA into freed pages
        AddressSpaces.destroyUser(space.root)
        space.releaseAreas()                                  // area: shm: shared objects let go
    }

    /// CLONE_CHILD_CLEARTID / set_tid_address: zero the word and wake one futex waiter.
    static func clearChildTid(_ t: Task) {
        guard t.clearChildTid != 0 else { return }
        if t.space.root == PageTables.root {
            try? t.space.store(UInt32(0), at: t.clearChildTid)
            Futex.wake(address: t.clearChildTid, space: t.space, count: 1)
        }
        t.clearChildTid = 0
    }
}
