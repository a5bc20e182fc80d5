#if canImport(GuestABI)
import GuestABI
#endif

/// Identity and system information: uname, the id calls, getrandom, sysinfo, rlimits.
/// The program runs as root (uid 0) in its own microVM, as in a Firecracker guest.
extension Process {
    public func sysGetpid(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(pid) }
    public func sysGettid(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(pid) }
    public func sysGetppid(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(parentPid) }

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
        let count = Int(min(a.a1, VFSLimits.maxTransfer))             // area: audit: MAX_RW_COUNT
        var done = 0
        var chunk = [UInt8](repeating: 0, count: min(count, 4096))
        while done < count {
            let n = min(chunk.count, count - done)
            chunk.withUnsafeMutableBytes { b in services.fillRandom(UnsafeMutableRawBufferPointer(rebasing: b[0..<n])) }
            // area: audit: a fault after progress reports the progress (EFAULT only without).
            let copied: Int
            do throws(Errno) {
                copied = try copyOutUpToFault(chunk, 0..<n, to: a.a0 &+ UInt64(done))
            } catch {
                if done > 0 { break }
                throw error
            }
            done += copied
            if copied < n { break }
        }
        return UInt64(done)
    }
    // getrlimit/setrlimit/prlimit64 and the id calls: ResourceLimits.swift (area: limits).
}
