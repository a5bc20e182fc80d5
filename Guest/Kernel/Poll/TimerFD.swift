import KernelASM

/// timerfd_create(2): a timer whose expirations are read as a 64-bit count. Time is
/// kept on the monotonic clock (a REALTIME absolute time is converted when set);
/// expirations are counted lazily from the clock whenever the timer is looked at,
/// and sleepers wake at `next` (a `ClockEvents` deadline: tens of µs; area: hrtimer).
final class TimerFD: FileObject {
    let clock: UInt64
    /// Next expiration (monotonic ns), 0 when disarmed.
    var next: UInt64 = 0
    var interval: UInt64 = 0
    /// Expirations not yet read, and all expirations ever (the edge-trigger counter).
    var expirations: UInt64 = 0
    var generation: UInt64 = 0
    let readWait = WaitQueue()

    init(clock: UInt64) { self.clock = clock }

    static var now: UInt64 { Kernel.services!.monotonicNanoseconds() }

    /// Counts the expirations that happened by `now`.
    func update(_ now: UInt64 = TimerFD.now) {
        guard next != 0, now >= next else { return }
        var k: UInt64 = 1
        if interval > 0 {
            k = (now - next) / interval + 1
            let (step, o1) = k.multipliedReportingOverflow(by: interval)
            let (n, o2) = next.addingReportingOverflow(step)
            next = o1 || o2 ? 0 : n
        } else {
            next = 0
        }
        expirations &+= k
        generation &+= k
    }

    func read(_ file: OpenFile, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard buffer.count >= 8 else { throw .EINVAL }
        while true {
            update()
            if expirations > 0 { break }
            if file.isNonBlocking { throw .EAGAIN }
            if !readWait.wait(deadline: next) { throw Errno(Signals.restartSys) }
        }
        let value = expirations
        expirations = 0
        for k in 0..<8 { buffer[k] = UInt8(truncatingIfNeeded: value >> UInt64(8 * k)) }
        return 8
    }

    func write(_ file: OpenFile, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int { throw .EINVAL }

    func pollEvents(_ file: OpenFile) -> UInt32 {
        update()
        return expirations > 0 ? PollBits.readable : 0
    }

    var pollGeneration: UInt64 { update(); return generation }
    var pollDeadline: UInt64 { next }
    var fileTypeBits: UInt32 { 0 }
    var procLinkTarget: [UInt8] { Array("anon_inode:[timerfd]".utf8) }
}

extension Process {
    static let tfdTimerAbstime: UInt64 = 1, tfdTimerCancelOnSet: UInt64 = 2

    /// timerfd_create(2): CLOCK_REALTIME, MONOTONIC, BOOTTIME (and the _ALARM ones,
    /// which behave as their base clocks here); TFD_NONBLOCK, TFD_CLOEXEC.
    func sysTimerfdCreate(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        switch a.a0 {
        case 0, 1, 7, 8, 9: break
        default: throw .EINVAL
        }
        let flags = UInt32(truncatingIfNeeded: a.a1)
        guard a.a1 >> 32 == 0, flags & ~(LinuxOpen.nonBlock | LinuxOpen.closeOnExec) == 0 else { throw .EINVAL }
        let object = TimerFD(clock: a.a0 == 8 ? 0 : a.a0 == 9 ? 7 : a.a0)
        let file = OpenFile(inode: nil, object: object, statusFlags: LinuxOpen.readWrite | (flags & LinuxOpen.nonBlock), path: [])
        return UInt64(try files.install(file, closeOnExec: flags & LinuxOpen.closeOnExec != 0))
    }

    func timerFD(_ fd: UInt64) throws(Errno) -> TimerFD {
        guard let t = try files.get(fd.asInt32).object as? TimerFD else { throw .EINVAL }
        return t
    }

    /// struct itimerspec { timespec it_interval; timespec it_value; }.
    func storeTimerSpec(_ timer: TimerFD, at address: UInt64) throws(Errno) {
        let now = TimerFD.now
        timer.update(now)
        try storeTimespec(timer.interval, at: address)
        try storeTimespec(timer.next == 0 ? 0 : max(timer.next - now, 1), at: address &+ 16)
    }

    /// timerfd_settime(2): TFD_TIMER_ABSTIME (value in the timer's clock), interval
    /// reload; a zero value disarms. The old setting goes to `old` if given.
    func sysTimerfdSettime(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let timer = try timerFD(a.a0)
        guard a.a1 & ~(Process.tfdTimerAbstime | Process.tfdTimerCancelOnSet) == 0 else { throw .EINVAL }
        let interval = try loadTimespec(at: a.a2)
        let value = try loadTimespec(at: a.a2 &+ 16)
        if a.a3 != 0 { try storeTimerSpec(timer, at: a.a3) }
        let now = TimerFD.now
        timer.expirations = 0
        timer.interval = interval
        if value == 0 {
            timer.next = 0
        } else if a.a1 & Process.tfdTimerAbstime != 0 {
            let clockNow = try clockNanoseconds(timer.clock)
            timer.next = value > clockNow ? PollHub.deadline(after: value - clockNow) : max(now, 1)
        } else {
            timer.next = PollHub.deadline(after: value)
        }
        timer.generation &+= 1
        timer.readWait.wakeAll()
        PollHub.notify()
        return 0
    }

    func sysTimerfdGettime(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try storeTimerSpec(try timerFD(a.a0), at: a.a1)
        return 0
    }
}
