#if canImport(Glibc)
import Glibc
#endif
import KVM

/// Time stamps for the boot trace and the watchdog (no Foundation: start-up time counts).
public enum MonotonicClock {
    /// CLOCK_MONOTONIC in microseconds.
    public static func micros() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000 &+ UInt64(ts.tv_nsec) / 1000
    }

    /// The host TSC, to compare with guest TSC stamps (same clock on KVM, no offset set).
    public static func tsc() -> UInt64 { readHostTSC() }
}

extension Machine {
    /// CLOCK_MONOTONIC in microseconds (shorthand for the boot trace).
    public static func monotonicMicros() -> UInt64 { MonotonicClock.micros() }
}
