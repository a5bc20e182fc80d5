#if canImport(GuestABI)
import GuestABI
#endif

/// unlink(at), rename(at,at2), link(at), symlink(at), readlink(at).
extension Process {
    public func sysUnlink(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileRemove(LinuxAt.currentDirectory, try filePath(a.a0), directory: false)
    }

    public func sysUnlinkat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = UInt32(truncatingIfNeeded: a.a2)
        guard flags & ~LinuxAt.removeDirectory == 0 else { throw .EINVAL }
        return try fileRemove(a.a0.asInt32, try filePath(a.a1), directory: flags != 0)
    }

    public func sysRename(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileRename(LinuxAt.currentDirectory, a.a0, LinuxAt.currentDirectory, a.a1, flags: 0)
    }

    public func sysRenameat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileRename(a.a0.asInt32, a.a1, a.a2.asInt32, a.a3, flags: 0)
    }

    public func sysRenameat2(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileRename(a.a0.asInt32, a.a1, a.a2.asInt32, a.a3, flags: UInt32(truncatingIfNeeded: a.a4))
    }

    static let renameNoReplace: UInt32 = 1
    static let renameExchange: UInt32 = 2

    func fileRename(_ oldDirfd: Int32, _ oldAddress: UInt64, _ newDirfd: Int32, _ newAddress: UInt64,
                    flags: UInt32) throws(Errno) -> UInt64 {
        guard flags & ~(Self.renameNoReplace | Self.renameExchange) == 0,
              flags != Self.renameNoReplace | Self.renameExchange else { throw .EINVAL }
        let from = try fileResolveParent(oldDirfd, try filePath(oldAddress))
        let to = try fileResolveParent(newDirfd, try filePath(newAddress))
        for n in [from.name, to.name] where n.isEmpty || VFSName.isDot(n) || VFSName.isDotDot(n) { throw .EBUSY }
        let oldDir = from.directory, newDir = to.directory
        guard let source = oldDir.child(named: from.name, process: self) else { throw .ENOENT }
        guard oldDir.synthetic == .none, newDir.synthetic == .none else { throw .EXDEV }
        guard source.synthetic == .none else { throw .EBUSY }
        guard newDir.isLive else { throw .ENOENT }
        let target = newDir.child(named: to.name, process: self)
        if source.kind != .directory && (from.trailingSlash || to.trailingSlash) { throw .ENOTDIR }
        if source.kind == .directory && source.isAncestor(of: newDir) { throw .EINVAL }
        let now = fileNow()
        if flags == Self.renameExchange {
            guard let target else { throw .ENOENT }
            if target.kind == .directory && target.isAncestor(of: oldDir) { throw .EINVAL }
            guard let i = oldDir.indexOfEntry(from.name), let j = newDir.indexOfEntry(to.name) else { throw .ENOENT }
            oldDir.entries[i].inode = target
            newDir.entries[j].inode = source
            if source.kind == .directory { source.parent = newDir; oldDir.nlink -= 1; newDir.nlink += 1 }
            if target.kind == .directory { target.parent = oldDir; newDir.nlink -= 1; oldDir.nlink += 1 }
            source.changeTime = now; target.changeTime = now
            return 0
        }
        if let target {
            if target === source { return 0 }
            if flags == Self.renameNoReplace { throw .EEXIST }
            guard target.synthetic == .none else { throw .EBUSY }
            if source.kind == .directory {
                guard target.kind == .directory else { throw .ENOTDIR }
                guard target.entries.isEmpty else { throw .ENOTEMPTY }
            } else if target.kind == .directory {
                throw .EISDIR
            }
            guard let j = newDir.indexOfEntry(to.name) else { throw .ENOENT }
            newDir.removeEntry(at: j, now: now)
        }
        guard let i = oldDir.indexOfEntry(from.name) else { throw .ENOENT }
        oldDir.entries.remove(at: i)
        if source.kind == .directory { oldDir.nlink -= 1 }
        oldDir.modifyTime = now; oldDir.changeTime = now
        newDir.addEntry(to.name, source, now: now)
        source.changeTime = now
        return 0
    }

    public func sysLink(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileLink(LinuxAt.currentDirectory, a.a0, LinuxAt.currentDirectory, a.a1, flags: 0)
    }

    public func sysLinkat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileLink(a.a0.asInt32, a.a1, a.a2.asInt32, a.a3, flags: UInt32(truncatingIfNeeded: a.a4))
    }

    func fileLink(_ oldDirfd: Int32, _ oldAddress: UInt64, _ newDirfd: Int32, _ newAddress: UInt64,
                  flags: UInt32) throws(Errno) -> UInt64 {
        guard flags & ~(LinuxAt.symlinkFollow | LinuxAt.emptyPath) == 0 else { throw .EINVAL }
        let sourceTarget = try fileTarget(oldDirfd, pathAddress: oldAddress,
                                          flags: (flags & LinuxAt.emptyPath)
                                              | (flags & LinuxAt.symlinkFollow == 0 ? LinuxAt.symlinkNoFollow : 0))
        let source: Inode
        switch sourceTarget {
        case .inode(let i): source = i
        case .file(let f): guard let i = f.inode else { throw .ENOENT }; source = i
        }
        let to = try fileResolveParent(newDirfd, try filePath(newAddress))
        if to.name.isEmpty || VFSName.isDot(to.name) || VFSName.isDotDot(to.name) { throw .EEXIST }
        if to.directory.child(named: to.name, process: self) != nil { throw .EEXIST }
        if source.kind == .directory { throw .EPERM }
        if to.trailingSlash { throw .ENOENT }
        guard to.directory.synthetic == .none, source.synthetic == .none else { throw .EXDEV }
        guard to.directory.isLive, source.nlink > 0 || source.kind == .characterDevice else { throw .ENOENT }
        try fileCheckSpace()                                             // area: audit
        source.nlink += 1
        let now = fileNow()
        source.changeTime = now
        to.directory.addEntry(to.name, source, now: now)
        return 0
    }

    public func sysSymlink(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileSymlink(targetAddress: a.a0, LinuxAt.currentDirectory, a.a1)
    }

    public func sysSymlinkat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileSymlink(targetAddress: a.a0, a.a1.asInt32, a.a2)
    }

    func fileSymlink(targetAddress: UInt64, _ dirfd: Int32, _ linkAddress: UInt64) throws(Errno) -> UInt64 {
        let target = try filePath(targetAddress)
        guard !target.isEmpty else { throw .ENOENT }
        let to = try fileResolveParent(dirfd, try filePath(linkAddress))
        if to.name.isEmpty || VFSName.isDot(to.name) || VFSName.isDotDot(to.name) { throw .EEXIST }
        if to.directory.child(named: to.name, process: self) != nil { throw .EEXIST }
        if to.trailingSlash { throw .ENOENT }
        guard to.directory.isLive else { throw .ENOENT }
        guard to.directory.synthetic == .none else { throw .EACCES }
        try fileCheckSpace()                                             // area: audit
        let link = fs.tmpfs.makeInode(.symlink, permissions: 0o777)
        link.linkTarget = target
        to.directory.addEntry(to.name, link, now: fileNow())
        return 0
    }

    public func sysReadlink(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileReadlink(LinuxAt.currentDirectory, a.a0, buffer: a.a1, size: a.a2)
    }

    public func sysReadlinkat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileReadlink(a.a0.asInt32, a.a1, buffer: a.a2, size: a.a3)
    }

    /// No NUL is written; the result is truncated to `size` silently.
    func fileReadlink(_ dirfd: Int32, _ pathAddress: UInt64, buffer: UInt64, size: UInt64) throws(Errno) -> UInt64 {
        let capacity = size.asInt32
        guard capacity > 0 else { throw .EINVAL }
        let inode = try fileResolve(dirfd, try filePath(pathAddress), follow: false)
        guard inode.kind == .symlink else { throw .EINVAL }
        let target = ProcFS.symlinkTarget(of: inode, process: self)
        guard !target.isEmpty else { throw .ENOENT }            // area: limits: a /proc link whose process is gone
        let n = Swift.min(Int(capacity), target.count)
        try user.copyOut([UInt8](target[0..<n]), to: buffer)
        return UInt64(n)
    }
}
