#if canImport(GuestABI)
import GuestABI
#endif

/// read, write, readv, writev, pread64, pwrite64, preadv, pwritev, lseek.
extension Process {
    public func sysRead(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard file.isReadable else { throw .EBADF }
        try Self.fileAccessOK(a.a1, a.a2)                                 // area: audit
        return UInt64(try fileRead(file, to: a.a1, count: Self.fileCount(a.a2), at: nil))
    }

    public func sysWrite(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard file.isWritable else { throw .EBADF }
        try Self.fileAccessOK(a.a1, a.a2)                                 // area: audit
        return UInt64(try fileWrite(file, from: a.a1, count: Self.fileCount(a.a2), at: nil))
    }

    public func sysPread64(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard file.isReadable else { throw .EBADF }
        try Self.fileAccessOK(a.a1, a.a2)                                 // area: audit
        let pos = try filePosition(a.a3, file)
        try Self.filePositionRange(pos, a.a2)                             // area: audit
        return UInt64(try fileRead(file, to: a.a1, count: Self.fileCount(a.a2), at: pos))
    }

    public func sysPwrite64(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard file.isWritable else { throw .EBADF }
        try Self.fileAccessOK(a.a1, a.a2)                                 // area: audit
        let pos = try filePosition(a.a3, file)
        try Self.filePositionRange(pos, a.a2)                             // area: audit
        return UInt64(try fileWrite(file, from: a.a1, count: Self.fileCount(a.a2), at: pos))
    }

    public func sysReadv(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard file.isReadable else { throw .EBADF }
        let vecs = try fileIOVecs(a.a1, count: a.a2)
        return UInt64(try fileVector(vecs) { (base, len) throws(Errno) in try fileRead(file, to: base, count: len, at: nil) })
    }

    public func sysWritev(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard file.isWritable else { throw .EBADF }
        let vecs = try fileIOVecs(a.a1, count: a.a2)
        return UInt64(try fileVector(vecs) { (base, len) throws(Errno) in try fileWrite(file, from: base, count: len, at: nil) })
    }

    /// On x86_64 the whole offset is in pos_l (a3); pos_h is shifted out by the kernel.
    public func sysPreadv(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard file.isReadable else { throw .EBADF }
        let vecs = try fileIOVecs(a.a1, count: a.a2)
        var pos = try filePosition(a.a3, file)
        return UInt64(try fileVector(vecs) { (base, len) throws(Errno) in
            let n = try fileRead(file, to: base, count: len, at: pos)
            pos += UInt64(n)
            return n
        })
    }

    public func sysPwritev(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard file.isWritable else { throw .EBADF }
        let vecs = try fileIOVecs(a.a1, count: a.a2)
        var pos = try filePosition(a.a3, file)
        return UInt64(try fileVector(vecs) { (base, len) throws(Errno) in
            let n = try fileWrite(file, from: base, count: len, at: pos)
            pos += UInt64(n)
            return n
        })
    }

    public func sysLseek(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        let offset = a.a1.asFileOffset
        let whence = a.a2.asInt32
        guard whence >= LinuxSeek.set && whence <= LinuxSeek.hole else { throw .EINVAL }
        if file.isPathOnly { throw .EBADF }
        if let io = file.object?.userIO { return try io.seek(file, offset: offset, whence: whence) }
        guard let inode = file.inode, file.object == nil || inode.device != nil else { throw .ESPIPE }
        if let device = inode.device {
            // Memory-like devices accept any seek and stay at 0 (drivers/char/mem.c).
            switch device {
            case .null, .zero, .full, .random, .urandom: return 0
            default: throw .ESPIPE
            }
        }
        let size = Int64(inode.kind == .regular ? inode.size : 0)
        let current = Int64(file.offset)
        var target: Int64
        switch whence {
        case LinuxSeek.set: target = offset
        case LinuxSeek.current:
            let (s, o) = current.addingReportingOverflow(offset)
            guard !o else { throw .EOVERFLOW }
            target = s
        case LinuxSeek.end:
            guard inode.kind != .directory else { throw .EINVAL }
            let (s, o) = size.addingReportingOverflow(offset)
            guard !o else { throw .EOVERFLOW }
            target = s
        default:
            // SEEK_DATA / SEEK_HOLE: tmpfs files have no holes here.
            guard inode.kind == .regular else { throw .EINVAL }
            guard offset >= 0, offset < size else { throw .ENXIO }
            target = whence == LinuxSeek.data ? offset : size
        }
        guard target >= 0 else { throw .EINVAL }
        file.offset = UInt64(target)
        return UInt64(target)
    }
}
