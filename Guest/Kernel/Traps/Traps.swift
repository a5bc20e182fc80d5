import KernelASM

/// Every exception and interrupt lands here (entry.S trap_common).
@_cdecl("trap_handler")
func trapHandler(_ raw: UnsafeMutableRawPointer) {
    handleTrap(raw)
    // area: limits: a task that died here leaves from a frame holding no references.
    if raw.assumingMemoryBound(to: TrapFrame.self).pointee.fromUser { Lifecycle.finishIfDead() }
}

@inline(never)
func handleTrap(_ raw: UnsafeMutableRawPointer) {
    let frame = raw.assumingMemoryBound(to: TrapFrame.self)
    Platform.heartbeat()
    let vector = frame.pointee.vector
    if vector == UInt64(CPU.syscallBounceVector) && frame.pointee.rip == k_addr_bounce_return() && ring0_degraded == 1 {
        // The syscall frame sits where the bounce interrupt found the stack pointer.
        syscallHandler(UnsafeMutableRawPointer(bitPattern: UInt(frame.pointee.rsp))!)
        return
    }
    if vector >= 32 {
        Timers.tickFromUser = frame.pointee.fromUser        // area: timers (user vs system time)
        handleInterrupt(vector)
        if frame.pointee.fromUser { returnToUser(frame) }
        return
    }
    guard frame.pointee.fromUser else {
        kernelPanic("exception \(vector) in the kernel", frame: frame)
    }
    let f = frame.pointee
    if vector < 32 && vector != 14 { KernelLog.line("user exception \(vector):\n" + f.dump()) }
    switch vector {
    case 14:
        let address = Platform.faultAddress()
        let write = f.error & 2 != 0, fetch = f.error & 16 != 0
        // P=0: demand paging; P=1 on a write: maybe copy-on-write (area: timers).
        if f.error & 1 == 0 || (write && !fetch), let t = Scheduler.current {
            switch t.space.fault(address, write: write, execute: fetch) {
            case .mapped: returnToUser(frame); return
            case .outOfMemory:                               // area: shm: the OOM killer's verdict
                killProgram(Signals.SIGKILL, "out of memory: no page frame for \(hex(address)), ip \(hex(f.rip))")
                return                                       // dead: the entry code switches away
            case .beyondObject:                              // area: shm: mmap(2) SIGBUS, BUS_ADRERR
                raiseFault(Signals.SIGBUS, code: 2, address: address, "bus error at \(hex(address)): beyond the end of the mapped object")
                returnToUser(frame); return
            case .invalid: break
            }
        }
        let cause = f.error & 1 == 0 ? "address not mapped" : "invalid permissions"
        raiseFault(Signals.SIGSEGV, code: f.error & 1 == 0 ? 1 : 2, address: address,
                   "segmentation fault at \(hex(address)) (\(cause)), ip \(hex(f.rip))")
    case 0:
        raiseFault(Signals.SIGFPE, code: 1, address: f.rip, "divide error, ip \(hex(f.rip))")        // FPE_INTDIV
    case 16, 19:
        raiseFault(Signals.SIGFPE, code: 0, address: f.rip, "floating-point exception, ip \(hex(f.rip))")
    case 6:
        raiseFault(Signals.SIGILL, code: 2, address: f.rip, "invalid opcode, ip \(hex(f.rip))")        // ILL_ILLOPN
    case 13:
        raiseFault(Signals.SIGSEGV, code: 128, address: 0, "general protection fault, ip \(hex(f.rip))")  // SI_KERNEL
    case 12:
        raiseFault(Signals.SIGBUS, code: 128, address: 0, "stack segment fault, ip \(hex(f.rip))")
    case 17:
        raiseFault(Signals.SIGBUS, code: 1, address: 0, "alignment check, ip \(hex(f.rip))")
    case 1, 3:
        raiseFault(Signals.SIGTRAP, code: 1, address: f.rip, "trace/breakpoint trap, ip \(hex(f.rip))")
    default:
        raiseFault(Signals.SIGSEGV, code: 128, address: 0, "exception \(vector), ip \(hex(f.rip))")
    }
    returnToUser(frame)
}

/// A hardware fault in the program becomes a signal. If the program handles it, the
/// handler runs; if the signal is blocked or left at its default action, the process
/// dies, reported as the shell does (128 + signal) with `reason` on swiftlet's stderr.
func raiseFault(_ signal: Int32, code: Int32, address: UInt64, _ reason: String) {
    let t: Task = Scheduler.current
    let p = t.process
    let handler = Signals.handler(p, signal)
    let blocked = p.signalMask & Signals.bit(signal) != 0
    if handler == Signals.sigDefault || handler == Signals.sigIgnore || blocked {
        killProgram(signal, reason)
        return
    }
    Signals.send(signal, toTask: t, info: SigInfo(code: code, address: address))   // area: jobctl
}

/// Terminates the current process with `signal` (its default action); the caller then
/// returns to the entry code, which switches away.
func killProgram(_ signal: Int32, _ reason: String) {
    Lifecycle.exitProcess(Scheduler.current.entry, waitStatus: Lifecycle.signalStatus(signal),
                          reason: Signals.name(signal) + ": " + reason)
}

/// Last step before entry.S leaves for user mode: reschedule if the slice ended,
/// deliver pending signals, then make the frame fit the platform's return path.
@inline(__always)
func returnToUser(_ frame: UnsafeMutablePointer<TrapFrame>) {
    guard let t = Scheduler.current, t.state != .zombie else { return }   // area: limits: dead
    // Switching away is only safe from the task's own kernel stack (not from an IST
    // frame, which the next event would overwrite).
    if Scheduler.needResched && frame == t.frame { Scheduler.schedule() }
    if Lifecycle.diesOnReturn(t) { return }                   // area: jobctl2: ended by another thread
    if t.pendingSignals != 0 || t.entry?.stopped == true { Signals.deliver(frame) }   // area: jobctl: stopped
    else { Signals.noHandlerRan(frame, t) }                   // area: jobctl2: restart codes never reach the program
    if Lifecycle.diesOnReturn(t) { return }                   // area: jobctl2: ended while stopped in deliver
    if t.state == .zombie { return }                          // area: limits: died in deliver
    if !Platform.prepareUserReturn(&frame.pointee, user: t.space) {
        killProgram(Signals.SIGSEGV, "cannot write the return frame to the user stack at \(hex(frame.pointee.rsp))")
    }
}

/// External interrupts: the LAPIC timer tick; everything else is acknowledged and
/// counted (device interrupts arrive with the virtio drivers).
func handleInterrupt(_ vector: UInt64) {
    switch vector {
    case LocalAPIC.timerVector:
        LocalAPIC.ticks &+= 1
        LocalAPIC.endOfInterrupt()
        if Scheduler.current != nil, let s = Kernel.services { Scheduler.tick(now: s.monotonicNanoseconds()) }
    case LocalAPIC.spuriousVector:
        break                                   // no EOI for spurious interrupts
    default:
        _ = Drivers.dispatch(vector)
        LocalAPIC.endOfInterrupt()
    }
}
