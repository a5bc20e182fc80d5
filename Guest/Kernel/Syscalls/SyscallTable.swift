import KernelASM

/// The syscall table: one row per implemented syscall, each calling a handler from its
/// family file (File*, Memory, Info, Time, Signal, Kernel). Handlers throw `Errno`;
/// only this dispatcher turns it into -errno in RAX (DESIGN.md §4.6, §4.8).
enum SyscallTable {
    nonisolated(unsafe) static var reportedUnimplemented = [UInt64](repeating: 0, count: 8)

    static func dispatch(_ p: Process, _ nr: UInt64, _ a: SyscallArgs) -> UInt64 {
        do throws(Errno) {
            return try call(p, Int(truncatingIfNeeded: nr), a)
        } catch {
            return UInt64(bitPattern: -Int64(error.rawValue))
        }
    }

    static func call(_ p: Process, _ nr: Int, _ a: SyscallArgs) throws(Errno) -> UInt64 {
        typealias N = SyscallNumber
        switch nr {
        // file I/O
        case N.read: return try p.sysRead(a)
        case N.write: return try p.sysWrite(a)
        case N.readv: return try p.sysReadv(a)
        case N.writev: return try p.sysWritev(a)
        case N.pread64: return try p.sysPread64(a)
        case N.pwrite64: return try p.sysPwrite64(a)
        case N.preadv: return try p.sysPreadv(a)
        case N.pwritev: return try p.sysPwritev(a)
        case N.open: return try p.sysOpen(a)
        case N.openat: return try p.sysOpenat(a)
        case N.creat: return try p.sysCreat(a)
        case N.close: return try p.sysClose(a)
        case N.lseek: return try p.sysLseek(a)
        case N.fstat: return try p.sysFstat(a)
        case N.stat: return try p.sysStat(a)
        case N.lstat: return try p.sysLstat(a)
        case N.newfstatat: return try p.sysNewfstatat(a)
        case N.statx: return try p.sysStatx(a)
        case N.getdents64: return try p.sysGetdents64(a)
        case N.access: return try p.sysAccess(a)
        case N.faccessat: return try p.sysFaccessat(a)
        case N.faccessat2: return try p.sysFaccessat2(a)
        case N.getcwd: return try p.sysGetcwd(a)
        case N.chdir: return try p.sysChdir(a)
        case N.fchdir: return try p.sysFchdir(a)
        case N.mkdir: return try p.sysMkdir(a)
        case N.mkdirat: return try p.sysMkdirat(a)
        case N.rmdir: return try p.sysRmdir(a)
        case N.unlink: return try p.sysUnlink(a)
        case N.unlinkat: return try p.sysUnlinkat(a)
        case N.rename: return try p.sysRename(a)
        case N.renameat: return try p.sysRenameat(a)
        case N.renameat2: return try p.sysRenameat2(a)
        case N.readlink: return try p.sysReadlink(a)
        case N.readlinkat: return try p.sysReadlinkat(a)
        case N.symlink: return try p.sysSymlink(a)
        case N.symlinkat: return try p.sysSymlinkat(a)
        case N.link: return try p.sysLink(a)
        case N.linkat: return try p.sysLinkat(a)
        case N.dup: return try p.sysDup(a)
        case N.dup2: return try p.sysDup2(a)
        case N.dup3: return try p.sysDup3(a)
        case N.fcntl: return try p.sysFcntl(a)
        case N.ioctl: return try p.sysIoctl(a)
        case N.umask: return try p.sysUmask(a)
        case N.fsync: return try p.sysFsync(a)
        case N.fdatasync: return try p.sysFdatasync(a)
        case N.truncate: return try p.sysTruncate(a)
        case N.ftruncate: return try p.sysFtruncate(a)
        case N.chmod: return try p.sysChmod(a)
        case N.fchmod: return try p.sysFchmod(a)
        case N.fchmodat: return try p.sysFchmodat(a)
        case N.chown: return try p.sysChown(a)
        case N.fchown: return try p.sysFchown(a)
        case N.lchown: return try p.sysLchown(a)
        case N.fchownat: return try p.sysFchownat(a)
        case N.utimensat: return try p.sysUtimensat(a)
        case N.statfs: return try p.sysStatfs(a)
        case N.sendfile: return try p.sysSendfile(a)
        case N.copy_file_range: return try p.sysCopyFileRange(a)
        case N.fstatfs: return try p.sysFstatfs(a)
        // memory
        case N.brk: return try p.sysBrk(a)
        case N.mmap: return try p.sysMmap(a)
        case N.munmap: return try p.sysMunmap(a)
        case N.mprotect: return try p.sysMprotect(a)
        case N.madvise: return try p.sysMadvise(a)
        case N.mremap: return try p.sysMremap(a)
        case N.mincore: return try p.sysMincore(a)
        case N.msync: return try p.sysMsync(a)                        // area: shm
        // process and identity
        case N.exit: return try p.sysExit(a)
        case N.exit_group: return try p.sysExitGroup(a)
        case N.arch_prctl: return try p.sysArchPrctl(a)
        case N.prctl: return try p.sysPrctl(a)
        case N.set_tid_address: return try p.sysSetTidAddress(a)
        case N.set_robust_list: return try p.sysSetRobustListTask(a)      // per thread (area: timers)
        case N.getpid: return try p.sysGetpid(a)
        case N.gettid: return try p.sysGettidTask(a)
        case N.getppid: return try p.sysGetppid(a)
        case N.getuid: return try p.sysGetuid(a)
        case N.geteuid: return try p.sysGeteuid(a)
        case N.getgid: return try p.sysGetgid(a)
        case N.getegid: return try p.sysGetegid(a)
        case N.uname: return try p.sysUname(a)
        case N.getrandom: return try p.sysGetrandom(a)
        case N.sysinfo: return try p.sysSysinfo(a)
        case N.getrlimit: return try p.sysGetrlimit(a)
        case N.setrlimit: return try p.sysSetrlimit(a)
        case N.prlimit64: return try p.sysPrlimit64(a)
        // --- area: limits: credentials ---
        case N.setuid: return try p.sysSetuid(a)
        case N.setgid: return try p.sysSetgid(a)
        case N.setreuid: return try p.sysSetreuid(a)
        case N.setregid: return try p.sysSetregid(a)
        case N.setresuid: return try p.sysSetresuid(a)
        case N.setresgid: return try p.sysSetresgid(a)
        case N.getresuid: return try p.sysGetresuid(a)
        case N.getresgid: return try p.sysGetresgid(a)
        case N.setfsuid: return try p.sysSetfsuid(a)
        case N.setfsgid: return try p.sysSetfsgid(a)
        case N.getgroups: return try p.sysGetgroups(a)
        case N.setgroups: return try p.sysSetgroups(a)
        // --- end limits ---
        // processes
        case N.fork: return try p.sysFork(a)
        case N.vfork: return try p.sysVfork(a)
        case N.clone: return try p.sysClone(a)
        case N.clone3: return try p.sysClone3(a)
        case N.execve: return try p.sysExecve(a)
        case N.execveat: return try p.sysExecveat(a)
        case N.wait4: return try p.sysWait4(a)
        case N.waitid: return try p.sysWaitid(a)
        case N.kill: return try p.sysKill(a)
        case N.tkill: return try p.sysTkill(a)
        case N.tgkill: return try p.sysTgkill(a)
        case N.rt_sigqueueinfo: return try p.sysRtSigqueueinfo(a)
        case N.rt_tgsigqueueinfo: return try p.sysRtTgsigqueueinfo(a)
        case N.getpgid: return try p.sysGetpgid(a)
        case N.getpgrp: return try p.sysGetpgrp(a)
        case N.setpgid: return try p.sysSetpgid(a)
        case N.getsid: return try p.sysGetsid(a)
        case N.setsid: return try p.sysSetsid(a)
        case N.futex: return try p.sysFutex(a)
        case N.pipe: return try p.sysPipe(a)
        case N.pipe2: return try p.sysPipe2(a)
        // sockets (AF_UNIX, Guest/Kernel/Net)
        case N.socket: return try p.sysSocket(a)
        case N.socketpair: return try p.sysSocketpair(a)
        case N.bind: return try p.sysBind(a)
        case N.listen: return try p.sysListen(a)
        case N.accept: return try p.sysAccept(a)
        case N.accept4: return try p.sysAccept4(a)
        case N.connect: return try p.sysConnect(a)
        case N.shutdown: return try p.sysShutdown(a)
        case N.getsockname: return try p.sysGetsockname(a)
        case N.getpeername: return try p.sysGetpeername(a)
        case N.sendto: return try p.sysSendto(a)
        case N.recvfrom: return try p.sysRecvfrom(a)
        case N.sendmsg: return try p.sysSendmsg(a)
        case N.recvmsg: return try p.sysRecvmsg(a)
        case N.getsockopt: return try p.sysGetsockopt(a)
        case N.setsockopt: return try p.sysSetsockopt(a)
        // end sockets
        // readiness and event descriptors (poll area: Guest/Kernel/Poll/)
        case N.poll: return try p.sysPoll(a)
        case N.ppoll: return try p.sysPpoll(a)
        case N.select: return try p.sysSelect(a)
        case N.pselect6: return try p.sysPselect6(a)
        case N.epoll_create: return try p.sysEpollCreate(a)
        case N.epoll_create1: return try p.sysEpollCreate1(a)
        case N.epoll_ctl: return try p.sysEpollCtl(a)
        case N.epoll_wait: return try p.sysEpollWait(a)
        case N.epoll_pwait: return try p.sysEpollPwait(a)
        case N.epoll_pwait2: return try p.sysEpollPwait2(a)
        case N.eventfd: return try p.sysEventfd(a)
        case N.eventfd2: return try p.sysEventfd2(a)
        case N.timerfd_create: return try p.sysTimerfdCreate(a)
        case N.timerfd_settime: return try p.sysTimerfdSettime(a)
        case N.timerfd_gettime: return try p.sysTimerfdGettime(a)
        case N.signalfd: return try p.sysSignalfd(a)
        case N.signalfd4: return try p.sysSignalfd4(a)
        // signals
        case N.rt_sigreturn: return try p.sysRtSigreturn(a)
        case N.rt_sigsuspend: return try p.sysRtSigsuspend(a)
        case N.rt_sigpending: return try p.sysRtSigpending(a)
        case N.rt_sigtimedwait: return try p.sysRtSigtimedwait(a)
        case N.pause: return try p.sysPause(a)
        case N.rt_sigaction: return try p.sysRtSigaction(a)
        case N.rt_sigprocmask: return try p.sysRtSigprocmask(a)
        case N.sigaltstack: return try p.sysSigaltstack(a)
        case N.restart_syscall: return try p.sysRestartSyscall(a)     // area: jobctl2
        // time
        case N.clock_gettime: return try p.sysClockGettime(a)
        case N.clock_getres: return try p.sysClockGetres(a)
        case N.gettimeofday: return try p.sysGettimeofday(a)
        case N.time: return try p.sysTime(a)
        case N.nanosleep: return try p.sysNanosleep(a)
        case N.clock_nanosleep: return try p.sysClockNanosleep(a)
        case N.sched_yield: return try p.sysSchedYield(a)
        // --- timers, accounting, scheduling parameters (area: timers) ---
        case N.alarm: return try p.sysAlarm(a)
        case N.getitimer: return try p.sysGetitimer(a)
        case N.setitimer: return try p.sysSetitimer(a)
        case N.timer_create: return try p.sysTimerCreate(a)
        case N.timer_settime: return try p.sysTimerSettime(a)
        case N.timer_gettime: return try p.sysTimerGettime(a)
        case N.timer_getoverrun: return try p.sysTimerGetoverrun(a)
        case N.timer_delete: return try p.sysTimerDelete(a)
        case N.times: return try p.sysTimes(a)
        case N.getrusage: return try p.sysGetrusage(a)
        case N.sched_getaffinity: return try p.sysSchedGetaffinity(a)
        case N.sched_setaffinity: return try p.sysSchedSetaffinity(a)
        case N.sched_getscheduler: return try p.sysSchedGetscheduler(a)
        case N.sched_setscheduler: return try p.sysSchedSetscheduler(a)
        case N.sched_getparam: return try p.sysSchedGetparam(a)
        case N.sched_setparam: return try p.sysSchedSetparam(a)
        case N.sched_get_priority_max: return try p.sysSchedGetPriorityMax(a)
        case N.sched_get_priority_min: return try p.sysSchedGetPriorityMin(a)
        case N.getpriority: return try p.sysGetpriority(a)
        case N.setpriority: return try p.sysSetpriority(a)
        case N.get_robust_list: return try p.sysGetRobustList(a)
        // --- end timers ---
        default:
            reportUnimplemented(nr)
            throw .ENOSYS
        }
    }

    /// Logs an unimplemented syscall once, by name.
    static func reportUnimplemented(_ nr: Int) {
        guard nr >= 0 && nr < 512 else {
            Kernel.services?.log("unimplemented syscall \(nr)")
            return
        }
        let word = nr / 64, bit = UInt64(1) << UInt64(nr % 64)
        if reportedUnimplemented[word] & bit != 0 { return }
        reportedUnimplemented[word] |= bit
        let name = SyscallNumber.name(nr)
        Kernel.services?.log("unimplemented syscall \(nr) (\(name)): returning ENOSYS")
    }
}

/// entry.S syscall_entry lands here with the user registers in `frame`.
@_cdecl("syscall_handler")
func syscallHandler(_ raw: UnsafeMutableRawPointer) {
    handleSyscall(raw)
    Lifecycle.finishIfDead()                                  // area: limits: exit leaves here
}

@inline(never)
func handleSyscall(_ raw: UnsafeMutableRawPointer) {
    let frame = raw.assumingMemoryBound(to: TrapFrame.self)
    Platform.heartbeat()
    guard let t = Scheduler.current else { kernelPanic("syscall with no task", frame: frame) }
    let f = frame.pointee
    let args = SyscallArgs(f.rdi, f.rsi, f.rdx, f.r10, f.r8, f.r9)
    let result = SyscallTable.dispatch(t.process, f.rax, args)
    // execve and rt_sigreturn replaced the whole frame; everything else returns a value.
    if t.frame.pointee.vector == TrapFrame.syscallVector { frame.pointee.rax = result }
    returnToUser(frame)
}
