#if canImport(GuestABI)
import GuestABI
#endif

enum ProcText: Equatable {
    case meminfo, cpuinfo, mounts
}

/// The fixed inodes of /proc. There is one process, so `/proc/<pid>` is one directory
/// that always describes the caller.
final class ProcNodes {
    let root, selfLink, pidDirectory, exe, fdDirectory, meminfo, cpuinfo, mounts: Inode

    init(_ fs: Tmpfs) {
        root = fs.makeInode(.directory, permissions: 0o555)
        selfLink = fs.makeInode(.symlink, permissions: 0o777)
        pidDirectory = fs.makeInode(.directory, permissions: 0o555)
        exe = fs.makeInode(.symlink, permissions: 0o777)
        fdDirectory = fs.makeInode(.directory, permissions: 0o500)
        meminfo = fs.makeInode(.regular, permissions: 0o444)
        cpuinfo = fs.makeInode(.regular, permissions: 0o444)
        mounts = fs.makeInode(.regular, permissions: 0o444)
        root.synthetic = .procRoot
        selfLink.synthetic = .procSelf
        pidDirectory.synthetic = .procPidDirectory
        exe.synthetic = .procExe
        fdDirectory.synthetic = .procFdDirectory
        meminfo.synthetic = .procText(.meminfo)
        cpuinfo.synthetic = .procText(.cpuinfo)
        mounts.synthetic = .procText(.mounts)
        pidDirectory.parent = root
        fdDirectory.parent = pidDirectory
    }
}

/// /proc: children, listings, link targets and file text computed from the process.
enum ProcFS {
    /// Synthetic fd links get inode numbers far above the tmpfs counter.
    static let fdInodeBase: UInt64 = 0x7000_0000

    static func child(of dir: Inode, named name: [UInt8], process: Process) -> Inode? {
        for entry in listing(of: dir, process: process) where entry.name == name { return entry.inode }
        return nil
    }

    static func listing(of dir: Inode, process: Process) -> [DirectoryEntry] {
        guard let nodes = process.fs.tmpfs.proc else { return [] }
        var out: [DirectoryEntry] = []
        func add(_ name: [UInt8], _ inode: Inode) {
            out.append(DirectoryEntry(name: name, inode: inode, cookie: Int64(out.count) + 3))
        }
        switch dir.synthetic {
        case .procRoot:
            add(VFSBytes.decimal(process.pid), nodes.pidDirectory)
            add(VFSBytes.ascii("self"), nodes.selfLink)
            add(VFSBytes.ascii("meminfo"), nodes.meminfo)
            add(VFSBytes.ascii("cpuinfo"), nodes.cpuinfo)
            add(VFSBytes.ascii("mounts"), nodes.mounts)
        case .procPidDirectory:
            add(VFSBytes.ascii("exe"), nodes.exe)
            add(VFSBytes.ascii("fd"), nodes.fdDirectory)
            add(VFSBytes.ascii("mounts"), nodes.mounts)
        case .procFdDirectory:
            for fd in process.files.openDescriptors {
                let link = Inode(ino: fdInodeBase + UInt64(fd), kind: .symlink, permissions: 0o700,
                                 now: process.fs.tmpfs.now())
                link.synthetic = .procFdLink(fd)
                add(VFSBytes.decimal(fd), link)
            }
        default:
            break
        }
        return out
    }

    static func symlinkTarget(of link: Inode, process: Process) -> [UInt8] {
        switch link.synthetic {
        case .procSelf:
            return VFSBytes.decimal(process.pid)
        case .procExe:
            return process.exePath
        case .procFdLink(let fd):
            guard let file = try? process.files.get(fd) else { return [] }
            if file.inode == nil || file.path.isEmpty, let object = file.object { return object.procLinkTarget }
            return file.path
        default:
            return link.linkTarget
        }
    }

    static func text(_ kind: ProcText, process: Process) -> [UInt8] {
        switch kind {
        case .meminfo:
            return VFSBytes.ascii("MemTotal:         262144 kB\nMemFree:          131072 kB\nMemAvailable:     131072 kB\nBuffers:               0 kB\nCached:                0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n")
        case .cpuinfo:
            return VFSBytes.ascii("processor\t: 0\nvendor_id\t: Swiftlet\nmodel name\t: Swiftlet virtual CPU\ncpu cores\t: 1\nflags\t\t: fpu tsc cx8 cmov syscall nx lm\n\n")
        case .mounts:
            return VFSBytes.ascii("rootfs / tmpfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\nproc /proc proc rw 0 0\n")
        }
    }
}
