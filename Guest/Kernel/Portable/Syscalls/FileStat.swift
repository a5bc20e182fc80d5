#if canImport(GuestABI)
import GuestABI
#endif

/// fstat, stat, lstat, newfstatat, statx, statfs, fstatfs, access, faccessat(2).
extension Process {
    public func sysFstat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        try user.copyOut(fileStatus(.file(file)).statBytes, to: a.a1)
        return 0
    }

    public func sysStat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let inode = try fileResolve(LinuxAt.currentDirectory, try filePath(a.a0), follow: true)
        try user.copyOut(fileStatus(.inode(inode)).statBytes, to: a.a1)
        return 0
    }

    public func sysLstat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let inode = try fileResolve(LinuxAt.currentDirectory, try filePath(a.a0), follow: false)
        try user.copyOut(fileStatus(.inode(inode)).statBytes, to: a.a1)
        return 0
    }

    public func sysNewfstatat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = UInt32(truncatingIfNeeded: a.a3)
        let allowed = LinuxAt.symlinkNoFollow | LinuxAt.emptyPath | LinuxAt.noAutomount
        guard flags & ~allowed == 0 else { throw .EINVAL }
        let target = try fileTarget(a.a0.asInt32, pathAddress: a.a1, flags: flags)
        try user.copyOut(fileStatus(target).statBytes, to: a.a2)
        return 0
    }

    /// statx(dirfd, path, flags, mask, buf).
    public func sysStatx(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = UInt32(truncatingIfNeeded: a.a2)
        let mask = UInt32(truncatingIfNeeded: a.a3)
        let allowed = LinuxAt.symlinkNoFollow | LinuxAt.emptyPath | LinuxAt.noAutomount | LinuxAt.statxSyncTypeMask
        guard flags & ~allowed == 0, flags & LinuxAt.statxSyncTypeMask != LinuxAt.statxSyncTypeMask else { throw .EINVAL }
        guard mask & 0x8000_0000 == 0 else { throw .EINVAL }  // STATX__RESERVED
        let target = try fileTarget(a.a0.asInt32, pathAddress: a.a1, flags: flags)
        try user.copyOut(fileStatus(target).statxBytes, to: a.a4)
        return 0
    }

    public func sysStatfs(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let inode = try fileResolve(LinuxAt.currentDirectory, try filePath(a.a0), follow: true)
        try user.copyOut(fileStatfs(inode), to: a.a1)
        return 0
    }

    public func sysFstatfs(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        try user.copyOut(fileStatfs(file.inode), to: a.a1)
        return 0
    }

    /// struct statfs (x86_64, 120 bytes). tmpfs and proc magic numbers from linux/magic.h.
    func fileStatfs(_ inode: Inode?) -> [UInt8] {
        var b = StructWriter(count: 120)
        let isProc = inode?.synthetic != SyntheticNode.none && inode?.synthetic != nil
        b.put(UInt64(isProc ? 0x9fa0 : 0x0102_1994), at: 0)   // f_type
        b.put(UInt64(4096), at: 8)                            // f_bsize
        if !isProc {
            b.put(UInt64(65536), at: 16)                      // f_blocks
            b.put(UInt64(32768), at: 24)                      // f_bfree
            b.put(UInt64(32768), at: 32)                      // f_bavail
            b.put(UInt64(65536), at: 40)                      // f_files
            b.put(UInt64(65536) - Swift.min(fs.tmpfs.nextIno, 65536), at: 48)  // f_ffree
        }
        b.put(UInt64(VFSLimits.nameMax), at: 64)              // f_namelen
        b.put(UInt64(4096), at: 72)                           // f_frsize
        b.put(UInt64(0x20), at: 80)                           // f_flags: ST_VALID
        return b.bytes
    }

    public func sysAccess(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileAccess(LinuxAt.currentDirectory, pathAddress: a.a0, mode: a.a1, flags: 0)
    }

    public func sysFaccessat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileAccess(a.a0.asInt32, pathAddress: a.a1, mode: a.a2, flags: 0)
    }

    public func sysFaccessat2(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = UInt32(truncatingIfNeeded: a.a3)
        guard flags & ~(LinuxAt.effectiveAccess | LinuxAt.symlinkNoFollow | LinuxAt.emptyPath) == 0 else { throw .EINVAL }
        return try fileAccess(a.a0.asInt32, pathAddress: a.a1, mode: a.a2, flags: flags)
    }

    /// The program runs as root: R_OK and W_OK always pass; X_OK needs some x bit on
    /// non-directories (generic_permission's rule for CAP_DAC_OVERRIDE).
    func fileAccess(_ dirfd: Int32, pathAddress: UInt64, mode: UInt64, flags: UInt32) throws(Errno) -> UInt64 {
        let m = UInt32(truncatingIfNeeded: mode)
        guard m & ~7 == 0 else { throw .EINVAL }
        let target = try fileTarget(dirfd, pathAddress: pathAddress, flags: flags)
        let status = fileStatus(target)
        if m & 1 != 0 && status.mode & LinuxFileType.mask != LinuxFileType.directory && status.mode & 0o111 == 0 {
            throw .EACCES
        }
        return 0
    }
}
