#if canImport(Glibc)
import Glibc
#endif
import GuestABI
import GuestMemory
import KVM
import Testing
@testable import Machine

/// Tiny guests on the real /dev/kvm. Serialized: they are CPU-bound in KVM's emulator and
/// the watchdog tests measure wall time.
@Suite(.serialized)
struct MachineRunTests {
    @Test func serialByteThenHostCallPort() throws {
        let m = try TinyGuest.machine(TinyGuest.serialThenHostCall)
        let rec = PortRecorder()
        let outcome = m.run(ioHandler: rec.handle)
        guard let value = outcome.expectStopped() else { return }
        #expect(value == 0x12345)
        #expect(rec.accesses == [PortAccess(port: 0x510, direction: .out, size: 4, value: 0x12345)])
        #expect(m.serial.output == "A\n")
        #expect(m.exitCounts.serial == 2)
        #expect(m.exitCounts.io == 3)
    }

    @Test func repOutsbArrivesWhole() throws {
        let m = try TinyGuest.machine(TinyGuest.repOutsb)
        let rec = PortRecorder()
        let outcome = m.run(ioHandler: rec.handle)
        guard let value = outcome.expectStopped() else { return }
        #expect(value == 1)
        #expect(m.serial.output == "hello\n")
        #expect(m.serial.bytesTransmitted == 6)
    }

    @Test func serialLSRReadsTransmitterEmpty() throws {
        let m = try TinyGuest.machine(TinyGuest.readLSR)
        let outcome = m.run(ioHandler: PortRecorder().handle)
        guard let value = outcome.expectStopped() else { return }
        #expect(value == 0x60)
    }

    @Test func unknownPortReadsOnesAndMMIOReadsZeros() throws {
        let m = try TinyGuest.machine(TinyGuest.unknownPortAndMMIO, config: MachineConfig(memorySize: 4 << 20))
        let rec = PortRecorder()
        let outcome = m.run(ioHandler: rec.handle)
        guard let value = outcome.expectStopped() else { return }
        // in al = 0xff (upper eax bytes stay 0), plus the MMIO read of 0.
        #expect(value == 0xff)
        #expect(rec.accesses.first == PortAccess(port: 0x80, direction: .in, size: 1, value: 0))
        #expect(m.exitCounts.unknownPort == 1)
        #expect(m.exitCounts.mmio == 2)
    }

    @Test func watchdogStopsASpinningGuest() throws {
        var config = MachineConfig(memorySize: 16 << 20, watchdogSeconds: 2)
        config.timeoutSeconds = 30
        let m = try TinyGuest.machine(TinyGuest.spin, config: config)
        let t0 = Machine.monotonicMicros()
        let outcome = m.run(ioHandler: PortRecorder().handle)
        let elapsed = Double(Machine.monotonicMicros() - t0) / 1e6
        guard case .watchdog(let dump) = outcome else {
            Issue.record("expected .watchdog, got \(outcome.kind): \(outcome)")
            return
        }
        print("watchdog after \(elapsed) s, \(m.exitCounts.interrupted) kicks\n\(dump)")
        #expect(elapsed >= 2 && elapsed < 3.5)
        #expect(dump.contains("rip=0x00007e0000200000"))
        #expect(m.exitCounts.interrupted >= 2)
    }

    @Test func handlerTimeIsNeitherStallNorInterrupted() throws {
        var config = MachineConfig(memorySize: 16 << 20, watchdogSeconds: 1)
        config.timeoutSeconds = 20
        let m = try TinyGuest.machine(TinyGuest.serialThenHostCall, config: config)
        var slept: Double = 0
        let t0 = Machine.monotonicMicros()
        let outcome: RunOutcome<UInt64> = m.run { access in
            // Stands in for a host call blocked on stdin: 1.5 s, longer than the watchdog.
            let s0 = Machine.monotonicMicros()
            usleep(1_500_000)
            slept = Double(Machine.monotonicMicros() - s0) / 1e6
            return .continue
        }
        let elapsed = Double(Machine.monotonicMicros() - t0) / 1e6
        guard case .watchdog = outcome else {
            Issue.record("expected .watchdog (the guest spins after the call), got \(outcome.kind)")
            return
        }
        // No kick signal landed in the handler's sleep, and the sleep did not count as a stall.
        #expect(slept >= 1.49)
        #expect(elapsed >= 2.4)
    }

    @Test func timeoutStopsAGuestThatMakesProgress() throws {
        var config = MachineConfig(memorySize: 16 << 20, watchdogSeconds: 1)
        config.timeoutSeconds = 2.5
        let m = try TinyGuest.machine(TinyGuest.heartbeatLoop, config: config)
        let t0 = Machine.monotonicMicros()
        let outcome = m.run(ioHandler: PortRecorder().handle)
        let elapsed = Double(Machine.monotonicMicros() - t0) / 1e6
        guard case .timeout = outcome else {
            Issue.record("expected .timeout, got \(outcome.kind): \(outcome)")
            return
        }
        // The heartbeat kept the 1 s watchdog quiet for 2.5 s.
        #expect(elapsed >= 2.5 && elapsed < 4)
        #expect(m.heartbeat > 1000)
        print("timeout after \(elapsed) s, heartbeat \(m.heartbeat)")
    }

    @Test func tripleFaultIsReported() throws {
        var config = MachineConfig(memorySize: 16 << 20, watchdogSeconds: 5)
        config.timeoutSeconds = 10
        let m = try TinyGuest.machine(TinyGuest.tripleFault, config: config)
        let outcome = m.run(ioHandler: PortRecorder().handle)
        guard case .tripleFault(let dump) = outcome else {
            Issue.record("expected .tripleFault, got \(outcome.kind): \(outcome)")
            return
        }
        #expect(dump.contains("triple fault"))
        #expect(dump.contains("cr3=0x0000000000002000"))
    }
}

@Suite struct MachineSetupTests {
    @Test func platformDetection() throws {
        let t0 = Machine.monotonicMicros()
        let m = try Machine(config: MachineConfig(memorySize: 16 << 20))
        let setup = Machine.monotonicMicros() - t0
        print("Machine.init \(setup) µs; host platform: \(m.hostPlatform), TSC \(m.tscKHz.map(String.init) ?? "unknown") kHz, "
            + "detection \(m.platformDetectionMicros) µs")
        #expect([HostPlatform.hardware, .pvm, .emulatedOnly].contains(m.hostPlatform))
        #expect(m.tscKHz.map { $0 > 100_000 } == true)
        // This development machine is the PVM fork (facts/pvm.md §1).
        let cpuinfoSaysHardware = HostPlatform.cpuinfoHasHardwareVirtualization()
        if !cpuinfoSaysHardware {
            #expect(m.hostPlatform == .pvm || m.hostPlatform == .emulatedOnly)
        }
        // Where the PVM fork is loaded (our development machines), detection must say so.
        if access("/sys/module/kvm_pvm", F_OK) == 0 {
            #expect(m.hostPlatform == .pvm)
            #expect(m.hostPlatform.bootPlatform == .pvm)
        }
    }

    @Test func startSetsLongModeState() throws {
        let m = try TinyGuest.machine(TinyGuest.spin)
        let s = try m.vcpu.getSpecialRegisters()
        #expect(s.cr0 == 0x8005_0033)
        #expect(s.cr3 == BootLayout.bootPML4)
        #expect(s.efer & 0xd01 == 0xd01)
        #expect(s.cr4 & 0x620 == 0x620)
        #expect(s.gdt.base == BootLayout.directMapBase + BootLayout.bootGDT && s.gdt.limit == 0x4f)
        #expect(s.cs.selector == Selector.kernelCode && s.cs.l)
        let r = try m.vcpu.getRegisters()
        #expect(r.rip == BootLayout.directMapBase + TinyGuest.codeGPA && r.rflags == 2)
        #expect(try m.vcpu.getMSR(0xc000_0081) == Selector.star)
        if m.cpuid.hasXSAVE {
            let xcr0 = try m.vcpu.getXCR0()
            #expect(xcr0.map { $0 & 0x3 == 0x3 } == true)
        }
    }

    @Test func rejectsBadConfig() {
        #expect(throws: MachineError.self) { try Machine(config: MachineConfig(memorySize: 12345)) }
        #expect(throws: MachineError.self) { try Machine(config: MachineConfig(memorySize: 16 << 20, watchdogSeconds: 0)) }
    }

    @Test func serialRingKeepsTheTail() {
        let s = Serial16550(echo: false, historyBytes: 16)
        for b in Array("first line\nsecond line\nthird\n".utf8) { s.write(offset: 0, value: b) }
        #expect(s.output.hasSuffix("line\nthird\n"))
        #expect(s.output.utf8.count == 16)
        #expect(s.lastLines(1) == "third")
        // DLAB set: offset 0 is the divisor latch, not the transmitter.
        s.write(offset: 3, value: 0x80)
        s.write(offset: 0, value: 0x41)
        #expect(s.bytesTransmitted == 29)
        #expect(s.read(offset: 5) == 0x60)
    }

    @Test func progressMonitorVerdicts() {
        var p = ProgressMonitor(start: 0, rip: 1, heartbeat: 0, stallMicros: 2_000_000, timeoutMicros: 5_000_000)
        #expect(p.sample(now: 1_000_000, rip: 1, heartbeat: 0) == .ok)
        #expect(p.sample(now: 2_000_000, rip: 1, heartbeat: 0) == .stalled)
        #expect(p.sample(now: 2_500_000, rip: 1, heartbeat: 7) == .ok)
        #expect(p.sample(now: 4_400_000, rip: 1, heartbeat: 7) == .ok)
        #expect(p.sample(now: 5_000_000, rip: 2, heartbeat: 8) == .timedOut)
    }

    @Test func xcr0Selection() {
        #expect(Machine.entryXCR0(supported: 0xe7) == 0xe7)
        #expect(Machine.entryXCR0(supported: 0x207) == 0x7)
        #expect(Machine.entryXCR0(supported: 0x67) == 0x7)
        #expect(Machine.entryXCR0(supported: 0x3) == 0x3)
    }
}
