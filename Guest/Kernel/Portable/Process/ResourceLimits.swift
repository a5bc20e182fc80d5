#if canImport(GuestABI)
import GuestABI
#endif

/// Per-process resource limits (getrlimit(2)): a soft and a hard value for each of the
/// 16 Linux resources. Copied by fork, kept by execve. `UInt64.max` is RLIM_INFINITY.
public struct ResourceLimits {
    public static let cpu = 0, fsize = 1, data = 2, stack = 3, core = 4, rss = 5, nproc = 6, nofile = 7
    public static let memlock = 8, addressSpace = 9, locks = 10, sigpending = 11, msgqueue = 12
    public static let nice = 13, rtprio = 14, rttime = 15
    public static let count = 16
    public static let infinity = UInt64.max
    /// fs.nr_open: the largest RLIMIT_NOFILE hard limit (EPERM above it, even for root).
    public static let nrOpen: UInt64 = 1 << 20
    /// The kernel's task limit (threads-max): set at boot from the memory size. Linux
    /// derives the default RLIMIT_NPROC and RLIMIT_SIGPENDING from it the same way.
    nonisolated(unsafe) public static var maxTasks: UInt64 = 512

    public var soft: [UInt64]
    public var hard: [UInt64]

    /// Linux's defaults for the first process (init_task plus what the kernel sets at
    /// boot): 8 MiB stack, no core files, 1024/4096 files, 8 MiB locked memory,
    /// 819200 bytes of message queues, NPROC and SIGPENDING half of threads-max.
    public init() {
        let inf = ResourceLimits.infinity
        soft = [UInt64](repeating: inf, count: ResourceLimits.count)
        hard = soft
        let tasks = ResourceLimits.maxTasks / 2
        func set(_ r: Int, _ s: UInt64, _ h: UInt64) { soft[r] = s; hard[r] = h }
        set(ResourceLimits.stack, 8 << 20, inf)
        set(ResourceLimits.core, 0, inf)
        set(ResourceLimits.nproc, tasks, tasks)
        set(ResourceLimits.nofile, 1024, 4096)
        set(ResourceLimits.memlock, 8 << 20, 8 << 20)
        set(ResourceLimits.sigpending, tasks, tasks)
        set(ResourceLimits.msgqueue, 819200, 819200)
        set(ResourceLimits.nice, 0, 0)
        set(ResourceLimits.rtprio, 0, 0)
    }

    public subscript(_ r: Int) -> (UInt64, UInt64) { (soft[r], hard[r]) }
}

/// Credentials (credentials(7)): real, effective and saved set-user/group ids, and the
/// supplementary groups. The program starts as root (uid 0), as in a Firecracker guest.
/// Root holds every capability; only CAP_SETUID/CAP_SETGID/CAP_SYS_RESOURCE and the
/// RLIMIT_NPROC exemption depend on it here (file permission bits are not checked).
public struct Credentials {
    public var uid: UInt32 = 0, euid: UInt32 = 0, suid: UInt32 = 0, fsuid: UInt32 = 0
    public var gid: UInt32 = 0, egid: UInt32 = 0, sgid: UInt32 = 0, fsgid: UInt32 = 0
    public var groups: [UInt32] = []
    public init() {}
    /// CAP_SYS_RESOURCE, CAP_SETUID, ...: held by effective uid 0.
    public var privileged: Bool { euid == 0 }
}

/// getrlimit, setrlimit, prlimit64 and the set*id family (area: limits).
extension Process {
    /// Finds a live process by pid (set by the kernel; without it only the caller).
    nonisolated(unsafe) public static var findProcess: ((Int32) -> Process?)? = nil

    public func sysGetrlimit(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a0 < UInt64(ResourceLimits.count) else { throw .EINVAL }
        let (cur, max) = limits[Int(a.a0)]
        try user.store(cur, at: a.a1)
        try user.store(max, at: a.a1 &+ 8)
        return 0
    }

    public func sysSetrlimit(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a0 < UInt64(ResourceLimits.count) else { throw .EINVAL }
        let newCur: UInt64 = try user.load(at: a.a1)
        let newMax: UInt64 = try user.load(at: a.a1 &+ 8)
        try setLimit(Int(a.a0), newCur, newMax, by: self)
        return 0
    }

    /// prlimit64(2): pid 0 is the caller. Another process needs matching ids (all of its
    /// real/effective/saved uids and gids equal the caller's real ones) or
    /// CAP_SYS_RESOURCE, else EPERM.
    public func sysPrlimit64(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let pid = Int32(truncatingIfNeeded: a.a0)
        guard a.a1 < UInt64(ResourceLimits.count) else { throw .EINVAL }
        let r = Int(a.a1)
        guard pid >= 0 else { throw .EINVAL }
        var target: Process = self
        if pid != 0 && pid != self.pid {
            guard let other = Process.findProcess?(pid) else { throw .ESRCH }
            target = other
            let c = credentials, t = other.credentials
            let same = c.uid == t.uid && c.uid == t.euid && c.uid == t.suid && c.gid == t.gid && c.gid == t.egid && c.gid == t.sgid
            guard same || c.privileged else { throw .EPERM }
        }
        var newLimit: (UInt64, UInt64)? = nil
        if a.a2 != 0 {
            let newCur: UInt64 = try user.load(at: a.a2)
            let newMax: UInt64 = try user.load(at: a.a2 &+ 8)
            newLimit = (newCur, newMax)
        }
        let old = target.limits[r]
        if let (cur, max) = newLimit { try target.setLimit(r, cur, max, by: self) }
        if a.a3 != 0 {
            try user.store(old.0, at: a.a3)
            try user.store(old.1, at: a.a3 &+ 8)
        }
        return 0
    }

    /// setrlimit(2) rules: EINVAL if soft > hard; raising the hard limit needs
    /// CAP_SYS_RESOURCE (EPERM); RLIMIT_NOFILE's hard limit is capped by fs.nr_open.
    func setLimit(_ r: Int, _ cur: UInt64, _ max: UInt64, by caller: Process) throws(Errno) {
        guard cur <= max else { throw .EINVAL }
        if max > limits.hard[r] && !caller.credentials.privileged { throw .EPERM }
        if r == ResourceLimits.nofile && max > ResourceLimits.nrOpen { throw .EPERM }
        limits.soft[r] = cur
        limits.hard[r] = max
        if r == ResourceLimits.nofile { files.limit = Int(cur) }
    }

    // --- credentials ---

    public func sysGetuid(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(credentials.uid) }
    public func sysGeteuid(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(credentials.euid) }
    public func sysGetgid(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(credentials.gid) }
    public func sysGetegid(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(credentials.egid) }

    /// -1 (as a 32-bit id) means "unchanged" for setre*id/setres*id.
    static func id(_ v: UInt64) -> UInt32? {
        let x = UInt32(truncatingIfNeeded: v)
        return x == UInt32.max ? nil : x
    }

    /// setuid(2): privileged sets all three (and fsuid); otherwise only the effective
    /// uid, to the real or saved one (EPERM). -1 is EINVAL.
    public func sysSetuid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard let u = Process.id(a.a0) else { throw .EINVAL }
        if credentials.privileged {
            credentials.uid = u; credentials.euid = u; credentials.suid = u
        } else {
            guard u == credentials.uid || u == credentials.suid else { throw .EPERM }
            credentials.euid = u
        }
        credentials.fsuid = credentials.euid
        return 0
    }

    public func sysSetgid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard let g = Process.id(a.a0) else { throw .EINVAL }
        if credentials.privileged {
            credentials.gid = g; credentials.egid = g; credentials.sgid = g
        } else {
            guard g == credentials.gid || g == credentials.sgid else { throw .EPERM }
            credentials.egid = g
        }
        credentials.fsgid = credentials.egid
        return 0
    }

    /// setresuid(2): each id may be -1 (unchanged); unprivileged callers may only use
    /// their current real, effective or saved uid.
    public func sysSetresuid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let c = credentials
        let r = Process.id(a.a0), e = Process.id(a.a1), s = Process.id(a.a2)
        if !c.privileged {
            for v in [r, e, s] { if let v, v != c.uid && v != c.euid && v != c.suid { throw .EPERM } }
        }
        if let r { credentials.uid = r }
        if let e { credentials.euid = e }
        if let s { credentials.suid = s }
        credentials.fsuid = credentials.euid
        return 0
    }

    public func sysSetresgid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let c = credentials
        let r = Process.id(a.a0), e = Process.id(a.a1), s = Process.id(a.a2)
        if !c.privileged {
            for v in [r, e, s] { if let v, v != c.gid && v != c.egid && v != c.sgid { throw .EPERM } }
        }
        if let r { credentials.gid = r }
        if let e { credentials.egid = e }
        if let s { credentials.sgid = s }
        credentials.fsgid = credentials.egid
        return 0
    }

    /// setreuid(2): unprivileged: real to real/effective, effective to real/effective/
    /// saved. The saved uid follows the new effective one when the real uid is set or
    /// the effective uid changes to something other than the real uid.
    public func sysSetreuid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let c = credentials
        let r = Process.id(a.a0), e = Process.id(a.a1)
        if !c.privileged {
            if let r, r != c.uid && r != c.euid { throw .EPERM }
            if let e, e != c.uid && e != c.euid && e != c.suid { throw .EPERM }
        }
        if let r { credentials.uid = r }
        if let e { credentials.euid = e }
        if r != nil || (e != nil && e != c.uid) { credentials.suid = credentials.euid }
        credentials.fsuid = credentials.euid
        return 0
    }

    public func sysSetregid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let c = credentials
        let r = Process.id(a.a0), e = Process.id(a.a1)
        if !c.privileged {
            if let r, r != c.gid && r != c.egid { throw .EPERM }
            if let e, e != c.gid && e != c.egid && e != c.sgid { throw .EPERM }
        }
        if let r { credentials.gid = r }
        if let e { credentials.egid = e }
        if r != nil || (e != nil && e != c.gid) { credentials.sgid = credentials.egid }
        credentials.fsgid = credentials.egid
        return 0
    }

    public func sysGetresuid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try user.store(credentials.uid, at: a.a0)
        try user.store(credentials.euid, at: a.a1)
        try user.store(credentials.suid, at: a.a2)
        return 0
    }

    public func sysGetresgid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try user.store(credentials.gid, at: a.a0)
        try user.store(credentials.egid, at: a.a1)
        try user.store(credentials.sgid, at: a.a2)
        return 0
    }

    /// setfsuid/setfsgid return the previous value and never fail visibly.
    public func sysSetfsuid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let old = credentials.fsuid
        if let u = Process.id(a.a0), credentials.privileged || u == credentials.uid || u == credentials.euid || u == credentials.suid {
            credentials.fsuid = u
        }
        return UInt64(old)
    }

    public func sysSetfsgid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let old = credentials.fsgid
        if let g = Process.id(a.a0), credentials.privileged || g == credentials.gid || g == credentials.egid || g == credentials.sgid {
            credentials.fsgid = g
        }
        return UInt64(old)
    }

    /// getgroups(2): size 0 returns the count; a smaller buffer is EINVAL.
    public func sysGetgroups(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let size = Int32(truncatingIfNeeded: a.a0)
        guard size >= 0 else { throw .EINVAL }
        let g = credentials.groups
        if size == 0 { return UInt64(g.count) }
        guard Int(size) >= g.count else { throw .EINVAL }
        for (i, v) in g.enumerated() { try user.store(v, at: a.a1 &+ UInt64(i * 4)) }
        return UInt64(g.count)
    }

    /// setgroups(2): CAP_SETGID (EPERM), at most NGROUPS_MAX 65536 (EINVAL).
    public func sysSetgroups(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard credentials.privileged else { throw .EPERM }
        guard a.a0 <= 65536 else { throw .EINVAL }
        var g: [UInt32] = []
        for i in 0..<Int(a.a0) { let v: UInt32 = try user.load(at: a.a1 &+ UInt64(i * 4)); g.append(v) }
        credentials.groups = g
        return 0
    }
}

/// RLIMIT_AS and RLIMIT_DATA checks for mmap, mremap and brk (Linux's may_expand_vm):
/// ENOMEM when the address space would pass RLIMIT_AS, or the private writable
/// (non-stack) memory would pass RLIMIT_DATA.
extension Process {
    /// Bytes of `memory` inside [lo, hi): (all, private writable non-stack).
    func mappedBytes(_ lo: UInt64, _ hi: UInt64) -> (UInt64, UInt64) {
        var all: UInt64 = 0, data: UInt64 = 0
        for a in memory.areas where a.end > lo && a.start < hi {
            let n = min(a.end, hi) - max(a.start, lo)
            all &+= n
            if Process.isData(a) { data &+= n }
        }
        return (all, data)
    }

    static func isData(_ a: VMA) -> Bool {
        guard a.prot.contains(.write), !a.shared else { return false }
        let n = a.name
        if n.utf8CodeUnitCount == 7, n.utf8Start[1] == UInt8(ascii: "s") { return false }   // [stack]
        return true
    }

    /// Throws ENOMEM if mapping `length` new bytes (of which `dataBytes` private writable),
    /// after freeing [freedLo, freedHi), would pass RLIMIT_AS or RLIMIT_DATA.
    public func checkMemoryLimits(adding length: UInt64, data dataBytes: UInt64,
                                  freeing freedLo: UInt64 = 0, _ freedHi: UInt64 = 0) throws(Errno) {
        let asLimit = limits.soft[ResourceLimits.addressSpace], dataLimit = limits.soft[ResourceLimits.data]
        if asLimit == ResourceLimits.infinity && dataLimit == ResourceLimits.infinity { return }
        let (total, data) = mappedBytes(0, UInt64.max)
        let (freed, freedData) = freedHi > freedLo ? mappedBytes(freedLo, freedHi) : (0, 0)
        let newTotal = (total - freed).addingReportingOverflow(length)
        guard !newTotal.overflow, newTotal.partialValue <= asLimit else { throw .ENOMEM }
        if dataBytes > 0 {
            let newData = (data - freedData).addingReportingOverflow(dataBytes)
            guard !newData.overflow, newData.partialValue <= dataLimit else { throw .ENOMEM }
        }
    }
}
