import KernelASM

/// Kernel-wide state for the single CPU.
enum Kernel {
    /// The running task's process and address space.
    static var process: Process? { Scheduler.current?.process }
    static var space: UserSpace? { Scheduler.current?.space }
    nonisolated(unsafe) static var services: GuestServices? = nil
    nonisolated(unsafe) static var traceEnabled = false
    nonisolated(unsafe) static var trace: [TraceRecord] = []

    static func tracePoint(_ p: TracePoint, tsc: UInt64 = k_rdtsc()) {
        guard traceEnabled else { return }
        trace.append(TraceRecord(point: p.rawValue, pad: 0, tsc: tsc))
    }

    /// Ends the VM: PID 1 (the user's program) finished. Flushes the boot trace and
    /// reports the status to the VMM, which tears the VM down; every other process dies
    /// with it. `signal` is nonzero when a signal killed the program.
    static func terminate(status: Int32, signal: Int32 = 0, reason: String = "") -> Never {
        tracePoint(.programExit)
        Platform.disableInterrupts()
        KernelLog.line("exit: status \(status) signal \(signal), \(LocalAPIC.ticks) timer ticks, heap \(k_heap_used() >> 10) KiB, \(Frames.inUse) frames, \(LocalAPIC.rearms) timer rearms (\(ClockEvents.early) early, \(ClockEvents.lateness / max(ClockEvents.fired, 1) / 1000) us late on average)")
        if traceEnabled && !trace.isEmpty {
            trace.withUnsafeBytes { b in _ = HostCalls.send(.trace, bytes: b) }
        }
        _ = HostCalls.send(.exit, arg0: UInt64(UInt32(bitPattern: status)), arg1: UInt64(UInt32(bitPattern: signal)), text: reason)
        while true { k_hlt() }
    }
}

/// Stops the machine after a kernel bug: registers and a frame-pointer backtrace go to
/// the kernel log, the message to the VMM (which exits with its own error code).
func kernelPanic(_ message: String, frame: UnsafeMutablePointer<TrapFrame>? = nil) -> Never {
    Platform.disableInterrupts()
    var text = "kernel panic: " + message
    if let f = frame { text += "\n" + f.pointee.dump() }
    text += "\nbacktrace:"
    var rbp = frame?.pointee.rbp ?? k_rbp()
    var depth = 0
    let lo = k_addr_kernel_start(), hi = BootLayout.directMapBase + BootLayout.maxRAM
    while depth < 16 && rbp >= lo && rbp < hi && rbp & 7 == 0 {
        let ret = k_load64(rbp + 8)
        text += " " + hex(ret)
        rbp = k_load64(rbp)
        depth += 1
    }
    KernelLog.line(text)
    _ = HostCalls.send(.panic, text: text)
    while true { k_hlt() }
}

@_cdecl("kernel_out_of_memory")
func kernelOutOfMemory(_ size: UInt64) {
    kernelPanic("kernel heap exhausted (request of \(size) bytes)")
}

@_cdecl("kernel_heap_corrupt")
func kernelHeapCorrupt(_ pointer: UInt64) {
    kernelPanic("free() of a pointer the heap did not hand out: \(hex(pointer))")
}

@_cdecl("kernel_panic_c")
func kernelPanicC(_ message: UnsafePointer<CChar>) {
    kernelPanic("runtime: stack protector")
}

/// putchar() in rt.c (Embedded Swift's print) hands complete lines here.
@_cdecl("kernel_log_bytes")
func kernelLogBytes(_ p: UnsafePointer<CChar>, _ n: UInt64) {
    let bytes = UnsafeRawBufferPointer(start: p, count: Int(n))
    KernelLog.appendToRing(bytes)
    if KernelLog.toSerial { k_outsb(HostCallPort.serial, p, n) }
}
