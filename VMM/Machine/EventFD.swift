#if canImport(Glibc)
import Glibc
#endif
import CKVM

/// An eventfd(2) counter: the doorbell KVM rings for ioeventfd (a guest QueueNotify
/// write) and that we ring for irqfd (an interrupt). Non-blocking, close-on-exec.
public final class EventFD: @unchecked Sendable {
    public let raw: Int32

    public init() throws(MachineError) {
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fd >= 0 else { throw .invalidConfig("eventfd failed: errno \(errno)") }
        raw = fd
    }

    deinit { close(raw) }

    /// Adds 1 (wakes a reader; for an irqfd, pulses the interrupt line).
    public func signal() {
        var one: UInt64 = 1
        // A full counter (2^64-2) cannot happen in practice; EAGAIN is then harmless.
        _ = withUnsafeBytes(of: &one) { write(raw, $0.baseAddress, 8) }
    }

    /// Reads and resets the counter; 0 if it was not signalled.
    @discardableResult
    public func drain() -> UInt64 {
        var value: UInt64 = 0
        let n = withUnsafeMutableBytes(of: &value) { read(raw, $0.baseAddress, 8) }
        return n == 8 ? value : 0
    }
}
