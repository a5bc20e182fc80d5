import KernelASM

/// The x86-64 rt_sigframe the kernel pushes for a handler (arch/x86/kernel/signal_64.c,
/// uapi/asm/sigcontext.h): pretcode, ucontext (uc_flags, uc_link, uc_stack,
/// sigcontext, uc_sigmask), siginfo, then the FXSAVE image that
/// sigcontext.fpstate points to.
enum SignalFrame {
    static let ucontextOffset: UInt64 = 8
    static let sigcontextOffset: UInt64 = 8 + 40        // after uc_flags, uc_link, uc_stack
    static let sigmaskOffset: UInt64 = 8 + 40 + 256
    static let siginfoOffset: UInt64 = 8 + 304
    static let frameSize: UInt64 = 8 + 304 + 128

    static func push(_ frame: UnsafeMutablePointer<TrapFrame>, task t: Task, signal sig: Int32, info: SigInfo, handler: UInt64,
                     flags: UInt64, restorer: UInt64, mask: UInt64) -> Bool {
        let p = t.process
        // Interrupted inside the user-return trampoline: the handler gets the real
        // interrupted state (area: go; Go's async preemption inspects the PC).
        guard Platform.unwindUserReturnTrampoline(&frame.pointee, user: t.space) else { return false }
        let f = frame.pointee
        var sp = f.rsp &- 128                                  // skip the red zone
        if flags & Signals.saOnStack != 0 && p.altStack.1 == 0 {
            let (base, _, size) = p.altStack
            if !(f.rsp > base && f.rsp <= base &+ size) { sp = base &+ size }
        }
        sp = (sp &- 512) & ~63                                 // FXSAVE image, 64-byte aligned
        let fpstate = sp
        sp = ((sp &- frameSize) & ~15) &- 8                    // handler entry: (rsp + 8) % 16 == 0

        var b = [UInt8](repeating: 0, count: Int(frameSize))
        func put(_ off: UInt64, _ v: UInt64) { for k in 0..<8 { b[Int(off) + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) } }
        func put32(_ off: UInt64, _ v: UInt32) { for k in 0..<4 { b[Int(off) + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) } }
        put(0, restorer)                                       // pretcode
        put(ucontextOffset + 0, 6)                             // uc_flags: UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS
        put(ucontextOffset + 16, p.altStack.0)                 // uc_stack
        put32(ucontextOffset + 24, UInt32(truncatingIfNeeded: p.altStack.1))
        put(ucontextOffset + 32, p.altStack.2)
        let sc = sigcontextOffset
        let regs: [UInt64] = [f.r8, f.r9, f.r10, f.r11, f.r12, f.r13, f.r14, f.r15, f.rdi, f.rsi, f.rbp, f.rbx,
                              f.rdx, f.rax, f.rcx, f.rsp, f.rip, f.rflags]
        for (i, r) in regs.enumerated() { put(sc + UInt64(i) * 8, r) }
        put(sc + 144, UInt64(Selector.userCode) | (UInt64(Selector.userData) << 48))   // cs, gs, fs, ss
        put(sc + 152, f.vector < 32 ? f.error : 0)             // err
        put(sc + 160, f.vector < 32 ? f.vector : 0)            // trapno
        let savedMask = t.maskBeforeSuspend ?? p.signalMask
        t.maskBeforeSuspend = nil
        put(sc + 168, savedMask)                               // oldmask
        put(sc + 176, info.address)                            // cr2
        put(sc + 184, fpstate)                                 // fpstate
        put(sigmaskOffset, savedMask)
        for (i, byte) in Signals.encode(sig, info).enumerated() { b[Int(siginfoOffset) + i] = byte }   // area: jobctl

        // The program's FPU state at the time of the signal, in FXSAVE layout (the
        // legacy region of an XSAVE area is the same).
        FPU.save(t.fpu)
        let fpu = UnsafeRawBufferPointer(start: t.fpu, count: 512)
        do throws(Errno) {
            try t.space.copyOut(fpu, to: fpstate)
            try t.space.copyOut(b, to: sp)
        } catch { return false }

        var newMask = p.signalMask | mask
        if flags & Signals.saNoDefer == 0 { newMask |= Signals.bit(sig) }
        p.signalMask = newMask & ~(Signals.bit(Signals.SIGKILL) | Signals.bit(Signals.SIGSTOP))

        frame.pointee.rsp = sp
        frame.pointee.rip = handler
        frame.pointee.rdi = UInt64(sig)
        frame.pointee.rsi = sp + siginfoOffset
        frame.pointee.rdx = sp + ucontextOffset
        frame.pointee.rax = 0
        frame.pointee.rflags &= ~UInt64(0x400 | 0x100)         // DF and TF clear, as Linux does
        frame.pointee.vector = TrapFrame.signalVector          // full register return
        return true
    }

    /// rt_sigreturn(2): restores the registers, mask and FPU state saved by `push`. The
    /// ucontext is at the user RSP (the handler's `ret` popped pretcode).
    static func restore(_ frame: UnsafeMutablePointer<TrapFrame>, task t: Task) throws(Errno) {
        let uc = frame.pointee.rsp
        let sc = uc + (sigcontextOffset - ucontextOffset)
        var r = [UInt64](repeating: 0, count: 24)
        for i in 0..<24 { r[i] = try t.space.load(at: sc + UInt64(i) * 8) }
        let mask: UInt64 = try t.space.load(at: uc + (sigmaskOffset - ucontextOffset))
        let fpstate = r[23]
        guard r[16] < BootLayout.userLimit else { throw .EFAULT }   // RIP must be a user address
        var f = frame.pointee
        f.r8 = r[0]; f.r9 = r[1]; f.r10 = r[2]; f.r11 = r[3]; f.r12 = r[4]; f.r13 = r[5]; f.r14 = r[6]; f.r15 = r[7]
        f.rdi = r[8]; f.rsi = r[9]; f.rbp = r[10]; f.rbx = r[11]; f.rdx = r[12]; f.rax = r[13]; f.rcx = r[14]
        f.rsp = r[15]; f.rip = r[16]; f.rflags = r[17]
        f.vector = TrapFrame.signalVector
        frame.pointee = f
        t.process.signalMask = mask & ~(Signals.bit(Signals.SIGKILL) | Signals.bit(Signals.SIGSTOP))
        if fpstate != 0 {
            let fpu = UnsafeMutableRawBufferPointer(start: t.fpu, count: 512)
            try t.space.copyIn(fpu, from: fpstate)
            // MXCSR reserved bits set would #GP in FXRSTOR: keep only the defined ones.
            let mxcsr = t.fpu.load(fromByteOffset: 24, as: UInt32.self) & 0xffff
            t.fpu.storeBytes(of: mxcsr, toByteOffset: 24, as: UInt32.self)
            // Only the legacy (x87/SSE) part travels through the frame; the rest of an
            // XSAVE area keeps what the handler left, as with FXRSTOR.
            k_fxrstor(t.fpu)
        }
    }
}
