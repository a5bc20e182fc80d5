import KernelASM

/// A timed busy loop that tells, from inside the guest, whether kernel code runs
/// natively (~3–4 ms for 10M iterations) or in KVM's emulator (~15 s).
enum SelfTest {
    static func run(_ services: GuestServices) {
        let iterations: UInt64 = 10_000_000
        let t0 = k_rdtsc()
        k_spin(iterations)
        let ns = services.nanoseconds(tscDelta: k_rdtsc() &- t0)
        KernelLog.line("self-test: \(iterations) iterations in \(ns / 1000) us")
    }
}
