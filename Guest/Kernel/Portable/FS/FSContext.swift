#if canImport(GuestABI)
import GuestABI
#endif

/// The one in-memory file system: inode numbers, the clock, /proc, the terminal.
/// Shared by every FSContext (fork copies the context, not the file system).
public final class Tmpfs {
    public let services: (any KernelServices)?
    var nextIno: UInt64 = 1
    public let terminal = TerminalState()
    var proc: ProcNodes?
    /// st_dev of every node.
    public let deviceNumber: UInt64 = LinuxDeviceNumber.encode(major: 0, minor: 0x16)

    public init(services: (any KernelServices)?) { self.services = services }

    func now() -> UInt64 { services?.realtimeNanoseconds() ?? 0 }

    func makeInode(_ kind: InodeKind, permissions: UInt32) -> Inode {
        let inode = Inode(ino: nextIno, kind: kind, permissions: permissions, now: now())
        nextIno += 1
        return inode
    }
}

/// Per-process file-system state (struct fs_struct): root, working directory, umask.
public final class FSContext {
    public let tmpfs: Tmpfs
    public var root: Inode
    public var cwd: Inode
    public var umask: UInt32 = 0o022

    /// An empty root directory without a clock (tests of other families).
    public convenience init() {
        self.init(tmpfs: Tmpfs(services: nil))
    }

    public init(tmpfs: Tmpfs) {
        self.tmpfs = tmpfs
        let root = tmpfs.makeInode(.directory, permissions: 0o755)
        root.parent = root
        self.root = root
        self.cwd = root
    }

    init(sharing other: FSContext) {
        tmpfs = other.tmpfs
        root = other.root
        cwd = other.cwd
        umask = other.umask
    }

    /// fork without CLONE_FS.
    public func duplicate() -> FSContext { FSContext(sharing: self) }

    /// Absolute path of `dir` by walking `..` (nil if it was removed), as getcwd needs.
    public func path(of dir: Inode, process: Process? = nil) -> [UInt8]? {
        if dir === root { return [0x2f] }
        var names: [[UInt8]] = []
        var node = dir
        while node !== root {
            guard node.isLive, let parent = node.parent, parent !== node else { return nil }
            var found: [UInt8]?
            for e in parent.listing(process: process) where e.inode === node { found = e.name; break }
            guard let name = found else { return nil }
            names.append(name)
            node = parent
            guard names.count < 2048 else { return nil }
        }
        var out: [UInt8] = []
        for name in names.reversed() { out.append(0x2f); out.append(contentsOf: name) }
        return out
    }

    public var cwdPath: [UInt8]? { path(of: cwd) }

    public func cwdPath(_ process: Process) -> [UInt8]? { path(of: cwd, process: process) }
}

/// Creates the root tmpfs with /tmp (1777), /dev and /proc, and unpacks `initramfs`
/// (a cpio newc archive that stays mapped forever: file contents are used in place).
public func makeRootFileSystem(services: any KernelServices, initramfs: UnsafeRawBufferPointer?) throws(Errno) -> FSContext {
    let context = FSContext(tmpfs: Tmpfs(services: services))
    let fs = context.tmpfs
    let now = fs.now()
    let root = context.root
    let tmp = fs.makeInode(.directory, permissions: 0o1777)
    root.addEntry(VFSBytes.ascii("tmp"), tmp, now: now)
    root.addEntry(VFSBytes.ascii("dev"), DevFS.makeDirectory(fs), now: now)
    let proc = ProcNodes(fs)
    fs.proc = proc
    root.addEntry(VFSBytes.ascii("proc"), proc.root, now: now)
    if let initramfs {
        try CpioReader.unpack(initramfs, into: context)
    }
    return context
}

/// The ELF loader's lookup: resolves `path` (following symlinks) from the process's cwd.
public func lookupFile(_ process: Process, path: [UInt8]) throws(Errno) -> Inode {
    var resolver = PathResolver(process)
    return try resolver.resolve(path, from: process.fs.cwd, followFinal: true)
}

/// Opens fds 0 (read, host stream 0), 1 and 2 (write, host streams 1 and 2).
public func installStandardStreams(_ process: Process) {
    let fs = process.fs.tmpfs
    for stream in 0..<3 {
        let inode = fs.makeInode(.characterDevice, permissions: 0o620)
        inode.device = .hostStream(stream)
        let flags = stream == 0 ? LinuxOpen.readOnly : LinuxOpen.writeOnly
        let file = OpenFile(inode: inode, object: DeviceFile(.hostStream(stream), services: process.services,
                                                             terminal: fs.terminal),
                            statusFlags: flags, path: VFSBytes.ascii("/dev/console"))
        try? process.files.install(file, at: Int32(stream), closeOnExec: false)
    }
}
