#if canImport(GuestABI)
import GuestABI
#endif

/// Reader for the cpio "newc" format (initramfs, Documentation/driver-api/early-userspace/
/// buffer-format.rst): a 110-byte ASCII header ("070701" + 13 hex fields of 8 digits),
/// the NUL-terminated name, padding to 4, the data, padding to 4; ends at "TRAILER!!!".
/// Every field is validated against the buffer; a malformed archive is EINVAL.
public enum CpioReader {
    static let headerSize = 110

    public struct Header {
        public var ino: UInt32, mode: UInt32, uid: UInt32, gid: UInt32, nlink: UInt32
        public var mtime: UInt32, fileSize: UInt32, nameSize: UInt32
    }

    /// Parses the header at `offset` (the caller checked 110 bytes are present).
    static func parseHeader(_ a: UnsafeRawBufferPointer, at offset: Int) throws(Errno) -> Header {
        let magic: [UInt8] = [0x30, 0x37, 0x30, 0x37, 0x30]
        for i in 0..<5 where a[offset + i] != magic[i] { throw .EINVAL }
        // "070701" (no checksum) or "070702" (checksum, which the kernel ignores too).
        guard a[offset + 5] == 0x31 || a[offset + 5] == 0x32 else { throw .EINVAL }
        func field(_ n: Int) throws(Errno) -> UInt32 {
            var v: UInt32 = 0
            for i in 0..<8 {
                let c = a[offset + 6 + n * 8 + i]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: throw .EINVAL
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        return Header(ino: try field(0), mode: try field(1), uid: try field(2), gid: try field(3),
                      nlink: try field(4), mtime: try field(5), fileSize: try field(6), nameSize: try field(11))
    }

    static func align4(_ n: Int) -> Int { (n + 3) & ~3 }

    /// Unpacks every entry of `archive` into the context's tmpfs.
    public static func unpack(_ archive: UnsafeRawBufferPointer, into context: FSContext) throws(Errno) {
        var offset = 0
        var hardLinks: [(ino: UInt32, inode: Inode)] = []
        while true {
            guard archive.count - offset >= headerSize else { throw .EINVAL }
            let h = try parseHeader(archive, at: offset)
            let nameStart = offset + headerSize
            let nameSize = Int(h.nameSize)
            guard nameSize >= 1, nameSize <= pathMax, archive.count - nameStart >= nameSize else { throw .EINVAL }
            guard archive[nameStart + nameSize - 1] == 0 else { throw .EINVAL }
            let name = [UInt8](UnsafeRawBufferPointer(rebasing: archive[nameStart..<(nameStart + nameSize - 1)]))
            guard !name.contains(0) else { throw .EINVAL }
            let dataStart = align4(nameStart + nameSize)
            let fileSize = Int(h.fileSize)
            guard dataStart <= archive.count, archive.count - dataStart >= fileSize else { throw .EINVAL }
            if name == VFSBytes.ascii("TRAILER!!!") { return }
            let data = UnsafeRawBufferPointer(rebasing: archive[dataStart..<(dataStart + fileSize)])
            try add(h, path: name, data: data, context: context, hardLinks: &hardLinks)
            offset = align4(dataStart + fileSize)
        }
    }

    private static func add(_ h: Header, path: [UInt8], data: UnsafeRawBufferPointer, context: FSContext,
                            hardLinks: inout [(ino: UInt32, inode: Inode)]) throws(Errno) {
        let fs = context.tmpfs
        var comps = PathResolver.components(path)
        comps.removeAll { VFSName.isDot($0) }
        for c in comps where VFSName.isDotDot(c) || c.count > VFSLimits.nameMax { throw .EINVAL }
        let type = h.mode & LinuxFileType.mask
        guard let last = comps.popLast() else {
            if type == LinuxFileType.directory { context.root.permissions = h.mode & 0o7777 }
            return
        }
        // Missing parents are created (some archivers omit directory entries).
        var dir = context.root
        let now = fs.now()
        for c in comps {
            if let next = dir.child(named: c, process: nil as Process?) {
                guard next.kind == .directory else { throw .EINVAL }
                dir = next
            } else {
                let made = fs.makeInode(.directory, permissions: 0o755)
                dir.addEntry(c, made, now: now)
                dir = made
            }
        }
        guard dir.synthetic == .none else { throw .EINVAL }
        let existing = dir.indexOfEntry(last)
        if type == LinuxFileType.directory, let i = existing, dir.entries[i].inode.kind == .directory {
            dir.entries[i].inode.permissions = h.mode & 0o7777
            return
        }
        let inode: Inode
        switch type {
        case LinuxFileType.directory:
            inode = fs.makeInode(.directory, permissions: h.mode)
        case LinuxFileType.symlink:
            inode = fs.makeInode(.symlink, permissions: 0o777)
            guard data.count >= 1, data.count < pathMax else { throw .EINVAL }
            inode.linkTarget = [UInt8](data)
        case LinuxFileType.regular:
            // Hard links: newc repeats the inode number and stores the data once (last).
            var linked: Inode?
            if h.nlink > 1 {
                for entry in hardLinks where entry.ino == h.ino { linked = entry.inode }
            }
            if let linked {
                linked.nlink += 1
                inode = linked
            } else {
                inode = fs.makeInode(.regular, permissions: h.mode)
                if h.nlink > 1 { hardLinks.append((h.ino, inode)) }
            }
            if data.count > 0 { inode.borrowed = data; inode.data = [] }
        default:
            return  // device nodes, fifos, sockets: /dev is synthetic here.
        }
        let time = UInt64(h.mtime) * 1_000_000_000
        inode.uid = h.uid; inode.gid = h.gid
        inode.accessTime = time; inode.modifyTime = time; inode.changeTime = time
        if let i = existing {
            guard dir.entries[i].inode.kind != .directory || dir.entries[i].inode.entries.isEmpty else { throw .EINVAL }
            dir.removeEntry(at: i, now: now)
        }
        dir.addEntry(last, inode, now: now)
    }
}
