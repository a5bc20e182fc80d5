#if canImport(GuestABI)
import GuestABI
#endif

/// /dev: a plain tmpfs directory holding device nodes and the /proc/self/fd links.
enum DevFS {
    static func makeDirectory(_ fs: Tmpfs) -> Inode {
        let dev = fs.makeInode(.directory, permissions: 0o755)
        let now = fs.now()
        func node(_ name: StaticString, _ device: CharDevice, _ permissions: UInt32) {
            let inode = fs.makeInode(.characterDevice, permissions: permissions)
            inode.device = device
            dev.addEntry(VFSBytes.ascii(name), inode, now: now)
        }
        func link(_ name: StaticString, _ target: StaticString) {
            let inode = fs.makeInode(.symlink, permissions: 0o777)
            inode.linkTarget = VFSBytes.ascii(target)
            dev.addEntry(VFSBytes.ascii(name), inode, now: now)
        }
        node("null", .null, 0o666)
        node("zero", .zero, 0o666)
        node("full", .full, 0o666)
        node("random", .random, 0o666)
        node("urandom", .urandom, 0o666)
        node("console", .console, 0o600)
        node("tty", .tty, 0o666)
        link("stdin", "/proc/self/fd/0")
        link("stdout", "/proc/self/fd/1")
        link("stderr", "/proc/self/fd/2")
        link("fd", "/proc/self/fd")
        // virtio-blk disks (Drivers/): /dev/vda, /dev/vdb, …
        for i in 0..<Swift.min(DriverRegistry.disks.count, 26) {
            let inode = fs.makeInode(.characterDevice, permissions: 0o660)
            inode.device = .virtioBlock(i)
            dev.addEntry(VFSBytes.ascii("vd") + [UInt8(97 + i)], inode, now: now)
        }
        return dev
    }

    /// open(2) of a device node: the file object behind the new description.
    static func open(_ inode: Inode, process: Process, flags: UInt32 = 0) throws(Errno) -> any FileObject {
        guard let device = inode.device else { throw .ENXIO }
        if case .virtioBlock(let index) = device { return try VirtioBlockFile.open(index: index, flags: flags) }
        if device == .tty && process.services.ttyMask & 7 == 0 { throw .ENXIO }
        return DeviceFile(device, services: process.services, terminal: process.fs.tmpfs.terminal)
    }
}
