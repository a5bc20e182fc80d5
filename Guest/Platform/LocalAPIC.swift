import KernelASM

/// The local APIC timer, through x2APIC MSRs (Intel SDM Vol. 3 §11.12; KVM's in-kernel
/// LAPIC). It is a one-shot timer that the kernel (`ClockEvents`) arms for the earliest
/// thing due: a sleeper's deadline, a timer's expiry or the next scheduler tick. It also
/// makes a program that never makes a syscall still enter the kernel.
///
/// TSC-deadline mode (SDM §11.5.4.1: LVT timer mode 10b, IA32_TSC_DEADLINE MSR 0x6E0)
/// when CPUID.1:ECX[24] advertises it, as it does under KVM and PVM; otherwise one-shot
/// mode with the initial count, which under KVM counts at 1 GHz before division. Every
/// WRMSR traps under PVM (≈ 4–7 µs), so the caller rearms only when the earliest
/// deadline moves earlier.
enum LocalAPIC {
    static let msrAPICBase: UInt32 = 0x1B
    static let msrTSCDeadline: UInt32 = 0x6E0
    static let msrEOI: UInt32 = 0x80B
    static let msrSpurious: UInt32 = 0x80F
    static let msrLVTTimer: UInt32 = 0x832
    static let msrInitialCount: UInt32 = 0x838
    static let msrDivide: UInt32 = 0x83E

    static let timerVector: UInt64 = 0x20
    static let spuriousVector: UInt64 = 0xff
    /// Scheduler tick period while a task runs. 10 ms (100 Hz, Linux's CONFIG_HZ=100)
    /// keeps the cost of ticks under PVM (an injected interrupt, a trapped EOI write and
    /// a trapped rearm) below 0.2 %.
    nonisolated(unsafe) static var tickNanoseconds: UInt64 = 10_000_000

    nonisolated(unsafe) static var enabled = false
    /// True in TSC-deadline mode, false in one-shot mode.
    nonisolated(unsafe) static var tscDeadline = false
    /// Timer interrupts taken (ticks and deadlines), and rearms (MSR writes).
    nonisolated(unsafe) static var ticks: UInt64 = 0
    nonisolated(unsafe) static var rearms: UInt64 = 0

    /// True if CPUID advertises x2APIC (leaf 1, ECX bit 21).
    static var hasX2APIC: Bool { cpuid1ECX & (1 << 21) != 0 }
    /// True if CPUID advertises the TSC-deadline timer (leaf 1, ECX bit 24).
    static var hasTSCDeadline: Bool { cpuid1ECX & (1 << 24) != 0 }

    private static var cpuid1ECX: UInt32 {
        var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
        k_cpuid(1, 0, &a, &b, &c, &d)
        return c
    }

    /// Switches the LAPIC to x2APIC mode with the timer in TSC-deadline (or one-shot)
    /// mode, not yet armed. Leaves the timer off (and says so in the log) when x2APIC is
    /// not available.
    static func start() {
        guard hasX2APIC else {
            KernelLog.line("lapic: no x2APIC in CPUID; no timer tick")
            return
        }
        let base = k_rdmsr(msrAPICBase)
        k_wrmsr(msrAPICBase, base | (1 << 11) | (1 << 10))       // EN | EXTD
        k_wrmsr(msrSpurious, 0x100 | spuriousVector)             // software enable
        k_wrmsr(msrDivide, 0xB)                                  // divide by 1
        tscDeadline = hasTSCDeadline
        k_wrmsr(msrLVTTimer, (tscDeadline ? 2 << 17 : 0) | timerVector)
        // SDM §11.5.4.1: in x2APIC mode a fence orders the LVT write before the first
        // IA32_TSC_DEADLINE write.
        k_mfence()
        // The ring-0 path on a PVM host runs every interrupt handler in KVM's emulator
        // (~1 µs per instruction): a 10 ms tick there left no time for the program.
        if Platform.mode == .ring0 && Platform.pteUserAll { tickNanoseconds = 100_000_000 }
        enabled = true
    }

    /// Arms the timer to fire at TSC value `tsc`, which is `nanoseconds` from now (the
    /// one-shot count; 0 fires at once). Replaces any earlier arming.
    static func arm(tsc: UInt64, nanoseconds: UInt64) {
        rearms &+= 1
        if tscDeadline {
            k_wrmsr(msrTSCDeadline, max(tsc, 1))
        } else {
            k_wrmsr(msrInitialCount, min(max(nanoseconds, 1), 0xffff_ffff))
        }
    }

    @inline(__always) static func endOfInterrupt() {
        k_wrmsr(msrEOI, 0)
    }
}
