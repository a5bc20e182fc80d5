#if canImport(GuestABI)
import GuestABI
#endif

/// Clocks (clock_gettime(2)). The TSC is the time source; the guest needs no exit to
/// read it.
extension Process {
    static let nsPerSecond: UInt64 = 1_000_000_000

    /// CPU-time clocks from the kernel's accounting (argument: thread clock?); set at boot.
    nonisolated(unsafe) public static var cpuClock: ((Bool) -> UInt64)? = nil
    /// A dynamic CPU clock id, or nil if it names no live process or thread (EINVAL).
    nonisolated(unsafe) public static var cpuClockById: ((Int32) -> UInt64?)? = nil

    func clockNanoseconds(_ clock: UInt64) throws(Errno) -> UInt64 {
        switch clock {
        case 0, 5: return services.realtimeNanoseconds()               // REALTIME, _COARSE
        case 1, 4, 6, 7: return services.monotonicNanoseconds()        // MONOTONIC, _RAW, _COARSE, BOOTTIME
        case 2, 3:                                                     // PROCESS/THREAD_CPUTIME
            if let cpu = Process.cpuClock { return cpu(clock == 3) }   // the kernel's tick accounting
            return services.monotonicNanoseconds() &- startMonotonic
        default:
            // clock_getcpuclockid / pthread_getcpuclockid ids: ~pid << 3 | thread 4 | type.
            if Int32(truncatingIfNeeded: clock) < 0, let byId = Process.cpuClockById,
               let ns = byId(Int32(truncatingIfNeeded: clock)) { return ns }
            throw .EINVAL
        }
    }

    func storeTimespec(_ ns: UInt64, at address: UInt64) throws(Errno) {
        try user.store(ns / Process.nsPerSecond, at: address)
        try user.store(ns % Process.nsPerSecond, at: address &+ 8)
    }

    public func sysClockGettime(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try storeTimespec(try clockNanoseconds(a.a0), at: a.a1)
        return 0
    }

    public func sysClockGetres(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        _ = try clockNanoseconds(a.a0)
        if a.a1 != 0 { try storeTimespec(1, at: a.a1) }
        return 0
    }

    public func sysGettimeofday(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        if a.a0 != 0 {
            let ns = services.realtimeNanoseconds()
            try user.store(ns / Process.nsPerSecond, at: a.a0)
            try user.store((ns % Process.nsPerSecond) / 1000, at: a.a0 &+ 8)
        }
        if a.a1 != 0 {
            try user.store(UInt32(0), at: a.a1)          // struct timezone: UTC
            try user.store(UInt32(0), at: a.a1 &+ 4)
        }
        return 0
    }

    public func sysTime(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let s = services.realtimeNanoseconds() / Process.nsPerSecond
        if a.a0 != 0 { try user.store(s, at: a.a0) }
        return s
    }

    /// Reads and validates a `struct timespec` (EINVAL for tv_nsec outside [0, 1e9)
    /// or a negative tv_sec). Returns nanoseconds, saturating.
    public func loadTimespec(at address: UInt64) throws(Errno) -> UInt64 {
        let rawSec: UInt64 = try user.load(at: address)
        let rawNsec: UInt64 = try user.load(at: address &+ 8)
        let sec = Int64(bitPattern: rawSec)
        let nsec = Int64(bitPattern: rawNsec)
        guard sec >= 0, nsec >= 0, nsec < 1_000_000_000 else { throw .EINVAL }
        let (m, o) = UInt64(sec).multipliedReportingOverflow(by: Process.nsPerSecond)
        return o ? UInt64.max : m &+ UInt64(nsec)
    }
}
