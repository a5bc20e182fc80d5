/// Builds a cpio "newc" archive (the Linux initramfs format) in memory.
///
/// Format (Documentation/driver-api/early-userspace/buffer-format.rst): per entry a
/// 110-byte ASCII header — magic `070701` and 13 fields of 8 hex digits (ino, mode,
/// uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
/// namesize, check) — then the NUL-terminated name, padded so header+name is a multiple
/// of 4, then the data, padded to 4. The archive ends with an entry named `TRAILER!!!`.
/// Hex digits are upper case, as the kernel's own `gen_init_cpio` writes them.
///
/// Paths are stored without a leading "/". Missing parent directories are emitted
/// (mode 0755) before their children, each exactly once, because the guest's unpacker
/// creates entries in archive order and needs the parent first.
public struct CpioWriter {
    public static let magic = "070701"
    public static let trailerName = "TRAILER!!!"
    static let headerSize = 110

    // File-type bits of st_mode (sys/stat.h).
    static let typeDirectory: UInt32 = 0o040000
    static let typeRegular: UInt32 = 0o100000
    static let typeSymlink: UInt32 = 0o120000

    private var bytes: [UInt8] = []
    private var nextInode: UInt32 = 1
    /// Normalized path → whether it is a directory.
    private var entries: [String: Bool] = [:]
    private let mtime: UInt32

    /// - Parameter mtime: modification time stamped on every entry (seconds since the
    ///   epoch). A fixed value keeps archives reproducible.
    public init(mtime: UInt32 = 0) { self.mtime = mtime }

    /// Adds a directory. Adding one that already exists (explicitly or as an automatic
    /// parent) is a no-op, so `--add` of overlapping trees works.
    public mutating func addDirectory(_ path: String, mode: UInt32 = 0o755) throws(CpioError) {
        let name = try Self.normalize(path)
        if let isDir = entries[name] {
            if isDir { return }
            throw .pathConflict(path)
        }
        try addParents(of: name)
        append(name: name, mode: Self.typeDirectory | (mode & 0o7777), nlink: 2, data: [])
        entries[name] = true
    }

    public mutating func addFile(_ path: String, mode: UInt32 = 0o644, bytes data: [UInt8]) throws(CpioError) {
        guard UInt64(data.count) <= UInt64(UInt32.max) else { throw .fileTooLarge(path) }
        let name = try Self.normalize(path)
        guard entries[name] == nil else { throw .pathConflict(path) }
        try addParents(of: name)
        append(name: name, mode: Self.typeRegular | (mode & 0o7777), nlink: 1, data: data)
        entries[name] = false
    }

    /// A symbolic link; its data is the target path (no NUL), as in Linux's cpio.
    public mutating func addSymlink(_ path: String, target: String) throws(CpioError) {
        let name = try Self.normalize(path)
        guard entries[name] == nil else { throw .pathConflict(path) }
        guard !target.isEmpty else { throw .invalidPath(target) }
        try addParents(of: name)
        append(name: name, mode: Self.typeSymlink | 0o777, nlink: 1, data: Array(target.utf8))
        entries[name] = false
    }

    /// Appends the trailer and returns the archive. The writer must not be used after.
    public mutating func finish() -> [UInt8] {
        // The trailer has ino 0 and nlink 1, exactly like GNU cpio and gen_init_cpio.
        appendHeader(name: Self.trailerName, inode: 0, mode: 0, nlink: 1, fileSize: 0)
        let out = bytes
        bytes = []
        return out
    }

    /// Paths already in the archive (normalized, without leading "/").
    public func contains(_ path: String) -> Bool {
        guard let name = try? Self.normalize(path) else { return false }
        return entries[name] != nil
    }

    // MARK: - Encoding

    private mutating func addParents(of name: String) throws(CpioError) {
        var components = name.split(separator: "/")
        components.removeLast()
        var prefix = ""
        for c in components {
            prefix = prefix.isEmpty ? String(c) : prefix + "/" + c
            switch entries[prefix] {
            case true?: continue
            case false?: throw .pathConflict("/" + prefix)
            case nil:
                append(name: prefix, mode: Self.typeDirectory | 0o755, nlink: 2, data: [])
                entries[prefix] = true
            }
        }
    }

    private mutating func append(name: String, mode: UInt32, nlink: UInt32, data: [UInt8]) {
        let inode = nextInode
        nextInode += 1
        appendHeader(name: name, inode: inode, mode: mode, nlink: nlink, fileSize: UInt32(data.count))
        bytes.append(contentsOf: data)
        pad()
    }

    private mutating func appendHeader(name: String, inode: UInt32, mode: UInt32, nlink: UInt32, fileSize: UInt32) {
        let nameBytes = Array(name.utf8)
        bytes.append(contentsOf: Self.magic.utf8)
        for field in [inode, mode, 0, 0, nlink, mtime, fileSize, 0, 0, 0, 0, UInt32(nameBytes.count + 1), 0] {
            appendHex(field)
        }
        bytes.append(contentsOf: nameBytes)
        bytes.append(0)
        pad()
    }

    private mutating func appendHex(_ value: UInt32) {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        for shift in stride(from: 28, through: 0, by: -4) {
            bytes.append(digits[Int((value >> UInt32(shift)) & 0xf)])
        }
    }

    private mutating func pad() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    /// Strips leading "/", collapses repeated "/", rejects empty, "." and ".." components
    /// (an archive must not be able to place files outside its root).
    static func normalize(_ path: String) throws(CpioError) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty else { throw .invalidPath(path) }
        for p in parts where p == "." || p == ".." { throw .invalidPath(path) }
        guard !path.utf8.contains(0) else { throw .invalidPath(path) }
        return parts.joined(separator: "/")
    }
}

public enum CpioError: Error, Equatable, Sendable {
    /// Empty, "/", or containing "." / ".." components.
    case invalidPath(String)
    /// The path is already in the archive (or a parent of it is not a directory).
    case pathConflict(String)
    /// newc sizes are 32-bit.
    case fileTooLarge(String)

    public var message: String {
        switch self {
        case .invalidPath(let p): "invalid path in initramfs: '\(p)'"
        case .pathConflict(let p): "path added to the initramfs twice: \(p)"
        case .fileTooLarge(let p): "file too large for the initramfs (4 GiB limit): \(p)"
        }
    }
}
