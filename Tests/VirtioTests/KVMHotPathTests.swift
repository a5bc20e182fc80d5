#if canImport(Glibc)
import Glibc
#endif
import Block
import GuestABI
import GuestMemory
import Boot
import KVM
import Machine
import Testing
import Virtio
import VirtioTesting

/// The hot path on the real /dev/kvm: a tiny guest writes QueueNotify (caught by an
/// ioeventfd, no exit), the I/O thread processes the block request and pulses the
/// irqfd, and the guest sees the used ring move.
@Suite(.serialized) struct KVMHotPathTests {
    static let codeGPA: UInt64 = BootLayout.kernelPhysBase
    static let mmioPD: UInt64 = 0x5000

    /// movabs notify,%rbx; movl $0,(%rbx); movabs used_idx,%rcx;
    /// 1: movzwl (%rcx),%eax; cmp $1,%eax; jne 1b; out %eax,$0x510; jmp .
    static func code(notify: UInt64, usedIndex: UInt64) -> [UInt8] {
        func le(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        return [0x48, 0xbb] + le(notify) + [0xc7, 0x03, 0, 0, 0, 0] + [0x48, 0xb9] + le(usedIndex)
            + [0x0f, 0xb7, 0x01, 0x83, 0xf8, 0x01, 0x75, 0xf8, 0x66, 0xba, 0x10, 0x05, 0xef, 0xeb, 0xfe]
    }

    /// The boot GDT's hidden state, as `swiftlet run` loads it (the GDT itself is not written).
    static let segments = BootGDT.segments(tssBase: 0, tssLimit: 0x67)

    @Test func notifyThroughIOEventFDWithoutExit() throws {
        let m = try Machine(config: MachineConfig(memorySize: 16 << 20, watchdogSeconds: 20, timeoutSeconds: 60))
        let mem = m.memory
        // Page tables: the first 8 MiB and the 2 MiB around the MMIO window, in the
        // kernel window, U/S everywhere (PVM needs it).
        let table: UInt64 = 0x7
        try mem.store(BootLayout.bootPDPT | table, at: GuestAddress(BootLayout.bootPML4 + UInt64(BootLayout.kernelPML4Slot) * 8))
        try mem.store(BootLayout.bootPD | table, at: GuestAddress(BootLayout.bootPDPT))
        for i in 0..<UInt64(4) { try mem.store((i << 21) | 0x87, at: GuestAddress(BootLayout.bootPD + i * 8)) }
        try mem.store(Self.mmioPD | table, at: GuestAddress(BootLayout.bootPDPT + 3 * 8))
        let pdIndex = (BootLayout.mmioBase >> 21) & 511
        try mem.store(BootLayout.mmioBase | 0x9f, at: GuestAddress(Self.mmioPD + pdIndex * 8)) // P|RW|U|PCD|PS

        let backend = MemoryBlockBackend(size: 64 * 1024, fill: 0x5a)
        let device = try BlockDevice(backend: backend, readOnly: false)
        let bus = try VirtioMMIOBus(memory: mem, vm: m.vm)
        let slot = try bus.attach(device, slot: 0, name: "vda")
        // The host plays the driver's setup part (through the same transport), then
        // queues one read; only the notify comes from the guest.
        let driver = MockDriver(transport: slot.transport, memory: mem, dataBase: 0x60_0000)
        #expect(driver.initialize(queueSize: 16))
        let h = driver.allocate(16, fill: [0, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8))
        let data = driver.allocate(512)
        let status = driver.allocate(1, fill: [0xff])
        driver.addChain(0, [.init(h, 16, writable: false), .init(data, 512, writable: true), .init(status, 1, writable: true)])

        let io = try IOThread(bus: bus)
        try io.start()
        defer { io.stop() }
        let usedIndexGPA = driver.queues[0].used + 2
        try mem.writeBytes(Self.code(notify: BootLayout.directMapBase + BootLayout.mmioBase + UInt64(VirtioMMIORegister.queueNotify),
                                     usedIndex: BootLayout.directMapBase + usedIndexGPA), at: GuestAddress(Self.codeGPA))
        try m.start(entry: BootLayout.directMapBase + Self.codeGPA, rdi: 0, rsi: 0, segments: Self.segments)
        let outcome = m.run(virtio: bus) { (a: PortAccess) -> PortResult<UInt64> in
            a.port == HostCallPort.request ? .stop(a.value) : .unhandled
        }
        guard case .stopped(let value) = outcome else {
            Issue.record("expected .stopped, got \(outcome.kind): \(outcome)")
            return
        }
        #expect(value == 1)
        #expect(driver.bytes(at: status, count: 1) == [0])
        #expect(driver.bytes(at: data, count: 512) == [UInt8](repeating: 0x5a, count: 512))
        // The notify never exited to userspace: no MMIO exit at all.
        #expect(m.exitCounts.mmio == 0)
        #expect(bus.exits.load(ordering: .relaxed) == 0)
        #expect(io.wakeups.load(ordering: .relaxed) >= 1)
        let counters = slot.withTransport { $0.counters }
        #expect(counters.requestsCompleted == 1)
        #expect(counters.interruptsRaised == 1)   // pulsed through the irqfd
    }

    @Test func setupRegistersExitToTheBus() throws {
        let m = try Machine(config: MachineConfig(memorySize: 16 << 20))
        let bus = try VirtioMMIOBus(memory: m.memory, vm: m.vm)
        try bus.attach(try BlockDevice(backend: MemoryBlockBackend(size: 4096), readOnly: true), slot: 2, name: "vdc")
        #expect(bus.handle(address: 0xd000_2000, isWrite: false, length: 4, data: 0) == 0x7472_6976)
        #expect(bus.handle(address: 0xd000_2008, isWrite: false, length: 4, data: 0) == 2)
        #expect(bus.handle(address: 0xd000_0000, isWrite: false, length: 4, data: 0) == 0)   // empty slot
        #expect(bus.handle(address: 0xc000_0000, isWrite: false, length: 4, data: 0) == nil)
        #expect(bus.handle(address: 0xe000_0000, isWrite: false, length: 4, data: 0) == nil)
        #expect(bus.nodes.map(\.gsi) == [7])
    }
}
