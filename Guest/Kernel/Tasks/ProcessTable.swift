import KernelASM

/// Kernel-side bookkeeping of a process beyond the portable `Process`: its threads,
/// parent and children, address space, and exit status for wait4.
final class ProcessEntry {
    let process: Process
    var tasks: [Task] = []
    var parent: ProcessEntry?
    var children: [ProcessEntry] = []
    var space: UserSpace
    /// wait(2) status once a zombie: exit code << 8, or the killing signal.
    var waitStatus: Int32 = 0
    var zombie = false
    /// Where this process's parent sleeps in wait4.
    let childExited = WaitQueue()
    var processGroup: Int32
    var session: Int32
    // --- timers and accounting (area: timers) ---
    /// CPU time of threads that already exited, and of reaped children (with theirs).
    var deadUserNanoseconds: UInt64 = 0, deadSystemNanoseconds: UInt64 = 0
    var childUserNanoseconds: UInt64 = 0, childSystemNanoseconds: UInt64 = 0
    /// Largest resident set seen (pages), own and of reaped children.
    var peakPages: UInt64 = 0, childPeakPages: UInt64 = 0
    /// setitimer(2): ITIMER_REAL (monotonic deadline), ITIMER_VIRTUAL and ITIMER_PROF
    /// (CPU nanoseconds left); each with its reload interval.
    var realTimer = IntervalTimer(), virtualTimer = IntervalTimer(), profTimer = IntervalTimer()
    /// timer_create(2) timers.
    var posixTimers: [PosixTimer] = []
    var nextTimerId: Int32 = 0
    /// setpriority(2) nice value, -20...19.
    var nice: Int32 = 0
    // --- end timers ---
    // --- job control (area: jobctl) ---
    /// Stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU (the signal) until SIGCONT or SIGKILL.
    var stopped = false
    var stopSignal: Int32 = 0
    /// Not yet reported to wait4(WUNTRACED) / wait4(WCONTINUED).
    var reportStopped = false
    var reportContinued = false
    // --- end jobctl ---

    init(process: Process, space: UserSpace, parent: ProcessEntry?) {
        self.process = process
        self.space = space
        self.parent = parent
        processGroup = parent?.processGroup ?? process.pid
        session = parent?.session ?? process.pid
    }

    var pid: Int32 { process.pid }
}

enum ProcessTable {
    nonisolated(unsafe) static var entries: [ProcessEntry] = []
    nonisolated(unsafe) static var nextPid: Int32 = 2

    static func find(_ pid: Int32) -> ProcessEntry? {
        entries.first { $0.pid == pid && !$0.zombie }
    }

    static func findAny(_ pid: Int32) -> ProcessEntry? {
        entries.first { $0.pid == pid }
    }

    static var initProcess: ProcessEntry? { entries.first { $0.pid == 1 } }

    static func allocatePid() -> Int32 {
        // Thread ids and process ids share one number space, as on Linux.
        let p = max(nextPid, Scheduler.nextTid)
        nextPid = p + 1
        Scheduler.nextTid = p + 1
        return p
    }

    static func remove(_ e: ProcessEntry) {
        entries.removeAll { $0 === e }
        e.parent?.children.removeAll { $0 === e }
        e.parent = nil
        e.tasks.removeAll()
    }

    // --- area: limits ---
    /// fork/clone admission, as Linux's copy_process: EAGAIN when the kernel's task limit
    /// (threads-max) is reached, or when the caller's real user already has RLIMIT_NPROC
    /// tasks (zombies count until reaped) — unless the real uid is root or the caller holds
    /// CAP_SYS_RESOURCE/CAP_SYS_ADMIN (effective uid 0), which Linux exempts.
    static func admitNewTask(_ caller: Process) throws(Errno) {
        var total: UInt64 = 0, mine: UInt64 = 0
        let uid = caller.credentials.uid
        for e in entries {
            let n = UInt64(e.tasks.count)
            total += n
            if e.process.credentials.uid == uid { mine += n }
        }
        guard total < ResourceLimits.maxTasks else { throw .EAGAIN }
        if uid != 0 && !caller.credentials.privileged && mine >= caller.limits.soft[ResourceLimits.nproc] { throw .EAGAIN }
    }
    // --- end limits ---
}
