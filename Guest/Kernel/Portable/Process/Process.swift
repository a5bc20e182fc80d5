#if canImport(GuestABI)
import GuestABI
#endif

/// A Linux process as the kernel sees it. For now there is exactly one (the user's
/// program, PID 1); the fields are laid out so that fork and threads can split them
/// later (files and fs may then be shared between tasks).
public final class Process {
    public let pid: Int32
    public var parentPid: Int32 = 0
    /// The program's memory, reached only through copy-in/copy-out (DESIGN.md §4.6).
    public var user: any UserMemory
    public let services: any KernelServices
    /// Open file descriptors.
    public var files: FileTable
    /// Root, working directory and umask.
    public var fs: FSContext
    /// Absolute path of the running executable (for /proc/self/exe and AT_EXECFN).
    public var exePath: [UInt8] = []
    /// The address passed to set_tid_address (cleared and futex-woken at thread exit).
    public var clearChildTid: UInt64 = 0
    /// set_robust_list head (walked at thread exit once threads exist).
    public var robustListHead: UInt64 = 0
    /// Signal dispositions: per signal 1...64, the kernel `struct sigaction`
    /// (handler, flags, restorer, mask) as stored by rt_sigaction.
    public var signalActions = [UInt64](repeating: 0, count: 65 * 4)
    /// Blocked signals (bit N-1 for signal N).
    public var signalMask: UInt64 = 0
    /// sigaltstack: ss_sp, ss_flags, ss_size.
    public var altStack: (UInt64, UInt64, UInt64) = (0, 2, 0)   // SS_DISABLE
    /// Task name for prctl(PR_SET_NAME) and /proc (at most 15 bytes).
    public var comm: [UInt8] = []
    /// area: proctask: names of the threads other than the leader (whose name is `comm`).
    public var threadNames: [(tid: Int32, name: [UInt8])] = []
    /// prctl(PR_SET_PDEATHSIG).
    public var parentDeathSignal: Int32 = 0
    /// Stopped by a job-control signal (area: jobctl; /proc/<pid>/status "T (stopped)").
    public var jobStopped = false
    /// The program's mappings and break.
    public var memory = MemoryMap(mmapBase: BootLayout.userLimit - (1 << 40))
    /// CPU time consumed, in TSC-derived nanoseconds (for CLOCK_PROCESS_CPUTIME_ID).
    public var startMonotonic: UInt64 = 0
    /// argv joined by NULs, for /proc/<pid>/cmdline (area: timers).
    public var cmdline: [UInt8] = []
    // --- area: limits ---
    /// getrlimit(2) limits (copied by fork, kept by execve) and the set*id credentials.
    public var limits = ResourceLimits()
    public var credentials = Credentials()
    // --- end limits ---

    public init(pid: Int32, user: any UserMemory, services: any KernelServices, files: FileTable, fs: FSContext) {
        self.pid = pid
        self.user = user
        self.services = services
        self.files = files
        self.fs = fs
    }
}
