#if canImport(GuestABI)
import GuestABI
#endif

/// What a *at syscall operates on: a named inode, or (AT_EMPTY_PATH) an open file.
enum FileTarget {
    case inode(Inode)
    case file(OpenFile)
}

/// Helpers shared by the file syscalls: dirfd handling, path copy-in, stat images.
extension Process {
    /// The directory a relative path starts from: the cwd for AT_FDCWD, else `dirfd`,
    /// which must be an open directory (EBADF, ENOTDIR). Absolute paths ignore it.
    func fileStartDirectory(_ dirfd: Int32, path: [UInt8]) throws(Errno) -> Inode {
        if path.first == 0x2f { return fs.root }
        if dirfd == LinuxAt.currentDirectory { return fs.cwd }
        let file = try files.get(dirfd)
        guard let inode = file.inode, inode.kind == .directory else { throw .ENOTDIR }
        return inode
    }

    func filePath(_ address: UInt64) throws(Errno) -> [UInt8] {
        try user.readCString(at: address)
    }

    func fileResolve(_ dirfd: Int32, _ path: [UInt8], follow: Bool) throws(Errno) -> Inode {
        let start = try fileStartDirectory(dirfd, path: path)
        var resolver = PathResolver(self)
        return try resolver.resolve(path, from: start, followFinal: follow)
    }

    func fileResolveParent(_ dirfd: Int32, _ path: [UInt8]) throws(Errno) -> ParentLookup {
        let start = try fileStartDirectory(dirfd, path: path)
        var resolver = PathResolver(self)
        return try resolver.resolveParent(path, from: start)
    }

    /// The object of fstatat/statx/utimensat/fchownat: the path, or with AT_EMPTY_PATH
    /// and an empty (or NULL) path, `dirfd` itself.
    func fileTarget(_ dirfd: Int32, pathAddress: UInt64, flags: UInt32) throws(Errno) -> FileTarget {
        let emptyAllowed = flags & LinuxAt.emptyPath != 0
        let path: [UInt8] = (pathAddress == 0 && emptyAllowed) ? [] : try filePath(pathAddress)
        if path.isEmpty {
            guard emptyAllowed else { throw .ENOENT }
            if dirfd == LinuxAt.currentDirectory { return .inode(fs.cwd) }
            return .file(try files.get(dirfd))
        }
        return .inode(try fileResolve(dirfd, path, follow: flags & LinuxAt.symlinkNoFollow == 0))
    }

    func fileStatus(_ target: FileTarget) -> FileStatus {
        switch target {
        case .inode(let inode):
            return FileStatus(inode, device: fs.tmpfs.deviceNumber)
        case .file(let file):
            if let inode = file.inode { return FileStatus(inode, device: fs.tmpfs.deviceNumber) }
            return FileStatus(objectMode: file.mode, ino: UInt64(UInt(bitPattern: ObjectIdentifier(file)) >> 4 & 0xffff_ffff))
        }
    }

    /// The absolute, textually normalised form of `path` (for /proc/self/fd).
    func fileAbsolutePath(_ path: [UInt8], start: Inode) -> [UInt8] {
        var comps: [[UInt8]] = []
        if path.first != 0x2f, let base = fs.path(of: start, process: self) {
            comps = PathResolver.components(base)
        }
        for c in PathResolver.components(path) {
            if VFSName.isDot(c) { continue }
            if VFSName.isDotDot(c) { _ = comps.popLast(); continue }
            comps.append(c)
        }
        if comps.isEmpty { return [0x2f] }
        var out: [UInt8] = []
        for c in comps { out.append(0x2f); out.append(contentsOf: c) }
        return out
    }

    /// Runs `body` with an uninitialised kernel buffer (no zeroing: the guest's byte
    /// loops are slow under emulation).
    func withFileScratch<R>(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) throws(Errno) -> R) throws(Errno) -> R {
        // SAFETY: the buffer lives only for `body` and is freed on every path.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(count, 1), alignment: 16)
        defer { buffer.deallocate() }
        return try body(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]))
    }

    func fileNow() -> UInt64 { fs.tmpfs.now() }
}

extension UInt64 {
    /// A syscall argument that is a C `off_t`/`loff_t`/`ssize_t`.
    var asFileOffset: Int64 { Int64(bitPattern: self) }
}

/// Fixed-size user loads and stores. `UserMemory.load/store` are generic protocol
/// extension methods, which Embedded Swift cannot call on `any UserMemory`; these go
/// through the non-generic byte-array copies instead.
extension Process {
    func fileLoadUInt64(at address: UInt64) throws(Errno) -> UInt64 {
        let b = try user.copyIn(count: 8, from: address)
        var v: UInt64 = 0
        for i in (0..<8).reversed() { v = v << 8 | UInt64(b[i]) }
        return v
    }

    func fileLoadInt32(at address: UInt64) throws(Errno) -> Int32 {
        let b = try user.copyIn(count: 4, from: address)
        var v: UInt32 = 0
        for i in (0..<4).reversed() { v = v << 8 | UInt32(b[i]) }
        return Int32(bitPattern: v)
    }

    func fileStoreInt32(_ value: Int32, at address: UInt64) throws(Errno) {
        var b = StructWriter(count: 4)
        b.put(value, at: 0)
        try user.copyOut(b.bytes, to: address)
    }
}

extension Process {
    func fileStoreUInt64(_ value: UInt64, at address: UInt64) throws(Errno) {
        var b = StructWriter(count: 8)
        b.put(value, at: 0)
        try user.copyOut(b.bytes, to: address)
    }
}
