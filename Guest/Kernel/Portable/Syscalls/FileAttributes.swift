#if canImport(GuestABI)
import GuestABI
#endif

/// chmod family, chown family, utimensat, truncate, ftruncate, umask, fsync, fdatasync.
extension Process {
    public func sysChmod(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileChmod(.inode(try fileResolve(LinuxAt.currentDirectory, try filePath(a.a0), follow: true)), a.a1)
    }

    public func sysFchmod(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard !file.isPathOnly else { throw .EBADF }
        return try fileChmod(.file(file), a.a1)
    }

    public func sysFchmodat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileChmod(.inode(try fileResolve(a.a0.asInt32, try filePath(a.a1), follow: true)), a.a2)
    }

    func fileChmod(_ target: FileTarget, _ mode: UInt64) throws(Errno) -> UInt64 {
        guard let inode = fileInode(target) else { return 0 }
        guard inode.synthetic == .none else { throw .EPERM }
        inode.permissions = UInt32(truncatingIfNeeded: mode) & 0o7777
        inode.changeTime = fileNow()
        return 0
    }

    func fileInode(_ target: FileTarget) -> Inode? {
        switch target {
        case .inode(let i): return i
        case .file(let f): return f.inode
        }
    }

    public func sysChown(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileChown(.inode(try fileResolve(LinuxAt.currentDirectory, try filePath(a.a0), follow: true)), a.a1, a.a2)
    }

    public func sysLchown(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileChown(.inode(try fileResolve(LinuxAt.currentDirectory, try filePath(a.a0), follow: false)), a.a1, a.a2)
    }

    public func sysFchown(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard !file.isPathOnly else { throw .EBADF }
        return try fileChown(.file(file), a.a1, a.a2)
    }

    public func sysFchownat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = UInt32(truncatingIfNeeded: a.a4)
        guard flags & ~(LinuxAt.symlinkNoFollow | LinuxAt.emptyPath) == 0 else { throw .EINVAL }
        return try fileChown(try fileTarget(a.a0.asInt32, pathAddress: a.a1, flags: flags), a.a2, a.a3)
    }

    /// -1 leaves an id unchanged; a change clears set-user-ID (and set-group-ID when
    /// group-executable) on non-directories, as chown(2) says.
    func fileChown(_ target: FileTarget, _ uidArg: UInt64, _ gidArg: UInt64) throws(Errno) -> UInt64 {
        guard let inode = fileInode(target) else { return 0 }
        guard inode.synthetic == .none else { throw .EPERM }
        let uid = UInt32(truncatingIfNeeded: uidArg), gid = UInt32(truncatingIfNeeded: gidArg)
        if uid != UInt32.max { inode.uid = uid }
        if gid != UInt32.max { inode.gid = gid }
        if inode.kind != .directory && (uid != UInt32.max || gid != UInt32.max) {
            inode.permissions &= ~0o4000
            if inode.permissions & 0o010 != 0 { inode.permissions &= ~0o2000 }
        }
        inode.changeTime = fileNow()
        return 0
    }

    static let utimeNow: Int64 = 0x3fff_ffff
    static let utimeOmit: Int64 = 0x3fff_fffe

    /// utimensat(dirfd, path, times[2], flags); a NULL path means dirfd itself (futimens).
    public func sysUtimensat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        var flags = UInt32(truncatingIfNeeded: a.a3)
        guard flags & ~(LinuxAt.symlinkNoFollow | LinuxAt.emptyPath) == 0 else { throw .EINVAL }
        if a.a1 == 0 { flags |= LinuxAt.emptyPath }
        let now = fileNow()
        var times: [UInt64?] = [now, now]
        if a.a2 != 0 {
            for k in 0..<2 {
                let sec = Int64(bitPattern: try fileLoadUInt64(at: a.a2 &+ UInt64(k * 16)))
                let nsec = Int64(bitPattern: try fileLoadUInt64(at: a.a2 &+ UInt64(k * 16 + 8)))
                if nsec == Self.utimeOmit { times[k] = nil; continue }
                if nsec == Self.utimeNow { continue }
                guard nsec >= 0, nsec < 1_000_000_000 else { throw .EINVAL }
                let clamped = sec < 0 ? 0 : Swift.min(UInt64(sec), UInt64.max / 1_000_000_000 - 1)
                times[k] = clamped * 1_000_000_000 + UInt64(nsec)
            }
        }
        let target = try fileTarget(a.a0.asInt32, pathAddress: a.a1, flags: flags)
        guard let inode = fileInode(target) else { return 0 }
        if let t = times[0] { inode.accessTime = t }
        if let t = times[1] { inode.modifyTime = t }
        inode.changeTime = now
        return 0
    }

    public func sysTruncate(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let length = a.a1.asFileOffset
        let inode = try fileResolve(LinuxAt.currentDirectory, try filePath(a.a0), follow: true)
        guard length >= 0 else { throw .EINVAL }
        if inode.kind == .directory { throw .EISDIR }
        guard inode.kind == .regular, inode.synthetic == .none else { throw .EINVAL }
        try fileResize(inode, UInt64(length))
        return 0
    }

    public func sysFtruncate(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        let length = a.a1.asFileOffset
        guard !file.isPathOnly else { throw .EBADF }
        guard length >= 0 else { throw .EINVAL }
        guard file.isWritable, let inode = file.inode, inode.kind == .regular, inode.synthetic == .none else {
            throw .EINVAL
        }
        try fileResize(inode, UInt64(length))
        return 0
    }

    func fileResize(_ inode: Inode, _ length: UInt64) throws(Errno) {
        try inode.resize(to: length)
        let now = fileNow()
        inode.modifyTime = now; inode.changeTime = now
    }

    public func sysUmask(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let old = fs.umask
        fs.umask = UInt32(truncatingIfNeeded: a.a0) & 0o777
        return UInt64(old)
    }

    /// Everything is in memory: nothing to flush. Devices, pipes and sockets: EINVAL.
    public func sysFsync(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard !file.isPathOnly else { throw .EBADF }
        if let io = file.object?.userIO { try io.sync(); return 0 }
        guard file.object == nil else { throw .EINVAL }
        return 0
    }

    public func sysFdatasync(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try sysFsync(a)
    }
}
