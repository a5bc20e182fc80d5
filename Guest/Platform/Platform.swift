import KernelASM

/// The one place that knows whether the kernel runs as an ordinary ring-0 kernel
/// (hardware KVM, or PVM's emulator) or in PVM native supervisor mode. Chosen once at
/// boot; the rest of the kernel calls these and never asks (DESIGN.md §2).
public enum PlatformMode {
    case ring0
    case pvmNative
}

enum Platform {
    nonisolated(unsafe) static var mode: PlatformMode = .ring0
    /// Every paging entry must carry U/S=1 (PVM host); kernel-only on hardware otherwise.
    nonisolated(unsafe) static var pteUserAll = false

    static let pvPageVirtual: UInt64 = BootLayout.directMapBase + BootLayout.pvPage
    /// Incremented on every entry into the kernel; the VMM's watchdog reads it.
    static let heartbeatVirtual: UInt64 = pvPageVirtual + 0x100

    /// Decides the mode from what entry.S recorded: PVM requested by the VMM and the
    /// CPL check after the MSR write says we really run in hardware ring 3.
    static func detect() {
        if boot_platform == BootPlatform.pvm.rawValue && boot_native_cpl == 3 {
            mode = .pvmNative
            platform_pvm_native = 1
        } else {
            mode = .ring0
            platform_pvm_native = 0
        }
    }

    static var name: String { mode == .pvmNative ? (fastReturn ? "pvm-native (iret return)" : "pvm-native") : "ring0" }

    // MARK: PVM fast return (experiment, `--pvm-return iret`)

    /// True when user mode is entered with a native IRETQ instead of the emulated SYSRETQ
    /// (entry.S fast_return_to_user). The hypervisor then never learns that the vCPU is
    /// in user mode: every event arrives as a kernel-mode event, so every IDT gate uses
    /// the IST stack and entry.S sorts events by the kernel's own `in_user` flag.
    nonisolated(unsafe) static var fastReturn = false

    /// Turns the fast return on if requested and possible (PVM native only). Call before
    /// CPU.setUp, which builds the IDT.
    static func setFastReturn(_ how: UInt32) {
        fastReturn = (how == 1 || how == 2) && mode == .pvmNative
        pvm_fast_return = fastReturn ? UInt64(how) : 0
    }

    // MARK: interrupts

    /// Masks maskable interrupts: the virtual IF word under PVM (CLI is a trapping no-op
    /// there, facts/pvm.md §3.2), CLI otherwise.
    @inline(__always) static func disableInterrupts() {
        if mode == .pvmNative { k_store64(pvPageVirtual, 0) } else { k_cli() }
    }

    /// Unmasks interrupts. Under PVM a held-back interrupt (bit 8) needs one trapping
    /// instruction to be delivered (§3.8): reading CR2 is the cheapest one that works.
    @inline(__always) static func enableInterrupts() {
        if mode == .pvmNative {
            if k_xchg64(pvPageVirtual, 1) & 0x100 != 0 { _ = k_read_cr2() }
        } else {
            k_sti()
        }
    }

    /// Waits for the next interrupt.
    static func idle() {
        enableInterrupts()
        k_hlt()
    }

    // MARK: faults

    /// The faulting address of the current #PF: from the PV page (flag bit 4) under PVM,
    /// where `mov %cr2` would trap, from CR2 otherwise.
    @inline(__always) static func faultAddress() -> UInt64 {
        mode == .pvmNative ? k_load64(pvPageVirtual + 8) : k_read_cr2()
    }

    @inline(__always) static func heartbeat() {
        k_store64(heartbeatVirtual, k_load64(heartbeatVirtual) &+ 1)
    }

    // MARK: return to user

    /// RFLAGS bits a program may keep (arithmetic flags, TF, DF, OF, AC, ID); IF and the
    /// reserved bit 1 are forced on.
    static let userFlagsMask: UInt64 = 0x0024_0dd5

    /// Makes `frame` safe to leave through the user return (entry.S). Under PVM that is
    /// always SYSRETQ, which reloads RIP from RCX and RFLAGS from R11. When those registers
    /// must survive (return from an exception, signal or exec), the real RIP, RCX and
    /// R11 go below the red zone of the user stack and RIP becomes the trampoline.
    /// Returns false if the user stack cannot take them (the caller kills the program).
    static func prepareUserReturn(_ frame: inout TrapFrame, user: any UserMemory) -> Bool {
        frame.rflags = (frame.rflags & userFlagsMask) | 0x202
        frame.cs = UInt64(Selector.userCode)
        frame.ss = UInt64(Selector.userData)
        if frame.vector == TrapFrame.syscallVector {
            // SYSCALL semantics: RCX = return RIP and R11 = RFLAGS afterwards, as on
            // Linux, which lets PVM leave with a plain SYSRETQ.
            frame.rcx = frame.rip
            frame.r11 = frame.rflags
        }
        // RIP is a user address, or inside the trampoline itself (an interrupt can
        // arrive while the program executes it; returning there is fine).
        let trampoline = k_addr_trampoline()
        guard frame.rip < BootLayout.userLimit || (frame.rip >= trampoline && frame.rip < trampoline + 8) else { return false }
        guard mode == .pvmNative && !fastReturn else { return true }  // IRETQ restores everything
        if frame.rcx == frame.rip && frame.r11 == frame.rflags { return true }
        let newRsp = frame.rsp &- 128 &- 24
        var words: (UInt64, UInt64, UInt64) = (frame.r11, frame.rcx, frame.rip)
        let ok = withUnsafeBytes(of: &words) { bytes -> Bool in
            do throws(Errno) { try user.copyOut(bytes, to: newRsp); return true } catch { return false }
        }
        guard ok else { return false }
        frame.rsp = newRsp
        frame.rip = trampoline
        frame.rcx = trampoline
        frame.r11 = frame.rflags
        return true
    }

    /// The inverse of `prepareUserReturn` for a frame interrupted inside the PVM
    /// user-return trampoline (`popq %r11; popq %rcx; retq $128` in entry.S): finishes
    /// its remaining steps on the frame, so the frame holds the program's own RIP,
    /// RSP, RCX and R11. A signal handler must see (and rt_sigreturn restore) those,
    /// never a kernel-window address. Returns false if the user stack is unreadable.
    static func unwindUserReturnTrampoline(_ frame: inout TrapFrame, user: any UserMemory) -> Bool {
        let trampoline = k_addr_trampoline()
        guard frame.rip >= trampoline && frame.rip < trampoline + 8 else { return true }
        do throws(Errno) {
            var sp = frame.rsp
            if frame.rip == trampoline {                           // nothing popped yet
                frame.r11 = try user.load(at: sp); sp &+= 8
            }
            if frame.rip <= trampoline + 2 {                       // popq %rcx still to run
                frame.rcx = try user.load(at: sp); sp &+= 8
            }
            frame.rip = try user.load(at: sp)                      // retq $128
            frame.rsp = sp &+ 8 &+ 128
            return true
        } catch { return false }
    }

    // MARK: paging

    /// Flags for intermediate entries of user mappings and for kernel-window leaves.
    static var kernelPTEUserBit: UInt64 { pteUserAll ? PTE.user : 0 }

    /// CR4.FSGSBASE, as the VMM set it (read once at boot).
    nonisolated(unsafe) static var hasFSGSBase = false

    static func detectFeatures() {
        hasFSGSBase = k_read_cr4() & (1 << 16) != 0
    }

    /// Sets the FS base for arch_prctl(ARCH_SET_FS). WRFSBASE is unprivileged and native
    /// everywhere it exists. Measured on the PVM host with `--platform emulated`: after
    /// the first return to user mode the syscall path no longer runs at CPL0 (the saved
    /// CS is 0x33), so WRMSR there raises #GP; WRMSR is only the fallback.
    static func setFSBase(_ value: UInt64) {
        if hasFSGSBase { k_wrfsbase(value) } else { k_wrmsr(0xC000_0100, value) }
    }
}
