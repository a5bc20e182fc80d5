/// Counters every transport keeps: what the guest did wrong and how often we told it.
public struct VirtioCounters: Equatable, Sendable {
    /// Register accesses that were not 32 bits wide, out of order, or to unknown offsets.
    public var badRegisterAccesses = 0
    /// Ring-level violations that put the device into NEEDS_RESET.
    public var protocolViolations = 0
    /// Requests that got an error status.
    public var requestErrors = 0
    /// Chains completed.
    public var requestsCompleted = 0
    /// Interrupts raised (after EVENT_IDX suppression) and suppressed.
    public var interruptsRaised = 0
    public var interruptsSuppressed = 0
    /// Full resets.
    public var resets = 0
    public init() {}
}

/// Token bucket for log lines: at most `burst` lines, refilled one per `intervalNanos`.
/// The clock is passed in so the type stays pure.
public struct RateLimiter: Sendable {
    public let burst: Int
    public let intervalNanos: UInt64
    private var tokens: Int
    private var lastRefill: UInt64 = 0
    /// Lines dropped since the last one that got through.
    public private(set) var suppressed = 0

    public init(burst: Int = 10, intervalNanos: UInt64 = 1_000_000_000) {
        self.burst = burst; self.intervalNanos = intervalNanos; self.tokens = burst
    }

    /// True if a line may be logged now.
    public mutating func allow(now: UInt64) -> Bool {
        if now &- lastRefill >= intervalNanos {
            let refill = Int(min((now &- lastRefill) / max(intervalNanos, 1), UInt64(burst)))
            tokens = min(burst, tokens + refill)
            lastRefill = now
        }
        if tokens > 0 {
            tokens -= 1
            suppressed = 0
            return true
        }
        suppressed += 1
        return false
    }
}
