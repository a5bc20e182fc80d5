import KernelASM

/// Linux signal numbers used for hardware faults.
enum Signal {
    static let SIGILL: Int32 = 4, SIGTRAP: Int32 = 5, SIGBUS: Int32 = 7, SIGFPE: Int32 = 8, SIGSEGV: Int32 = 11

    static func name(_ s: Int32) -> String {
        switch s {
        case 4: return "SIGILL"
        case 5: return "SIGTRAP"
        case 7: return "SIGBUS"
        case 8: return "SIGFPE"
        case 11: return "SIGSEGV"
        default: return "signal \(s)"
        }
    }
}

/// Every exception and interrupt lands here (entry.S trap_common).
@_cdecl("trap_handler")
func trapHandler(_ raw: UnsafeMutableRawPointer) {
    let frame = raw.assumingMemoryBound(to: TrapFrame.self)
    Platform.heartbeat()
    let vector = frame.pointee.vector
    if vector == UInt64(CPU.syscallBounceVector) && frame.pointee.rip == k_addr_bounce_return() && ring0_degraded == 1 {
        // The syscall frame sits where the bounce interrupt found the stack pointer.
        syscallHandler(UnsafeMutableRawPointer(bitPattern: UInt(frame.pointee.rsp))!)
        return
    }
    if vector >= 32 {
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
        if f.error & 1 == 0, let space = Kernel.space, space.handleFault(address, write: write, execute: fetch) {
            break
        }
        let cause = f.error & 1 == 0 ? "address not mapped" : "invalid permissions"
        killProgram(Signal.SIGSEGV, "segmentation fault at \(hex(address)) (\(cause)), ip \(hex(f.rip))")
    case 0:
        killProgram(Signal.SIGFPE, "divide error, ip \(hex(f.rip))")
    case 16, 19:
        killProgram(Signal.SIGFPE, "floating-point exception, ip \(hex(f.rip))")
    case 6:
        killProgram(Signal.SIGILL, "invalid opcode, ip \(hex(f.rip))")
    case 13:
        killProgram(Signal.SIGSEGV, "general protection fault, ip \(hex(f.rip))")
    case 12:
        killProgram(Signal.SIGBUS, "stack segment fault, ip \(hex(f.rip))")
    case 17:
        killProgram(Signal.SIGBUS, "alignment check, ip \(hex(f.rip))")
    case 1, 3:
        killProgram(Signal.SIGTRAP, "trace/breakpoint trap, ip \(hex(f.rip))")
    default:
        killProgram(Signal.SIGSEGV, "exception \(vector), ip \(hex(f.rip))")
    }
    returnToUser(frame)
}

/// No signal delivery yet: a fault takes the default action, termination, reported as
/// the shell does (128 + signal).
func killProgram(_ signal: Int32, _ reason: String) -> Never {
    Kernel.terminate(status: 128 + signal, signal: signal, reason: Signal.name(signal) + ": " + reason)
}

/// Last step before entry.S leaves for user mode.
@inline(__always)
func returnToUser(_ frame: UnsafeMutablePointer<TrapFrame>) {
    guard let space = Kernel.space else { return }
    if !Platform.prepareUserReturn(&frame.pointee, user: space) {
        killProgram(Signal.SIGSEGV, "cannot write the return frame to the user stack at \(hex(frame.pointee.rsp))")
    }
}

/// External interrupts: the LAPIC timer tick; everything else is acknowledged and
/// counted (device interrupts arrive with the virtio drivers).
func handleInterrupt(_ vector: UInt64) {
    switch vector {
    case LocalAPIC.timerVector:
        LocalAPIC.ticks &+= 1
        LocalAPIC.endOfInterrupt()
    case LocalAPIC.spuriousVector:
        break                                   // no EOI for spurious interrupts
    default:
        _ = Drivers.dispatch(vector)
        LocalAPIC.endOfInterrupt()
    }
}
