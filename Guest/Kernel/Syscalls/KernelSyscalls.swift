import KernelASM

/// Syscalls that need the machine itself: exit, arch_prctl, sleeping, sysinfo.
extension Process {
    /// arch_prctl(2): ARCH_SET_GS 0x1001, ARCH_SET_FS 0x1002, ARCH_GET_FS 0x1003,
    /// ARCH_GET_GS 0x1004. GS stays 0: under PVM the hypervisor swaps GS on SYSCALL and
    /// SYSRET, and the kernel keeps both bases equal so the swaps cancel out.
    func sysArchPrctl(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        switch a.a0 {
        case 0x1002:
            guard a.a1 < BootLayout.userLimit else { throw .EPERM }
            Scheduler.current.fsBase = a.a1
            Platform.setFSBase(a.a1)
            return 0
        case 0x1003:
            try user.store(Scheduler.current.fsBase, at: a.a1)
            return 0
        case 0x1004:
            try user.store(UInt64(0), at: a.a1)
            return 0
        case 0x1001:
            Kernel.services?.log("arch_prctl(ARCH_SET_GS) is not supported")
            throw .EINVAL
        default:
            throw .EINVAL
        }
    }

    func sysNanosleep(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let ns = try loadTimespec(at: a.a0)
        try sleep(nanoseconds: ns, remainingAt: a.a1)
        return 0
    }

    /// Sleeps on the scheduler (the vCPU runs other tasks or halts) until the timer
    /// interrupt `ClockEvents` arms for the deadline (area: hrtimer: no spinning).
    /// A signal (or a stop) ends the sleep with the time left stored at `remainingAt` and
    /// a restart code: EINTR if a handler runs, else the sleep continues.
    func sleep(nanoseconds ns: UInt64, remainingAt: UInt64, absolute: Bool = false) throws(Errno) {
        let start = services.monotonicNanoseconds()
        let (deadline, o) = start.addingReportingOverflow(ns)
        try sleep(until: o ? UInt64.max : deadline, remainingAt: remainingAt, absolute: absolute)
    }

    func sleep(until deadline: UInt64, remainingAt: UInt64, absolute: Bool) throws(Errno) {
        while true {
            let now = services.monotonicNanoseconds()
            if now >= deadline { return }
            if !LocalAPIC.enabled {                              // no timer: nothing else can wake us
                Kernel.services?.sleep(nanoseconds: deadline - now)
                return
            }
            if !Scheduler.block(until: deadline) {
                // Linux hrtimer_nanosleep: the time left goes to `remainingAt`, and
                // without a handler restart_syscall sleeps the rest (area: jobctl2).
                if absolute { throw Errno(Signals.restartNoHand) }
                if remainingAt != 0 {
                    let n = services.monotonicNanoseconds()
                    try storeTimespec(deadline > n ? deadline - n : 0, at: remainingAt)
                }
                Scheduler.current.restartBlock = .nanosleep(deadline: deadline, remainingAt: remainingAt)
                throw Errno(Signals.restartBlock)
            }
        }
    }

    /// clock_nanosleep(2): returns the error number directly, not -1/errno.
    func sysClockNanosleep(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let now = try clockNanoseconds(a.a0)
        guard a.a0 != 2, a.a0 != 3, Int32(truncatingIfNeeded: a.a0) >= 0 else { throw .EINVAL }    // CPU-time clocks: not sleepable here
        let t = try loadTimespec(at: a.a2)
        let ns = a.a1 & 1 != 0 ? (t > now ? t - now : 0) : t  // TIMER_ABSTIME
        try sleep(nanoseconds: ns, remainingAt: a.a1 & 1 == 0 ? a.a3 : 0, absolute: a.a1 & 1 != 0)
        return 0
    }

    func sysSchedYield(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        Scheduler.schedule()
        return 0
    }

    func sysGettidTask(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(Scheduler.current.tid) }

    /// sysinfo(2): struct sysinfo (112 bytes, mem_unit 1).
    func sysSysinfo(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        var b = [UInt8](repeating: 0, count: 112)
        func put(_ off: Int, _ v: UInt64, _ size: Int = 8) {
            for k in 0..<size { b[off + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
        }
        put(0, services.monotonicNanoseconds() / 1_000_000_000)       // uptime
        put(32, Frames.total * 4096)                                    // totalram
        put(40, Frames.freeBytes)                                       // freeram
        put(80, 1, 2)                                                   // procs
        put(104, 1, 4)                                                  // mem_unit
        try user.copyOut(b, to: a.a0)
        return 0
    }
}

// --- area: jobctl2 ---
extension Process {
    /// restart_syscall(2): continues the call whose state the task's restart block holds
    /// (the kernel's own rewrite after ERESTART_RESTARTBLOCK); EINTR without one.
    func sysRestartSyscall(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let t: Task = Scheduler.current
        let block = t.restartBlock
        t.restartBlock = .none
        switch block {
        case .none:
            throw .EINTR
        case .nanosleep(let deadline, let remainingAt):
            try sleep(until: deadline, remainingAt: remainingAt, absolute: false)
            return 0
        case .futex(let address, let expected, let deadline, let bitset):
            try Futex.waitRestartable(address: address, expected: expected, deadline: deadline, bitset: bitset)
            return 0
        case .poll(let fds, let count, let deadline):
            return try pollRestartable(fds: fds, count: count, deadline: deadline)
        }
    }
}
// --- end jobctl2 ---
