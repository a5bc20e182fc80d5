#if canImport(GuestABI)
import GuestABI
#endif

/// dup, dup2, dup3, fcntl, ioctl.
extension Process {
    public func sysDup(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        return UInt64(try files.install(file, closeOnExec: false))
    }

    public func sysDup2(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let old = a.a0.asInt32, new = a.a1.asInt32
        let file = try files.get(old)
        if old == new { return UInt64(new) }
        try files.install(file, at: new, closeOnExec: false)
        return UInt64(new)
    }

    public func sysDup3(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let old = a.a0.asInt32, new = a.a1.asInt32
        let flags = UInt32(truncatingIfNeeded: a.a2)
        guard flags & ~LinuxOpen.closeOnExec == 0 else { throw .EINVAL }
        let file = try files.get(old)
        guard old != new else { throw .EINVAL }
        try files.install(file, at: new, closeOnExec: flags != 0)
        return UInt64(new)
    }

    public func sysFcntl(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let fd = a.a0.asInt32
        let file = try files.get(fd)
        switch a.a1.asInt32 {
        case LinuxFcntl.dupFD, LinuxFcntl.dupFDCloseOnExec:
            let minimum = a.a2.asInt32
            guard minimum >= 0, Int(minimum) < files.limit else { throw .EINVAL }
            return UInt64(try files.install(file, closeOnExec: a.a1.asInt32 == LinuxFcntl.dupFDCloseOnExec,
                                            minimum: minimum))
        case LinuxFcntl.getFD:
            return try files.closeOnExec(fd) ? LinuxFcntl.fdCloseOnExec : 0
        case LinuxFcntl.setFD:
            try files.setCloseOnExec(fd, a.a2 & LinuxFcntl.fdCloseOnExec != 0)
            return 0
        case LinuxFcntl.getFL:
            return UInt64(file.statusFlags)
        case LinuxFcntl.setFL:
            guard !file.isPathOnly else { throw .EBADF }
            let requested = UInt32(truncatingIfNeeded: a.a2)
            file.statusFlags = (file.statusFlags & ~LinuxOpen.settableStatusFlags)
                | (requested & LinuxOpen.settableStatusFlags)
            return 0
        case 1031, 1032:                                   // F_SETPIPE_SZ, F_GETPIPE_SZ
            guard let object = file.object else { throw .EBADF }
            if a.a1.asInt32 == 1032 { return UInt64(try object.pipeSize(set: nil)) }
            let size = Int64(bitPattern: a.a2)
            guard size >= 0 else { throw .EINVAL }
            return UInt64(try object.pipeSize(set: Int(min(size, Int64(Int32.max)))))
        default:
            throw .EINVAL
        }
    }

    public func sysIoctl(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let fd = a.a0.asInt32
        let file = try files.get(fd)
        let request = UInt32(truncatingIfNeeded: a.a1)
        guard !file.isPathOnly else { throw .EBADF }
        switch request {
        case LinuxIoctl.FIOCLEX:
            try files.setCloseOnExec(fd, true)
            return 0
        case LinuxIoctl.FIONCLEX:
            try files.setCloseOnExec(fd, false)
            return 0
        case LinuxIoctl.FIONBIO:
            let on = try fileLoadInt32(at: a.a2)
            if on != 0 { file.statusFlags |= LinuxOpen.nonBlock } else { file.statusFlags &= ~LinuxOpen.nonBlock }
            return 0
        case LinuxIoctl.FIONREAD where file.object == nil && file.inode?.kind == .regular:
            let size = file.inode!.size
            let left = size > file.offset ? size - file.offset : 0
            try fileStoreInt32(Int32(truncatingIfNeeded: Swift.min(left, UInt64(Int32.max))), at: a.a2)
            return 0
        case LinuxIoctl.BLKGETSIZE64 where file.object == nil:
            throw .ENOTTY  // not a block device (/dev/vdX answers through its object)
        default:
            guard let object = file.object else { throw .ENOTTY }
            return try object.ioctl(file, request: request, argument: a.a2, process: self)
        }
    }
}
