/// One `--disk PATH[:ro][:direct]`: a host image that becomes /dev/vda, /dev/vdb, …
public struct DiskSpec: Equatable, Sendable {
    public var path: String
    public var readOnly: Bool
    /// O_DIRECT on the host file.
    public var direct: Bool

    public init(path: String, readOnly: Bool = false, direct: Bool = false) {
        self.path = path; self.readOnly = readOnly; self.direct = direct
    }

    /// Trailing `:ro`, `:rw` and `:direct` suffixes are options, in any order; the rest
    /// is the path (which may itself contain ':').
    static func parse(_ spec: String) throws(CLIError) -> DiskSpec {
        var disk = DiskSpec(path: spec)
        while let colon = disk.path.lastIndex(of: ":") {
            switch disk.path[disk.path.index(after: colon)...] {
            case "ro": disk.readOnly = true
            case "rw": disk.readOnly = false
            case "direct": disk.direct = true
            default: return try checked(disk, spec)
            }
            disk.path = String(disk.path[..<colon])
        }
        return try checked(disk, spec)
    }

    private static func checked(_ d: DiskSpec, _ spec: String) throws(CLIError) -> DiskSpec {
        guard !d.path.isEmpty else { throw .invalidDisk(spec) }
        return d
    }
}
