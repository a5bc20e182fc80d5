import GuestABI

/// What the caller chooses about a machine. Everything else is fixed by `BootLayout`.
public struct MachineConfig: Sendable {
    /// Guest RAM in bytes: one memslot at GPA 0. A multiple of 4 KiB, at most
    /// `BootLayout.maxRAM` (so it ends below the MMIO hole and KVM's TSS pages).
    public var memorySize: UInt64
    /// madvise(MADV_HUGEPAGE) guest RAM: one PVM shadow fault per 2 MiB instead of per
    /// 4 KiB (facts/pvm.md §3.3).
    public var hugePages: Bool = true
    /// Stop with `.watchdog` when neither RIP nor the guest heartbeat word moved for
    /// this long. A PVM vCPU can spin inside KVM_RUN forever with no exit (pvm.md §6.1).
    public var watchdogSeconds: Double = 10
    /// Stop with `.timeout` this long after `run` starts (nil: never).
    public var timeoutSeconds: Double? = nil
    /// Copy the guest's serial output (its kernel log) to stderr as it arrives.
    /// Otherwise the last 64 KiB are kept for failure reports.
    public var kernelLog: Bool = false
    /// How often the watchdog thread interrupts KVM_RUN to sample progress. Each kick
    /// costs one exit (≈60 µs on PVM), so once a second is noise.
    public var kickIntervalSeconds: Double = 1.0

    public init(memorySize: UInt64, hugePages: Bool = true, watchdogSeconds: Double = 10,
                timeoutSeconds: Double? = nil, kernelLog: Bool = false, kickIntervalSeconds: Double = 1.0) {
        self.memorySize = memorySize
        self.hugePages = hugePages
        self.watchdogSeconds = watchdogSeconds
        self.timeoutSeconds = timeoutSeconds
        self.kernelLog = kernelLog
        self.kickIntervalSeconds = kickIntervalSeconds
    }

    /// Checks the values a user can get wrong on the command line.
    func validate() throws(MachineError) {
        guard memorySize >= 2 << 20, memorySize % 4096 == 0 else {
            throw .invalidConfig("memory size \(memorySize) must be a multiple of 4 KiB and at least 2 MiB")
        }
        guard memorySize <= BootLayout.maxRAM else {
            throw .invalidConfig("memory size \(memorySize >> 20) MiB exceeds the maximum \(BootLayout.maxRAM >> 20) MiB")
        }
        guard watchdogSeconds > 0, watchdogSeconds.isFinite else {
            throw .invalidConfig("watchdog must be a positive number of seconds")
        }
        if let t = timeoutSeconds, !(t > 0 && t.isFinite) {
            throw .invalidConfig("timeout must be a positive number of seconds")
        }
        guard kickIntervalSeconds > 0, kickIntervalSeconds.isFinite else {
            throw .invalidConfig("kick interval must be positive")
        }
    }

    /// The watchdog thread's period: fine enough to honour both deadlines to within about
    /// half a watchdog period, never finer than 10 ms.
    var effectiveKickMicros: UInt64 {
        var s = min(kickIntervalSeconds, watchdogSeconds / 2)
        if let t = timeoutSeconds { s = min(s, t) }
        return UInt64(max(s, 0.01) * 1_000_000)
    }
}
