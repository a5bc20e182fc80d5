#if canImport(GuestABI)
import GuestABI
#endif

/// open, openat, creat, close.
extension Process {
    public func sysOpen(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileOpen(LinuxAt.currentDirectory, pathAddress: a.a0, flags: UInt32(truncatingIfNeeded: a.a1),
                     mode: UInt32(truncatingIfNeeded: a.a2))
    }

    public func sysOpenat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileOpen(a.a0.asInt32, pathAddress: a.a1, flags: UInt32(truncatingIfNeeded: a.a2),
                     mode: UInt32(truncatingIfNeeded: a.a3))
    }

    public func sysCreat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try fileOpen(LinuxAt.currentDirectory, pathAddress: a.a0,
                     flags: LinuxOpen.create | LinuxOpen.writeOnly | LinuxOpen.truncate,
                     mode: UInt32(truncatingIfNeeded: a.a1))
    }

    public func sysClose(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try files.close(a.a0.asInt32)
        return 0
    }

    /// Opens a file object for `path` and installs it at the lowest free descriptor.
    public func fileOpen(_ dirfd: Int32, pathAddress: UInt64, flags: UInt32, mode: UInt32) throws(Errno) -> UInt64 {
        let path = try filePath(pathAddress)
        guard !path.isEmpty else { throw .ENOENT }
        if flags & LinuxOpen.tmpFile == LinuxOpen.tmpFile { throw .EOPNOTSUPP }
        let start = try fileStartDirectory(dirfd, path: path)
        let pathOnly = flags & LinuxOpen.path != 0
        let noFollow = flags & LinuxOpen.noFollow != 0
        let accessMode = flags & LinuxOpen.accessModeMask
        let wantsWrite = !pathOnly && (accessMode == LinuxOpen.writeOnly || accessMode == LinuxOpen.readWrite)
        var resolver = PathResolver(self)
        var created = false
        let inode: Inode
        if flags & LinuxOpen.create != 0 && !pathOnly {
            let parent = try resolver.resolveParent(path, from: start)
            let dir = parent.directory
            if parent.name.isEmpty || VFSName.isDot(parent.name) || VFSName.isDotDot(parent.name) {
                if flags & LinuxOpen.exclusive != 0 { throw .EEXIST }
                throw .EISDIR
            }
            if let existing = dir.child(named: parent.name, process: self) {
                if flags & LinuxOpen.exclusive != 0 { throw .EEXIST }
                if existing.kind == .symlink {
                    if noFollow { throw .ELOOP }
                    let opened = try fileOpenThroughLink(existing, in: dir, mode: mode, resolver: &resolver)
                    inode = opened.0
                    created = opened.1
                } else {
                    inode = existing
                }
                if parent.trailingSlash && inode.kind != .directory { throw .ENOTDIR }
                if inode.kind == .directory { throw .EISDIR }
            } else {
                if parent.trailingSlash { throw .EISDIR }
                guard dir.isLive else { throw .ENOENT }
                guard dir.synthetic == .none else { throw .EACCES }
                try fileCheckSpace()                                     // area: audit
                let made = fs.tmpfs.makeInode(.regular, permissions: mode & ~fs.umask & 0o7777)
                dir.addEntry(parent.name, made, now: fileNow())
                inode = made
                created = true
            }
        } else {
            inode = try resolver.resolve(path, from: start, followFinal: !noFollow)
            if inode.kind == .symlink && !pathOnly { throw .ELOOP }
        }
        if flags & LinuxOpen.directory != 0 && inode.kind != .directory { throw .ENOTDIR }
        if inode.kind == .directory && wantsWrite { throw .EISDIR }

        var object: (any FileObject)?
        var status = flags & ~(LinuxOpen.create | LinuxOpen.exclusive | LinuxOpen.noControllingTTY
                               | LinuxOpen.truncate | LinuxOpen.closeOnExec)
        if pathOnly {
            status = LinuxOpen.path | (flags & (LinuxOpen.directory | LinuxOpen.noFollow))
        } else {
            status |= LinuxOpen.largeFile
            if inode.kind == .characterDevice { object = try DevFS.open(inode, process: self, flags: flags) }
            if inode.synthetic != .none && wantsWrite && inode.kind == .regular { throw .EACCES }
            if flags & LinuxOpen.truncate != 0 && inode.kind == .regular && !created && inode.size > 0 {
                try inode.resize(to: 0)
                let now = fileNow()
                inode.modifyTime = now; inode.changeTime = now
            }
        }
        let file = OpenFile(inode: inode, object: object, statusFlags: status,
                            path: fileAbsolutePath(path, start: start))
        return UInt64(try files.install(file, closeOnExec: flags & LinuxOpen.closeOnExec != 0))
    }

    /// O_CREAT through an existing symlink: open its target, creating it (one level)
    /// when the link dangles, as Linux does.
    private func fileOpenThroughLink(_ link: Inode, in dir: Inode, mode: UInt32,
                                     resolver: inout PathResolver) throws(Errno) -> (Inode, Bool) {
        let target = ProcFS.symlinkTarget(of: link, process: self)
        do throws(Errno) {
            return (try resolver.resolve(target, from: dir, followFinal: true), false)
        } catch {
            guard error == .ENOENT, !target.isEmpty else { throw error }
            let parent = try resolver.resolveParent(target, from: dir)
            guard !parent.name.isEmpty, !VFSName.isDot(parent.name), !VFSName.isDotDot(parent.name),
                  !parent.trailingSlash, parent.directory.child(named: parent.name, process: self) == nil
            else { throw .ENOENT }
            guard parent.directory.isLive else { throw .ENOENT }
            guard parent.directory.synthetic == .none else { throw .EACCES }
            try fileCheckSpace()                                         // area: audit
            let made = fs.tmpfs.makeInode(.regular, permissions: mode & ~fs.umask & 0o7777)
            parent.directory.addEntry(parent.name, made, now: fileNow())
            return (made, true)
        }
    }
}
