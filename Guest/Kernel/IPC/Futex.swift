import KernelASM

/// futex(2): wait queues keyed by (address space, user address). The private and
/// shared variants behave the same here: shared memory between processes does not
/// exist yet.
enum Futex {
    final class Waiter {
        let task: Task
        let root: UInt64
        var address: UInt64
        let bitset: UInt32
        init(task: Task, root: UInt64, address: UInt64, bitset: UInt32) {
            self.task = task; self.root = root; self.address = address; self.bitset = bitset
        }
    }
    nonisolated(unsafe) static var waiters: [Waiter] = []

    static let opWait: UInt64 = 0, opWake: UInt64 = 1, opRequeue: UInt64 = 3, opCmpRequeue: UInt64 = 4
    static let opWakeOp: UInt64 = 5, opWaitBitset: UInt64 = 9, opWakeBitset: UInt64 = 10
    static let privateFlag: UInt64 = 128, clockRealtime: UInt64 = 256

    /// FUTEX_WAIT: sleeps if *address == expected. EAGAIN if not, ETIMEDOUT at the
    /// deadline (monotonic ns, 0 = none), EINTR if a signal arrives.
    static func wait(address: UInt64, expected: UInt32, deadline: UInt64, bitset: UInt32) throws(Errno) {
        guard address & 3 == 0 else { throw .EINVAL }
        let t: Task = Scheduler.current
        let value: UInt32 = try t.space.load(at: address)
        guard value == expected else { throw .EAGAIN }
        let w = Waiter(task: t, root: t.space.root, address: address, bitset: bitset)
        waiters.append(w)
        let ok = Scheduler.block(until: deadline)
        let stillQueued = waiters.contains { $0 === w }
        waiters.removeAll { $0 === w }
        if !stillQueued { return }                      // woken by FUTEX_WAKE
        if !ok { throw .EINTR }
        throw .ETIMEDOUT
    }

    /// FUTEX_WAIT as a syscall: an interruption restarts the wait when no handler runs
    /// (Linux futex_wait: ERESTARTSYS, or with a timeout restart_syscall with the same
    /// deadline), so a stop and SIGCONT do not end it (area: jobctl2).
    static func waitRestartable(address: UInt64, expected: UInt32, deadline: UInt64, bitset: UInt32) throws(Errno) {
        do throws(Errno) {
            try wait(address: address, expected: expected, deadline: deadline, bitset: bitset)
        } catch {
            guard error == .EINTR else { throw error }
            if deadline == 0 { throw Errno(Signals.restartSys) }
            Scheduler.current.restartBlock = .futex(address: address, expected: expected, deadline: deadline, bitset: bitset)
            throw Errno(Signals.restartBlock)
        }
    }

    @discardableResult
    static func wake(address: UInt64, space: UserSpace, count: Int, bitset: UInt32 = 0xffff_ffff) -> Int {
        var woken = 0
        var kept: [Waiter] = []
        for w in waiters {
            if woken < count && w.root == space.root && w.address == address && w.bitset & bitset != 0 {
                Scheduler.makeRunnable(w.task)
                woken += 1
            } else {
                kept.append(w)
            }
        }
        waiters = kept
        return woken
    }

    /// FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wake `count`, move up to `requeueCount` of the
    /// rest to `target`.
    static func requeue(address: UInt64, space: UserSpace, count: Int, requeueCount: Int, target: UInt64) -> Int {
        let woken = wake(address: address, space: space, count: count)
        var moved = 0
        for w in waiters where moved < requeueCount && w.root == space.root && w.address == address {
            w.address = target
            moved += 1
        }
        return woken + moved
    }
}

extension Process {
    func sysFutex(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let space: UserSpace = Scheduler.current.space
        let op = a.a1 & ~(Futex.privateFlag | Futex.clockRealtime)
        let val = UInt32(truncatingIfNeeded: a.a2)
        switch op {
        case Futex.opWait, Futex.opWaitBitset:
            let bitset = op == Futex.opWaitBitset ? UInt32(truncatingIfNeeded: a.a5) : 0xffff_ffff
            guard bitset != 0 else { throw .EINVAL }
            var deadline: UInt64 = 0
            if a.a3 != 0 {
                let t = try loadTimespec(at: a.a3)
                if op == Futex.opWait {
                    deadline = services.monotonicNanoseconds() &+ max(t, 1)     // relative
                } else if a.a1 & Futex.clockRealtime != 0 {
                    let now = services.realtimeNanoseconds()                   // absolute REALTIME
                    deadline = services.monotonicNanoseconds() &+ (t > now ? t - now : 1)
                } else {
                    deadline = max(t, 1)                                       // absolute MONOTONIC
                }
                if deadline <= services.monotonicNanoseconds() { throw .ETIMEDOUT }
            }
            try Futex.waitRestartable(address: a.a0, expected: val, deadline: deadline, bitset: bitset)   // area: jobctl2
            return 0
        case Futex.opWake, Futex.opWakeBitset:
            let bitset = op == Futex.opWakeBitset ? UInt32(truncatingIfNeeded: a.a5) : 0xffff_ffff
            guard bitset != 0 else { throw .EINVAL }
            return UInt64(Futex.wake(address: a.a0, space: space, count: Int(min(val, 0x7fff_ffff)), bitset: bitset))
        case Futex.opRequeue, Futex.opCmpRequeue:
            if op == Futex.opCmpRequeue {
                let cur: UInt32 = try space.load(at: a.a0)
                guard cur == UInt32(truncatingIfNeeded: a.a5) else { throw .EAGAIN }
            }
            return UInt64(Futex.requeue(address: a.a0, space: space, count: Int(min(val, 0x7fff_ffff)),
                                        requeueCount: Int(min(a.a3, 0x7fff_ffff)), target: a.a4))
        case Futex.opWakeOp:
            return try futexWakeOp(a, space: space)
        default:
            throw .ENOSYS
        }
    }

    /// FUTEX_WAKE_OP (futex(2)): atomically *uaddr2 = op(*uaddr2, oparg); wake uaddr;
    /// and if cmp(old, cmparg) also wake uaddr2.
    func futexWakeOp(_ a: SyscallArgs, space: UserSpace) throws(Errno) -> UInt64 {
        let encoded = UInt32(truncatingIfNeeded: a.a5)
        let opKind = (encoded >> 28) & 7, shiftArg = (encoded >> 28) & 8 != 0
        let cmp = (encoded >> 24) & 15
        var oparg = (encoded >> 12) & 0xfff, cmparg = encoded & 0xfff
        if oparg & 0x800 != 0 { oparg |= 0xffff_f000 }
        if cmparg & 0x800 != 0 { cmparg |= 0xffff_f000 }
        if shiftArg { oparg = 1 << (oparg & 31) }
        let old: UInt32 = try space.load(at: a.a4)
        let new: UInt32
        switch opKind {
        case 0: new = oparg
        case 1: new = old &+ oparg
        case 2: new = old | oparg
        case 3: new = old & ~oparg
        case 4: new = old ^ oparg
        default: throw .ENOSYS
        }
        try space.store(new, at: a.a4)
        var woken = Futex.wake(address: a.a0, space: space, count: Int(min(UInt32(truncatingIfNeeded: a.a2), 0x7fff_ffff)))
        let o = Int32(bitPattern: old), c = Int32(bitPattern: cmparg)
        let hit: Bool
        switch cmp {
        case 0: hit = o == c
        case 1: hit = o != c
        case 2: hit = o < c
        case 3: hit = o <= c
        case 4: hit = o > c
        case 5: hit = o >= c
        default: throw .ENOSYS
        }
        if hit { woken += Futex.wake(address: a.a4, space: space, count: Int(min(a.a3, 0x7fff_ffff))) }
        return UInt64(woken)
    }
}
