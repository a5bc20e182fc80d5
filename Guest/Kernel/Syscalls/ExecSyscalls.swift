import KernelASM

/// execve(2) and execveat(2): a fresh address space with the new program; the old one
/// is dropped only once the new program is loaded, so a failed exec returns an error
/// to the caller intact.
extension Process {
    // area: audit: execve's argument limits (fs/exec.c). Each string, NUL included, is at
    // most MAX_ARG_STRLEN; the pointers of argv and envp plus all the strings must fit in
    // a quarter of RLIMIT_STACK (at least ARG_MAX = 128 KiB). Linux allows up to 6 MiB;
    // we cap at 2 MiB (the initial stack is built in kernel memory: ~3 copies). E2BIG
    // past the limits, ENOMEM when the kernel heap cannot hold the copies.
    static let maxArgStrlen = 32 * 4096
    static let argMax = 32 * 4096

    func execArgumentLimit() -> Int {
        let quarter = limits.soft[ResourceLimits.stack] / 4
        return Int(max(min(quarter, 2 << 20), UInt64(Process.argMax)))
    }

    /// Counts the pointers of a NULL-terminated array (EFAULT if unreadable), giving up
    /// with E2BIG once `budget` bytes of pointers are exceeded.
    func countStringArray(_ address: UInt64, budget: Int) throws(Errno) -> Int {
        guard address != 0 else { return 0 }
        var n = 0
        while true {
            let p: UInt64 = try user.load(at: address &+ UInt64(n * 8))
            if p == 0 { return n }
            n += 1
            guard n * 8 < budget else { throw .E2BIG }
        }
    }

    func readStringArray(_ address: UInt64, count: Int, budget: inout Int) throws(Errno) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var heapCost = 0
        for i in 0..<count {
            let p: UInt64 = try user.load(at: address &+ UInt64(i * 8))
            if p == 0 { break }
            let s: [UInt8]
            do throws(Errno) { s = try user.readCString(at: p, max: Process.maxArgStrlen - 1) } catch {
                throw error == .ENAMETOOLONG ? .E2BIG : error
            }
            budget -= s.count + 1
            guard budget >= 0 else { throw .E2BIG }
            heapCost += s.count + 64
            if heapCost >= 256 << 10 {
                guard Frames.heapCanTake(UInt64(heapCost) * 4) else { throw .ENOMEM }
                heapCost = 0
            }
            out.append(s)
        }
        return out
    }

    func sysExecve(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let path = try user.readCString(at: a.a0)
        return try execve(path: path, argvAddress: a.a1, envpAddress: a.a2)
    }

    func sysExecveat(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let dirfd = a.a0.asInt32
        var path = try user.readCString(at: a.a1)
        if path.first != UInt8(ascii: "/") && dirfd != -100 {
            if path.isEmpty && a.a4 & 0x1000 != 0 {                 // AT_EMPTY_PATH
                let file = try files.get(dirfd)
                path = file.path
            } else {
                let dir = try files.get(dirfd)
                path = dir.path + [UInt8(ascii: "/")] + path
            }
        }
        return try execve(path: path, argvAddress: a.a2, envpAddress: a.a3)
    }

    func execve(path: [UInt8], argvAddress: UInt64, envpAddress: UInt64) throws(Errno) -> UInt64 {
        guard !path.isEmpty else { throw .ENOENT }
        var budget = execArgumentLimit() - path.count - 1                    // area: audit
        let argc = try countStringArray(argvAddress, budget: budget)
        let envc = try countStringArray(envpAddress, budget: budget)
        budget -= (max(argc, 1) + envc) * 8
        guard budget > 0 else { throw .E2BIG }
        let argv = try readStringArray(argvAddress, count: argc, budget: &budget)
        let envp = try readStringArray(envpAddress, count: envc, budget: &budget)
        let t: Task = Scheduler.current
        let entry: ProcessEntry = t.entry
        // The file must exist and be a regular, executable file before we commit.
        let file = try lookupFile(self, path: path)
        guard file.isRegularFile else { throw .EACCES }
        guard file.permissions & 0o111 != 0 else { throw .EACCES }
        if Frames.belowLowWater { throw .ENOMEM }                // area: shm: keep the heap's reserve

        guard let root = AddressSpaces.create() else { throw .ENOMEM }
        let oldSpace = t.space
        let oldMap = memory
        let map = MemoryMap(mmapBase: Exec.stackTop - Exec.stackSize - (1 << 30))
        let space = UserSpace(map: map, root: root)
        AddressSpaces.activate(root)
        var random = [UInt8](repeating: 0, count: 16)
        random.withUnsafeMutableBytes { services.fillRandom($0) }
        let start: Exec.Entry
        memory = map
        user = space
        do throws(Errno) {
            // Re-executing through /proc/self/exe (busybox does) keeps the real path, so
            // the link never points at itself.
            let requested = absolutePath(path)
            let canonical = requested == Array("/proc/self/exe".utf8) || requested == Array("/proc/\(pid)/exe".utf8) ? exePath : requested
            start = try Exec.load(self, space: space, path: canonical, argv: argv, envp: envp, random: random)
        } catch {
            memory = oldMap
            user = oldSpace
            AddressSpaces.activate(oldSpace.root)
            AddressSpaces.destroyUser(root)
            throw error == .ENOEXEC || error == .EACCES || error == .ENOMEM || error == .E2BIG ? error : .ENOEXEC
        }
        // Point of no return: the old image goes away.
        for other in entry.tasks where other !== t { Timers.threadExited(other) }   // area: timers
        Timers.deletePosixTimers(entry)                       // exec drops POSIX timers (itimers stay)
        Scheduler.runQueue.removeAll { $0.entry === entry && $0 !== t }
        for other in entry.tasks where other !== t { Lifecycle.endOther(other, entry) }   // area: jobctl2: they unwind, then die
        entry.tasks.removeAll { $0 !== t }
        Lifecycle.releaseSpace(oldSpace, leaving: entry)
        t.space = space
        entry.space = space
        files.closeAllOnExec()
        // Handlers reset to the default action; ignored signals stay ignored.
        for sig in 1...64 where signalActions[sig * 4] > Signals.sigIgnore {
            for k in 0..<4 { signalActions[sig * 4 + k] = 0 }
        }
        altStack = (0, 2, 0)
        t.fsBase = 0
        Platform.setFSBase(0)
        t.clearChildTid = 0
        t.robustList = 0                                      // area: timers
        // Fresh FPU state, as a new program gets.
        FPU.reset(t.fpu)
        FPU.restore(t.fpu)
        if let parent = t.vforkParent { t.vforkParent = nil; Scheduler.makeRunnable(parent) }

        var f = TrapFrame(r15: 0, r14: 0, r13: 0, r12: 0, r11: 0, r10: 0, r9: 0, r8: 0,
                          rbp: 0, rdi: 0, rsi: 0, rdx: 0, rcx: 0, rbx: 0, rax: 0,
                          vector: TrapFrame.signalVector, error: 0,
                          rip: start.rip, cs: UInt64(Selector.userCode), rflags: 0x202,
                          rsp: start.rsp, ss: UInt64(Selector.userData))
        f.vector = TrapFrame.signalVector
        t.frame.pointee = f
        return 0
    }

    /// `path` made absolute against the working directory (for AT_EXECFN, /proc/self/exe).
    func absolutePath(_ path: [UInt8]) -> [UInt8] {
        if path.first == UInt8(ascii: "/") { return path }
        var cwd = fs.cwdPath(self) ?? [UInt8(ascii: "/")]
        if cwd.last != UInt8(ascii: "/") { cwd.append(UInt8(ascii: "/")) }
        return cwd + path
    }
}
