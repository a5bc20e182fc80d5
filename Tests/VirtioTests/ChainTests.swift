import GuestMemory
import Testing
import Virtio
import VirtioTesting

@Suite struct ChainTests {
    func queue(_ rig: BlockRig) -> SplitQueue { rig.transport.queues[0] }

    @Test func directChainSplitsReadableAndWritable() throws {
        let rig = try BlockRig()
        let a = rig.driver.allocate(16), b = rig.driver.allocate(100), c = rig.driver.allocate(1)
        rig.driver.addChain(0, [.init(a, 16, writable: false), .init(b, 100, writable: true), .init(c, 1, writable: true)])
        var q = queue(rig)
        let chain = try #require(try q.pop(memory: rig.memory))
        #expect(chain.readable == [BufferSegment(address: GuestAddress(a), length: 16)])
        #expect(chain.writable.map(\.length) == [100, 1])
        #expect(chain.readableLength == 16 && chain.writableLength == 101)
        #expect(try q.pop(memory: rig.memory) == nil)
    }

    @Test func indirectChain() throws {
        let rig = try BlockRig()
        let a = rig.driver.allocate(16), b = rig.driver.allocate(512)
        rig.driver.addIndirectChain(0, [.init(a, 16, writable: false), .init(b, 512, writable: true)])
        var q = queue(rig)
        let chain = try #require(try q.pop(memory: rig.memory))
        #expect(chain.readableLength == 16 && chain.writableLength == 512)
        #expect(chain.head == 0)
    }

    @Test func mixedChainDirectThenIndirect() throws {
        let rig = try BlockRig()
        let a = rig.driver.allocate(16), b = rig.driver.allocate(64), c = rig.driver.allocate(1)
        rig.driver.addIndirectChain(0, [.init(b, 64, writable: true), .init(c, 1, writable: true)],
                                    direct: [.init(a, 16, writable: false)])
        var q = queue(rig)
        let chain = try #require(try q.pop(memory: rig.memory))
        #expect(chain.readable.map(\.address.raw) == [a])
        #expect(chain.writable.map(\.address.raw) == [b, c])
    }

    @Test func zeroLengthDescriptorsAreSkipped() throws {
        let rig = try BlockRig()
        let a = rig.driver.allocate(16)
        rig.driver.addChain(0, [.init(a, 0, writable: false), .init(a, 16, writable: false)])
        var q = queue(rig)
        let chain = try #require(try q.pop(memory: rig.memory))
        #expect(chain.readable.count == 1)
    }

    @Test func rangesSliceAcrossSegments() {
        let segs = [BufferSegment(address: GuestAddress(0x1000), length: 10), BufferSegment(address: GuestAddress(0x2000), length: 10)]
        let r = DescriptorChain.ranges(of: segs, offset: 5, length: 10)
        #expect(r?.map(\.0.raw) == [0x1005, 0x2000])
        #expect(r?.map(\.1) == [5, 5])
        #expect(DescriptorChain.ranges(of: segs, offset: 15, length: 6) == nil)
    }

    @Test func maximalChainOfQueueSizeIsAccepted() throws {
        let rig = try BlockRig()
        let a = rig.driver.allocate(16)
        rig.driver.addChain(0, [MockDriver.Buffer](repeating: .init(a, 16, writable: false), count: 16))
        var q = queue(rig)
        let chain = try #require(try q.pop(memory: rig.memory))
        #expect(chain.readable.count == 16)
    }
}

@Suite struct EventIndexTests {
    @Test func needEventMatchesTheSpecFormula() {
        #expect(SplitQueue.needEvent(event: 0, new: 1, old: 0))
        #expect(!SplitQueue.needEvent(event: 1, new: 1, old: 0))
        #expect(SplitQueue.needEvent(event: 5, new: 10, old: 3))
        #expect(!SplitQueue.needEvent(event: 2, new: 10, old: 3))
        // Wraparound at 65535: old 65534, new 2, event 65535 lies in (old, new].
        #expect(SplitQueue.needEvent(event: 65535, new: 2, old: 65534))
        #expect(SplitQueue.needEvent(event: 0, new: 2, old: 65534))
        #expect(SplitQueue.needEvent(event: 1, new: 2, old: 65534))
        #expect(!SplitQueue.needEvent(event: 2, new: 2, old: 65534))
        #expect(!SplitQueue.needEvent(event: 65533, new: 2, old: 65534))
    }

    /// Drives the used index across 65535 → 0 with EVENT_IDX on and checks that the
    /// device interrupts exactly when used_event says so, and keeps avail_event current.
    @Test func wraparoundAt65535() throws {
        let rig = try BlockRig(queueSize: 4)
        let d = rig.driver
        var interrupts = 0
        var expected = 0
        for i in 0..<70_000 {
            // Ask for an interrupt only every 3rd completion.
            let used = UInt16(truncatingIfNeeded: i)
            d.setUsedEvent(0, i % 3 == 0 ? used : used &- 1)
            if i % 3 == 0 { expected += 1 }
            d.addChain(0, [.init(0x20_0000, 16, writable: false), .init(0x20_0100, 1, writable: true)])
            if d.notify(0) { interrupts += 1 }
            #expect(d.takeUsed(0).count == 1)
            #expect(d.availEvent(0) == UInt16(truncatingIfNeeded: i + 1))
            if rig.transport.status.contains(.needsReset) { Issue.record("needs reset at \(i)"); return }
        }
        #expect(interrupts == expected)
        #expect(rig.transport.queues[0].nextUsed == UInt16(truncatingIfNeeded: 70_000))
    }

    @Test func withoutEventIndexNoInterruptFlagSuppresses() throws {
        let rig = try BlockRig(features: [.version1])
        let d = rig.driver
        try rig.memory.store(UInt16(1), at: GuestAddress(d.queues[0].avail)) // VIRTQ_AVAIL_F_NO_INTERRUPT
        d.addChain(0, [.init(0x20_0000, 16, writable: false), .init(0x20_0100, 1, writable: true)])
        #expect(!d.notify(0))
        try rig.memory.store(UInt16(0), at: GuestAddress(d.queues[0].avail))
        d.addChain(0, [.init(0x20_0000, 16, writable: false), .init(0x20_0100, 1, writable: true)])
        #expect(d.notify(0))
        #expect(rig.transport.counters.interruptsSuppressed == 1)
    }
}
