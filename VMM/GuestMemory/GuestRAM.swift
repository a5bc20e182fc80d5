#if canImport(Glibc)
import Glibc
#endif

/// The one owner of guest RAM: a single anonymous mapping registered with KVM as
/// memslot 0 at GPA 0. Nothing else in the VMM holds a pointer into it.
public final class GuestRAM: GuestMemoryAccess, @unchecked Sendable {
    // SAFETY: `base` is valid for `size` bytes from init until deinit; every access
    // below goes through `checkRange` first.
    private let base: UnsafeMutableRawPointer
    public let size: UInt64

    /// - Parameter hugePages: ask for transparent huge pages, so that a PVM host takes
    ///   one shadow fault per 2 MiB instead of per 4 KiB (facts/pvm.md §3.3).
    public init(size: UInt64, hugePages: Bool = false) throws(GuestMemoryError) {
        guard size > 0, size % 4096 == 0 else { throw .allocationFailed(size: size, errno: EINVAL) }
        let p = mmap(nil, Int(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let p, p != MAP_FAILED else { throw .allocationFailed(size: size, errno: errno) }
        if hugePages { _ = madvise(p, Int(size), MADV_HUGEPAGE) }
        // A fork of the VMM (the teardown helper in Launch) must not copy guest RAM.
        _ = madvise(p, Int(size), MADV_DONTFORK)
        self.base = p
        self.size = size
    }

    deinit { munmap(base, Int(size)) }

    /// The host virtual address KVM needs for `KVM_SET_USER_MEMORY_REGION`.
    public var hostAddressForKVM: UInt64 { UInt64(UInt(bitPattern: base)) }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at address: GuestAddress) throws(GuestMemoryError) {
        try checkRange(address, UInt64(buffer.count))
        guard let dst = buffer.baseAddress, buffer.count > 0 else { return }
        // SAFETY: range checked above.
        dst.copyMemory(from: base + Int(address.raw), byteCount: buffer.count)
    }

    public func write(_ bytes: UnsafeRawBufferPointer, at address: GuestAddress) throws(GuestMemoryError) {
        try checkRange(address, UInt64(bytes.count))
        guard let src = bytes.baseAddress, bytes.count > 0 else { return }
        // SAFETY: range checked above.
        (base + Int(address.raw)).copyMemory(from: src, byteCount: bytes.count)
    }

    public func zero(at address: GuestAddress, count: UInt64) throws(GuestMemoryError) {
        try checkRange(address, count)
        // SAFETY: range checked above.
        memset(base + Int(address.raw), 0, Int(count))
    }

    public func withIOVecs<R>(_ ranges: [(GuestAddress, UInt64)], _ body: ([iovec]) throws -> R) throws -> R {
        var iovs: [iovec] = []
        iovs.reserveCapacity(ranges.count)
        for (addr, len) in ranges {
            try checkRange(addr, len)
            // SAFETY: range checked; the iovecs live only for the duration of `body`.
            iovs.append(iovec(iov_base: base + Int(addr.raw), iov_len: Int(len)))
        }
        return try body(iovs)
    }
}
