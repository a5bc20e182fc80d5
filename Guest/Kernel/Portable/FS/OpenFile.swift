#if canImport(GuestABI)
import GuestABI
#endif

/// Something other than a tmpfs inode behind an open file: a character device, the
/// console, and (from other families) pipes, sockets, eventfds. Class-bound so the
/// guest can hold it as an existential.
public protocol FileObject: AnyObject {
    func read(_ file: OpenFile, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int
    func write(_ file: OpenFile, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int
    /// ioctl requests the VFS does not handle generically. Default: ENOTTY.
    func ioctl(_ file: OpenFile, request: UInt32, argument: UInt64, process: Process) throws(Errno) -> UInt64
    /// S_IF* type for fstat when the file has no inode (e.g. S_IFIFO).
    var fileTypeBits: UInt32 { get }
    /// Text of /proc/self/fd/N when the file has no path (e.g. "pipe:[7]").
    var procLinkTarget: [UInt8] { get }
    /// The last descriptor referring to the open file description was closed.
    func release()
    /// Readiness for poll/select/epoll, as POLL* bits (IN, OUT, HUP, ERR, ...), asked
    /// by the kernel on behalf of the current task. Default: always readable and
    /// writable (regular files, devices, the console), as Linux's DEFAULT_POLLMASK.
    func pollEvents(_ file: OpenFile) -> UInt32
    /// A counter that moves whenever readiness may have changed (new data, a hangup):
    /// epoll's edge-triggered mode reports a watch again only when it moved.
    var pollGeneration: UInt64 { get }
    /// Monotonic time (ns) at which readiness changes by itself (a timer expiring), so
    /// a poller can sleep until then; 0 if never.
    var pollDeadline: UInt64 { get }
    /// Zero-copy access to the program's pages (Drivers/UserIOFile.swift), if any.
    /// F_GETPIPE_SZ (nil) or F_SETPIPE_SZ (a size): the pipe's capacity in bytes.
    func pipeSize(set requested: Int?) throws(Errno) -> Int
    var userIO: (any UserIOFile)? { get }
    /// area: audit: writes succeed without reading the data (/dev/null, /dev/zero).
    var discardsWrites: Bool { get }
}

extension FileObject {
    public func ioctl(_ file: OpenFile, request: UInt32, argument: UInt64, process: Process) throws(Errno) -> UInt64 {
        throw .ENOTTY
    }
    public var procLinkTarget: [UInt8] { VFSBytes.ascii("anon_inode:[unknown]") }
    public func release() {}
    public func pollEvents(_ file: OpenFile) -> UInt32 { PollBits.defaultMask }
    public var pollGeneration: UInt64 { 0 }
    public var pollDeadline: UInt64 { 0 }
    public var userIO: (any UserIOFile)? { nil }
    public var discardsWrites: Bool { false }                              // area: audit
    /// F_GETPIPE_SZ / F_SETPIPE_SZ: only pipes have a size; anything else is EBADF.
    public func pipeSize(set requested: Int?) throws(Errno) -> Int { throw .EBADF }
}

/// poll(2) event bits (asm-generic/poll.h); epoll uses the same values.
public enum PollBits {
    public static let `in`: UInt32 = 0x001, pri: UInt32 = 0x002, out: UInt32 = 0x004
    public static let err: UInt32 = 0x008, hup: UInt32 = 0x010, nval: UInt32 = 0x020
    public static let rdNorm: UInt32 = 0x040, rdBand: UInt32 = 0x080
    public static let wrNorm: UInt32 = 0x100, wrBand: UInt32 = 0x200, rdHup: UInt32 = 0x2000
    public static let defaultMask: UInt32 = `in` | out | rdNorm | wrNorm
    public static let readable: UInt32 = `in` | rdNorm
    public static let writable: UInt32 = out | wrNorm

    /// Readiness of any open file: its object's answer, or always ready for a plain
    /// inode (regular files, directories, /proc text).
    public static func events(of file: OpenFile) -> UInt32 {
        file.object?.pollEvents(file) ?? defaultMask
    }
}

/// An open file description (struct file): shared by dup'ed descriptors, so the
/// offset and status flags are shared too.
public final class OpenFile {
    /// The tmpfs node, if any (regular files, directories, device nodes, /proc files).
    public let inode: Inode?
    public let object: (any FileObject)?
    public var offset: UInt64 = 0
    /// Access mode plus O_APPEND, O_NONBLOCK, ... as F_GETFL reports them.
    public var statusFlags: UInt32
    /// The path it was opened by (for /proc/self/fd).
    public var path: [UInt8]
    /// Descriptors referring to this description (all processes).
    public internal(set) var descriptorCount = 0

    public init(inode: Inode?, object: (any FileObject)?, statusFlags: UInt32, path: [UInt8]) {
        self.inode = inode
        self.object = object
        self.statusFlags = statusFlags
        self.path = path
    }

    var accessMode: UInt32 { statusFlags & LinuxOpen.accessModeMask }
    public var isPathOnly: Bool { statusFlags & LinuxOpen.path != 0 }
    public var isReadable: Bool { !isPathOnly && (accessMode == LinuxOpen.readOnly || accessMode == LinuxOpen.readWrite) }
    public var isWritable: Bool { !isPathOnly && (accessMode == LinuxOpen.writeOnly || accessMode == LinuxOpen.readWrite) }
    public var isNonBlocking: Bool { statusFlags & LinuxOpen.nonBlock != 0 }

    /// Seekable: regular files, directories and /proc text; not devices, pipes or sockets.
    var isSeekable: Bool {
        if inode?.device?.isBlock == true { return true }     // /dev/vdX (Drivers/)
        guard object == nil, let inode else { return false }
        return inode.kind != .characterDevice
    }

    /// st_mode of whatever this file is.
    var mode: UInt32 {
        if let inode { return inode.mode }
        return (object?.fileTypeBits ?? 0) | 0o600
    }

    func retain() { descriptorCount += 1 }

    func releaseDescriptor() {
        descriptorCount -= 1
        if descriptorCount == 0 { object?.release() }
    }
}
