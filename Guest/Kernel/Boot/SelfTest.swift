import KernelASM

/// A timed busy loop that tells, from inside the guest, whether kernel code runs
/// natively (~3–4 ms for 10M iterations) or in KVM's emulator (~15 s).
enum SelfTest {
    @inline(never)
    static func spin(_ n: UInt64) -> UInt64 {
        var i = n, acc: UInt64 = 0
        while i > 0 { acc &+= i; i -= 1 }
        return acc
    }

    static func run(_ services: GuestServices) {
        let iterations: UInt64 = 10_000_000
        let t0 = k_rdtsc()
        let r = spin(iterations)
        let ns = services.nanoseconds(tscDelta: k_rdtsc() &- t0)
        KernelLog.line("self-test: \(iterations) iterations in \(ns / 1000) us (checksum \(r & 0xffff))")
    }
}
