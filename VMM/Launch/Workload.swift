#if canImport(Glibc)
import Glibc
#endif

/// The program and its files, packed as the guest's initramfs (cpio newc), plus what
/// the guest needs to start it: the path of the program inside the archive and argv.
public struct Workload: Sendable {
    /// The archive, ready to be copied into guest RAM.
    public var initramfs: [UInt8]
    /// The program's path in the guest: always `/bin/<basename of PROGRAM>`.
    public var initPath: String
    /// argv[0] is PROGRAM exactly as the user typed it (as a shell or `docker run`
    /// passes it), then the arguments.
    public var argv: [String]

    /// Packs PROGRAM at `/bin/<basename>` (mode 0755), then every `--add` in order.
    /// - Parameters:
    ///   - requireStaticELF: refuse programs that are not static x86_64 ELF (exit 126
    ///     early, with a clear message) — true until the guest can load `ld.so`.
    ///   - currentDirectory: base for relative `--add` HOSTs (default: the process's
    ///     working directory).
    public static func assemble(
        program: String, arguments: [String] = [], adds: [AddSpec] = [],
        mtime: UInt32 = 0, requireStaticELF: Bool = true, currentDirectory: String? = nil
    ) throws(WorkloadError) -> Workload {
        let image = try loadProgram(program, requireStaticELF: requireStaticELF)
        let name = program.split(separator: "/").last.map(String.init) ?? program
        let initPath = "/bin/" + name

        var archive = CpioWriter(mtime: mtime)
        do throws(CpioError) {
            try archive.addFile(initPath, mode: 0o755, bytes: image)
        } catch {
            throw .archive(error)
        }
        if !adds.isEmpty {
            guard let cwd = currentDirectory ?? HostFiles.currentDirectory() else { throw .noCurrentDirectory }
            for add in adds {
                let guest = add.guest ?? absolutePath(add.host, currentDirectory: cwd)
                // An explicit base directory applies to host access too; joining (not
                // normalizing) keeps ".." meaning what the host file system says.
                let host = add.host.hasPrefix("/") || currentDirectory == nil ? add.host : cwd + "/" + add.host
                try WorkloadTree.add(host: host, guest: guest, to: &archive)
            }
        }
        return Workload(initramfs: archive.finish(), initPath: initPath, argv: [program] + arguments)
    }

    /// Reads PROGRAM and maps each failure to its exit code's error (127 vs 126).
    static func loadProgram(_ path: String, requireStaticELF: Bool) throws(WorkloadError) -> [UInt8] {
        let status: HostFiles.Status
        switch HostFiles.status(path) {
        case .success(let s): status = s
        case .failure(let e) where e.rawValue == ENOENT || e.rawValue == ENOTDIR || e.rawValue == ELOOP:
            throw .programNotFound(path)
        case .failure(let e):
            throw .programNotReadable(path, e)
        }
        guard status.kind == .regular else { throw .programNotRegularFile(path) }
        // Mirror execve: a file without any execute bit is "Permission denied".
        guard status.permissions & 0o111 != 0 else {
            throw .programNotExecutable(path, reason: "permission denied (no execute bit)")
        }
        let image: [UInt8]
        switch HostFiles.readFile(path) {
        case .success(let b): image = b
        case .failure(let e): throw .programNotReadable(path, e)
        }
        if requireStaticELF, let problem = ProgramImageCheck.problem(image) {
            throw .programNotExecutable(path, reason: problem)
        }
        return image
    }
}

/// Copies one `--add` HOST (file, or directory tree) into the archive at GUEST.
enum WorkloadTree {
    static func add(host: String, guest: String, to archive: inout CpioWriter) throws(WorkloadError) {
        // The top-level HOST is followed if it is a symlink: `--add /etc/resolv.conf`
        // means its contents. Inside directories, symlinks are kept as symlinks.
        switch HostFiles.status(host) {
        case .success(let s):
            switch s.kind {
            case .regular: try addFile(host: host, guest: guest, permissions: s.permissions, to: &archive)
            case .directory: try addTree(host: host, guest: guest, permissions: s.permissions, to: &archive)
            case .symlink, .other: throw .addUnsupportedType(host)
            }
        case .failure(let e) where e.rawValue == ENOENT || e.rawValue == ENOTDIR:
            throw .addMissing(host)
        case .failure(let e):
            throw .addUnreadable(host, e)
        }
    }

    private static func addFile(host: String, guest: String, permissions: UInt32, to archive: inout CpioWriter) throws(WorkloadError) {
        switch HostFiles.readFile(host) {
        case .success(let bytes): try archiving { () throws(CpioError) in try archive.addFile(guest, mode: permissions, bytes: bytes) }
        case .failure(let e): throw .addUnreadable(host, e)
        }
    }

    /// Walks with lstat, so symlinks to directories are never followed (no cycles, no
    /// escaping the tree). Sockets, FIFOs and devices inside a tree are skipped: they
    /// have no meaning in an initramfs, and failing the whole run for a stray socket
    /// would be worse.
    private static func addTree(host: String, guest: String, permissions: UInt32, to archive: inout CpioWriter) throws(WorkloadError) {
        try archiving { () throws(CpioError) in try archive.addDirectory(guest, mode: permissions) }
        let names: [String]
        switch HostFiles.listDirectory(host) {
        case .success(let n): names = n
        case .failure(let e): throw .addUnreadable(host, e)
        }
        for name in names {
            let childHost = host.hasSuffix("/") ? host + name : host + "/" + name
            let childGuest = guest.hasSuffix("/") ? guest + name : guest + "/" + name
            switch HostFiles.status(childHost, followSymlinks: false) {
            case .success(let s):
                switch s.kind {
                case .regular: try addFile(host: childHost, guest: childGuest, permissions: s.permissions, to: &archive)
                case .directory: try addTree(host: childHost, guest: childGuest, permissions: s.permissions, to: &archive)
                case .symlink:
                    switch HostFiles.readLink(childHost) {
                    case .success(let target):
                        try archiving { () throws(CpioError) in try archive.addSymlink(childGuest, target: target) }
                    case .failure(let e): throw .addUnreadable(childHost, e)
                    }
                case .other: continue
                }
            case .failure(let e): throw .addUnreadable(childHost, e)
            }
        }
    }

    private static func archiving(_ body: () throws(CpioError) -> Void) throws(WorkloadError) {
        do throws(CpioError) { try body() } catch { throw .archive(error) }
    }
}
