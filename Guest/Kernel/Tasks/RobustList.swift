import KernelASM

/// Robust futexes (Documentation/locking/robust-futexes.rst): at thread death the kernel
/// walks the thread's robust list (set_robust_list) and, for each lock the thread still
/// owns, sets FUTEX_OWNER_DIED and wakes one waiter, so the next locker gets EOWNERDEAD.
enum RobustList {
    static let waiters: UInt32 = 0x8000_0000, ownerDied: UInt32 = 0x4000_0000, tidMask: UInt32 = 0x3fff_ffff
    /// Linux's ROBUST_LIST_LIMIT: a bound on a (possibly circular) user list.
    static let limit = 2048

    /// struct robust_list_head { next; long futex_offset; list_op_pending } at `t.robustList`.
    /// Runs in the dying thread's address space; bad user pointers just end the walk.
    static func release(_ t: Task) {
        let head = t.robustList
        t.robustList = 0
        guard head != 0, t.space.root == PageTables.root else { return }
        do throws(Errno) {
            var entry: UInt64 = try t.space.load(at: head)
            let offset = Int64(bitPattern: try t.space.load(at: head &+ 8))
            let pending: UInt64 = try t.space.load(at: head &+ 16)
            var n = 0
            while entry & ~1 != head && entry != 0 && n < limit {
                let next: UInt64 = try t.space.load(at: entry & ~1)
                if entry != pending { ownerDied(t, (entry & ~1) &+ UInt64(bitPattern: offset)) }
                entry = next
                n += 1
            }
            if pending & ~1 != 0 { ownerDied(t, (pending & ~1) &+ UInt64(bitPattern: offset)) }
        } catch {}
    }

    /// handle_futex_death: only a word this thread owns is marked.
    static func ownerDied(_ t: Task, _ address: UInt64) {
        guard address & 3 == 0 else { return }
        do throws(Errno) {
            let value: UInt32 = try t.space.load(at: address)
            guard value & tidMask == UInt32(bitPattern: t.tid) else { return }
            try t.space.store((value & waiters) | ownerDied, at: address)
            if value & waiters != 0 { Futex.wake(address: address, space: t.space, count: 1) }
        } catch {}
    }
}

extension Process {
    /// set_robust_list(2), per thread: the head is 24 bytes; anything else is EINVAL.
    func sysSetRobustListTask(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a1 == 24 else { throw .EINVAL }
        Scheduler.current.robustList = a.a0
        robustListHead = a.a0
        return 0
    }

    /// get_robust_list(2): pid 0 is the caller, otherwise a thread of this process.
    func sysGetRobustList(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let tid = Int32(truncatingIfNeeded: a.a0)
        let me: Task = Scheduler.current
        var target: Task? = tid == 0 ? me : nil
        if target == nil {
            for e in ProcessTable.entries where !e.zombie {
                if let t = e.tasks.first(where: { $0.tid == tid && $0.state != .zombie }) { target = t; break }
            }
        }
        guard let t = target else { throw .ESRCH }
        try user.store(t.robustList, at: a.a1)
        try user.store(UInt64(24), at: a.a2)
        return 0
    }
}
