import Machine
import GuestABI
import HostCall
#if canImport(Glibc)
import Glibc
#endif

/// `--trace-boot`: milestones in microseconds since `swiftlet` started. Host-side
/// milestones are read from CLOCK_MONOTONIC; guest-side ones arrive as guest TSC stamps
/// (no exit per milestone) and are mapped onto the host clock through the TSC offset
/// sampled when the vCPU was created.
struct BootTrace {
    let enabled: Bool
    let processStart: UInt64
    private(set) var lines: [(String, UInt64)] = []
    /// Host TSC and monotonic µs sampled together, and the guest-minus-host TSC offset.
    var hostTSCRef: UInt64 = 0, monoRef: UInt64 = 0, guestOffset: Int64 = 0, tscKHz: UInt64 = 0

    init(enabled: Bool, processStart: UInt64) {
        self.enabled = enabled
        self.processStart = processStart
    }

    mutating func mark(_ name: String) {
        guard enabled else { return }
        lines.append((name, MonotonicClock.micros() &- processStart))
    }

    mutating func calibrate(machine: Machine) {
        guard enabled, let khz = machine.tscKHz, khz > 0 else { return }
        let host = MonotonicClock.tsc()
        let mono = MonotonicClock.micros()
        let guest = (try? machine.vcpu.getMSR(0x10)) ?? nil      // IA32_TIME_STAMP_COUNTER
        hostTSCRef = host; monoRef = mono; tscKHz = khz
        if let guest { guestOffset = Int64(bitPattern: guest &- host) }
    }

    mutating func addGuest(_ records: [HostCallTraceRecord]) {
        guard enabled, tscKHz > 0 else { return }
        for r in records {
            guard let point = TracePoint(rawValue: r.point) else { continue }
            let hostTSC = UInt64(bitPattern: Int64(bitPattern: r.tsc) &- guestOffset)
            let delta = Int64(bitPattern: hostTSC &- hostTSCRef)
            let micros = Int64(monoRef) + delta * 1000 / Int64(tscKHz) - Int64(processStart)
            lines.append((point.traceName, UInt64(max(micros, 0))))
        }
    }

    func print() {
        guard enabled else { return }
        for (name, us) in lines { writeStderr("swiftlet: trace: \(name) \(us) us\n") }
    }
}

extension TracePoint {
    var traceName: String {
        switch self {
        case .kernelEntry: return "kernel-entry"
        case .kernelInitDone: return "kernel-init-done"
        case .programEntry: return "program-entry"
        case .programExit: return "program-exit"
        }
    }
}

func writeStderr(_ s: String) {
    var s = s
    s.withUTF8 { u in
        var off = 0
        while off < u.count {
            let n = write(2, u.baseAddress! + off, u.count - off)
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            off += n
        }
    }
}
