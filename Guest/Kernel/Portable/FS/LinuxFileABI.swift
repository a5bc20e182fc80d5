#if canImport(GuestABI)
import GuestABI
#endif

/// Linux x86_64 file-API constants (include/uapi/asm-generic/fcntl.h, linux/stat.h,
/// linux/fcntl.h, asm-generic/ioctls.h). Namespaced so they cannot clash with other
/// families compiled into the same guest module.
public enum LinuxOpen {
    public static let accessModeMask: UInt32 = 0o3
    public static let readOnly: UInt32 = 0
    public static let writeOnly: UInt32 = 0o1
    public static let readWrite: UInt32 = 0o2
    public static let create: UInt32 = 0o100
    public static let exclusive: UInt32 = 0o200
    public static let noControllingTTY: UInt32 = 0o400
    public static let truncate: UInt32 = 0o1000
    public static let append: UInt32 = 0o2000
    public static let nonBlock: UInt32 = 0o4000
    public static let dsync: UInt32 = 0o10000
    public static let async: UInt32 = 0o20000
    public static let direct: UInt32 = 0o40000
    public static let largeFile: UInt32 = 0o100000
    public static let directory: UInt32 = 0o200000
    public static let noFollow: UInt32 = 0o400000
    public static let noAccessTime: UInt32 = 0o1000000
    public static let closeOnExec: UInt32 = 0o2000000
    public static let path: UInt32 = 0o10000000
    public static let tmpFile: UInt32 = 0o20000000
    /// Flags F_SETFL may change (fs/fcntl.c SETFL_MASK, minus O_DIRECT which tmpfs lacks).
    public static let settableStatusFlags: UInt32 = append | nonBlock | async | noAccessTime
}

public enum LinuxAt {
    public static let currentDirectory: Int32 = -100
    public static let symlinkNoFollow: UInt32 = 0x100
    public static let removeDirectory: UInt32 = 0x200
    public static let effectiveAccess: UInt32 = 0x200
    public static let symlinkFollow: UInt32 = 0x400
    public static let noAutomount: UInt32 = 0x800
    public static let emptyPath: UInt32 = 0x1000
    public static let statxSyncTypeMask: UInt32 = 0x6000
}

/// st_mode file-type bits.
public enum LinuxFileType {
    public static let mask: UInt32 = 0o170000
    public static let socket: UInt32 = 0o140000
    public static let symlink: UInt32 = 0o120000
    public static let regular: UInt32 = 0o100000
    public static let blockDevice: UInt32 = 0o060000
    public static let directory: UInt32 = 0o040000
    public static let characterDevice: UInt32 = 0o020000
    public static let fifo: UInt32 = 0o010000

    /// getdents64 d_type for an st_mode type (DT_* = S_IF* >> 12).
    public static func direntType(_ mode: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: (mode & mask) >> 12) }
}

public enum LinuxFcntl {
    public static let dupFD: Int32 = 0
    public static let getFD: Int32 = 1
    public static let setFD: Int32 = 2
    public static let getFL: Int32 = 3
    public static let setFL: Int32 = 4
    public static let dupFDCloseOnExec: Int32 = 1030
    public static let fdCloseOnExec: UInt64 = 1
}

public enum LinuxIoctl {
    public static let TCGETS: UInt32 = 0x5401
    public static let TCSETS: UInt32 = 0x5402
    public static let TCSETSW: UInt32 = 0x5403
    public static let TCSETSF: UInt32 = 0x5404
    public static let TIOCGPGRP: UInt32 = 0x540F
    public static let TIOCSPGRP: UInt32 = 0x5410
    public static let FIONREAD: UInt32 = 0x541B
    public static let TIOCGWINSZ: UInt32 = 0x5413
    public static let TIOCSWINSZ: UInt32 = 0x5414
    public static let FIONBIO: UInt32 = 0x5421
    public static let FIONCLEX: UInt32 = 0x5450
    public static let FIOCLEX: UInt32 = 0x5451
    public static let BLKGETSIZE64: UInt32 = 0x8008_1272
}

public enum LinuxSeek {
    public static let set: Int32 = 0
    public static let current: Int32 = 1
    public static let end: Int32 = 2
    public static let data: Int32 = 3
    public static let hole: Int32 = 4
}

/// Limits this VFS enforces (Linux values where Linux has one).
public enum VFSLimits {
    /// NAME_MAX.
    public static let nameMax = 255
    /// MAXSYMLINKS (fs/namei.c).
    public static let symlinkHops = 40
    /// RLIMIT_NOFILE default soft limit.
    public static let openFiles = 1024
    /// UIO_MAXIOV.
    public static let iovMax = 1024
    /// tmpfs files live in guest RAM: refuse sizes that could never be allocated (EFBIG).
    public static let maxFileSize: UInt64 = 1 << 30
    /// MAX_RW_COUNT: Linux clamps a single transfer to INT_MAX rounded down to a page.
    public static let maxTransfer: UInt64 = 0x7fff_f000
}

/// Small byte helpers: paths and names are `[UInt8]`, never `String` (String `==`
/// drags Unicode tables into the guest).
enum VFSBytes {
    static func decimal(_ value: UInt64) -> [UInt8] {
        if value == 0 { return [0x30] }
        var digits: [UInt8] = []
        var v = value
        while v > 0 { digits.append(0x30 + UInt8(v % 10)); v /= 10 }
        return digits.reversed()
    }

    static func decimal(_ value: Int32) -> [UInt8] {
        value < 0 ? [0x2d] + decimal(UInt64(-Int64(value))) : decimal(UInt64(value))
    }

    /// Parses a canonical non-negative decimal (no sign, no leading zeros).
    static func parseDecimal(_ bytes: [UInt8]) -> Int64? {
        if bytes.isEmpty || bytes.count > 10 || (bytes.count > 1 && bytes[0] == 0x30) { return nil }
        var v: Int64 = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            v = v * 10 + Int64(b - 0x30)
        }
        return v
    }

    static func ascii(_ s: StaticString) -> [UInt8] {
        var out: [UInt8] = []
        s.withUTF8Buffer { for b in $0 { out.append(b) } }
        return out
    }
}
