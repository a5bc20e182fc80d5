#if canImport(GuestABI)
import GuestABI
#endif

/// Identity and system information: uname, the id calls, getrandom, sysinfo, rlimits.
/// The program runs as root (uid 0) in its own microVM, as in a Firecracker guest.
extension Process {
    public func sysGetpid(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(pid) }
    public func sysGettid(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(pid) }
    public func sysGetppid(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(parentPid) }
    public func sysGetuid(_ a: SyscallArgs) throws(Errno) -> UInt64 { 0 }
    public func sysGeteuid(_ a: SyscallArgs) throws(Errno) -> UInt64 { 0 }
    public func sysGetgid(_ a: SyscallArgs) throws(Errno) -> UInt64 { 0 }
    public func sysGetegid(_ a: SyscallArgs) throws(Errno) -> UInt64 { 0 }

    /// uname(2): six 65-byte fields.
    public func sysUname(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let fields = ["Linux", "swiftlet", "6.1.0-swiftlet", "#1 SMP PREEMPT_DYNAMIC Swiftlet", "x86_64", "(none)"]
        var buf = [UInt8](repeating: 0, count: 6 * 65)
        for (i, f) in fields.enumerated() {
            var j = 0
            for b in f.utf8 where j < 64 { buf[i * 65 + j] = b; j += 1 }
        }
        try user.copyOut(buf, to: a.a0)
        return 0
    }

    /// getrandom(2): flags GRND_NONBLOCK(1) | GRND_RANDOM(2) | GRND_INSECURE(4).
    public func sysGetrandom(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = a.a2
        guard flags & ~7 == 0, flags & 6 != 6 else { throw .EINVAL }
        let count = Int(min(a.a1, 1 << 25))
        var done = 0
        var chunk = [UInt8](repeating: 0, count: min(count, 4096))
        while done < count {
            let n = min(chunk.count, count - done)
            chunk.withUnsafeMutableBytes { b in services.fillRandom(UnsafeMutableRawBufferPointer(rebasing: b[0..<n])) }
            try user.copyOut(Array(chunk[0..<n]), to: a.a0 &+ UInt64(done))
            done += n
        }
        return UInt64(done)
    }

    /// Resource limits we report (getrlimit(2)): RLIMIT_STACK 8 MiB, RLIMIT_NOFILE 1024,
    /// everything else unlimited.
    func limit(_ resource: UInt64) throws(Errno) -> (UInt64, UInt64) {
        let infinity = UInt64.max
        switch resource {
        case 3: return (8 << 20, infinity)          // RLIMIT_STACK
        case 7: return (1024, 1024)                  // RLIMIT_NOFILE
        case 4: return (0, infinity)                 // RLIMIT_CORE
        case 0, 1, 2, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15: return (infinity, infinity)
        default: throw .EINVAL
        }
    }

    public func sysGetrlimit(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (cur, max) = try limit(a.a0)
        try user.store(cur, at: a.a1)
        try user.store(max, at: a.a1 &+ 8)
        return 0
    }

    /// prlimit64(2) on ourselves (pid 0 or our pid). Setting is accepted only as a
    /// no-op lowering within what we report; raising above the hard limit is EPERM.
    public func sysPrlimit64(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a0 == 0 || a.a0 == UInt64(pid) else { throw .ESRCH }
        let (cur, max) = try limit(a.a1)
        if a.a2 != 0 {
            let newCur: UInt64 = try user.load(at: a.a2)
            let newMax: UInt64 = try user.load(at: a.a2 &+ 8)
            guard newCur <= newMax else { throw .EINVAL }
            guard newMax <= max else { throw .EPERM }
        }
        if a.a3 != 0 {
            try user.store(cur, at: a.a3)
            try user.store(max, at: a.a3 &+ 8)
        }
        return 0
    }

    public func sysSetrlimit(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        _ = try sysPrlimit64(SyscallArgs(0, a.a0, a.a1, 0))
        return 0
    }
}
