import KernelASM

/// The local APIC timer, through x2APIC MSRs (Intel SDM Vol. 3 §11.12; KVM's in-kernel
/// LAPIC). It drives the scheduler tick and makes a program that never makes a syscall
/// still enter the kernel. Under KVM the APIC timer counts at 1 GHz before division.
enum LocalAPIC {
    static let msrAPICBase: UInt32 = 0x1B
    static let msrEOI: UInt32 = 0x80B
    static let msrSpurious: UInt32 = 0x80F
    static let msrLVTTimer: UInt32 = 0x832
    static let msrInitialCount: UInt32 = 0x838
    static let msrDivide: UInt32 = 0x83E

    static let timerVector: UInt64 = 0x20
    static let spuriousVector: UInt64 = 0xff
    /// Tick period. 10 ms (100 Hz, Linux's CONFIG_HZ=100 clock tick) keeps the cost of
    /// ticks under PVM (an injected interrupt plus a trapped EOI write) below 0.1 %.
    nonisolated(unsafe) static var tickNanoseconds: UInt64 = 10_000_000

    nonisolated(unsafe) static var enabled = false
    nonisolated(unsafe) static var ticks: UInt64 = 0

    /// True if CPUID advertises x2APIC (leaf 1, ECX bit 21).
    static var hasX2APIC: Bool {
        var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
        k_cpuid(1, 0, &a, &b, &c, &d)
        return c & (1 << 21) != 0
    }

    /// Switches the LAPIC to x2APIC mode and starts a periodic timer. Leaves the timer
    /// off (and says so in the log) when x2APIC is not available.
    static func start() {
        guard hasX2APIC else {
            KernelLog.line("lapic: no x2APIC in CPUID; no timer tick")
            return
        }
        let base = k_rdmsr(msrAPICBase)
        k_wrmsr(msrAPICBase, base | (1 << 11) | (1 << 10))       // EN | EXTD
        k_wrmsr(msrSpurious, 0x100 | spuriousVector)             // software enable
        k_wrmsr(msrDivide, 0xB)                                  // divide by 1
        k_wrmsr(msrLVTTimer, (1 << 17) | timerVector)            // periodic
        // The ring-0 path on a PVM host runs every interrupt handler in KVM's emulator
        // (~1 µs per instruction): a 10 ms tick there left no time for the program.
        if Platform.mode == .ring0 && Platform.pteUserAll { tickNanoseconds = 100_000_000 }
        k_wrmsr(msrInitialCount, tickNanoseconds)
        enabled = true
    }

    @inline(__always) static func endOfInterrupt() {
        k_wrmsr(msrEOI, 0)
    }
}
