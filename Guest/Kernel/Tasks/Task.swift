import KernelASM

/// A schedulable thread of a process: its own kernel stack (syscalls and traps from user
/// mode land there), saved kernel RSP while switched out, and per-thread CPU state.
final class Task {
    enum State { case runnable, blocked, zombie }

    let tid: Int32
    var process: Process
    unowned(unsafe) var entry: ProcessEntry!
    var state: State = .runnable
    /// Kernel stack, 64 KiB; the user TrapFrame sits at its top.
    let stack: UnsafeMutableRawPointer
    let stackTop: UInt64
    static let stackSize = 64 * 1024
    /// RSP saved by switch_context while this task is not running.
    var savedRSP: UInt64 = 0
    /// XSAVE/FXSAVE area for the program's x87/SSE/AVX registers (`FPU`).
    let fpu: UnsafeMutableRawPointer
    var fpuSaved = false
    var fsBase: UInt64 = 0
    /// Blocked signals and pending ones (bit N-1 for signal N).
    var signalMask: UInt64 = 0
    /// sigaltstack (base, flags, size) of this thread while switched out; like
    /// `signalMask`, the process's `altStack` is the running thread's.
    var altStack: (UInt64, UInt64, UInt64) = (0, 2, 0)      // SS_DISABLE
    var pendingSignals: UInt64 = 0
    /// rt_sigsuspend: the mask to save in the next handler frame (and restore after).
    var maskBeforeSuspend: UInt64? = nil
    /// set_tid_address / CLONE_CHILD_CLEARTID: cleared and futex-woken at exit.
    var clearChildTid: UInt64 = 0
    /// When sleeping with a deadline (monotonic ns), 0 otherwise.
    var wakeAt: UInt64 = 0
    /// Set by whoever wakes a blocked task (for EINTR versus a real wake-up).
    var wokenBySignal = false
    /// vfork: the parent waits until this child execs or exits.
    var vforkParent: Task? = nil
    /// Details of the signal being delivered (si_code, si_pid, si_addr/cr2).
    var siginfoCode: Int32 = 0
    var siginfoPid: Int32 = 0
    var faultAddress: UInt64 = 0
    /// The process's address space (shared by its threads).
    var space: UserSpace
    // --- timers and accounting (area: timers) ---
    /// CPU time charged by the timer tick: ticks that interrupted user mode, and ticks
    /// that interrupted the kernel working for this task (nanoseconds).
    var userNanoseconds: UInt64 = 0
    var systemNanoseconds: UInt64 = 0
    /// SI_TIMER details of a pending timer signal: timer id, overrun, sigev_value.
    var siginfoTimerId: Int32 = 0
    var siginfoOverrun: Int32 = 0
    var siginfoValue: UInt64 = 0
    /// The signals this thread blocks: the process's `signalMask` while it runs, its own
    /// saved copy (`signalMask`) while switched out.
    var blockedSignals: UInt64 { self === Scheduler.current ? process.signalMask : signalMask }
    /// set_robust_list head of this thread (walked when it dies, `RobustList`).
    var robustList: UInt64 = 0
    // --- end timers ---
    // --- job control and queued signals (area: jobctl) ---
    /// Pending signal instances with their siginfo, oldest first (`Signals.send`).
    var sigQueue: [QueuedSignal] = []
    /// Sleeping in `Signals.deliver` because the process is stopped (SIGCONT wakes it).
    var jobStopped = false
    /// rt_sigtimedwait: the signals this task sleeps for (they wake it though blocked).
    var sigwaitSet: UInt64 = 0
    // --- end jobctl ---
    // --- stops in the kernel, restart_syscall (area: jobctl2) ---
    /// What restart_syscall(2) continues after ERESTART_RESTARTBLOCK (Linux restart_block).
    var restartBlock: RestartBlock = .none
    /// Ended by another thread (exit_group, a fatal signal, execve) while switched out
    /// with kernel frames on its stack: it runs once more to unwind them (their
    /// references would leak otherwise) and dies on its way to user mode, touching no
    /// user memory. `dyingEntry` keeps its process entry alive until then.
    var killed = false
    var dyingEntry: ProcessEntry? = nil
    /// Has run at least once (a task that never ran has no kernel frames to unwind).
    var started = false
    // --- end jobctl2 ---

    init(tid: Int32, process: Process, space: UserSpace) {
        self.tid = tid
        self.process = process
        self.space = space
        stack = UnsafeMutableRawPointer.allocate(byteCount: Task.stackSize, alignment: 16)
        stackTop = UInt64(UInt(bitPattern: stack)) + UInt64(Task.stackSize)
        fpu = FPU.allocateArea()
        fpuSaved = true
    }

    /// The kernel stack and FPU area are freed explicitly once a dead task has been
    /// switched away from: the Swift frames on that stack never unwind, so the
    /// references they hold keep this object alive (a few hundred bytes; the 64 KiB
    /// stack is what matters).
    private(set) var resourcesFreed = false

    func freeResources() {
        guard !resourcesFreed else { return }
        resourcesFreed = true
        stack.deallocate()
        fpu.deallocate()
    }

    deinit { freeResources() }

    /// The user register frame at the top of the kernel stack.
    var frame: UnsafeMutablePointer<TrapFrame> {
        UnsafeMutablePointer<TrapFrame>(bitPattern: UInt(stackTop - UInt64(MemoryLayout<TrapFrame>.size)))!
    }

    /// Prepares the stack so that the first switch to this task returns to user mode
    /// through `frame` (six callee-saved zeros, then task_entry).
    func prepareFirstRun() {
        let frameAddress = stackTop - UInt64(MemoryLayout<TrapFrame>.size)
        let returnSlot = frameAddress - 8
        k_store64(returnSlot, k_addr_task_entry())
        for i in 1...6 { k_store64(returnSlot - UInt64(i) * 8, 0) }
        savedRSP = returnSlot - 48
    }
}

/// A call that restart_syscall(2) resumes with its own state (deadlines are monotonic
/// ns, so the restarted call waits only for the time left; area: jobctl2).
enum RestartBlock {
    case none
    case nanosleep(deadline: UInt64, remainingAt: UInt64)
    case futex(address: UInt64, expected: UInt32, deadline: UInt64, bitset: UInt32)
    case poll(fds: UInt64, count: UInt64, deadline: UInt64)
}
