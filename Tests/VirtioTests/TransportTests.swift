import GuestABI
import GuestMemory
import Testing
import Virtio
import VirtioTesting

@Suite struct TransportTests {
    typealias R = VirtioMMIORegister

    @Test func identityRegisters() throws {
        let rig = try BlockRig(initialize: false)
        #expect(rig.driver.read(R.magicValue) == 0x7472_6976)
        #expect(rig.driver.read(R.version) == 2)
        #expect(rig.driver.read(R.deviceID) == 2)
        #expect(rig.driver.read(R.queueNumMax) == 256)
        rig.driver.write(R.queueSel, 5)
        #expect(rig.driver.read(R.queueNumMax) == 0)
    }

    @Test func featuresOfferedInTwoBanks() throws {
        let rig = try BlockRig(initialize: false)
        rig.driver.write(R.deviceFeaturesSel, 1)
        #expect(rig.driver.read(R.deviceFeatures) & 1 == 1)           // VERSION_1
        #expect(rig.driver.read(R.deviceFeatures) & (1 << 8) == 1 << 8) // RING_RESET
        rig.driver.write(R.deviceFeaturesSel, 0)
        let low = rig.driver.read(R.deviceFeatures)
        #expect(low & (1 << 28) != 0 && low & (1 << 29) != 0)
        rig.driver.write(R.deviceFeaturesSel, 7)
        #expect(rig.driver.read(R.deviceFeatures) == 0)
    }

    @Test func featuresOKRequiresVersion1() throws {
        let rig = try BlockRig(initialize: false)
        #expect(!rig.driver.initialize(features: [.eventIndex]))
        #expect(!rig.driver.status.contains(.featuresOK))
    }

    @Test func featuresOKRefusesUnofferedBits() throws {
        let rig = try BlockRig(initialize: false)
        let d = rig.driver
        d.write(R.status, 1); d.write(R.status, 3)
        d.write(R.driverFeaturesSel, 1); d.write(R.driverFeatures, 1 | 1 << 20)
        d.write(R.status, 11)
        #expect(!d.status.contains(.featuresOK))
    }

    @Test func negotiatedFeaturesReachTheQueues() throws {
        let rig = try BlockRig(features: [.version1, .eventIndex])
        #expect(rig.transport.queues[0].eventIndex)
        #expect(!rig.transport.queues[0].indirect)
        #expect(rig.transport.driverFeatures == [.version1, .eventIndex])
    }

    @Test func statusMachineOrder() {
        let none = DeviceStatus()
        #expect(StatusTransition.evaluate(current: none, written: 0) == .reset)
        #expect(StatusTransition.evaluate(current: none, written: 1) == .accept(.acknowledge))
        #expect(StatusTransition.evaluate(current: none, written: 2) == .reject)                 // DRIVER without ACK
        #expect(StatusTransition.evaluate(current: [.acknowledge], written: 1 | 8) == .reject)    // FEATURES_OK without DRIVER
        #expect(StatusTransition.evaluate(current: [.acknowledge, .driver], written: 3 | 4) == .reject) // DRIVER_OK early
        #expect(StatusTransition.evaluate(current: [.acknowledge, .driver], written: 11) == .negotiateFeatures([.acknowledge, .driver, .featuresOK]))
        #expect(StatusTransition.evaluate(current: [.acknowledge, .driver], written: 15) == .reject) // FEATURES_OK and DRIVER_OK at once
        #expect(StatusTransition.evaluate(current: [.acknowledge, .driver, .featuresOK], written: 15) == .activate([.acknowledge, .driver, .featuresOK, .driverOK]))
        #expect(StatusTransition.evaluate(current: [.acknowledge, .driver, .featuresOK], written: 3) == .reject) // clears a bit
        #expect(StatusTransition.evaluate(current: [.acknowledge], written: 0x81) == .accept([.acknowledge, .failed]))
        #expect(StatusTransition.evaluate(current: [.acknowledge], written: 0x10) == .reject)    // unknown bit
    }

    @Test func queueRegistersFrozenWhileReady() throws {
        let rig = try BlockRig()
        let before = rig.transport.queues[0].descriptorTable
        rig.driver.write(R.queueSel, 0)
        rig.driver.write(R.queueDescLow, 0x5000)
        #expect(rig.transport.queues[0].descriptorTable == before)
        #expect(rig.transport.counters.badRegisterAccesses == 1)
    }

    @Test func narrowRegisterAccessIsIgnored() throws {
        let rig = try BlockRig(initialize: false)
        #expect(rig.transport.read(offset: R.magicValue, width: 1) == 0)
        rig.transport.write(offset: R.status, width: 2, value: 1)
        #expect(rig.driver.status == [])
        #expect(rig.transport.counters.badRegisterAccesses == 2)
        #expect(rig.transport.read(offset: 0x0f0, width: 4) == 0)
        #expect(rig.transport.read(offset: 0x2, width: 4) == 0)
    }

    @Test func configSpaceReadsCapacity() throws {
        let rig = try BlockRig(diskSize: 1 << 20)
        #expect(rig.transport.read(offset: R.config, width: 4) == 2048)
        #expect(rig.transport.read(offset: R.config + 4, width: 4) == 0)
        #expect(rig.transport.read(offset: R.config + 20, width: 4) == 512)
        #expect(rig.transport.read(offset: R.config, width: 8) == 0)      // bad width
        #expect(rig.transport.read(offset: R.config + 0x1000, width: 4) == 0)
    }

    @Test func interruptAckClearsBits() throws {
        let rig = try BlockRig()
        #expect(rig.submit(.read, sector: 0, inLength: 512).status == 0)
        #expect(rig.driver.read(R.interruptStatus) == 1)
        rig.driver.write(R.interruptACK, 1)
        #expect(rig.driver.read(R.interruptStatus) == 0)
    }

    @Test func resetMidFlight() throws {
        let rig = try BlockRig()
        // Two requests published but not yet processed; the driver resets.
        let h = rig.driver.allocate(16, fill: BlockRig.header(.read, sector: 0))
        rig.driver.addChain(0, [.init(h, 16, writable: false), .init(rig.driver.allocate(1), 1, writable: true)])
        rig.driver.addChain(0, [.init(h, 16, writable: false), .init(rig.driver.allocate(1), 1, writable: true)])
        let effect = rig.transport.write(offset: R.status, width: 4, value: 0)
        #expect(effect == .reset)
        #expect(rig.driver.status == [])
        #expect(rig.transport.queues.allSatisfy { !$0.ready && $0.nextAvail == 0 && $0.nextUsed == 0 })
        // A late notification from before the reset does nothing.
        #expect(!rig.transport.processQueue(0))
        #expect(rig.backend.operations.isEmpty)
        // The device comes back cleanly.
        #expect(rig.driver.initialize(queueSize: 16))
        #expect(rig.submit(.read, sector: 1, inLength: 512).status == 0)
        #expect(rig.transport.counters.resets >= 2)
    }

    @Test func ringReset() throws {
        let rig = try BlockRig()
        #expect(rig.submit(.read, sector: 0, inLength: 512).status == 0)
        rig.driver.write(R.queueSel, 0)
        rig.driver.write(R.queueReset, 1)
        #expect(rig.driver.read(R.queueReset) == 1)
        #expect(rig.driver.read(R.queueReady) == 0)
        #expect(rig.transport.queues[0].nextAvail == 0)
        // Re-enable with fresh rings; the queue works from index 0 again.
        rig.driver.setQueueRegisters(0, rig.driver.queues[0])
        rig.driver.write(R.queueReady, 1)
        #expect(rig.driver.read(R.queueReset) == 0)
        try rig.memory.store(UInt16(0), at: GuestAddress(rig.driver.queues[0].avail + 2))
        try rig.memory.store(UInt16(0), at: GuestAddress(rig.driver.queues[0].used + 2))
        rig.driver.setAvailIndex(0, 0)
        rig.driver.setLastUsed(0, 0)
        #expect(rig.submit(.read, sector: 0, inLength: 512).status == 0)
    }

    @Test func notifyOfMissingQueueIsIgnored() throws {
        let rig = try BlockRig()
        #expect(rig.transport.write(offset: R.queueNotify, width: 4, value: 9) == .none)
        #expect(!rig.transport.processQueue(9))
        #expect(!rig.transport.processQueue(-1))
    }

    @Test func rateLimiterDropsBursts() {
        var r = RateLimiter(burst: 2, intervalNanos: 100)
        let a = r.allow(now: 1000), b = r.allow(now: 1001), c = r.allow(now: 1002)
        #expect(a && b && !c)
        #expect(r.suppressed == 1)
        let d = r.allow(now: 1200)
        #expect(d)
    }

    @Test func logIsRateLimited() throws {
        let rig = try BlockRig(initialize: false)
        var lines = 0
        rig.transport.logSink = { _ in lines += 1 }
        for _ in 0..<100 { _ = rig.transport.read(offset: 0x0f0, width: 4) }
        #expect(lines == 10)
        #expect(rig.transport.counters.badRegisterAccesses == 100)
    }
}
