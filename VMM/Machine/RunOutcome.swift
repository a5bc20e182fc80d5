import KVM

/// One guest port access handed to the I/O handler. For string I/O (`rep outsb`) the
/// handler sees one access per element.
public struct PortAccess: Sendable, Equatable {
    public var port: UInt16
    public var direction: IODirection
    /// 1, 2 or 4 bytes.
    public var size: UInt8
    /// The value written (zero-extended); 0 for reads.
    public var value: UInt64

    public init(port: UInt16, direction: IODirection, size: UInt8, value: UInt64) {
        self.port = port; self.direction = direction; self.size = size; self.value = value
    }
}

/// What the I/O handler decided. `Stop` is the caller's own "why we stopped" type.
public enum PortResult<Stop> {
    /// Handled; the guest continues (a read returns all ones).
    case `continue`
    /// Handled read: the guest receives `value` (truncated to the access size).
    case value(UInt64)
    /// Not our port: counted in `ExitCounts.unknownPort`, reads return all ones.
    case unhandled
    /// Stop the run loop; `run` returns `.stopped(stop)`.
    case stop(Stop)
}

/// Why `Machine.run` returned. The String payloads are a register dump followed by the
/// last lines of the kernel log.
public enum RunOutcome<Stop> {
    /// The I/O handler asked to stop.
    case stopped(Stop)
    /// KVM_EXIT_HLT (only without an in-kernel irqchip; with it HLT waits inside KVM).
    case halted
    /// KVM_EXIT_SHUTDOWN: the guest triple-faulted.
    case tripleFault(String)
    /// KVM_EXIT_INTERNAL_ERROR with its suberror (1 = emulation failure, e.g. SSE in
    /// emulated CPL0 on PVM).
    case internalError(UInt32, String)
    /// KVM_EXIT_FAIL_ENTRY with the hardware entry failure reason.
    case failEntry(UInt64, String)
    /// KVM_EXIT_SYSTEM_EVENT (guest-requested reset/shutdown) with its type.
    case systemEvent(UInt32, String)
    /// Neither RIP nor the guest heartbeat moved for `watchdogSeconds`.
    case watchdog(String)
    /// `timeoutSeconds` elapsed.
    case timeout(String)
    /// The host side failed (a KVM ioctl returned an unexpected error).
    case hostFailure(String)

    /// One-word name of the case, for logs and tests.
    public var kind: String {
        switch self {
        case .stopped: return "stopped"
        case .halted: return "halted"
        case .tripleFault: return "triple-fault"
        case .internalError: return "internal-error"
        case .failEntry: return "fail-entry"
        case .systemEvent: return "system-event"
        case .watchdog: return "watchdog"
        case .timeout: return "timeout"
        case .hostFailure: return "host-failure"
        }
    }
}

/// Exit counters, kept across runs, for benchmarks and diagnostics.
public struct ExitCounts: Sendable, Equatable {
    /// KVM_EXIT_IO exits (a string instruction counts once).
    public var io = 0
    /// Of those, to the serial port.
    public var serial = 0
    /// Port accesses nobody handled.
    public var unknownPort = 0
    public var mmio = 0
    /// KVM_RUN returning EINTR: watchdog kicks (and stray signals).
    public var interrupted = 0
    public var other = 0

    public init() {}

    public var total: Int { io + mmio + interrupted + other }
}
