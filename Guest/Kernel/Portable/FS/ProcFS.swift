#if canImport(GuestABI)
import GuestABI
#endif

enum ProcText: Equatable {
    case meminfo, cpuinfo, mounts
    /// area: timers — /proc/<pid>/{maps,status,cmdline}; pid 0 is the caller.
    case maps(Int32), status(Int32), cmdline(Int32)
    /// area: jobctl2 — /proc/<pid>/stat (proc(5) field layout).
    case stat(Int32)
    /// area: proctask — /proc/<pid>/comm and /proc/<pid>/task/<tid>/{stat,status,comm}.
    case comm(Int32), taskStat(Int32, Int32), taskStatus(Int32, Int32), taskComm(Int32, Int32)
}

/// The fixed inodes of /proc. There is one process, so `/proc/<pid>` is one directory
/// that always describes the caller.
final class ProcNodes {
    let root, selfLink, pidDirectory, exe, fdDirectory, meminfo, cpuinfo, mounts: Inode
    let maps, status, cmdline: Inode
    let stat: Inode                                                 // area: jobctl2
    let taskDirectory, threadSelf, comm: Inode                      // area: proctask

    init(_ fs: Tmpfs) {
        root = fs.makeInode(.directory, permissions: 0o555)
        selfLink = fs.makeInode(.symlink, permissions: 0o777)
        pidDirectory = fs.makeInode(.directory, permissions: 0o555)
        exe = fs.makeInode(.symlink, permissions: 0o777)
        fdDirectory = fs.makeInode(.directory, permissions: 0o500)
        meminfo = fs.makeInode(.regular, permissions: 0o444)
        cpuinfo = fs.makeInode(.regular, permissions: 0o444)
        mounts = fs.makeInode(.regular, permissions: 0o444)
        maps = fs.makeInode(.regular, permissions: 0o444)
        status = fs.makeInode(.regular, permissions: 0o444)
        cmdline = fs.makeInode(.regular, permissions: 0o444)
        stat = fs.makeInode(.regular, permissions: 0o444)
        stat.synthetic = .procText(.stat(0))
        taskDirectory = fs.makeInode(.directory, permissions: 0o555)   // area: proctask
        taskDirectory.synthetic = .procTaskDirectory(0)
        taskDirectory.parent = pidDirectory
        threadSelf = fs.makeInode(.symlink, permissions: 0o777)
        threadSelf.synthetic = .procThreadSelf
        comm = fs.makeInode(.regular, permissions: 0o644)
        comm.synthetic = .procText(.comm(0))
        maps.synthetic = .procText(.maps(0))
        status.synthetic = .procText(.status(0))
        cmdline.synthetic = .procText(.cmdline(0))
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
        if dir.synthetic == .procRoot { return hiddenThread(named: name, process: process) }   // area: proctask
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
            add(VFSBytes.ascii("thread-self"), nodes.threadSelf)          // area: proctask
            add(VFSBytes.ascii("meminfo"), nodes.meminfo)
            add(VFSBytes.ascii("cpuinfo"), nodes.cpuinfo)
            add(VFSBytes.ascii("mounts"), nodes.mounts)
            for other in processes?() ?? [] where other.pid != process.pid {      // area: timers
                let dir = Inode(ino: otherPidInodeBase + UInt64(UInt32(bitPattern: other.pid)) * 4, kind: .directory,
                                permissions: 0o555, now: process.fs.tmpfs.now())
                dir.synthetic = .procOtherPid(other.pid)
                dir.parent = nodes.root
                add(VFSBytes.decimal(other.pid), dir)
            }
        case .procOtherPid(let pid):
            let kinds: [(StaticString, ProcText)] = [("maps", .maps(pid)), ("status", .status(pid)), ("cmdline", .cmdline(pid))]
            for (k, (name, kind)) in kinds.enumerated() {
                let node = Inode(ino: otherPidInodeBase + UInt64(UInt32(bitPattern: pid)) * 4 + UInt64(k + 1), kind: .regular,
                                 permissions: 0o444, now: process.fs.tmpfs.now())
                node.synthetic = .procText(kind)
                add(VFSBytes.ascii(name), node)
            }
            // area: limits: exe and fd of another process
            let base = otherNodeBase + UInt64(UInt32(bitPattern: pid)) << 24
            let statNode = Inode(ino: base + (1 << 22), kind: .regular, permissions: 0o444, now: process.fs.tmpfs.now())
            statNode.synthetic = .procText(.stat(pid))                  // area: jobctl2
            add(VFSBytes.ascii("stat"), statNode)
            let exe = Inode(ino: base, kind: .symlink, permissions: 0o777, now: process.fs.tmpfs.now())
            exe.synthetic = .procOtherExe(pid)
            add(VFSBytes.ascii("exe"), exe)
            let fd = Inode(ino: base + 1, kind: .directory, permissions: 0o500, now: process.fs.tmpfs.now())
            fd.synthetic = .procOtherFdDirectory(pid)
            fd.parent = dir
            add(VFSBytes.ascii("fd"), fd)
            addTaskNodes(pid: pid, parent: dir, process: process, add)   // area: proctask
        case .procTaskDirectory, .procTaskEntry:                        // area: proctask
            taskListing(of: dir, process: process, add)
        case .procOtherFdDirectory(let pid):
            guard let other = target(pid, process), !isZombie(other) else { break }
            let base = otherNodeBase + UInt64(UInt32(bitPattern: pid)) << 24 + 2
            for fd in other.files.openDescriptors {
                let link = Inode(ino: base + UInt64(fd), kind: .symlink, permissions: 0o700, now: process.fs.tmpfs.now())
                link.synthetic = .procOtherFdLink(pid, fd)
                add(VFSBytes.decimal(fd), link)
            }
        case .procPidDirectory:
            add(VFSBytes.ascii("exe"), nodes.exe)
            add(VFSBytes.ascii("fd"), nodes.fdDirectory)
            add(VFSBytes.ascii("mounts"), nodes.mounts)
            add(VFSBytes.ascii("maps"), nodes.maps)
            add(VFSBytes.ascii("status"), nodes.status)
            add(VFSBytes.ascii("cmdline"), nodes.cmdline)
            add(VFSBytes.ascii("stat"), nodes.stat)                        // area: jobctl2
            add(VFSBytes.ascii("task"), nodes.taskDirectory)               // area: proctask
            add(VFSBytes.ascii("comm"), nodes.comm)
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
        case .procThreadSelf:                                       // area: proctask
            return VFSBytes.decimal(process.pid) + VFSBytes.ascii("/task/") + VFSBytes.decimal(currentTid?() ?? process.pid)
        case .procOtherExe(let pid):                                // area: limits
            guard let other = target(pid, process), !isZombie(other) else { return [] }   // area: jobctl2: ENOENT
            return other.exePath
        case .procOtherFdLink(let pid, let fd):
            guard let other = target(pid, process), let file = try? other.files.get(fd) else { return [] }
            if file.inode == nil || file.path.isEmpty, let object = file.object { return object.procLinkTarget }
            return file.path
        default:
            return link.linkTarget
        }
    }

    static func text(_ kind: ProcText, process: Process) -> [UInt8] {
        switch kind {
        case .meminfo:
            return VFSBytes.ascii("MemTotal:         262144 kB\nMemFree:          131072 kB\nMemAvailable:     131072 kB\nBuffers:               0 kB\nCached:                0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n") + slabLine()   // area: limits
        case .cpuinfo:
            return VFSBytes.ascii("processor\t: 0\nvendor_id\t: Swiftlet\nmodel name\t: Swiftlet virtual CPU\ncpu cores\t: 1\nflags\t\t: fpu tsc cx8 cmov syscall nx lm\n\n")
        case .mounts:
            return VFSBytes.ascii("rootfs / tmpfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\nproc /proc proc rw 0 0\n")
        case .maps(let pid):
            guard let p = target(pid, process), !isZombie(p) else { return [] }
            return maps(p)
        case .status(let pid):
            guard let p = target(pid, process) else { return [] }
            return status(p)
        case .cmdline(let pid):
            guard let p = target(pid, process), !isZombie(p) else { return [] }   // area: jobctl2
            return p.cmdline
        case .stat(let pid):
            guard let p = target(pid, process) else { return [] }
            return stat(p)
        case .comm(let pid), .taskComm(let pid, _), .taskStat(let pid, _), .taskStatus(let pid, _):   // area: proctask
            guard let p = target(pid, process) else { return [] }
            return taskText(kind, p)
        }
    }

    // --- area: limits ---
    /// Bytes of kernel heap in use (set by the kernel), shown as meminfo's Slab line.
    nonisolated(unsafe) static var kernelHeapBytes: (() -> UInt64)? = nil

    static func slabLine() -> [UInt8] {
        guard let bytes = kernelHeapBytes?() else { return [] }
        var digits = VFSBytes.decimal(Int32(truncatingIfNeeded: min(bytes / 1024, UInt64(Int32.max))))
        while digits.count < 8 { digits.insert(0x20, at: 0) }
        return VFSBytes.ascii("Slab:          ") + digits + VFSBytes.ascii(" kB\n")
    }
    // --- end limits ---

    // --- /proc/<pid>/maps, status (area: timers) ---

    /// The processes, zombies included (set by the kernel; without it /proc shows only
    /// the caller).
    nonisolated(unsafe) static var processes: (() -> [Process])? = nil
    static let otherPidInodeBase: UInt64 = 0x7800_0000
    /// area: limits: /proc/<pid>/exe, fd and fd/N of other processes (pid << 24 + n).
    static let otherNodeBase: UInt64 = 0x1_0000_0000_0000

    static func target(_ pid: Int32, _ caller: Process) -> Process? {
        if pid == 0 || pid == caller.pid { return caller }
        return processes?().first { $0.pid == pid }
    }

    static func hex(_ v: UInt64, width: Int) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        var x = v
        repeat { out.append(digits[Int(x & 15)]); x >>= 4 } while x != 0
        while out.count < width { out.append(0x30) }
        return out.reversed()
    }

    /// Path of a regular file: a search of the tree from the root (regular inodes keep
    /// no parent). nil if it has no name any more.
    static func findPath(_ target: Inode, in dir: Inode, prefix: [UInt8], depth: Int) -> [UInt8]? {
        guard depth < 64, dir.kind == .directory, dir.synthetic == .none else { return nil }
        for e in dir.entries {
            let path = prefix + [0x2f] + e.name
            if e.inode === target { return path }
            if e.inode.kind == .directory, let p = findPath(target, in: e.inode, prefix: path, depth: depth + 1) { return p }
        }
        return nil
    }

    /// Linux format: `start-end perms offset major:minor inode`, padded to column 73
    /// before the path or `[heap]`/`[stack]`/`[vdso]`. Adjacent areas that Linux would
    /// have merged (same protection, sharing, backing and contiguous offsets) are merged.
    static func maps(_ process: Process) -> [UInt8] {
        var merged: [VMA] = []
        for a in process.memory.areas {
            if var last = merged.last, last.end == a.start, last.prot == a.prot, last.shared == a.shared,
               last.growsDown == a.growsDown,                                     // area: proctask
               last.file === a.file, a.file == nil || last.fileOffset &+ (last.end - last.start) == a.fileOffset,
               last.name.utf8CodeUnitCount == a.name.utf8CodeUnitCount,
               a.name.utf8CodeUnitCount == 0 || last.name.utf8Start == a.name.utf8Start {
                last.end = a.end
                merged[merged.count - 1] = last
            } else {
                merged.append(a)
            }
        }
        var out: [UInt8] = []
        var pathCache: [(Inode, [UInt8])] = []
        for a in merged {
            let lineStart = out.count
            out += hex(a.start, width: 8); out.append(0x2d); out += hex(a.end, width: 8); out.append(0x20)
            out.append(a.prot.contains(.read) ? 0x72 : 0x2d)
            out.append(a.prot.contains(.write) ? 0x77 : 0x2d)
            out.append(a.prot.contains(.exec) ? 0x78 : 0x2d)
            out.append(a.shared ? 0x73 : 0x70)
            out.append(0x20)
            out += hex(a.file != nil ? a.fileOffset : 0, width: 8)
            out += VFSBytes.ascii(a.file != nil ? " 00:01 " : " 00:00 ")
            out += VFSBytes.decimal(a.file?.ino ?? 0)
            out.append(0x20)
            var name: [UInt8] = []
            if let f = a.file {
                if let hit = pathCache.first(where: { $0.0 === f }) { name = hit.1 }
                else {
                    name = findPath(f, in: process.fs.root, prefix: [], depth: 0) ?? (VFSBytes.ascii("/") + VFSBytes.decimal(f.ino) + VFSBytes.ascii(" (deleted)"))
                    pathCache.append((f, name))
                }
            } else if a.name.utf8CodeUnitCount > 0 {
                name = Array(UnsafeBufferPointer(start: a.name.utf8Start, count: a.name.utf8CodeUnitCount))
            } else if process.memory.brkStart != 0 && a.start == process.memory.brkStart {
                name = VFSBytes.ascii("[heap]")
            }
            if !name.isEmpty {
                out.removeLast()
                while out.count - lineStart < 72 { out.append(0x20) }
                out.append(0x20)
                out += name
            }
            out.append(0x0a)
        }
        return out
    }

    static func commName(_ process: Process, tid: Int32 = 0) -> [UInt8] {
        if tid != 0 && tid != process.pid, let n = process.threadNames.first(where: { $0.tid == tid }) { return n.name }
        var name = process.comm
        if name.isEmpty {
            name = process.exePath
            if let slash = name.lastIndex(of: 0x2f) { name = Array(name[(slash + 1)...]) }
            if name.count > 15 { name = Array(name[0..<15]) }
        }
        return name
    }

    static func status(_ process: Process, thread: ProcThread? = nil) -> [UInt8] {
        let name = commName(process, tid: thread?.tid ?? 0)
        var info = kernelStat?(process) ?? ProcStat(ppid: process.parentPid)          // area: jobctl2
        if let t = thread, info.state != 0x5a && info.state != 0x54 { info.state = t.state }   // area: proctask
        let (ppid, threads) = (info.ppid, info.threads)
        let rss = info.rssPages
        var size: UInt64 = 0
        for a in process.memory.areas { size &+= a.end - a.start }
        func line(_ key: StaticString, _ value: [UInt8]) -> [UInt8] { VFSBytes.ascii(key) + [0x3a, 0x09] + value + [0x0a] }
        func kb(_ bytes: UInt64) -> [UInt8] {
            var digits: [UInt8] = []
            var x = bytes / 1024
            repeat { digits.append(0x30 + UInt8(x % 10)); x /= 10 } while x != 0
            return digits.reversed() + VFSBytes.ascii(" kB")
        }
        var out: [UInt8] = []
        out += line("Name", name)
        out += line("Umask", VFSBytes.ascii("00") + [0x30 + UInt8((process.fs.umask >> 6) & 7), 0x30 + UInt8((process.fs.umask >> 3) & 7), 0x30 + UInt8(process.fs.umask & 7)])
        out += line("State", [info.state, 0x20] + VFSBytes.ascii(ProcStat.stateName(info.state)))   // area: jobctl2
        out += line("Tgid", VFSBytes.decimal(process.pid))
        out += line("Ngid", VFSBytes.ascii("0"))
        out += line("Pid", VFSBytes.decimal(thread?.tid ?? process.pid))
        out += line("PPid", VFSBytes.decimal(ppid))
        out += line("TracerPid", VFSBytes.ascii("0"))
        out += line("Uid", VFSBytes.ascii("0\t0\t0\t0"))
        out += line("Gid", VFSBytes.ascii("0\t0\t0\t0"))
        if info.state != 0x5a {                                    // a zombie has no memory lines
            out += line("VmSize", kb(size))
            out += line("VmRSS", kb(rss * 4096))
        }
        out += line("Threads", VFSBytes.decimal(Int32(truncatingIfNeeded: threads)))
        out += line("SigBlk", hex(process.signalMask, width: 16))
        out += line("Cpus_allowed", VFSBytes.ascii("1"))
        out += line("Cpus_allowed_list", VFSBytes.ascii("0"))
        return out
    }
}

// --- /proc/<pid>/stat and process states (area: jobctl2) ---

/// What the kernel knows about a process for /proc/<pid>/stat and status. Times are
/// nanoseconds; `state` is the proc(5) letter: R running, S sleeping, T stopped, Z zombie.
struct ProcStat {
    var state: UInt8 = 0x52
    var ppid: Int32 = 0, pgrp: Int32 = 0, session: Int32 = 0
    var threads = 1
    var rssPages: UInt64 = 0
    var userNanoseconds: UInt64 = 0, systemNanoseconds: UInt64 = 0
    var childUserNanoseconds: UInt64 = 0, childSystemNanoseconds: UInt64 = 0
    var nice: Int32 = 0
    var exitCode: Int32 = 0

    static func stateName(_ c: UInt8) -> StaticString {
        switch c {
        case 0x53: return "(sleeping)"
        case 0x54: return "(stopped)"
        case 0x5a: return "(zombie)"
        default: return "(running)"
        }
    }
}

extension ProcFS {
    /// Set by the kernel; without it every process looks running.
    nonisolated(unsafe) static var kernelStat: ((Process) -> ProcStat)? = nil

    static func isZombie(_ p: Process) -> Bool { kernelStat?(p).state == 0x5a }

    /// proc(5) /proc/<pid>/stat: 52 space-separated fields on one line. Clock-tick
    /// fields are in USER_HZ (100); memory of a zombie is 0, as on Linux.
    static func stat(_ p: Process, thread: ProcThread? = nil) -> [UInt8] {
        var info = kernelStat?(p) ?? ProcStat(ppid: p.parentPid)
        if let t = thread {                                          // area: proctask: the thread's state and times
            if info.state != 0x5a && info.state != 0x54 { info.state = t.state }
            info.userNanoseconds = t.userNanoseconds; info.systemNanoseconds = t.systemNanoseconds
        }
        let zombie = info.state == 0x5a
        var vsize: UInt64 = 0
        if !zombie { for a in p.memory.areas { vsize &+= a.end - a.start } }
        func ticks(_ ns: UInt64) -> UInt64 { ns / 10_000_000 }
        var out = num(Int64(thread?.tid ?? p.pid)) + [0x20, 0x28] + commName(p, tid: thread?.tid ?? 0) + [0x29, 0x20, info.state]
        func field(_ v: Int64) { out.append(0x20); out += num(v) }
        func ufield(_ v: UInt64) { out.append(0x20); out += unum(v) }
        field(Int64(info.ppid)); field(Int64(info.pgrp)); field(Int64(info.session))
        field(0); field(-1)                                          // tty_nr, tpgid: no terminal
        field(zombie ? 0x0040_0004 : 0x0040_0000)                    // flags (PF_EXITING on a zombie)
        field(0); field(0); field(0); field(0)                       // minflt cminflt majflt cmajflt
        ufield(ticks(info.userNanoseconds)); ufield(ticks(info.systemNanoseconds))
        ufield(ticks(info.childUserNanoseconds)); ufield(ticks(info.childSystemNanoseconds))
        field(Int64(20 + info.nice)); field(Int64(info.nice))        // priority, nice
        field(Int64(info.threads)); field(0)                         // num_threads, itrealvalue
        ufield(ticks(p.startMonotonic))                              // starttime
        ufield(vsize); ufield(zombie ? 0 : info.rssPages)
        ufield(p.limits.soft[ResourceLimits.rss])                    // rsslim
        for _ in 0..<5 { field(0) }                                  // startcode endcode startstack kstkesp kstkeip
        field(0); ufield(p.signalMask); field(0); field(0)           // signal blocked sigignore sigcatch
        field(0); field(0); field(0)                                 // wchan nswap cnswap
        field(17); field(0); field(0); field(0); field(0)            // exit_signal processor rt_priority policy delayacct
        field(0); field(0)                                           // guest_time cguest_time
        for _ in 0..<7 { field(0) }                                  // start_data ... env_end
        field(Int64(info.exitCode))
        out.append(0x0a)
        return out
    }

    static func unum(_ v: UInt64) -> [UInt8] {
        var digits: [UInt8] = []
        var x = v
        repeat { digits.append(0x30 + UInt8(x % 10)); x /= 10 } while x != 0
        return digits.reversed()
    }

    static func num(_ v: Int64) -> [UInt8] {
        v < 0 ? [0x2d] + unum(UInt64(bitPattern: 0 &- v)) : unum(UInt64(v))
    }
}

// --- /proc/<pid>/task, /proc/thread-self, comm (area: proctask) ---

/// One live thread of a process as the kernel reports it; `state` is the proc(5) letter.
struct ProcThread {
    var tid: Int32
    var state: UInt8 = 0x52
    var userNanoseconds: UInt64 = 0, systemNanoseconds: UInt64 = 0
}

extension ProcFS {
    /// Set by the kernel: the live threads of a process, leader first (without it, the
    /// leader alone), and the calling thread's id.
    nonisolated(unsafe) static var kernelThreads: ((Process) -> [ProcThread])? = nil
    nonisolated(unsafe) static var currentTid: (() -> Int32)? = nil
    /// Task nodes: 1 << 60 | pid << 32 | tid << 3 | n.
    static let taskNodeBase: UInt64 = 1 << 60

    static func threads(_ p: Process) -> [ProcThread] {
        kernelThreads?(p) ?? [ProcThread(tid: p.pid)]
    }

    static func taskNode(_ pid: Int32, _ tid: Int32, _ n: UInt64, _ kind: InodeKind, _ perms: UInt32, _ process: Process) -> Inode {
        Inode(ino: taskNodeBase | UInt64(UInt32(bitPattern: pid) & 0xfffffff) << 32 | UInt64(UInt32(bitPattern: tid)) << 3 | n,
              kind: kind, permissions: perms, now: process.fs.tmpfs.now())
    }

    /// `task` and `comm` in /proc/<pid> of another process.
    static func addTaskNodes(pid: Int32, parent: Inode, process: Process, _ add: ([UInt8], Inode) -> Void) {
        let task = taskNode(pid, 0, 1, .directory, 0o555, process)
        task.synthetic = .procTaskDirectory(pid)
        task.parent = parent
        add(VFSBytes.ascii("task"), task)
        let comm = taskNode(pid, 0, 2, .regular, 0o644, process)
        comm.synthetic = .procText(.comm(pid))
        add(VFSBytes.ascii("comm"), comm)
    }

    /// /proc/<tid> of a thread that is not a leader: not listed, but reachable (Linux),
    /// as the thread's task directory.
    static func hiddenThread(named name: [UInt8], process: Process) -> Inode? {
        guard !name.isEmpty, name.count < 10, name.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var tid: Int32 = 0
        for c in name { tid = tid * 10 + Int32(c - 0x30) }
        for p in processes?() ?? [process] where p.pid != tid {
            if threads(p).contains(where: { $0.tid == tid }) {
                let node = taskNode(p.pid, tid, 0, .directory, 0o555, process)
                node.synthetic = .procTaskEntry(p.pid, tid)
                node.parent = process.fs.tmpfs.proc?.root
                return node
            }
        }
        return nil
    }

    static func taskListing(of dir: Inode, process: Process, _ add: ([UInt8], Inode) -> Void) {
        switch dir.synthetic {
        case .procTaskDirectory(let pid):
            guard let p = target(pid, process), !isZombie(p) else { return }
            for t in threads(p) {
                let node = taskNode(pid, t.tid, 0, .directory, 0o555, process)
                node.synthetic = .procTaskEntry(pid, t.tid)
                node.parent = dir
                add(VFSBytes.decimal(t.tid), node)
            }
        case .procTaskEntry(let pid, let tid):
            let kinds: [(StaticString, ProcText, UInt32)] = [("stat", .taskStat(pid, tid), 0o444),
                                                             ("status", .taskStatus(pid, tid), 0o444),
                                                             ("comm", .taskComm(pid, tid), 0o644),
                                                             ("cmdline", .cmdline(pid), 0o444)]
            for (k, (name, kind, perms)) in kinds.enumerated() {
                let node = taskNode(pid, tid, UInt64(k + 3), .regular, perms, process)
                node.synthetic = .procText(kind)
                add(VFSBytes.ascii(name), node)
            }
        default:
            break
        }
    }

    static func taskText(_ kind: ProcText, _ p: Process) -> [UInt8] {
        switch kind {
        case .comm:
            return commName(p) + [0x0a]
        case .taskComm(_, let tid), .taskStat(_, let tid), .taskStatus(_, let tid):
            guard let t = threads(p).first(where: { $0.tid == tid }) else { return [] }
            if case .taskComm = kind { return commName(p, tid: tid) + [0x0a] }
            if case .taskStat = kind { return stat(p, thread: t) }
            return status(p, thread: t)
        default:
            return []
        }
    }
}
