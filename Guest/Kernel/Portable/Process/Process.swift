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

    public init(pid: Int32, user: any UserMemory, services: any KernelServices, files: FileTable, fs: FSContext) {
        self.pid = pid
        self.user = user
        self.services = services
        self.files = files
        self.fs = fs
    }
}
