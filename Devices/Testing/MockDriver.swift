import GuestABI
import GuestMemory
import Virtio

/// A guest driver in miniature: lays out one split queue's rings in guest memory, sets
/// the device up through the transport's registers exactly as §3.1.1 orders it, adds
/// buffers, notifies, and reads the used ring. Tests and the fuzzer use it in ordinary
/// memory, without KVM.
public final class MockDriver {
    public let transport: VirtioMMIOTransport
    public let memory: GuestRAM
    public struct QueueLayout: Sendable {
        public var size: UInt16
        public var descriptors: UInt64
        public var avail: UInt64
        public var used: UInt64
        /// Next free descriptor slot (the mock never frees: tests are short).
        public var nextFree: UInt16 = 0
        public var availIndex: UInt16 = 0
        public var lastUsed: UInt16 = 0
    }
    public private(set) var queues: [QueueLayout] = []
    /// A bump allocator for data buffers, above the rings.
    public private(set) var nextData: UInt64

    public static let ringBase: UInt64 = 0x1_0000

    public init(transport: VirtioMMIOTransport, memory: GuestRAM, dataBase: UInt64 = 0x10_0000) {
        self.transport = transport
        self.memory = memory
        self.nextData = dataBase
    }

    public func write(_ reg: UInt32, _ value: UInt32) { transport.write(offset: reg, width: 4, value: value) }
    public func read(_ reg: UInt32) -> UInt32 { transport.read(offset: reg, width: 4) }

    /// §3.1.1 steps 1–8 with `features` (the offered set intersected with it), rings laid
    /// out back to back from `ringBase`. Returns false if FEATURES_OK did not stick.
    @discardableResult
    public func initialize(features: VirtioFeatures = .transport, queueSize: UInt16? = nil) -> Bool {
        typealias R = VirtioMMIORegister
        write(R.status, 0)
        write(R.status, DeviceStatus.acknowledge.rawValue)
        write(R.status, DeviceStatus([.acknowledge, .driver]).rawValue)
        write(R.deviceFeaturesSel, 0)
        var offered = UInt64(read(R.deviceFeatures))
        write(R.deviceFeaturesSel, 1)
        offered |= UInt64(read(R.deviceFeatures)) << 32
        let want = features.rawValue & offered
        write(R.driverFeaturesSel, 0); write(R.driverFeatures, UInt32(truncatingIfNeeded: want))
        write(R.driverFeaturesSel, 1); write(R.driverFeatures, UInt32(truncatingIfNeeded: want >> 32))
        write(R.status, DeviceStatus([.acknowledge, .driver, .featuresOK]).rawValue)
        guard DeviceStatus(rawValue: read(R.status)).contains(.featuresOK) else { return false }
        var base = Self.ringBase
        queues = []
        for i in 0..<transport.queues.count {
            write(R.queueSel, UInt32(i))
            let size = queueSize ?? UInt16(read(R.queueNumMax))
            var q = QueueLayout(size: size, descriptors: base, avail: 0, used: 0)
            q.avail = base + 16 * UInt64(size)
            q.used = (q.avail + 6 + 2 * UInt64(size) + 3) & ~3
            base = (q.used + 6 + 8 * UInt64(size) + 4095) & ~4095
            queues.append(q)
            setQueueRegisters(i, q)
            write(R.queueReady, 1)
        }
        write(R.status, DeviceStatus([.acknowledge, .driver, .featuresOK, .driverOK]).rawValue)
        return true
    }

    /// Writes the queue's size and ring addresses (without QueueReady).
    public func setQueueRegisters(_ i: Int, _ q: QueueLayout) {
        typealias R = VirtioMMIORegister
        write(R.queueSel, UInt32(i))
        write(R.queueNum, UInt32(q.size))
        write(R.queueDescLow, UInt32(truncatingIfNeeded: q.descriptors)); write(R.queueDescHigh, UInt32(q.descriptors >> 32))
        write(R.queueDriverLow, UInt32(truncatingIfNeeded: q.avail)); write(R.queueDriverHigh, UInt32(q.avail >> 32))
        write(R.queueDeviceLow, UInt32(truncatingIfNeeded: q.used)); write(R.queueDeviceHigh, UInt32(q.used >> 32))
    }

    /// Reserves `count` bytes of data memory (16-byte aligned), optionally filled.
    public func allocate(_ count: Int, fill: [UInt8]? = nil) -> UInt64 {
        let at = nextData
        nextData = (nextData + UInt64(max(count, 1)) + 15) & ~15
        if let fill { try! memory.writeBytes(fill, at: GuestAddress(at)) }
        return at
    }

    /// One buffer of a chain: guest address, length, device-writable.
    public struct Buffer: Sendable {
        public var address: UInt64
        public var length: UInt32
        public var writable: Bool
        public init(_ address: UInt64, _ length: UInt32, writable: Bool) {
            self.address = address; self.length = length; self.writable = writable
        }
    }

    /// Writes a raw descriptor into queue `q`'s table at `index`.
    public func setDescriptor(_ q: Int, _ index: UInt16, _ d: Descriptor) {
        let at = queues[q].descriptors + 16 * UInt64(index)
        storeDescriptor(d, at: at)
    }

    public func storeDescriptor(_ d: Descriptor, at: UInt64) {
        try! memory.store(d.address, at: GuestAddress(at))
        try! memory.store(d.length, at: GuestAddress(at + 8))
        try! memory.store(d.flags, at: GuestAddress(at + 12))
        try! memory.store(d.next, at: GuestAddress(at + 14))
    }

    /// Adds `buffers` as a direct chain and publishes it. Returns the head.
    @discardableResult
    public func addChain(_ q: Int, _ buffers: [Buffer], publish: Bool = true) -> UInt16 {
        var layout = queues[q]
        let head = layout.nextFree % layout.size
        for (i, b) in buffers.enumerated() {
            let index = (layout.nextFree &+ UInt16(i)) % layout.size
            let last = i == buffers.count - 1
            let flags = (b.writable ? Descriptor.flagWrite : 0) | (last ? 0 : Descriptor.flagNext)
            setDescriptor(q, index, Descriptor(address: b.address, length: b.length, flags: flags,
                                               next: last ? 0 : (index &+ 1) % layout.size))
        }
        layout.nextFree = (layout.nextFree &+ UInt16(buffers.count)) % layout.size
        queues[q] = layout
        if publish { publishHead(q, head) }
        return head
    }

    /// Adds `buffers` through an indirect table (one descriptor in the ring, optionally
    /// preceded by `direct` ordinary descriptors: a "mixed" chain).
    @discardableResult
    public func addIndirectChain(_ q: Int, _ buffers: [Buffer], direct: [Buffer] = []) -> UInt16 {
        let table = allocate(16 * buffers.count)
        for (i, b) in buffers.enumerated() {
            let last = i == buffers.count - 1
            storeDescriptor(Descriptor(address: b.address, length: b.length,
                                       flags: (b.writable ? Descriptor.flagWrite : 0) | (last ? 0 : Descriptor.flagNext),
                                       next: last ? 0 : UInt16(i + 1)), at: table + 16 * UInt64(i))
        }
        var layout = queues[q]
        let head = layout.nextFree % layout.size
        var index = head
        for b in direct {
            let next = (index &+ 1) % layout.size
            setDescriptor(q, index, Descriptor(address: b.address, length: b.length,
                                               flags: (b.writable ? Descriptor.flagWrite : 0) | Descriptor.flagNext, next: next))
            index = next
        }
        setDescriptor(q, index, Descriptor(address: table, length: UInt32(16 * buffers.count), flags: Descriptor.flagIndirect, next: 0))
        layout.nextFree = (index &+ 1) % layout.size
        queues[q] = layout
        publishHead(q, head)
        return head
    }

    /// Puts `head` into the avail ring and bumps avail.idx.
    public func publishHead(_ q: Int, _ head: UInt16) {
        var layout = queues[q]
        let slot = UInt64(layout.availIndex % layout.size)
        try! memory.store(head, at: GuestAddress(layout.avail + 4 + 2 * slot))
        layout.availIndex &+= 1
        try! memory.store(layout.availIndex, at: GuestAddress(layout.avail + 2))
        queues[q] = layout
    }

    /// Sets avail.idx directly (for the avail-delta and wraparound tests).
    public func setAvailIndex(_ q: Int, _ value: UInt16) {
        queues[q].availIndex = value
        try! memory.store(value, at: GuestAddress(queues[q].avail + 2))
    }

    /// Sets the used ring position the mock believes it has consumed up to.
    public func setLastUsed(_ q: Int, _ value: UInt16) { queues[q].lastUsed = value }

    /// used_event (in the avail ring, after the ring entries).
    public func setUsedEvent(_ q: Int, _ value: UInt16) {
        try! memory.store(value, at: GuestAddress(queues[q].avail + 4 + 2 * UInt64(queues[q].size)))
    }

    /// avail_event (in the used ring, after the elements), as the device wrote it.
    public func availEvent(_ q: Int) -> UInt16 {
        try! memory.load(UInt16.self, at: GuestAddress(queues[q].used + 4 + 8 * UInt64(queues[q].size)))
    }

    /// Notifies (QueueNotify write, then processing as the I/O thread would do).
    /// Returns true if the device asked for an interrupt.
    @discardableResult
    public func notify(_ q: Int) -> Bool {
        let effect = transport.write(offset: VirtioMMIORegister.queueNotify, width: 4, value: UInt32(q))
        guard case .notify(let i) = effect else { return false }
        return transport.processQueue(i)
    }

    /// New used elements since the last call: (head, length).
    public func takeUsed(_ q: Int) -> [(head: UInt16, length: UInt32)] {
        var layout = queues[q]
        let idx = try! memory.load(UInt16.self, at: GuestAddress(layout.used + 2))
        var out: [(UInt16, UInt32)] = []
        while layout.lastUsed != idx {
            let slot = UInt64(layout.lastUsed % layout.size)
            let id = try! memory.load(UInt32.self, at: GuestAddress(layout.used + 4 + 8 * slot))
            let len = try! memory.load(UInt32.self, at: GuestAddress(layout.used + 8 + 8 * slot))
            out.append((UInt16(truncatingIfNeeded: id), len))
            layout.lastUsed &+= 1
        }
        queues[q] = layout
        return out
    }

    public var status: DeviceStatus { DeviceStatus(rawValue: read(VirtioMMIORegister.status)) }
    public func bytes(at address: UInt64, count: Int) -> [UInt8] { try! memory.readBytes(at: GuestAddress(address), count: count) }
}
