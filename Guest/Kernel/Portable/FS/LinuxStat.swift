#if canImport(GuestABI)
import GuestABI
#endif

/// What stat(2), statx(2) and getdents64 report about a file.
struct FileStatus {
    var device: UInt64 = 0
    var ino: UInt64 = 0
    var nlink: UInt64 = 1
    var mode: UInt32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
    var rdev: UInt64 = 0
    var size: UInt64 = 0
    var accessTime: UInt64 = 0
    var modifyTime: UInt64 = 0
    var changeTime: UInt64 = 0

    init(_ inode: Inode, device: UInt64) {
        self.device = device
        ino = inode.ino
        nlink = inode.nlink
        mode = inode.mode
        uid = inode.uid
        gid = inode.gid
        rdev = inode.device?.rdev ?? 0
        size = inode.size
        accessTime = inode.accessTime
        modifyTime = inode.modifyTime
        changeTime = inode.changeTime
    }

    /// A file without an inode (pipe, socket): only its type is known.
    init(objectMode: UInt32, ino: UInt64) {
        mode = objectMode
        self.ino = ino
    }

    var blocks: UInt64 { mode & LinuxFileType.mask == LinuxFileType.regular ? (size + 511) / 512 : 0 }

    /// struct stat, x86_64 layout (arch/x86/include/uapi/asm/stat.h), 144 bytes.
    var statBytes: [UInt8] {
        var b = StructWriter(count: 144)
        b.put(device, at: 0)
        b.put(ino, at: 8)
        b.put(nlink, at: 16)
        b.put(mode, at: 24)
        b.put(uid, at: 28)
        b.put(gid, at: 32)
        b.put(rdev, at: 40)
        b.put(size, at: 48)
        b.put(UInt64(4096), at: 56)
        b.put(blocks, at: 64)
        b.put(accessTime / 1_000_000_000, at: 72); b.put(accessTime % 1_000_000_000, at: 80)
        b.put(modifyTime / 1_000_000_000, at: 88); b.put(modifyTime % 1_000_000_000, at: 96)
        b.put(changeTime / 1_000_000_000, at: 104); b.put(changeTime % 1_000_000_000, at: 112)
        return b.bytes
    }

    /// STATX_BASIC_STATS: everything but btime.
    static let statxBasicStats: UInt32 = 0x7ff

    /// struct statx (include/uapi/linux/stat.h), 256 bytes.
    var statxBytes: [UInt8] {
        var b = StructWriter(count: 256)
        b.put(Self.statxBasicStats, at: 0)
        b.put(UInt32(4096), at: 4)
        b.put(UInt32(truncatingIfNeeded: nlink), at: 16)
        b.put(uid, at: 20)
        b.put(gid, at: 24)
        b.put(UInt16(truncatingIfNeeded: mode), at: 28)
        b.put(ino, at: 32)
        b.put(size, at: 40)
        b.put(blocks, at: 48)
        func time(_ ns: UInt64, _ at: Int) {
            b.put(ns / 1_000_000_000, at: at)
            b.put(UInt32(ns % 1_000_000_000), at: at + 8)
        }
        time(accessTime, 64)
        time(changeTime, 96)
        time(modifyTime, 112)
        b.put(Self.major(rdev), at: 128); b.put(Self.minor(rdev), at: 132)
        b.put(Self.major(device), at: 136); b.put(Self.minor(device), at: 140)
        return b.bytes
    }

    static func major(_ dev: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: ((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff)) }
    static func minor(_ dev: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: ((dev >> 12) & 0xffffff00) | (dev & 0xff)) }
}

/// Little-endian fields into a zeroed C struct image.
struct StructWriter {
    var bytes: [UInt8]
    init(count: Int) { bytes = [UInt8](repeating: 0, count: count) }

    mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        var v = value
        for i in 0..<MemoryLayout<T>.size {
            bytes[offset + i] = UInt8(truncatingIfNeeded: v)
            v = v >> 8
        }
    }
}
