#if canImport(GuestABI)
import GuestABI
#endif

public enum InodeKind: Equatable {
    case directory, regular, symlink, characterDevice
}

/// Nodes whose content is computed from the calling process (/proc).
enum SyntheticNode: Equatable {
    case none
    case procRoot, procSelf, procPidDirectory, procExe, procFdDirectory
    case procFdLink(Int32)
    case procText(ProcText)
    case procOtherPid(Int32)                                     // area: timers: /proc/<another pid>
    case procOtherExe(Int32), procOtherFdDirectory(Int32)           // area: limits: /proc/<pid>/exe, fd
    case procOtherFdLink(Int32, Int32)                              // (pid, fd)
    // area: proctask: /proc/<pid>/task, task/<tid>, /proc/thread-self (pid 0: the caller)
    case procTaskDirectory(Int32), procTaskEntry(Int32, Int32), procThreadSelf
}

public struct DirectoryEntry {
    public var name: [UInt8]
    public var inode: Inode
    /// getdents64 d_off: strictly increasing within a directory, never reused, so a
    /// listing resumes correctly after entries before the cursor are removed.
    public var cookie: Int64
}

/// One file-system object of the in-memory tmpfs (or a synthetic /dev, /proc node).
public final class Inode {
    public let ino: UInt64
    public let kind: InodeKind
    /// Permission bits (07777); the file type comes from `kind`.
    public var permissions: UInt32
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var nlink: UInt64
    public var accessTime: UInt64
    public var modifyTime: UInt64
    public var changeTime: UInt64
    public var device: CharDevice?
    var synthetic: SyntheticNode = .none

    // Regular files. While `borrowed` is set, the content is the initramfs bytes in
    // place (the kernel never frees that memory); the first write copies it.
    var data: [UInt8] = []
    var borrowed: UnsafeRawBufferPointer?
    /// Frames of MAP_SHARED mappings of this file (area: shm; Memory/SharedPages.swift).
    var pageCache: SharedPages?

    // Directories.
    var entries: [DirectoryEntry] = []
    var nextCookie: Int64 = 3
    /// `..`; nil once the directory is removed.
    var parent: Inode?

    // Symlinks.
    var linkTarget: [UInt8] = []

    init(ino: UInt64, kind: InodeKind, permissions: UInt32, now: UInt64) {
        self.ino = ino
        self.kind = kind
        self.permissions = permissions & 0o7777
        self.nlink = kind == .directory ? 2 : 1
        accessTime = now; modifyTime = now; changeTime = now
    }

    public var isRegularFile: Bool { kind == .regular }
    public var isDirectory: Bool { kind == .directory }
    public var isSymlink: Bool { kind == .symlink }

    public var fileTypeBits: UInt32 {
        switch kind {
        case .directory: return LinuxFileType.directory
        case .regular: return LinuxFileType.regular
        case .symlink: return LinuxFileType.symlink
        case .characterDevice: return device?.isBlock == true ? LinuxFileType.blockDevice : LinuxFileType.characterDevice
        }
    }

    /// st_mode.
    public var mode: UInt32 { fileTypeBits | permissions }

    public var size: UInt64 {
        switch kind {
        case .regular: return UInt64(borrowed?.count ?? data.count)
        case .symlink: return UInt64(linkTarget.count)
        case .directory: return 4096
        case .characterDevice: return 0
        }
    }

    /// Copies file bytes from `offset` into `buffer`; returns the count (0 at EOF).
    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard kind == .regular else { throw kind == .directory ? .EISDIR : .EINVAL }
        return try withContents(at: offset, count: buffer.count) { src in
            buffer.copyMemory(from: src)
            return src.count
        }
    }

    /// Calls `body` with the stored bytes in [offset, offset+count) clipped to the size;
    /// lets read(2) copy straight from the file to user memory.
    func withContents<R>(at offset: UInt64, count: Int, _ body: (UnsafeRawBufferPointer) throws(Errno) -> R) throws(Errno) -> R {
        let size = self.size
        let start = offset < size ? Int(offset) : Int(size)
        let n = Swift.min(count, Int(size) - start)
        if pageCache != nil { syncFromPages(UInt64(start), UInt64(start + n)) }   // area: shm
        if let borrowed {
            return try body(UnsafeRawBufferPointer(rebasing: borrowed[start..<(start + n)]))
        }
        var result: Result<R, Errno>?
        data.withUnsafeBytes { all in
            do throws(Errno) {
                result = .success(try body(UnsafeRawBufferPointer(rebasing: all[start..<(start + n)])))
            } catch { result = .failure(error) }
        }
        return try result!.get()
    }

    /// Turns initramfs-backed content into owned, writable storage.
    func makeWritable() {
        if let borrowed {
            data = [UInt8](borrowed)
            self.borrowed = nil
        }
    }

    /// Sets the file size, zero-filling growth (truncate, ftruncate, O_TRUNC).
    func resize(to newSize: UInt64) throws(Errno) {
        guard newSize <= VFSLimits.maxFileSize else { throw .EFBIG }
        makeWritable()
        let n = Int(newSize)
        let old = UInt64(data.count)
        // area: shm: growing past the capacity reallocates (up to twice the size, while
        // the old copy is alive): ENOSPC, as a full tmpfs, rather than a heap panic.
        if n > data.capacity, let platform = SharedPages.platform,
           !platform.heapCanTake(UInt64(Swift.max(n, 2 * data.capacity)) + 4096) { throw .ENOSPC }
        if n < data.count {
            data.removeSubrange(n...)
        } else if n > data.count {
            data.append(contentsOf: repeatElement(0, count: n - data.count))
        }
        if pageCache != nil {                                            // area: shm
            syncToPages(Swift.min(old, newSize), (Swift.max(old, newSize) + 4095) & ~4095)
        }
    }

    /// Writes `count` bytes at `offset`, filled by `fill` directly in the file storage
    /// (so write(2) copies from user memory without an intermediate buffer).
    func write(at offset: UInt64, count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws(Errno) -> Void) throws(Errno) {
        guard kind == .regular else { throw .EINVAL }
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= VFSLimits.maxFileSize else { throw .EFBIG }
        makeWritable()
        let oldCount = data.count
        if end > UInt64(data.count) { try resize(to: end) }
        var failure: Errno?
        data.withUnsafeMutableBytes { all in
            do throws(Errno) {
                try fill(UnsafeMutableRawBufferPointer(rebasing: all[Int(offset)..<Int(end)]))
            } catch { failure = error }
        }
        if let failure {
            // A fault in the source must not leave the file grown by zeros.
            if data.count > oldCount { data.removeSubrange(oldCount...) }
            throw failure
        }
        if pageCache != nil { syncToPages(offset, end) }                  // area: shm
    }
}
