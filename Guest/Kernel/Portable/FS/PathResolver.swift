#if canImport(GuestABI)
import GuestABI
#endif

/// The parent directory and final name of a path (for create, unlink, rename, link).
struct ParentLookup {
    var directory: Inode
    /// Empty when the path names the root itself ("/", "//").
    var name: [UInt8]
    /// The path ended in "/": the object must be (or become) a directory.
    var trailingSlash: Bool
}

/// Path walk (fs/namei.c semantics): absolute or relative to a start directory, `.` and
/// `..`, symlinks followed at most 40 times per lookup (ELOOP), every component at
/// most NAME_MAX bytes (ENAMETOOLONG), non-directories in the middle give ENOTDIR.
struct PathResolver {
    let process: Process
    private var hops = 0

    init(_ process: Process) { self.process = process }

    private var root: Inode { process.fs.root }

    static func components(_ path: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var current: [UInt8] = []
        for b in path {
            if b == 0x2f {
                if !current.isEmpty { out.append(current); current = [] }
            } else {
                current.append(b)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Resolves `path` to an inode. `followFinal` false is lstat/O_NOFOLLOW behaviour
    /// (a trailing slash still forces following, as on Linux).
    mutating func resolve(_ path: [UInt8], from start: Inode, followFinal: Bool) throws(Errno) -> Inode {
        guard !path.isEmpty else { throw .ENOENT }
        let trailingSlash = path.last == 0x2f
        let node = try walk(Self.components(path), from: path[0] == 0x2f ? root : start,
                            followFinal: followFinal || trailingSlash)
        if trailingSlash && node.kind != .directory { throw .ENOTDIR }
        return node
    }

    mutating func resolveParent(_ path: [UInt8], from start: Inode) throws(Errno) -> ParentLookup {
        guard !path.isEmpty else { throw .ENOENT }
        var comps = Self.components(path)
        let base = path[0] == 0x2f ? root : start
        guard let last = comps.popLast() else {
            return ParentLookup(directory: root, name: [], trailingSlash: true)
        }
        guard last.count <= VFSLimits.nameMax else { throw .ENAMETOOLONG }
        let dir = try walk(comps, from: base, followFinal: true)
        guard dir.kind == .directory else { throw .ENOTDIR }
        return ParentLookup(directory: dir, name: last, trailingSlash: path.last == 0x2f)
    }

    private mutating func walk(_ comps: [[UInt8]], from start: Inode, followFinal: Bool) throws(Errno) -> Inode {
        var current = start
        for (i, name) in comps.enumerated() {
            guard name.count <= VFSLimits.nameMax else { throw .ENAMETOOLONG }
            guard current.kind == .directory else { throw .ENOTDIR }
            // A removed directory has no entries, not even `..` (Linux: ENOENT).
            guard current.isLive else { throw .ENOENT }
            if VFSName.isDot(name) { continue }
            if VFSName.isDotDot(name) {
                if current !== root, let up = current.parent { current = up }
                continue
            }
            guard let next = current.child(named: name, process: process) else { throw .ENOENT }
            let isLast = i == comps.count - 1
            if next.kind == .symlink && (!isLast || followFinal) {
                current = try follow(next, from: current)
            } else {
                current = next
            }
        }
        return current
    }

    /// Follows one symlink found in `directory`.
    private mutating func follow(_ link: Inode, from directory: Inode) throws(Errno) -> Inode {
        hops += 1
        guard hops <= VFSLimits.symlinkHops else { throw .ELOOP }
        // /proc/self/fd/N are "magic links": they reach the open file's inode itself.
        if case .procFdLink(let fd) = link.synthetic {
            guard let file = try? process.files.get(fd) else { throw .ENOENT }
            if let inode = file.inode { return inode }
        }
        if case .procOtherFdLink(let pid, let fd) = link.synthetic {       // area: limits
            guard let other = ProcFS.target(pid, process), let file = try? other.files.get(fd) else { throw .ENOENT }
            if let inode = file.inode { return inode }
        }
        let target = ProcFS.symlinkTarget(of: link, process: process)
        guard !target.isEmpty else { throw .ENOENT }
        return try walk(Self.components(target), from: target[0] == 0x2f ? root : directory, followFinal: true)
    }
}
