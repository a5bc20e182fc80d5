import GuestABI
import GuestMemory
import Boot
import KVM
@testable import Machine
import Testing

/// Hand-assembled 64-bit guests (bytes from llvm-mc) for exercising the run loop. They
/// run in KVM's emulator on PVM (~1 µs per instruction, no SSE), so they are tiny.
enum TinyGuest {
    /// out 'A','\n' to 0x3f8; out %eax=0x12345 to 0x510; jmp .
    static let serialThenHostCall: [UInt8] = [
        0x66, 0xba, 0xf8, 0x03, 0xb0, 0x41, 0xee, 0xb0, 0x0a, 0xee,
        0x66, 0xba, 0x10, 0x05, 0xb8, 0x45, 0x23, 0x01, 0x00, 0xef, 0xeb, 0xfe,
    ]
    /// lea msg(%rip),%rsi; mov $6,%ecx; mov $0x3f8,%dx; rep outsb; out 1 to 0x510; jmp .; msg: "hello\n"
    static let repOutsb: [UInt8] = [
        0x48, 0x8d, 0x35, 0x17, 0x00, 0x00, 0x00, 0xb9, 0x06, 0x00, 0x00, 0x00,
        0x66, 0xba, 0xf8, 0x03, 0xf3, 0x6e, 0x66, 0xba, 0x10, 0x05,
        0xb8, 0x01, 0x00, 0x00, 0x00, 0xef, 0xeb, 0xfe,
    ] + Array("hello\n".utf8)
    /// jmp .
    static let spin: [UInt8] = [0xeb, 0xfe]
    /// movabs $(directMapBase + pvPage + 0x100),%rax; 1: incq (%rax); jmp 1b
    static let heartbeatLoop: [UInt8] = [
        0x48, 0xb8, 0x00, 0x11, 0x00, 0x00, 0x00, 0x7e, 0x00, 0x00, 0x48, 0xff, 0x00, 0xeb, 0xfb,
    ]
    /// lidt idtr(%rip); ud2; idtr: limit 0, base 0
    static let tripleFault: [UInt8] = [
        0x0f, 0x01, 0x1d, 0x02, 0x00, 0x00, 0x00, 0x0f, 0x0b,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]
    /// mov $0x3fd,%dx; in %dx,%al (LSR); out %eax to 0x510; jmp .
    static let readLSR: [UInt8] = [0x66, 0xba, 0xfd, 0x03, 0xec, 0x66, 0xba, 0x10, 0x05, 0xef, 0xeb, 0xfe]

    /// in $0x80,%al (unknown port); store 5 to and load from GPA 0x600000 (no memslot when
    /// RAM is 4 MiB: MMIO); out al+load to 0x510; jmp .
    static let unknownPortAndMMIO: [UInt8] = [
        0xe4, 0x80, 0x89, 0xc1, 0x48, 0xbb, 0x00, 0x00, 0x60, 0x00, 0x00, 0x7e, 0x00, 0x00,
        0xc7, 0x03, 0x05, 0x00, 0x00, 0x00, 0x8b, 0x03, 0x01, 0xc8,
        0x66, 0xba, 0x10, 0x05, 0xef, 0xeb, 0xfe,
    ]

    static let codeGPA: UInt64 = BootLayout.kernelPhysBase

    /// A machine with the code at `codeGPA`, 2 MiB pages mapping the first 8 MiB into the
    /// kernel window (U/S set at every level: required on PVM), and the entry state set.
    static func machine(_ code: [UInt8], config: MachineConfig = MachineConfig(memorySize: 16 << 20))
        throws -> Machine
    {
        let m = try Machine(config: config)
        let mem = m.memory
        let table: UInt64 = 0x7 // P | RW | U/S
        try mem.store(BootLayout.bootPDPT | table, at: GuestAddress(BootLayout.bootPML4 + UInt64(BootLayout.kernelPML4Slot) * 8))
        try mem.store(BootLayout.bootPD | table, at: GuestAddress(BootLayout.bootPDPT))
        for i in 0..<UInt64(4) {
            try mem.store((i << 21) | 0x87, at: GuestAddress(BootLayout.bootPD + i * 8)) // P|RW|U/S|PS
        }
        try mem.writeBytes(code, at: GuestAddress(codeGPA))
        try m.start(entry: BootLayout.directMapBase + codeGPA, rdi: 0, rsi: 0, segments: segments)
        return m
    }

    /// The boot GDT's hidden state, as `swiftlet run` loads it (the GDT itself is not written).
    static let segments = BootGDT.segments(tssBase: 0, tssLimit: 0x67)
}

/// Records every access the handler sees and stops at the first write to the host-call port.
final class PortRecorder {
    var accesses: [PortAccess] = []

    func handle(_ a: PortAccess) -> PortResult<UInt64> {
        accesses.append(a)
        if a.port == HostCallPort.request && a.direction == .out { return .stop(a.value) }
        return .unhandled
    }
}

extension RunOutcome {
    /// The stop value, or nil after recording which other outcome came instead.
    func expectStopped(sourceLocation: SourceLocation = #_sourceLocation) -> Stop? {
        guard case .stopped(let value) = self else {
            Issue.record("expected .stopped, got \(kind): \(self)", sourceLocation: sourceLocation)
            return nil
        }
        return value
    }
}
