/// What the VMM must do after one host call. The device itself never stops a vCPU or
/// exits the process: it returns this and `Machine` acts on it (DESIGN.md §4.3).
public enum HostCallAction: Equatable, Sendable {
    /// Resume the vCPU.
    case `continue`
    /// The program finished. `status` is 0–255, `signal` the killing signal or 0;
    /// `reason` is the guest's human-readable explanation (e.g. the fault), if any.
    case exit(status: Int32, signal: Int32, reason: String?)
    /// The guest kernel panicked (or broke the host-call contract so badly that it
    /// cannot continue): swiftlet stops with its own error (exit 125).
    case panic(String)
}

/// One boot milestone reported through `HostCallOp.trace`.
///
/// Field names match `GuestABI.TraceRecord`, which the device cannot construct itself
/// (that struct has no public initializer).
public struct HostCallTraceRecord: Equatable, Sendable {
    /// Raw `TracePoint` value, kept even when unknown so nothing is silently lost.
    public var point: UInt32
    /// Guest TSC when the milestone was reached.
    public var tsc: UInt64
    public init(point: UInt32, tsc: UInt64) { self.point = point; self.tsc = tsc }
}
