import KernelASM

/// poll(2), ppoll(2), select(2) and pselect6(2): scan descriptors' readiness
/// (`FileObject.pollEvents`), sleeping on `PollHub` until one is ready.
extension Process {
    static let fdSetSize = 1024

    /// poll(2): struct pollfd { int fd; short events; short revents; } (8 bytes).
    /// A timeout < 0 waits forever, 0 does not wait.
    func sysPoll(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let ms = Int32(truncatingIfNeeded: a.a2)
        let deadline: UInt64 = ms < 0 ? 0 : PollHub.deadline(after: UInt64(ms) * 1_000_000)
        if ms == 0 { return UInt64(try pollScan(fds: a.a0, count: a.a1, deadline: deadline, nonBlocking: true)) }
        return try pollRestartable(fds: a.a0, count: a.a1, deadline: deadline)
    }

    /// poll(2) interrupted with no handler run restarts (Linux do_sys_poll: ERESTARTNOHAND,
    /// with a timeout restart_syscall and the same deadline; area: jobctl2).
    func pollRestartable(fds: UInt64, count: UInt64, deadline: UInt64) throws(Errno) -> UInt64 {
        do throws(Errno) {
            return UInt64(try pollScan(fds: fds, count: count, deadline: deadline, nonBlocking: false))
        } catch {
            guard error == .EINTR else { throw error }
            if deadline == 0 { throw Errno(Signals.restartNoHand) }
            Scheduler.current.restartBlock = .poll(fds: fds, count: count, deadline: deadline)
            throw Errno(Signals.restartBlock)
        }
    }

    /// ppoll(2): timespec timeout (NULL = forever; the time left is written back, as
    /// the Linux syscall does) and a signal mask for the duration.
    func sysPpoll(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (deadline, nonBlocking) = try timespecTimeout(at: a.a2)
        let mask = try TemporarySignalMask(self, maskAt: a.a3, size: a.a4)
        do throws(Errno) {
            let n = try pollScan(fds: a.a0, count: a.a1, deadline: deadline, nonBlocking: nonBlocking)
            mask.finish(self, interrupted: false)
            if a.a2 != 0 { try? storeTimespec(timeLeft(deadline), at: a.a2) }
            return UInt64(n)
        } catch {
            mask.finish(self, interrupted: error == .EINTR)
            if a.a2 != 0 && error == .EINTR { try? storeTimespec(timeLeft(deadline), at: a.a2) }
            if error == .EINTR { throw Errno(Signals.restartNoHand) }      // area: jobctl2: time left stored
            throw error
        }
    }

    func timeLeft(_ deadline: UInt64) -> UInt64 {
        let now = services.monotonicNanoseconds()
        return deadline > now ? deadline - now : 0
    }

    func pollScan(fds: UInt64, count: UInt64, deadline: UInt64, nonBlocking: Bool) throws(Errno) -> Int {
        let count = count & 0xffff_ffff                               // area: audit: unsigned int nfds
        guard count <= UInt64(files.limit) else { throw .EINVAL }
        let n = Int(count)
        // area: audit: nfds is legal up to RLIMIT_NOFILE (1<<20): 10 bytes of kernel
        // memory each; ENOMEM (as poll(2) documents) when the heap cannot hold that.
        if n > 4096 && !Frames.heapCanTake(UInt64(n) * 20) { throw .ENOMEM }
        var entries: [UInt8] = n > 0 ? try user.copyIn(count: n * 8, from: fds) : []
        var revents = [UInt16](repeating: 0, count: n)
        let ready = try PollHub.wait(deadline: deadline, nonBlocking: nonBlocking) { () throws(Errno) -> (ready: Int, wakeAt: UInt64) in
            var ready = 0, wakeAt: UInt64 = 0
            for i in 0..<n {
                let b = i * 8
                let fd = Int32(bitPattern: UInt32(entries[b]) | UInt32(entries[b + 1]) << 8
                               | UInt32(entries[b + 2]) << 16 | UInt32(entries[b + 3]) << 24)
                let events = UInt32(entries[b + 4]) | UInt32(entries[b + 5]) << 8
                var r: UInt32 = 0
                if fd >= 0 {
                    if let file = try? files.get(fd) {
                        r = PollBits.events(of: file) & (events | PollBits.err | PollBits.hup)
                        if let o = file.object { wakeAt = PollHub.earlier(wakeAt, o.pollDeadline) }
                    } else {
                        r = PollBits.nval
                    }
                }
                revents[i] = UInt16(truncatingIfNeeded: r)
                if r != 0 { ready += 1 }
            }
            return (ready, wakeAt)
        }
        for i in 0..<n {
            entries[i * 8 + 6] = UInt8(truncatingIfNeeded: revents[i])
            entries[i * 8 + 7] = UInt8(truncatingIfNeeded: revents[i] >> 8)
        }
        if n > 0 { try user.copyOut(entries, to: fds) }
        return ready
    }

    /// select(2): struct timeval timeout, updated with the time left (Linux does).
    func sysSelect(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        var deadline: UInt64 = 0, nonBlocking = false
        if a.a4 != 0 {
            let sec = Int64(bitPattern: try user.load(at: a.a4) as UInt64)
            let usec = Int64(bitPattern: try user.load(at: a.a4 &+ 8) as UInt64)
            guard sec >= 0, usec >= 0 else { throw .EINVAL }
            // Linux normalizes usec ≥ 1e6 rather than rejecting it.
            let (s, o) = UInt64(sec).multipliedReportingOverflow(by: 1_000_000_000)
            let ns = o ? UInt64.max : s &+ min(UInt64(usec), 1 << 40) * 1000
            nonBlocking = ns == 0
            deadline = PollHub.deadline(after: ns)
        }
        let storeLeft = { () in
            guard a.a4 != 0 else { return }
            let left = self.timeLeft(deadline)
            try? self.user.store(left / 1_000_000_000, at: a.a4)
            try? self.user.store(left % 1_000_000_000 / 1000, at: a.a4 &+ 8)
        }
        do throws(Errno) {
            let n = try selectScan(a, deadline: deadline, nonBlocking: nonBlocking)
            storeLeft()
            return n
        } catch {
            if error == .EINTR { storeLeft(); throw Errno(Signals.restartNoHand) }   // area: jobctl2
            throw error
        }
    }

    /// pselect6(2): timespec timeout (updated), and a { sigset_t *ss; size_t len; }
    /// pair as the sixth argument.
    func sysPselect6(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (deadline, nonBlocking) = try timespecTimeout(at: a.a4)
        var maskAddress: UInt64 = 0, maskSize: UInt64 = 0
        if a.a5 != 0 {
            maskAddress = try user.load(at: a.a5)
            maskSize = try user.load(at: a.a5 &+ 8)
        }
        let mask = try TemporarySignalMask(self, maskAt: maskAddress, size: maskSize)
        do throws(Errno) {
            let n = try selectScan(a, deadline: deadline, nonBlocking: nonBlocking)
            mask.finish(self, interrupted: false)
            if a.a4 != 0 { try? storeTimespec(timeLeft(deadline), at: a.a4) }
            return n
        } catch {
            mask.finish(self, interrupted: error == .EINTR)
            if a.a4 != 0 && error == .EINTR { try? storeTimespec(timeLeft(deadline), at: a.a4) }
            if error == .EINTR { throw Errno(Signals.restartNoHand) }      // area: jobctl2
            throw error
        }
    }

    /// The three fd_set bitmaps of select: readable (IN, HUP, ERR), writable (OUT,
    /// ERR) and exceptional (PRI). A set bit for a closed descriptor is EBADF.
    func selectScan(_ a: SyscallArgs, deadline: UInt64, nonBlocking: Bool) throws(Errno) -> UInt64 {
        let raw = Int32(truncatingIfNeeded: a.a0)
        guard raw >= 0 else { throw .EINVAL }
        // Linux caps nfds at the descriptor table's size; bits beyond are ignored.
        let nfds = Int(min(raw, Int32(max(files.limit, Process.fdSetSize))))
        let words = (nfds + 63) / 64
        if words > 64 && !Frames.heapCanTake(UInt64(words) * 64) { throw .ENOMEM }   // area: audit
        let addresses = [a.a1, a.a2, a.a3]
        var sets = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: 3)
        for k in 0..<3 where addresses[k] != 0 {
            for w in 0..<words { sets[k][w] = try user.load(at: addresses[k] &+ UInt64(w * 8)) }
            if nfds % 64 != 0 { sets[k][words - 1] &= (UInt64(1) << UInt64(nfds % 64)) - 1 }
        }
        // Every descriptor named must be open.
        for w in 0..<words {
            var any = sets[0][w] | sets[1][w] | sets[2][w]
            while any != 0 {
                let bit = any.trailingZeroBitCount
                any &= any - 1
                guard files.isOpen(Int32(w * 64 + bit)) else { throw .EBADF }
            }
        }
        var out = sets
        let conditions: [UInt32] = [PollBits.readable | PollBits.hup | PollBits.err,
                                    PollBits.writable | PollBits.err, PollBits.pri]
        let total = try PollHub.wait(deadline: deadline, nonBlocking: nonBlocking) { () throws(Errno) -> (ready: Int, wakeAt: UInt64) in
            var total = 0, wakeAt: UInt64 = 0
            for w in 0..<words {
                out[0][w] = 0; out[1][w] = 0; out[2][w] = 0
                var any = sets[0][w] | sets[1][w] | sets[2][w]
                while any != 0 {
                    let bit = any.trailingZeroBitCount
                    any &= any - 1
                    let file = try files.get(Int32(w * 64 + bit))
                    let events = PollBits.events(of: file)
                    if let o = file.object { wakeAt = PollHub.earlier(wakeAt, o.pollDeadline) }
                    let m = UInt64(1) << UInt64(bit)
                    for k in 0..<3 where sets[k][w] & m != 0 && events & conditions[k] != 0 {
                        out[k][w] |= m
                        total += 1
                    }
                }
            }
            return (total, wakeAt)
        }
        for k in 0..<3 where addresses[k] != 0 {
            for w in 0..<words { try user.store(out[k][w], at: addresses[k] &+ UInt64(w * 8)) }
        }
        return UInt64(total)
    }
}

extension Process {
    /// An optional `struct timespec` timeout (ppoll, pselect6, epoll_pwait2): NULL waits
    /// forever (deadline 0), zero polls without blocking.
    func timespecTimeout(at address: UInt64) throws(Errno) -> (deadline: UInt64, nonBlocking: Bool) {
        guard address != 0 else { return (0, false) }
        let ns = try loadTimespec(at: address)
        return (PollHub.deadline(after: ns), ns == 0)
    }
}
