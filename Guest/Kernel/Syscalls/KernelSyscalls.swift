import KernelASM

/// Syscalls that need the machine itself: exit, arch_prctl, sleeping, sysinfo.
extension Process {
    func sysExitGroup(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        Kernel.terminate(status: Int32(truncatingIfNeeded: a.a0 & 0xff))
    }

    /// One thread per process for now, so exit(2) ends the process like exit_group.
    func sysExit(_ a: SyscallArgs) throws(Errno) -> UInt64 { try sysExitGroup(a) }

    /// arch_prctl(2): ARCH_SET_GS 0x1001, ARCH_SET_FS 0x1002, ARCH_GET_FS 0x1003,
    /// ARCH_GET_GS 0x1004. GS stays 0: under PVM the hypervisor swaps GS on SYSCALL and
    /// SYSRET, and the kernel keeps both bases equal so the swaps cancel out.
    func sysArchPrctl(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        switch a.a0 {
        case 0x1002:
            guard a.a1 < BootLayout.userLimit else { throw .EPERM }
            fsBase = a.a1
            Platform.setFSBase(a.a1)
            return 0
        case 0x1003:
            try user.store(fsBase, at: a.a1)
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
        Kernel.services?.sleep(nanoseconds: ns)
        if a.a1 != 0 { try storeTimespec(0, at: a.a1) }
        return 0
    }

    /// clock_nanosleep(2): returns the error number directly, not -1/errno.
    func sysClockNanosleep(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let now = try clockNanoseconds(a.a0)
        guard a.a0 != 2, a.a0 != 3 else { throw .EINVAL }    // CPU-time clocks: not sleepable here
        let t = try loadTimespec(at: a.a2)
        let ns = a.a1 & 1 != 0 ? (t > now ? t - now : 0) : t  // TIMER_ABSTIME
        Kernel.services?.sleep(nanoseconds: ns)
        if a.a1 & 1 == 0 && a.a3 != 0 { try storeTimespec(0, at: a.a3) }
        return 0
    }

    func sysSchedYield(_ a: SyscallArgs) throws(Errno) -> UInt64 { 0 }

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
