#if canImport(GuestABI)
import GuestABI
#endif

/// getdents64, getcwd, chdir, fchdir, mkdir(at), rmdir.
extension Process {
    /// Records: d_ino u64, d_off i64, d_reclen u16, d_type u8, name, NUL, padded to 8.
    /// `.` and `..` have cookies 1 and 2; the file offset is the last cookie returned.
    public func sysGetdents64(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard !file.isPathOnly else { throw .EBADF }
        guard let dir = file.inode, dir.kind == .directory else { throw .ENOTDIR }
        let capacity = Int(Swift.min(a.a2, UInt64(Int32.max)))
        guard dir.isLive else { return 0 }
        let startOffset = file.offset
        var out: [UInt8] = []
        func emit(_ name: [UInt8], ino: UInt64, type: UInt8, cookie: Int64) -> Bool {
            let length = (19 + name.count + 1 + 7) & ~7
            guard out.count + length <= capacity else { return false }
            var rec = StructWriter(count: length)
            rec.put(ino, at: 0)
            rec.put(cookie, at: 8)
            rec.put(UInt16(length), at: 16)
            rec.put(type, at: 18)
            for (i, b) in name.enumerated() { rec.bytes[19 + i] = b }
            out.append(contentsOf: rec.bytes)
            file.offset = UInt64(cookie)
            return true
        }
        var full = false
        let dirType = LinuxFileType.direntType(LinuxFileType.directory)
        if file.offset < 1 { full = !emit([0x2e], ino: dir.ino, type: dirType, cookie: 1) }
        if !full && file.offset < 2 {
            let up = (dir === fs.root ? dir : dir.parent) ?? dir
            full = !emit([0x2e, 0x2e], ino: up.ino, type: dirType, cookie: 2)
        }
        if !full {
            for entry in dir.listing(process: self) where UInt64(entry.cookie) > file.offset {
                if !emit(entry.name, ino: entry.inode.ino, type: LinuxFileType.direntType(entry.inode.mode),
                         cookie: entry.cookie) { full = true; break }
            }
        }
        if out.isEmpty && full { throw .EINVAL }  // buffer too small for one record
        do throws(Errno) { try user.copyOut(out, to: a.a1) } catch {
            file.offset = startOffset  // nothing was delivered: the next call repeats it
            throw error
        }
        return UInt64(out.count)
    }

    /// Returns the length including the NUL (the raw syscall, not the libc wrapper).
    public func sysGetcwd(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard let path = fs.cwdPath(self) else { throw .ENOENT }
        guard a.a1 >= UInt64(path.count + 1) else { throw .ERANGE }
        try user.copyOut(path + [0], to: a.a0)
        return UInt64(path.count + 1)
    }

    public func sysChdir(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let inode = try fileResolve(LinuxAt.currentDirectory, try filePath(a.a0), follow: true)
        guard inode.kind == .directory else { throw .ENOTDIR }
        fs.cwd = inode
        return 0
    }

    public func sysFchdir(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let file = try files.get(a.a0.asInt32)
        guard let inode = file.inode, inode.kind == .directory else { throw .ENOTDIR }
        fs.cwd = inode
        return 0
    }

    public func sysMkdir(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileMkdir(LinuxAt.currentDirectory, pathAddress: a.a0, mode: a.a1)
    }

    public func sysMkdirat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileMkdir(a.a0.asInt32, pathAddress: a.a1, mode: a.a2)
    }

    func fileMkdir(_ dirfd: Int32, pathAddress: UInt64, mode: UInt64) throws(Errno) -> UInt64 {
        let parent = try fileResolveParent(dirfd, try filePath(pathAddress))
        let name = parent.name
        if name.isEmpty || VFSName.isDot(name) || VFSName.isDotDot(name) { throw .EEXIST }
        let dir = parent.directory
        if dir.child(named: name, process: self) != nil { throw .EEXIST }
        guard dir.isLive else { throw .ENOENT }
        guard dir.synthetic == .none else { throw .EACCES }
        let perms = UInt32(truncatingIfNeeded: mode) & 0o1777 & ~fs.umask
        try fileCheckSpace()                                             // area: audit
        dir.addEntry(name, fs.tmpfs.makeInode(.directory, permissions: perms), now: fileNow())
        return 0
    }

    public func sysRmdir(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileRemove(LinuxAt.currentDirectory, try filePath(a.a0), directory: true)
    }

    /// unlink (directory false) and rmdir (directory true) of `dir/name`.
    func fileRemove(_ dirfd: Int32, _ path: [UInt8], directory: Bool) throws(Errno) -> UInt64 {
        let parent = try fileResolveParent(dirfd, path)
        let name = parent.name
        let dir = parent.directory
        if name.isEmpty { throw directory ? .EBUSY : .EISDIR }
        if directory && VFSName.isDot(name) { throw .EINVAL }
        if directory && VFSName.isDotDot(name) { throw .ENOTEMPTY }
        if !directory && (VFSName.isDot(name) || VFSName.isDotDot(name)) { throw .EISDIR }
        guard let child = dir.child(named: name, process: self) else { throw .ENOENT }
        guard dir.synthetic == .none else { throw .EACCES }
        guard child.synthetic == .none else { throw .EBUSY }
        if directory {
            guard child.kind == .directory else { throw .ENOTDIR }
            guard child.entries.isEmpty else { throw .ENOTEMPTY }
            if child === fs.root { throw .EBUSY }
        } else {
            if child.kind == .directory { throw .EISDIR }
            if parent.trailingSlash { throw .ENOTDIR }
        }
        guard let index = dir.indexOfEntry(name) else { throw .ENOENT }
        dir.removeEntry(at: index, now: fileNow())
        return 0
    }
}
