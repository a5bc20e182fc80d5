#if canImport(GuestABI)
import GuestABI
#endif

/// Signal state that the walking skeleton stores faithfully but does not yet deliver
/// (delivery comes with the process model): rt_sigaction, rt_sigprocmask, sigaltstack.
extension Process {
    static let sigkill: UInt64 = 9, sigstop: UInt64 = 19

    /// rt_sigaction(2): kernel struct sigaction is {handler, flags, restorer, mask}.
    public func sysRtSigaction(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let sig = a.a0
        guard a.a3 == 8 else { throw .EINVAL }                 // sizeof(sigset_t)
        guard sig >= 1, sig <= 64 else { throw .EINVAL }
        let base = Int(sig) * 4
        if a.a2 != 0 {
            for i in 0..<4 { try user.store(signalActions[base + i], at: a.a2 &+ UInt64(i * 8)) }
        }
        if a.a1 != 0 {
            guard sig != Process.sigkill, sig != Process.sigstop else { throw .EINVAL }
            var new = [UInt64](repeating: 0, count: 4)
            for i in 0..<4 { new[i] = try user.load(at: a.a1 &+ UInt64(i * 8)) }
            for i in 0..<4 { signalActions[base + i] = new[i] }
        }
        return 0
    }

    /// rt_sigprocmask(2): SIG_BLOCK 0, SIG_UNBLOCK 1, SIG_SETMASK 2. SIGKILL and
    /// SIGSTOP can never be blocked.
    public func sysRtSigprocmask(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a3 == 8 else { throw .EINVAL }
        let old = signalMask
        if a.a1 != 0 {
            let set: UInt64 = try user.load(at: a.a1)
            switch a.a0 {
            case 0: signalMask |= set
            case 1: signalMask &= ~set
            case 2: signalMask = set
            default: throw .EINVAL
            }
            signalMask &= ~((1 << (Process.sigkill - 1)) | (1 << (Process.sigstop - 1)))
        }
        if a.a2 != 0 { try user.store(old, at: a.a2) }
        return 0
    }

    /// sigaltstack(2): stack_t is {ss_sp, ss_flags (int), ss_size}. SS_ONSTACK 1,
    /// SS_DISABLE 2, MINSIGSTKSZ 2048.
    public func sysSigaltstack(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let old = altStack
        if a.a0 != 0 {
            let sp: UInt64 = try user.load(at: a.a0)
            let rawFlags: UInt32 = try user.load(at: a.a0 &+ 8)
            let flags = UInt64(rawFlags)
            let size: UInt64 = try user.load(at: a.a0 &+ 16)
            guard flags & ~UInt64(2 | (1 << 31)) == 0 else { throw .EINVAL }
            if flags & 2 != 0 {
                altStack = (0, 2, 0)
            } else {
                guard size >= 2048 else { throw .ENOMEM }
                altStack = (sp, 0, size)
            }
        }
        if a.a1 != 0 {
            try user.store(old.0, at: a.a1)
            try user.store(UInt32(truncatingIfNeeded: old.1), at: a.a1 &+ 8)
            try user.store(UInt32(0), at: a.a1 &+ 12)
            try user.store(old.2, at: a.a1 &+ 16)
        }
        return 0
    }

    public func sysSetTidAddress(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        clearChildTid = a.a0
        return UInt64(pid)
    }

    /// set_robust_list(2): the head is 24 bytes; anything else is EINVAL.
    public func sysSetRobustList(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a1 == 24 else { throw .EINVAL }
        robustListHead = a.a0
        return 0
    }
}
