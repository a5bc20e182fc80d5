#if canImport(GuestABI)
import GuestABI
#endif

/// A file object that moves data straight between the device and the program's pages
/// (zero copy, DESIGN.md §1) instead of through the syscall layer's scratch buffer.
/// The read/write syscalls hand such objects the user address; lseek and fsync reach
/// them too, since block devices are seekable and flushable.
public protocol UserIOFile: AnyObject {
    func readUser(_ file: OpenFile, to address: UInt64, count: Int, at position: UInt64?, process: Process) throws(Errno) -> Int
    func writeUser(_ file: OpenFile, from address: UInt64, count: Int, at position: UInt64?, process: Process) throws(Errno) -> Int
    func seek(_ file: OpenFile, offset: Int64, whence: Int32) throws(Errno) -> UInt64
    func sync() throws(Errno)
}

extension UserIOFile {
    public func seek(_ file: OpenFile, offset: Int64, whence: Int32) throws(Errno) -> UInt64 { throw .ESPIPE }
    public func sync() throws(Errno) { throw .EINVAL }
}

/// Program virtual address → guest-physical address, page by page, faulting pages in
/// as a user access would (the kernel's `UserSpace.resolve`).
public protocol UserPageResolver: AnyObject {
    /// nil: not mapped, or not writable when `write` (the caller returns EFAULT).
    func physical(_ virtual: UInt64, write: Bool) -> UInt64?
}

public enum UserPages {
    /// The physical segments backing `[address, address + count)`, physically
    /// contiguous pages merged, at most `maxSegments` (the rest is left for the next
    /// request: the byte count covered is returned). `deviceWrites` is the direction.
    public static func segments(_ address: UInt64, count: Int, deviceWrites: Bool, maxSegments: Int,
                                resolver: any UserPageResolver) throws(Errno) -> ([DMASegment], Int) {
        var out: [DMASegment] = []
        var done = 0
        while done < count {
            let (va, o) = address.addingReportingOverflow(UInt64(done))
            guard !o, let pa = resolver.physical(va, write: deviceWrites) else {
                if done > 0 { break }
                throw .EFAULT
            }
            let n = Swift.min(count - done, Int(4096 - (va & 0xfff)))
            if let last = out.last, last.physical &+ UInt64(last.length) == pa, last.length <= UInt32.max - UInt32(n) {
                out[out.count - 1].length += UInt32(n)
            } else {
                guard out.count < maxSegments else { break }
                out.append(DMASegment(physical: pa, length: UInt32(n), deviceWrites: deviceWrites))
            }
            done += n
        }
        return (out, done)
    }
}
