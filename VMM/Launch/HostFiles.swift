#if canImport(Glibc)
import Glibc
#endif

/// The few host file-system calls workload assembly needs, on plain Glibc (no
/// Foundation on the `run` path). All pointer handling of this module lives here.
enum HostFiles {
    enum Kind: Equatable { case regular, directory, symlink, other }

    struct Status: Equatable {
        var kind: Kind
        /// Permission bits (st_mode & 07777).
        var permissions: UInt32
    }

    /// `stat` (or `lstat` when `followSymlinks` is false); the error is the errno.
    static func status(_ path: String, followSymlinks: Bool = true) -> Result<Status, HostErrno> {
        var st = stat()
        let rc = followSymlinks ? stat(path, &st) : lstat(path, &st)
        guard rc == 0 else { return .failure(HostErrno(errno)) }
        let kind: Kind
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        return .success(Status(kind: kind, permissions: UInt32(st.st_mode & 0o7777)))
    }

    /// Reads a whole regular file. Refuses anything that is not a regular file once
    /// opened (the path may have changed since an earlier `stat`).
    static func readFile(_ path: String) -> Result<[UInt8], HostErrno> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(HostErrno(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(HostErrno(errno)) }
        guard st.st_mode & S_IFMT == S_IFREG else { return .failure(HostErrno(EISDIR)) }

        var out: [UInt8] = []
        out.reserveCapacity(Int(st.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            // SAFETY: `chunk` is valid for chunk.count bytes during the closure.
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return .success(out) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(HostErrno(errno))
            }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// Entry names of a directory except "." and "..", sorted so that archives are
    /// reproducible regardless of readdir order.
    static func listDirectory(_ path: String) -> Result<[String], HostErrno> {
        guard let dir = opendir(path) else { return .failure(HostErrno(errno)) }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let ent = readdir(dir) else {
                if errno != 0 { return .failure(HostErrno(errno)) }
                break
            }
            // SAFETY: d_name is a NUL-terminated char array inside the dirent that
            // readdir returned; it stays valid until the next readdir on `dir`.
            let name = withUnsafePointer(to: &ent.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names.sorted())
    }

    static func readLink(_ path: String) -> Result<String, HostErrno> {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        // SAFETY: readlink writes at most count-1 bytes into `buf`; we never read past n.
        let n = buf.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress else { return -1 }
            return readlink(path, base, b.count - 1)
        }
        guard n >= 0 else { return .failure(HostErrno(errno)) }
        let bytes = buf[0..<n].map { UInt8(bitPattern: $0) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    static func currentDirectory() -> String? {
        guard let p = getcwd(nil, 0) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func describe(_ e: HostErrno) -> String {
        guard let s = strerror(e.rawValue) else { return "errno \(e.rawValue)" }
        return String(cString: s)
    }
}

/// A host errno value (distinct from the guest ABI's `Errno`, which Launch does not use).
public struct HostErrno: Error, Equatable, Sendable {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
}

/// Lexical absolute path: joins `path` to `cwd` when relative and removes ".", ".."
/// and repeated "/" without touching the file system (a symlinked HOST keeps the name
/// the user gave it in the guest).
func absolutePath(_ path: String, currentDirectory cwd: String) -> String {
    let joined = path.hasPrefix("/") ? path : cwd + "/" + path
    var parts: [Substring] = []
    for p in joined.split(separator: "/") {
        switch p {
        case ".": continue
        case "..": if !parts.isEmpty { parts.removeLast() }
        default: parts.append(p)
        }
    }
    return "/" + parts.joined(separator: "/")
}
