/// The Swiftlet host-call port: how the guest kernel reaches the VMM before virtio
/// exists, and for things that have no virtio device (exit status, boot trace).
///
/// The guest writes the guest-physical address of a `HostCallRequest` with a 32-bit
/// `out` to `HostCallPort.request`. One exit carries a whole request, including a
/// scatter list of guest-physical segments that the VMM hands to `writev` in place.
public enum HostCallPort {
    public static let request: UInt16 = 0x510
    /// The 16550 UART of the kernel log.
    public static let serial: UInt16 = 0x3f8
}

public enum HostCallOp: UInt32 {
    /// Write `segmentCount` segments to host stream `arg0` (1 stdout, 2 stderr).
    /// `result` receives the byte count or a negative errno.
    case write = 1
    /// The program finished: `arg0` = exit status (0–255), `arg1` = signal (0 if none).
    /// Segments, if any, carry a human-readable reason (e.g. the fault) for stderr.
    case exit = 2
    /// Kernel panic: segments carry the message. The VMM stops with its own error.
    case panic = 3
    /// Boot trace: `segmentCount` segments each pointing at a `TraceRecord` array.
    case trace = 4
    /// Read up to the segments' total length from host stream `arg0` (0 = stdin).
    case read = 5
}

/// Request header, followed in memory by `segmentCount` × `HostCallSegment`.
/// Layout is fixed (little-endian, 8-byte fields) so the VMM can validate it byte-wise.
public struct HostCallRequest {
    public var op: UInt32
    public var segmentCount: UInt32
    public var arg0: UInt64
    public var arg1: UInt64
    public var result: Int64
    public init(op: UInt32, segmentCount: UInt32, arg0: UInt64, arg1: UInt64) {
        self.op = op; self.segmentCount = segmentCount; self.arg0 = arg0; self.arg1 = arg1; self.result = 0
    }
    public static let size: UInt64 = 32
    public static let resultOffset: UInt64 = 24
    /// Upper bound the VMM enforces on `segmentCount` (an adversarial guest cannot make
    /// the host allocate or loop without bound).
    public static let maxSegments: UInt32 = 1024
}

public struct HostCallSegment {
    public var gpa: UInt64
    public var length: UInt64
    public init(gpa: UInt64, length: UInt64) { self.gpa = gpa; self.length = length }
    public static let size: UInt64 = 16
}

/// Boot-trace milestones reported by the guest, stamped with its TSC.
public enum TracePoint: UInt32, CaseIterable {
    case kernelEntry = 1
    case kernelInitDone = 2
    case programEntry = 3
    case programExit = 4
}

public struct TraceRecord {
    public var point: UInt32
    public var pad: UInt32
    public var tsc: UInt64
    public static let size: UInt64 = 16
}
