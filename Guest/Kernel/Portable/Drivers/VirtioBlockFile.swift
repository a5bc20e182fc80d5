#if canImport(GuestABI)
import GuestABI
#endif

/// Linux block-device ioctls (include/uapi/linux/fs.h).
public enum LinuxBlockIoctl {
    public static let BLKGETSIZE: UInt32 = 0x1260
    public static let BLKSSZGET: UInt32 = 0x1268
    public static let BLKFLSBUF: UInt32 = 0x1261
    public static let BLKGETSIZE64: UInt32 = 0x8008_1272
    public static let BLKPBSZGET: UInt32 = 0x127b
}

/// An open /dev/vdX: read/write/pread/pwrite at the file offset, lseek (SEEK_END is the
/// capacity), fsync (FLUSH) and the size ioctls. O_DIRECT transfers go straight
/// between the device and the program's pages and need 512-byte aligned offsets,
/// lengths and buffers (EINVAL otherwise, as Linux); buffered transfers bounce through
/// a kernel buffer, which also handles unaligned edges by read-modify-write.
public final class VirtioBlockFile: FileObject, UserIOFile {
    public let disk: VirtioBlockDriver
    public let index: Int
    static let sector = VirtioBlockDriver.sectorSize

    public init(disk: VirtioBlockDriver, index: Int) {
        self.disk = disk
        self.index = index
    }

    /// open(2): a read-only disk refuses write access with EROFS.
    public static func open(index: Int, flags: UInt32) throws(Errno) -> VirtioBlockFile {
        guard index >= 0, index < DriverRegistry.disks.count else { throw .ENXIO }
        let disk = DriverRegistry.disks[index]
        let mode = flags & LinuxOpen.accessModeMask
        if disk.readOnly && (mode == LinuxOpen.writeOnly || mode == LinuxOpen.readWrite) { throw .EROFS }
        return VirtioBlockFile(disk: disk, index: index)
    }

    public var fileTypeBits: UInt32 { LinuxFileType.blockDevice }
    public var userIO: (any UserIOFile)? { self }
    public var procLinkTarget: [UInt8] { VFSBytes.ascii("/dev/vd") + [UInt8(97 + index % 26)] }

    // The scratch-buffer path is not used: `userIO` takes every read and write.
    public func read(_ file: OpenFile, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int { throw .EINVAL }
    public func write(_ file: OpenFile, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int { throw .EINVAL }

    public func ioctl(_ file: OpenFile, request: UInt32, argument: UInt64, process: Process) throws(Errno) -> UInt64 {
        switch request {
        case LinuxBlockIoctl.BLKGETSIZE64:
            try process.user.store(disk.capacity, at: argument)
        case LinuxBlockIoctl.BLKGETSIZE:
            try process.user.store(disk.capacity / Self.sector, at: argument)
        case LinuxBlockIoctl.BLKSSZGET, LinuxBlockIoctl.BLKPBSZGET:
            try process.user.copyOut([0x00, 0x02, 0, 0], to: argument)   // int 512
        case LinuxBlockIoctl.BLKFLSBUF:
            try disk.flush()
        default:
            throw .ENOTTY
        }
        return 0
    }

    public func seek(_ file: OpenFile, offset: Int64, whence: Int32) throws(Errno) -> UInt64 {
        let base: Int64
        switch whence {
        case LinuxSeek.set: base = 0
        case LinuxSeek.current: base = Int64(bitPattern: file.offset)
        case LinuxSeek.end: base = Int64(disk.capacity)
        default: throw .EINVAL
        }
        let (target, o) = base.addingReportingOverflow(offset)
        guard !o else { throw .EOVERFLOW }
        guard target >= 0 else { throw .EINVAL }
        file.offset = UInt64(target)
        return UInt64(target)
    }

    public func sync() throws(Errno) { try disk.flush() }

    public func readUser(_ file: OpenFile, to address: UInt64, count: Int, at position: UInt64?, process: Process) throws(Errno) -> Int {
        let n = try transfer(file, address: address, count: count, at: position, write: false)
        return n
    }

    public func writeUser(_ file: OpenFile, from address: UInt64, count: Int, at position: UInt64?, process: Process) throws(Errno) -> Int {
        guard !disk.readOnly else { throw .EIO }
        return try transfer(file, address: address, count: count, at: position, write: true)
    }

    private func transfer(_ file: OpenFile, address: UInt64, count: Int, at position: UInt64?, write: Bool) throws(Errno) -> Int {
        guard let resolver = DriverRegistry.userPages else { throw .EIO }
        let start = position ?? file.offset
        let direct = file.statusFlags & LinuxOpen.direct != 0
        if direct {
            guard start % Self.sector == 0, UInt64(count) % Self.sector == 0, address % Self.sector == 0 else { throw .EINVAL }
        }
        // Clamp at the end of the disk: reads return less (0 at the end), writes ENOSPC.
        guard start < disk.capacity else {
            if write && count > 0 { throw .ENOSPC }
            return 0
        }
        let total = Int(Swift.min(UInt64(count), disk.capacity - start))
        var done = 0
        while done < total {
            if done > 0 && disk.requests.waiter.abandoned { break }   // see `VirtioBlockDriver.acquire`
            let at = start + UInt64(done)
            let step: Int
            do throws(Errno) {
                step = direct
                    ? try directChunk(at: at, address: address &+ UInt64(done), count: total - done, write: write, resolver: resolver)
                    : try bouncedChunk(at: at, address: address &+ UInt64(done), count: total - done, write: write, resolver: resolver)
            } catch {
                if done > 0 { break }
                throw error
            }
            done += step
        }
        if position == nil { file.offset = start + UInt64(done) }
        return done
    }

    /// O_DIRECT: the program's pages are the request's data descriptors.
    private func directChunk(at offset: UInt64, address: UInt64, count: Int, write: Bool,
                             resolver: any UserPageResolver) throws(Errno) -> Int {
        var (segments, n) = try UserPages.segments(address, count: Swift.min(count, 1 << 20), deviceWrites: !write,
                                                   maxSegments: disk.maxDataSegments, resolver: resolver)
        // Segment limits can cut mid-sector: trim to whole sectors.
        let whole = n - n % Int(Self.sector)
        guard whole > 0 else { throw .EINVAL }
        if whole != n { segments = Self.trim(segments, to: whole); n = whole }
        if write { try disk.write(sector: offset / Self.sector, from: segments) }
        else { try disk.read(sector: offset / Self.sector, into: segments) }
        return n
    }

    /// Buffered: whole sectors through the bounce buffer, copied from/to the program's
    /// pages; partial sectors at the edges are read first when writing.
    private func bouncedChunk(at offset: UInt64, address: UInt64, count: Int, write: Bool,
                              resolver: any UserPageResolver) throws(Errno) -> Int {
        let head = Int(offset % Self.sector)
        let n = Swift.min(count, disk.bounceSize - head)
        let span = UInt64(head + n + Int(Self.sector) - 1) / Self.sector * Self.sector
        let firstSector = offset / Self.sector
        let buffer = [DMASegment(physical: disk.bounce, length: UInt32(span), deviceWrites: true)]
        let (user, covered) = try UserPages.segments(address, count: n, deviceWrites: !write, maxSegments: Int.max, resolver: resolver)
        guard covered == n else { throw .EFAULT }
        let memory = disk.device.memory
        // The bounce buffer is the disk's: hold it from the read to the write.
        try disk.acquire(); defer { disk.release() }
        if !write || head != 0 || (head + n) % Int(Self.sector) != 0 {
            try disk.readHeld(sector: firstSector, into: buffer)
        }
        // Ended while the read slept: the program's pages may be freed already.
        if disk.requests.waiter.abandoned { throw .EINTR }
        var at = disk.bounce + UInt64(head)
        for s in user {
            if write { memory.copyPhysical(to: at, from: s.physical, count: Int(s.length)) }
            else { memory.copyPhysical(to: s.physical, from: at, count: Int(s.length)) }
            at += UInt64(s.length)
        }
        if write {
            try disk.writeHeld(sector: firstSector, from: [DMASegment(physical: disk.bounce, length: UInt32(span), deviceWrites: false)])
        }
        return n
    }

    static func trim(_ segments: [DMASegment], to bytes: Int) -> [DMASegment] {
        var out: [DMASegment] = []
        var left = bytes
        for var s in segments where left > 0 {
            if Int(s.length) > left { s.length = UInt32(left) }
            left -= Int(s.length)
            out.append(s)
        }
        return out
    }
}
