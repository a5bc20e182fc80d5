import KernelASM

/// signalfd(2): reading takes pending signals in `mask` (which the caller blocks with
/// sigprocmask) as 128-byte struct signalfd_siginfo records, instead of running
/// handlers. It reads the calling thread's signals, then its process's other threads'.
final class SignalFD: FileObject {
    static let recordSize = 128
    var mask: UInt64

    init(mask: UInt64) { self.mask = mask }

    static func cleaned(_ mask: UInt64) -> UInt64 {
        mask & ~(Signals.bit(Signals.SIGKILL) | Signals.bit(Signals.SIGSTOP))
    }

    /// The task holding a pending signal from the mask: the caller first.
    func holder() -> Task? {
        let me: Task = Scheduler.current
        if me.pendingSignals & mask != 0 { return me }
        guard let entry = me.entry else { return nil }
        return entry.tasks.first { $0.state != .zombie && $0.pendingSignals & mask != 0 }
    }

    func read(_ file: OpenFile, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard buffer.count >= SignalFD.recordSize else { throw .EINVAL }
        while holder() == nil {
            if file.isNonBlocking { throw .EAGAIN }
            if !PollHub.queue.wait() { throw Errno(Signals.restartSys) }
        }
        var done = 0
        while done + SignalFD.recordSize <= buffer.count, let t = holder() {
            let sig = Int32((t.pendingSignals & mask).trailingZeroBitCount + 1)
            let info = Signals.dequeue(sig, from: t)          // area: jobctl: one instance
            let record = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done + SignalFD.recordSize)])
            for k in 0..<SignalFD.recordSize { record[k] = 0 }
            func put32(_ offset: Int, _ v: UInt32) {
                for k in 0..<4 { record[offset + k] = UInt8(truncatingIfNeeded: v >> UInt32(8 * k)) }
            }
            put32(0, UInt32(bitPattern: sig))                  // ssi_signo
            put32(8, UInt32(bitPattern: info.code))            // ssi_code
            put32(12, UInt32(bitPattern: info.pid))            // ssi_pid
            if info.code == Timers.siTimer {
                put32(24, UInt32(bitPattern: info.timerId))    // ssi_tid
                put32(32, UInt32(bitPattern: info.overrun))    // ssi_overrun
            }
            if sig == Signals.SIGCHLD && info.code > 0 { put32(40, UInt32(bitPattern: info.status)) }   // ssi_status
            put32(44, UInt32(truncatingIfNeeded: info.value))  // ssi_int
            put32(48, UInt32(truncatingIfNeeded: info.value)); put32(52, UInt32(truncatingIfNeeded: info.value >> 32))   // ssi_ptr
            put32(72, UInt32(truncatingIfNeeded: info.address)); put32(76, UInt32(truncatingIfNeeded: info.address >> 32))   // ssi_addr
            done += SignalFD.recordSize
        }
        return done
    }

    func write(_ file: OpenFile, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int { throw .EINVAL }

    func pollEvents(_ file: OpenFile) -> UInt32 { holder() != nil ? PollBits.readable : 0 }
    var pollGeneration: UInt64 { PollHub.signalGeneration }
    var fileTypeBits: UInt32 { 0 }
    var procLinkTarget: [UInt8] { Array("anon_inode:[signalfd]".utf8) }
}

extension Process {
    func sysSignalfd(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try sysSignalfd4(SyscallArgs(a.a0, a.a1, a.a2, 0))
    }

    /// signalfd4(2): fd -1 makes a new one; otherwise fd must be a signalfd, whose
    /// mask is replaced. SFD_NONBLOCK, SFD_CLOEXEC.
    func sysSignalfd4(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = UInt32(truncatingIfNeeded: a.a3)
        guard a.a3 >> 32 == 0, flags & ~(LinuxOpen.nonBlock | LinuxOpen.closeOnExec) == 0 else { throw .EINVAL }
        guard a.a2 == 8 else { throw .EINVAL }
        let mask = SignalFD.cleaned(try user.load(at: a.a1))
        let fd = a.a0.asInt32
        if fd != -1 {
            guard let existing = try files.get(fd).object as? SignalFD else { throw .EINVAL }
            existing.mask = mask
            PollHub.notify()
            return UInt64(fd)
        }
        let file = OpenFile(inode: nil, object: SignalFD(mask: mask), statusFlags: LinuxOpen.readWrite | (flags & LinuxOpen.nonBlock), path: [])
        return UInt64(try files.install(file, closeOnExec: flags & LinuxOpen.closeOnExec != 0))
    }
}
