#if canImport(Glibc)
import Glibc
#endif

/// How a backend operation ended.
public enum BlockIOResult: Equatable, Sendable {
    case ok
    /// The host cannot do this (no PUNCH_HOLE / ZERO_RANGE on this file system).
    case unsupported
    /// The host failed (errno).
    case failed(Int32)
}

/// The host file behind one virtio-blk device. Data moves through iovecs that point
/// straight into guest RAM (zero copy); implementations call preadv/pwritev.
public protocol BlockBackend: AnyObject {
    /// Size in bytes, a multiple of 512 (checked when the device is created).
    var size: UInt64 { get }
    /// Fills the iovecs from `offset`; anything short of all of them is a failure.
    func read(into iovecs: [iovec], at offset: UInt64) -> BlockIOResult
    func write(_ iovecs: [iovec], at offset: UInt64) -> BlockIOResult
    /// Makes every completed write durable (fsync).
    func flush() -> BlockIOResult
    /// Deallocates a range (fallocate PUNCH_HOLE|KEEP_SIZE); reads return zeros after.
    func discard(offset: UInt64, length: UInt64) -> BlockIOResult
    /// Zeroes a range (fallocate ZERO_RANGE, or PUNCH_HOLE if `mayUnmap`).
    func writeZeroes(offset: UInt64, length: UInt64, mayUnmap: Bool) -> BlockIOResult
}
