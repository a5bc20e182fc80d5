import KernelASM

/// An epoll instance (epoll(7)): an interest list of (descriptor, open file) watches.
/// Readiness is recomputed from each file's `pollEvents` when asked (no ready list):
/// level-triggered watches report while ready; EPOLLET ones only after the file's
/// `pollGeneration` moved since the last report; EPOLLONESHOT ones disarm after one.
final class Epoll: FileObject {
    static let et: UInt32 = 1 << 31, oneShot: UInt32 = 1 << 30
    static let wakeUp: UInt32 = 1 << 29, exclusive: UInt32 = 1 << 28
    /// Linux's EPOLL_MAX_NESTS.
    static let maxNesting = 4
    nonisolated(unsafe) static var scanDepth = 0

    struct Watch {
        let fd: Int32
        let file: OpenFile
        var events: UInt32
        var data: UInt64
        /// The file's pollGeneration at the last edge-triggered report (nil: none yet).
        var seen: UInt64?
        var disarmed = false
    }
    var watches: [Watch] = []

    func read(_ file: OpenFile, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int { throw .EINVAL }
    func write(_ file: OpenFile, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int { throw .EINVAL }
    var fileTypeBits: UInt32 { 0 }
    var procLinkTarget: [UInt8] { Array("anon_inode:[eventpoll]".utf8) }
    func release() { watches.removeAll() }

    /// Drops watches whose file description was closed everywhere (Linux removes a
    /// watch when its file is released, not when one descriptor closes).
    func prune() { watches.removeAll { $0.file.descriptorCount == 0 } }

    /// Events watch `i` would report now (0 if none).
    func pending(_ i: Int) -> UInt32 {
        let w = watches[i]
        guard !w.disarmed else { return 0 }
        let r = PollBits.events(of: w.file) & (w.events | PollBits.err | PollBits.hup)
        guard r != 0 else { return 0 }
        if w.events & Epoll.et != 0, let seen = w.seen, seen == generation(w.file) { return 0 }
        return r
    }

    func generation(_ file: OpenFile) -> UInt64 { file.object?.pollGeneration ?? 0 }

    /// Readable when a watch would report (for nesting in poll or another epoll).
    func pollEvents(_ file: OpenFile) -> UInt32 {
        guard Epoll.scanDepth <= Epoll.maxNesting else { return 0 }
        Epoll.scanDepth += 1
        defer { Epoll.scanDepth -= 1 }
        prune()
        for i in watches.indices where pending(i) != 0 { return PollBits.readable }
        return 0
    }

    var pollGeneration: UInt64 {
        guard Epoll.scanDepth <= Epoll.maxNesting else { return 0 }
        Epoll.scanDepth += 1
        defer { Epoll.scanDepth -= 1 }
        var g: UInt64 = 0
        for w in watches { g = g &* 31 &+ generation(w.file) }
        return g
    }

    var pollDeadline: UInt64 {
        guard Epoll.scanDepth <= Epoll.maxNesting else { return 0 }
        Epoll.scanDepth += 1
        defer { Epoll.scanDepth -= 1 }
        var d: UInt64 = 0
        for w in watches where !w.disarmed { d = PollHub.earlier(d, w.file.object?.pollDeadline ?? 0) }
        return d
    }

    /// Takes up to `max` ready events, updating edge and one-shot state; reported
    /// level-triggered watches move to the back so busy files do not starve others.
    func harvest(max: Int) -> [(UInt32, UInt64)] {
        prune()
        var out: [(UInt32, UInt64)] = []
        var reported: [Int] = []
        var i = 0
        while i < watches.count && out.count < max {
            let r = pending(i)
            if r != 0 {
                out.append((r, watches[i].data))
                if watches[i].events & Epoll.et != 0 { watches[i].seen = generation(watches[i].file) }
                if watches[i].events & Epoll.oneShot != 0 { watches[i].disarmed = true }
                reported.append(i)
            }
            i += 1
        }
        if !reported.isEmpty && reported.count < watches.count {
            var moved: [Watch] = []
            for k in reported.reversed() { moved.insert(watches.remove(at: k), at: 0) }
            watches.append(contentsOf: moved)
        }
        return out
    }

    /// True if `self` is `target` or watches it, directly or through nested epolls,
    /// within `depth` levels (ELOOP past Linux's nesting limit).
    func reaches(_ target: Epoll, depth: Int) -> Bool {
        if self === target || depth > Epoll.maxNesting { return true }
        for w in watches {
            if let inner = w.file.object as? Epoll, inner.reaches(target, depth: depth + 1) { return true }
        }
        return false
    }

    /// How deep epolls nest below `self` (1 = watches no epoll).
    func nestingDepth(_ level: Int = 1) -> Int {
        guard level <= Epoll.maxNesting + 1 else { return level }
        var deepest = level
        for w in watches {
            if let inner = w.file.object as? Epoll { deepest = max(deepest, inner.nestingDepth(level + 1)) }
        }
        return deepest
    }
}

extension Process {
    static let epollCtlAdd: UInt64 = 1, epollCtlDel: UInt64 = 2, epollCtlMod: UInt64 = 3

    /// epoll_create(2): the size hint must be positive.
    func sysEpollCreate(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard Int32(truncatingIfNeeded: a.a0) > 0 else { throw .EINVAL }
        return try epollCreate(flags: 0)
    }

    /// epoll_create1(2): EPOLL_CLOEXEC is the only flag.
    func sysEpollCreate1(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = UInt32(truncatingIfNeeded: a.a0)
        guard a.a0 >> 32 == 0, flags & ~LinuxOpen.closeOnExec == 0 else { throw .EINVAL }
        return try epollCreate(flags: flags)
    }

    func epollCreate(flags: UInt32) throws(Errno) -> UInt64 {
        let file = OpenFile(inode: nil, object: Epoll(), statusFlags: LinuxOpen.readWrite, path: [])
        return UInt64(try files.install(file, closeOnExec: flags & LinuxOpen.closeOnExec != 0))
    }

    func epoll(_ fd: UInt64) throws(Errno) -> Epoll {
        guard let e = try files.get(fd.asInt32).object as? Epoll else { throw .EINVAL }
        return e
    }

    /// epoll_ctl(2): struct epoll_event is packed on x86-64 { u32 events; u64 data; }.
    func sysEpollCtl(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let epFile = try files.get(a.a0.asInt32)
        let target = try files.get(a.a2.asInt32)
        guard let ep = epFile.object as? Epoll else { throw .EINVAL }
        // Plain files are always ready; Linux refuses to watch them.
        if target.object == nil, let inode = target.inode, inode.kind == .regular || inode.kind == .directory { throw .EPERM }
        guard target !== epFile else { throw .EINVAL }
        let fd = a.a2.asInt32
        let op = a.a1
        var events: UInt32 = 0, data: UInt64 = 0
        if op != Process.epollCtlDel {
            events = try user.load(at: a.a3)
            let lo: UInt32 = try user.load(at: a.a3 &+ 4)
            let hi: UInt32 = try user.load(at: a.a3 &+ 8)
            data = UInt64(lo) | UInt64(hi) << 32
        }
        ep.prune()
        let index = ep.watches.firstIndex { $0.fd == fd && $0.file === target }
        switch op {
        case Process.epollCtlAdd:
            guard index == nil else { throw .EEXIST }
            if events & Epoll.exclusive != 0 {
                // EPOLLEXCLUSIVE goes with plain events only, and not on an epoll.
                let allowed = PollBits.defaultMask | PollBits.hup | PollBits.err | PollBits.rdHup
                    | Epoll.et | Epoll.wakeUp | Epoll.exclusive
                guard events & ~allowed == 0, !(target.object is Epoll) else { throw .EINVAL }
            }
            if let inner = target.object as? Epoll {
                if inner.reaches(ep, depth: 1) || inner.nestingDepth() >= Epoll.maxNesting { throw .ELOOP }
            }
            ep.watches.append(Epoll.Watch(fd: fd, file: target, events: events, data: data, seen: nil))
            PollHub.notify()          // a waiter on the epoll itself may now be ready
        case Process.epollCtlMod:
            guard let i = index else { throw .ENOENT }
            guard events & Epoll.exclusive == 0, ep.watches[i].events & Epoll.exclusive == 0 else { throw .EINVAL }
            ep.watches[i].events = events
            ep.watches[i].data = data
            ep.watches[i].seen = nil
            ep.watches[i].disarmed = false
            PollHub.notify()
        case Process.epollCtlDel:
            guard let i = index else { throw .ENOENT }
            ep.watches.remove(at: i)
        default:
            throw .EINVAL
        }
        return 0
    }

    func sysEpollWait(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try sysEpollPwait(SyscallArgs(a.a0, a.a1, a.a2, a.a3, 0, 0))
    }

    /// epoll_pwait(2): timeout in ms (< 0 forever), an optional signal mask.
    func sysEpollPwait(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let ms = Int32(truncatingIfNeeded: a.a3)
        let deadline: UInt64 = ms < 0 ? 0 : PollHub.deadline(after: UInt64(ms) * 1_000_000)
        return try epollWait(a, deadline: deadline, nonBlocking: ms == 0)
    }

    /// epoll_pwait2(2): a timespec timeout (NULL forever).
    func sysEpollPwait2(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (deadline, nonBlocking) = try timespecTimeout(at: a.a3)
        return try epollWait(a, deadline: deadline, nonBlocking: nonBlocking)
    }

    func epollWait(_ a: SyscallArgs, deadline: UInt64, nonBlocking: Bool) throws(Errno) -> UInt64 {
        let maxEvents = Int32(truncatingIfNeeded: a.a2)
        guard maxEvents > 0, Int(maxEvents) <= Int(Int32.max) / 12 else { throw .EINVAL }
        let ep = try epoll(a.a0)
        // The whole output array must be writable before anything is consumed.
        let size = Int(maxEvents) * 12
        guard a.a1 < BootLayout.userLimit, a.a1 &+ UInt64(size) <= BootLayout.userLimit else { throw .EFAULT }
        let mask = try TemporarySignalMask(self, maskAt: a.a4, size: a.a5)
        var events: [(UInt32, UInt64)] = []
        do throws(Errno) {
            _ = try PollHub.wait(deadline: deadline, nonBlocking: nonBlocking) { () throws(Errno) -> (ready: Int, wakeAt: UInt64) in
                events = ep.harvest(max: Int(maxEvents))
                return (events.count, events.isEmpty ? ep.pollDeadline : 0)
            }
            mask.finish(self, interrupted: false)
        } catch {
            mask.finish(self, interrupted: error == .EINTR)
            throw error
        }
        var out = [UInt8](repeating: 0, count: events.count * 12)
        for (k, (ev, data)) in events.enumerated() {
            for j in 0..<4 { out[k * 12 + j] = UInt8(truncatingIfNeeded: ev >> UInt32(8 * j)) }
            for j in 0..<8 { out[k * 12 + 4 + j] = UInt8(truncatingIfNeeded: data >> UInt64(8 * j)) }
        }
        if !out.isEmpty { try user.copyOut(out, to: a.a1) }
        return UInt64(events.count)
    }
}
