import KernelASM

/// fork, vfork, clone, execve, exit, wait4, kill and friends (the process half of the
/// process model; scheduling is in Tasks/).
extension Process {
    static let cloneVM: UInt64 = 0x100, cloneFS: UInt64 = 0x200, cloneFiles: UInt64 = 0x400
    static let cloneSighand: UInt64 = 0x800, cloneVfork: UInt64 = 0x4000, cloneParent: UInt64 = 0x8000
    static let cloneThread: UInt64 = 0x10000, cloneSettls: UInt64 = 0x80000
    static let cloneParentSettid: UInt64 = 0x100000, cloneChildCleartid: UInt64 = 0x200000
    static let cloneChildSettid: UInt64 = 0x1000000

    func sysFork(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try cloneTask(flags: 17, stack: 0, parentTid: 0, childTid: 0, tls: 0)
    }

    func sysVfork(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try cloneTask(flags: Process.cloneVfork | 17, stack: 0, parentTid: 0, childTid: 0, tls: 0)
    }

    /// clone(2), x86-64 argument order: flags, stack, parent_tid, child_tid, tls.
    func sysClone(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try cloneTask(flags: a.a0, stack: a.a1, parentTid: a.a2, childTid: a.a3, tls: a.a4)
    }

    /// clone3(2): struct clone_args {flags, pidfd, child_tid, parent_tid, exit_signal,
    /// stack, stack_size, tls, ...}.
    func sysClone3(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a1 >= 64 else { throw .EINVAL }
        var w = [UInt64](repeating: 0, count: 8)
        for i in 0..<8 { w[i] = try user.load(at: a.a0 &+ UInt64(i * 8)) }
        guard w[4] <= 64 else { throw .EINVAL }
        let stackTop = w[5] != 0 ? w[5] &+ w[6] : 0
        return try cloneTask(flags: (w[0] & ~0xff) | (w[4] & 0xff), stack: stackTop, parentTid: w[3], childTid: w[2], tls: w[7])
    }

    func cloneTask(flags: UInt64, stack: UInt64, parentTid: UInt64, childTid: UInt64, tls: UInt64) throws(Errno) -> UInt64 {
        let parentTask: Task = Scheduler.current
        let parentEntry: ProcessEntry = parentTask.entry
        if Frames.belowLowWater { throw .ENOMEM }                // area: shm: keep the heap's reserve
        if flags & Process.cloneFiles == 0 && files.tableBytes > 64 << 10 && !Frames.heapCanTake(files.tableBytes) { throw .ENOMEM }   // area: audit
        if flags & Process.cloneVM == 0 && memory.areas.count > 256
            && !Frames.heapCanTake(UInt64(memory.areas.count * MemoryLayout<VMA>.stride) * 2) { throw .ENOMEM }   // area: audit
        if flags & Process.cloneVM == 0 && Frames.availableFrames < Frames.forkLowWater { throw .ENOMEM }
        if flags & Process.cloneThread != 0 && flags & (Process.cloneVM | Process.cloneSighand) != (Process.cloneVM | Process.cloneSighand) {
            throw .EINVAL
        }
        if flags & Process.cloneSighand != 0 && flags & Process.cloneVM == 0 { throw .EINVAL }
        try ProcessTable.admitNewTask(self)                      // area: limits: NPROC, threads-max
        let child: Task
        if flags & Process.cloneThread != 0 {
            child = Task(tid: ProcessTable.allocatePid(), process: self, space: parentTask.space)
            child.entry = parentEntry
            parentEntry.tasks.append(child)
            setThreadName(ProcFS.commName(self, tid: parentTask.tid), tid: child.tid)   // area: proctask: inherited
        } else {
            // A new process: with CLONE_VM (vfork, posix_spawn, Go's os/exec) it shares
            // the caller's address space until it execs or exits
            // (`Lifecycle.releaseSpace`); otherwise it gets a copy-on-write copy.
            // Shared signal handlers between processes (CLONE_SIGHAND alone) are not
            // supported.
            if flags & Process.cloneSighand != 0 { throw .EINVAL }
            let space: UserSpace
            if flags & Process.cloneVM != 0 {
                space = parentTask.space
            } else {
                guard let root = AddressSpaces.create() else { throw .ENOMEM }
                guard AddressSpaces.copyUser(from: parentTask.space.root, to: root) else {
                    AddressSpaces.destroyUser(root); throw .ENOMEM
                }
                space = UserSpace(map: parentTask.space.map.copy(), root: root)
            }
            let map = space.map
            let pid = ProcessTable.allocatePid()
            let p = Process(pid: pid, user: space, services: services,
                            files: flags & Process.cloneFiles != 0 ? files : files.duplicate(),
                            fs: flags & Process.cloneFS != 0 ? fs : fs.duplicate())
            p.parentPid = flags & Process.cloneParent != 0 ? parentPid : self.pid
            p.memory = map
            p.exePath = exePath
            p.comm = comm
            p.cmdline = cmdline                                  // area: timers
            p.limits = limits                                    // area: limits
            p.credentials = credentials
            p.signalActions = signalActions
            p.signalMask = signalMask
            p.altStack = altStack
            p.startMonotonic = services.monotonicNanoseconds()
            let entry = ProcessEntry(process: p, space: space,
                                     parent: flags & Process.cloneParent != 0 ? parentEntry.parent : parentEntry)
            (entry.parent ?? parentEntry).children.append(entry)
            ProcessTable.entries.append(entry)
            child = Task(tid: pid, process: p, space: space)
            child.entry = entry
            entry.tasks.append(child)
        }
        child.signalMask = signalMask                            // inherits the caller's mask (per thread)
        // The alternate signal stack is per thread: a new thread starts without one;
        // fork and vfork children inherit the caller's (sigaltstack(2)).
        if flags & Process.cloneThread == 0 { child.altStack = altStack }
        // The child resumes from the same syscall with RAX = 0.
        var f = parentTask.frame.pointee
        f.rax = 0
        if stack != 0 { f.rsp = stack }
        child.frame.pointee = f
        child.fsBase = flags & Process.cloneSettls != 0 ? tls : parentTask.fsBase
        FPU.save(child.fpu)
        child.fpuSaved = true
        _ = Platform.prepareUserReturn(&child.frame.pointee, user: child.space)
        child.prepareFirstRun()
        if flags & Process.cloneParentSettid != 0 { try user.store(UInt32(bitPattern: child.tid), at: parentTid) }
        if flags & Process.cloneChildSettid != 0 {
            // Written in the child's address space (identical contents right after fork).
            if child.space.root == PageTables.root { try user.store(UInt32(bitPattern: child.tid), at: childTid) }
            else { childSettid(child, childTid) }
        }
        if flags & Process.cloneChildCleartid != 0 { child.clearChildTid = childTid }
        Scheduler.makeRunnable(child)
        if flags & Process.cloneVfork != 0 {
            child.vforkParent = parentTask
            while child.vforkParent != nil && !parentTask.killed { Scheduler.block() }   // area: jobctl2
        }
        return UInt64(child.tid)
    }

    /// CLONE_CHILD_SETTID for a new address space: write through the child's tables.
    func childSettid(_ child: Task, _ address: UInt64) {
        guard let e = PageTables.leaf(address, create: false, in: child.space.root) else { return }
        var v = k_load64(e)
        guard v & PTE.present != 0 else { return }
        guard address & 3 == 0, child.space.map.find(address)?.prot.contains(.write) == true else { return }
        if Frames.isShared(v & PTE.addressMask) {                // copy-on-write: the child's own copy
            guard let copy = Frames.allocate() else { return }
            k_copy(Phys.virt(copy), Phys.virt(v & PTE.addressMask), 4096)
            Frames.free(v & PTE.addressMask)
            v = copy | (v & ~PTE.addressMask) | PTE.writable
            k_store64(e, v)
        }
        let pa = (v & PTE.addressMask) | (address & 0xfff)
        Phys.pointer(pa).storeBytes(of: UInt32(bitPattern: child.tid), as: UInt32.self)
    }

    func sysExitGroup(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        Lifecycle.exitProcess(Scheduler.current.entry, waitStatus: Lifecycle.exitStatus(code: Int32(truncatingIfNeeded: a.a0)))
        return 0                                              // never seen: the entry code switches away
    }

    func sysExit(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        Lifecycle.exitThread(Scheduler.current, code: Int32(truncatingIfNeeded: a.a0))
        return 0
    }

    /// wait4(2): pid > 0 one child, -1 any child, 0 own group, < -1 group -pid.
    /// Options: WNOHANG 1, WUNTRACED 2, WCONTINUED 8, __WALL 0x40000000, __WCLONE.
    /// Stopped (status sig << 8 | 0x7f) and continued (0xffff) children are reported
    /// once each with WUNTRACED / WCONTINUED (area: jobctl).
    func sysWait4(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let pid = Int32(truncatingIfNeeded: a.a0)
        let options = a.a2
        guard options & ~UInt64(1 | 2 | 8 | 0x2000_0000 | 0x4000_0000 | 0x8000_0000) == 0 else { throw .EINVAL }
        let me: ProcessEntry = Scheduler.current.entry
        while true {
            let candidates = me.children.filter { c in
                pid > 0 ? c.pid == pid : pid == -1 ? true : pid == 0 ? c.processGroup == me.processGroup : c.processGroup == -pid
            }
            guard !candidates.isEmpty else { throw .ECHILD }
            if let z = candidates.first(where: { $0.zombie }) {
                let status = z.waitStatus
                let zpid = z.pid
                if a.a1 != 0 { try user.store(status, at: a.a1) }
                if a.a3 != 0 { try user.copyOut([UInt8](repeating: 0, count: 144), to: a.a3) }   // struct rusage
                Timers.reaped(z, by: me)                              // area: timers
                if a.a3 != 0 {
                    try user.copyOut(Timers.rusage(user: Timers.processUser(z) &+ z.childUserNanoseconds,
                                                   system: Timers.processSystem(z) &+ z.childSystemNanoseconds,
                                                   maxrssPages: max(z.peakPages, z.childPeakPages)), to: a.a3)
                }
                ProcessTable.remove(z)
                return UInt64(zpid)
            }
            if let (c, stopped) = Process.jobControlReport(candidates, stopped: options & 2 != 0, continued: options & 8 != 0) {
                if a.a1 != 0 { try user.store(stopped ? (c.stopSignal << 8) | 0x7f : Int32(0xffff), at: a.a1) }
                if a.a3 != 0 { try user.copyOut([UInt8](repeating: 0, count: 144), to: a.a3) }
                if stopped { c.reportStopped = false } else { c.reportContinued = false }
                return UInt64(c.pid)
            }
            if options & 1 != 0 { return 0 }
            if !me.childExited.wait() {
                throw Errno(Signals.restartSys)
            }
        }
    }

    /// The first child with an unreported stop (if `stopped`) or continue (if
    /// `continued`); true for a stop.
    static func jobControlReport(_ candidates: [ProcessEntry], stopped: Bool, continued: Bool) -> (ProcessEntry, Bool)? {
        for c in candidates where !c.zombie {
            if stopped && c.stopped && c.reportStopped { return (c, true) }
            if continued && c.reportContinued { return (c, false) }
        }
        return nil
    }

    /// waitid(2): idtype P_ALL 0, P_PID 1, P_PGID 2; options WEXITED 4, WSTOPPED 2,
    /// WCONTINUED 8 (at least one), WNOHANG 1, WNOWAIT 0x01000000 (leaves the child
    /// reportable), __WALL/__WCLONE/__WNOTHREAD.
    func sysWaitid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let idtype = a.a0, id = Int32(truncatingIfNeeded: a.a1), options = a.a3
        let known: UInt64 = 0xE100_000F                  // WNOHANG..WCONTINUED, WNOWAIT, __WNOTHREAD/__WALL/__WCLONE
        guard options & ~known == 0, options & 14 != 0 else { throw .EINVAL }
        let pid: Int32 = idtype == 0 ? -1 : idtype == 1 ? id : idtype == 2 ? -id : 0
        guard idtype <= 2 else { throw .EINVAL }
        let noWait = options & 0x0100_0000 != 0
        let me: ProcessEntry = Scheduler.current.entry
        func report(_ c: ProcessEntry, code: Int32, status: Int32) throws(Errno) {
            guard a.a2 != 0 else { return }
            var info = [UInt8](repeating: 0, count: 128)
            func put32(_ o: Int, _ v: Int32) { for k in 0..<4 { info[o + k] = UInt8(truncatingIfNeeded: v >> Int32(8 * k)) } }
            put32(0, Signals.SIGCHLD)
            put32(8, code)
            put32(16, c.pid)
            put32(24, status)
            try user.copyOut(info, to: a.a2)
        }
        while true {
            let candidates = me.children.filter { c in
                pid > 0 ? c.pid == pid : pid == -1 ? true : c.processGroup == (pid == 0 ? me.processGroup : -pid)
            }
            guard !candidates.isEmpty else { throw .ECHILD }
            if options & 4 != 0, let z = candidates.first(where: { $0.zombie }) {
                let signaled = z.waitStatus & 0x7f != 0
                try report(z, code: signaled ? Signals.cldKilled : Signals.cldExited,
                           status: signaled ? z.waitStatus & 0x7f : (z.waitStatus >> 8) & 0xff)
                if !noWait { Timers.reaped(z, by: me); ProcessTable.remove(z) }   // WNOWAIT keeps it
                return 0
            }
            if let (c, stopped) = Process.jobControlReport(candidates, stopped: options & 2 != 0, continued: options & 8 != 0) {
                try report(c, code: stopped ? Signals.cldStopped : Signals.cldContinued,
                           status: stopped ? c.stopSignal : Signals.SIGCONT)
                if !noWait { if stopped { c.reportStopped = false } else { c.reportContinued = false } }
                return 0
            }
            if options & 1 != 0 {
                if a.a2 != 0 { try user.copyOut([UInt8](repeating: 0, count: 128), to: a.a2) }
                return 0
            }
            if !me.childExited.wait() { throw Errno(Signals.restartSys) }
        }
    }

    /// kill(2): pid > 0 that process, 0 own group, -1 everyone but init, < -1 group.
    func sysKill(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let pid = Int32(truncatingIfNeeded: a.a0), sig = Int32(truncatingIfNeeded: a.a1)
        guard sig >= 0 && sig <= 64 else { throw .EINVAL }
        let me: ProcessEntry = Scheduler.current.entry
        let targets = ProcessTable.entries.filter { e in
            guard !e.zombie else { return false }
            if pid > 0 { return e.pid == pid }
            if pid == 0 { return e.processGroup == me.processGroup }
            if pid == -1 { return e.pid != 1 && e !== me }
            return e.processGroup == -pid
        }
        guard !targets.isEmpty else { throw .ESRCH }
        if sig == 0 { return 0 }
        for t in targets {
            Signals.send(sig, to: t, info: SigInfo(code: 0, pid: me.pid))   // SI_USER (area: jobctl)
        }
        return 0
    }

    /// rt_sigqueueinfo(2) / rt_tgsigqueueinfo(2): like kill/tgkill with caller-supplied
    /// siginfo. Only si_code < 0 (user-generated) is accepted for other processes
    /// (EPERM otherwise), as Linux requires.
    func sysRtSigqueueinfo(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try sigqueue(pid: Int32(truncatingIfNeeded: a.a0), tid: nil, sig: Int32(truncatingIfNeeded: a.a1), info: a.a2)
    }

    func sysRtTgsigqueueinfo(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try sigqueue(pid: Int32(truncatingIfNeeded: a.a0), tid: Int32(truncatingIfNeeded: a.a1),
                     sig: Int32(truncatingIfNeeded: a.a2), info: a.a3)
    }

    func sigqueue(pid: Int32, tid: Int32?, sig: Int32, info: UInt64) throws(Errno) -> UInt64 {
        guard sig >= 0 && sig <= 64 else { throw .EINVAL }
        let code: Int32 = try user.load(at: info &+ 8)
        let senderPid: Int32 = try user.load(at: info &+ 16)              // area: jobctl: the caller's siginfo
        let value: UInt64 = try user.load(at: info &+ 24)
        let me: ProcessEntry = Scheduler.current.entry
        guard let target = ProcessTable.find(pid) else { throw .ESRCH }
        if (code >= 0 || code == -6) && target !== me { throw .EPERM }   // and not SI_TKILL
        guard let task = tid == nil ? target.tasks.first(where: { $0.state != .zombie })
                                    : target.tasks.first(where: { $0.tid == tid && $0.state != .zombie }) else { throw .ESRCH }
        if sig == 0 { return 0 }
        let si = SigInfo(code: code, pid: senderPid, value: value)
        let queued = tid == nil ? Signals.send(sig, to: target, info: si) : Signals.send(sig, toTask: task, info: si)
        guard queued else { throw .EAGAIN }                              // the real-time queue is full
        return 0
    }

    func sysTgkill(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let tgid = Int32(truncatingIfNeeded: a.a0)
        guard tgid > 0 else { throw .EINVAL }
        return try sysTkill(SyscallArgs(a.a1, a.a2), group: tgid)
    }

    func sysTkill(_ a: SyscallArgs) throws(Errno) -> UInt64 { try sysTkill(a, group: nil) }

    func sysTkill(_ a: SyscallArgs, group: Int32?) throws(Errno) -> UInt64 {
        let tid = Int32(truncatingIfNeeded: a.a0), sig = Int32(truncatingIfNeeded: a.a1)
        guard tid > 0, sig >= 0, sig <= 64 else { throw .EINVAL }
        for e in ProcessTable.entries where !e.zombie && (group == nil || e.pid == group) {
            if let t = e.tasks.first(where: { $0.tid == tid && $0.state != .zombie }) {
                if sig != 0 {
                    guard Signals.send(sig, toTask: t, info: SigInfo(code: -6, pid: Scheduler.current.entry.pid)) else { throw .EAGAIN }   // SI_TKILL
                }
                return 0
            }
        }
        throw .ESRCH
    }

    func sysRtSigreturn(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let t: Task = Scheduler.current
        do throws(Errno) { try SignalFrame.restore(t.frame, task: t) } catch {
            Lifecycle.exitProcess(t.entry, waitStatus: Lifecycle.signalStatus(Signals.SIGSEGV),
                                  reason: "SIGSEGV: bad signal frame in rt_sigreturn")
        }
        return t.frame.pointee.rax                    // the dispatcher writes it back unchanged
    }

    func sysGetpgid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let pid = Int32(truncatingIfNeeded: a.a0)
        guard let e = pid == 0 ? Scheduler.current.entry : ProcessTable.find(pid) else { throw .ESRCH }
        return UInt64(e.processGroup)
    }

    func sysGetpgrp(_ a: SyscallArgs) throws(Errno) -> UInt64 { UInt64(Scheduler.current.entry.processGroup) }

    func sysSetpgid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let pid = Int32(truncatingIfNeeded: a.a0), pgid = Int32(truncatingIfNeeded: a.a1)
        guard pgid >= 0 else { throw .EINVAL }
        let me: ProcessEntry = Scheduler.current.entry
        guard let e = pid == 0 ? me : ProcessTable.find(pid) else { throw .ESRCH }
        guard e === me || e.parent === me else { throw .ESRCH }
        guard e.session == me.session else { throw .EPERM }
        e.processGroup = pgid == 0 ? e.pid : pgid
        return 0
    }

    func sysGetsid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let pid = Int32(truncatingIfNeeded: a.a0)
        guard let e = pid == 0 ? Scheduler.current.entry : ProcessTable.find(pid) else { throw .ESRCH }
        return UInt64(e.session)
    }

    func sysSetsid(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let me: ProcessEntry = Scheduler.current.entry
        guard me.processGroup != me.pid else { throw .EPERM }
        me.session = me.pid
        me.processGroup = me.pid
        return UInt64(me.pid)
    }
}
