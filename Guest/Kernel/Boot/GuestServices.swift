import KernelASM

/// `KernelServices` on the real machine: host calls for the console, the TSC for time,
/// and a generator seeded from the host's random bytes and RDRAND.
final class GuestServices: KernelServices {
    let tscKHz: UInt64
    let tscAtBoot: UInt64
    let realtimeAtBoot: UInt64
    let ttyMask: UInt32
    let windowRows: UInt16
    let windowColumns: UInt16
    private var rng: (UInt64, UInt64, UInt64, UInt64)

    init(tree: DeviceTree) {
        tscKHz = UInt64(max(tree.u32("/chosen", DTName.tscKHz) ?? 1_000_000, 1))
        tscAtBoot = boot_entry_tsc
        realtimeAtBoot = tree.u64("/chosen", DTName.realtimeNs) ?? 0
        ttyMask = tree.u32("/chosen", DTName.ttyMask) ?? 0
        let ws = tree.property("/chosen", DTName.winsize) ?? []
        windowRows = ws.count >= 8 ? UInt16(truncatingIfNeeded: DeviceTree.be32(ws, 0)) : 0
        windowColumns = ws.count >= 8 ? UInt16(truncatingIfNeeded: DeviceTree.be32(ws, 4)) : 0
        var seed = tree.property("/chosen", DTName.random) ?? []
        while seed.count < 32 { seed.append(UInt8(truncatingIfNeeded: k_rdtsc() >> 3)) }
        func word(_ i: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(seed[i * 8 + k]) << (8 * UInt64(k)) }
            return v
        }
        var hw: UInt64 = 0
        _ = k_rdrand(&hw)
        rng = (word(0) ^ hw, word(1), word(2), word(3) | 1)
    }

    /// Nanoseconds for a TSC delta, without overflow for any uptime.
    func nanoseconds(tscDelta: UInt64) -> UInt64 {
        // Split so nothing overflows for centuries of uptime and no 128-bit division
        // (which would need compiler-rt) is emitted.
        (tscDelta / tscKHz) &* 1_000_000 &+ (tscDelta % tscKHz) &* 1_000_000 / tscKHz
    }

    /// The TSC value at monotonic time `ns` (rounded up, so a deadline armed with it
    /// never fires early; area: hrtimer).
    func tsc(atMonotonic ns: UInt64) -> UInt64 {
        let delta = (ns / 1_000_000) &* tscKHz &+ ((ns % 1_000_000) &* tscKHz &+ 999_999) / 1_000_000
        return tscAtBoot &+ delta
    }

    func monotonicNanoseconds() -> UInt64 { nanoseconds(tscDelta: k_rdtsc() &- tscAtBoot) }
    func realtimeNanoseconds() -> UInt64 { realtimeAtBoot &+ monotonicNanoseconds() }

    func consoleWrite(stream: Int, _ bytes: UnsafeRawBufferPointer) throws(Errno) -> Int {
        if let console = DriverRegistry.console { return try console.writeKernel(stream: stream, bytes) }
        let r = HostCalls.send(.write, arg0: UInt64(stream), bytes: bytes)
        if r < 0 { throw Errno(Int32(truncatingIfNeeded: -r)) }
        return Int(r)
    }

    func consoleRead(stream: Int, _ buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        if let console = DriverRegistry.console { return try console.readKernel(buffer) }
        let r = HostCalls.send(.read, arg0: UInt64(stream), bytes: UnsafeRawBufferPointer(buffer))
        if r < 0 { throw Errno(Int32(truncatingIfNeeded: -r)) }
        return Int(r)
    }

    /// xoshiro256** over the host seed. Not a CSPRNG yet; the seed is the host's
    /// getrandom output, mixed with RDRAND.
    func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        for i in 0..<buffer.count {
            if i % 8 == 0 {
                let t = rng.1 << 17
                rng.2 ^= rng.0; rng.3 ^= rng.1; rng.1 ^= rng.2; rng.0 ^= rng.3; rng.2 ^= t
                rng.3 = (rng.3 << 45) | (rng.3 >> 19)
            }
            let r = rng.1 &* 5
            let out = ((r << 7) | (r >> 57)) &* 9
            buffer[i] = UInt8(truncatingIfNeeded: out >> (8 * UInt64(i % 8)))
        }
    }

    func log(_ message: String) { KernelLog.line(message) }

    /// Waits `ns` nanoseconds. The only task is the sleeper, so the vCPU halts until
    /// the next timer tick (or spins on the TSC when there is no timer), then finishes
    /// the last partial tick by spinning for sub-tick precision.
    func sleep(nanoseconds ns: UInt64) {
        let start = monotonicNanoseconds()
        while true {
            let elapsed = monotonicNanoseconds() &- start
            if elapsed >= ns { break }
            Platform.heartbeat()
            if LocalAPIC.enabled && ns - elapsed > LocalAPIC.tickNanoseconds + 1_000_000 {
                Platform.idle()
                Platform.disableInterrupts()
            } else {
                k_pause()
            }
        }
    }
}
