import GuestABI
import GuestMemory
import Testing
import Virtio
import VirtioTesting

/// One test per rule of DESIGN.md §4.2: each makes the device refuse, with NEEDS_RESET,
/// something a hostile guest could write.
@Suite struct QueueValidationTests {
    typealias R = VirtioMMIORegister

    /// Configures queue 0 with `size`/addresses and sets QueueReady; returns the status.
    func ready(size: UInt32, desc: UInt64 = 0x10000, avail: UInt64 = 0x11000, used: UInt64 = 0x12000) throws -> DeviceStatus {
        let rig = try BlockRig(initialize: false)
        let d = rig.driver
        d.write(R.status, 1); d.write(R.status, 3)
        d.write(R.driverFeaturesSel, 1); d.write(R.driverFeatures, 1)   // VERSION_1
        d.write(R.status, 11)
        d.write(R.queueSel, 0)
        d.write(R.queueNum, size)
        d.write(R.queueDescLow, UInt32(truncatingIfNeeded: desc)); d.write(R.queueDescHigh, UInt32(desc >> 32))
        d.write(R.queueDriverLow, UInt32(truncatingIfNeeded: avail)); d.write(R.queueDriverHigh, UInt32(avail >> 32))
        d.write(R.queueDeviceLow, UInt32(truncatingIfNeeded: used)); d.write(R.queueDeviceHigh, UInt32(used >> 32))
        d.write(R.queueReady, 1)
        if d.read(R.queueReady) == 1 { #expect(!d.status.contains(.needsReset)) }
        return d.status
    }

    /// Publishes descriptor 0 = `head` as the next chain (if given), notifies queue 0 and
    /// expects the device to have flagged NEEDS_RESET.
    func expectViolation(_ rig: BlockRig, head: Descriptor? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        if let head {
            rig.driver.setDescriptor(0, 0, head)
            rig.driver.publishHead(0, 0)
        }
        rig.driver.notify(0)
        #expect(rig.driver.status.contains(.needsReset), sourceLocation: sourceLocation)
    }

    @Test func validQueueBecomesReady() throws {
        #expect(try !ready(size: 16).contains(.needsReset))
    }

    @Test(arguments: [0, 3, 100, 512, 0x10000, 0xffff_ffff] as [UInt32])
    func queueSizeMustBePowerOfTwoWithinMax(size: UInt32) throws {
        #expect(try ready(size: size).contains(.needsReset))
    }

    @Test func ringsMustBeAligned() throws {
        #expect(try ready(size: 16, desc: 0x10008).contains(.needsReset))
        #expect(try ready(size: 16, avail: 0x11001).contains(.needsReset))
        #expect(try ready(size: 16, used: 0x12002).contains(.needsReset))
    }

    @Test func ringsMustBeInsideGuestRAM() throws {
        let top: UInt64 = 4 << 20
        #expect(try ready(size: 16, desc: top - 16 * 8).contains(.needsReset))
        #expect(try ready(size: 16, avail: top).contains(.needsReset))
        #expect(try ready(size: 16, used: 0xffff_ffff_ffff_fff0).contains(.needsReset))
        #expect(try ready(size: 16, used: top - 128).contains(.needsReset)) // 6 + 8*16 = 134 > 128
    }

    @Test func headIndexMustBeBelowSize() throws {
        let rig = try BlockRig()
        rig.driver.publishHead(0, 16)
        #expect(rig.driver.notify(0))          // the config interrupt for NEEDS_RESET
        #expect(rig.driver.status.contains(.needsReset))
        #expect(rig.transport.interruptStatus.contains(.configChange))
        #expect(rig.transport.counters.protocolViolations == 1)
    }

    @Test func availDeltaMustNotExceedSize() throws {
        let rig = try BlockRig()
        rig.driver.setAvailIndex(0, 17)
        expectViolation(rig)
        // Exactly `size` is allowed (a full ring): the chains are then parsed.
        let ok = try BlockRig()
        ok.driver.setAvailIndex(0, 16)
        ok.driver.notify(0)
        // Descriptor 0 is all zeros: header unreadable, no status → used with length 0,
        // a request error, not a protocol violation.
        #expect(!ok.driver.status.contains(.needsReset))
        #expect(ok.driver.takeUsed(0).count == 16)
    }

    @Test func cyclicChainIsBounded() throws {
        let rig = try BlockRig()
        let buf = rig.driver.allocate(16)
        rig.driver.setDescriptor(0, 0, Descriptor(address: buf, length: 16, flags: Descriptor.flagNext, next: 1))
        rig.driver.setDescriptor(0, 1, Descriptor(address: buf, length: 16, flags: Descriptor.flagNext, next: 0))
        rig.driver.publishHead(0, 0)
        expectViolation(rig)
    }

    @Test func nextIndexMustBeBelowSize() throws {
        let rig = try BlockRig()
        let buf = rig.driver.allocate(16)
        expectViolation(rig, head: Descriptor(address: buf, length: 16, flags: Descriptor.flagNext, next: 99))
    }

    @Test func totalLengthMustFitIn32Bits() throws {
        let rig = try BlockRig()
        // Two readable descriptors of 3 GiB each over the same (small) RAM would fail the
        // range check first; use lengths that pass it but overflow the sum: impossible
        // in 4 MiB, so parse directly against a large sparse RAM.
        let big = try GuestRAM(size: 0xc000_0000)
        var q = SplitQueue(maxSize: 16)
        q.size = 16
        q.descriptorTable = GuestAddress(0x1000); q.availableRing = GuestAddress(0x2000); q.usedRing = GuestAddress(0x3000)
        q.ready = true
        func desc(_ i: UInt64, _ d: Descriptor) throws {
            try big.store(d.address, at: GuestAddress(0x1000 + 16 * i)); try big.store(d.length, at: GuestAddress(0x1008 + 16 * i))
            try big.store(d.flags, at: GuestAddress(0x100c + 16 * i)); try big.store(d.next, at: GuestAddress(0x100e + 16 * i))
        }
        try desc(0, Descriptor(address: 0, length: 0xa000_0000, flags: Descriptor.flagNext, next: 1))
        try desc(1, Descriptor(address: 0, length: 0xa000_0000, flags: 0, next: 0))
        try big.store(UInt16(0), at: GuestAddress(0x2004)); try big.store(UInt16(1), at: GuestAddress(0x2002))
        #expect(throws: VirtqueueError.totalLengthOverflow) { _ = try q.pop(memory: big) }
        _ = rig
    }

    @Test func bufferMustBeInsideGuestRAM() throws {
        let rig = try BlockRig()
        rig.driver.addChain(0, [.init(0x3f_fff0, 32, writable: false)])
        expectViolation(rig)
    }

    @Test func readableAfterWritableIsRefused() throws {
        let rig = try BlockRig()
        let a = rig.driver.allocate(16)
        rig.driver.addChain(0, [.init(a, 1, writable: true), .init(a, 16, writable: false)])
        expectViolation(rig)
    }

    @Test func indirectRequiresNegotiation() throws {
        let rig = try BlockRig(features: [.version1])
        let a = rig.driver.allocate(16)
        rig.driver.addIndirectChain(0, [.init(a, 16, writable: false), .init(a, 1, writable: true)])
        expectViolation(rig)
    }

    @Test(arguments: [0, 8, 24] as [UInt32])
    func indirectLengthMustBeNonzeroMultipleOf16(length: UInt32) throws {
        let rig = try BlockRig()
        let table = rig.driver.allocate(64)
        expectViolation(rig, head: Descriptor(address: table, length: length, flags: Descriptor.flagIndirect, next: 0))
    }

    @Test func indirectWithNextIsRefused() throws {
        let rig = try BlockRig()
        let table = rig.driver.allocate(32)
        expectViolation(rig, head: Descriptor(address: table, length: 32, flags: Descriptor.flagIndirect | Descriptor.flagNext, next: 1))
    }

    @Test func nestedIndirectIsRefused() throws {
        let rig = try BlockRig()
        let table = rig.driver.allocate(32)
        rig.driver.storeDescriptor(Descriptor(address: table, length: 32, flags: Descriptor.flagIndirect, next: 0), at: table)
        expectViolation(rig, head: Descriptor(address: table, length: 32, flags: Descriptor.flagIndirect, next: 0))
    }

    @Test func indirectTableMustBeInsideRAMAndAligned() throws {
        for addr: UInt64 in [0x3f_fff0, 0x20008] {
            let rig = try BlockRig()
            expectViolation(rig, head: Descriptor(address: addr, length: 32, flags: Descriptor.flagIndirect, next: 0))
        }
    }

    @Test func indirectCycleIsBounded() throws {
        let rig = try BlockRig()
        let table = rig.driver.allocate(32)
        let a = rig.driver.allocate(16)
        rig.driver.storeDescriptor(Descriptor(address: a, length: 16, flags: Descriptor.flagNext, next: 1), at: table)
        rig.driver.storeDescriptor(Descriptor(address: a, length: 16, flags: Descriptor.flagNext, next: 0), at: table + 16)
        expectViolation(rig, head: Descriptor(address: table, length: 32, flags: Descriptor.flagIndirect, next: 0))
    }

    @Test func violationStopsProcessingUntilReset() throws {
        let rig = try BlockRig()
        rig.driver.publishHead(0, 200)
        rig.driver.notify(0)
        #expect(rig.driver.status.contains(.needsReset))
        // Further notifications do nothing, and raise nothing.
        #expect(!rig.driver.notify(0))
        // Reset and re-initialise: the device works again.
        #expect(rig.driver.initialize(queueSize: 16))
        #expect(!rig.driver.status.contains(.needsReset))
        let r = rig.submit(.read, sector: 0, inLength: 512)
        #expect(r.status == 0)
    }
}

/// A device whose own writes keep publishing a new avail entry (as a hostile guest can
/// arrange by overlapping rings and data buffers).
final class SelfFeedingDevice: VirtioDevice {
    let deviceID: UInt32 = 99
    let deviceFeatures = VirtioFeatures()
    let queueMaxSizes: [UInt16] = [16]
    let configSpace: [UInt8] = []
    var availRing: UInt64 = 0
    func activate(features: VirtioFeatures) {}
    func reset() {}
    func process(queueIndex: Int, queue: inout SplitQueue, memory: any GuestMemoryAccess) throws(VirtqueueError) -> QueueOutcome {
        var o = QueueOutcome()
        while let chain = try queue.pop(memory: memory) {
            try queue.pushUsed(head: chain.head, length: 0, memory: memory)
            // Bump avail.idx one past what we consumed: there is always "more".
            try? memory.store(queue.nextAvail &+ 1, at: GuestAddress(availRing + 2))
            o.usedAdded += 1
        }
        return o
    }
}

@Suite struct ProcessingBudgetTests {
    @Test func selfFeedingQueueIsBounded() throws {
        let memory = try GuestRAM(size: 1 << 20)
        let device = SelfFeedingDevice()
        let transport = VirtioMMIOTransport(device: device, memory: memory)
        let d = MockDriver(transport: transport, memory: memory)
        #expect(d.initialize(queueSize: 16))
        device.availRing = d.queues[0].avail
        d.addChain(0, [.init(0x8_0000, 0, writable: false)])
        _ = transport.processQueue(0)
        #expect(transport.counters.requestsCompleted == 32)   // 2 × queue size
        #expect(transport.hasBacklog[0])
        #expect(!transport.status.contains(.needsReset))
    }
}
