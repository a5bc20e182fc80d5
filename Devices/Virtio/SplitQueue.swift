import GuestMemory
import Synchronization

/// One split virtqueue (virtio 1.2 §2.7) as the device sees it: the configuration the
/// driver wrote through the transport, plus the device's private indices. Every value
/// read from the rings is validated before use and never re-read (DESIGN.md §4.2).
public struct SplitQueue: Sendable {
    /// QueueNumMax.
    public let maxSize: UInt16
    /// QueueNum as written by the driver (validated when the queue is made ready).
    public var size: UInt16
    public var descriptorTable = GuestAddress(0)
    public var availableRing = GuestAddress(0)
    public var usedRing = GuestAddress(0)
    public var ready = false
    /// Negotiated features that change ring behaviour.
    public var eventIndex = false
    public var indirect = false

    /// The next avail ring slot the device will consume (free-running, wraps at 2^16).
    public private(set) var nextAvail: UInt16 = 0
    /// The next used ring slot the device will fill (free-running).
    public private(set) var nextUsed: UInt16 = 0
    /// `nextUsed` when the driver was last interrupted (EVENT_IDX's "old" index).
    public private(set) var signalledUsed: UInt16 = 0
    /// Chains `pop` may still hand out in this processing round. A guest can make the
    /// device's own writes (used ring, data) look like new avail entries; the budget
    /// bounds every round, and the VMM reschedules the rest after other devices.
    public var budget = Int.max
    /// Set when used entries were added since the last `needsInterrupt` check.
    private var usedSinceSignal = false

    public init(maxSize: UInt16) {
        self.maxSize = maxSize
        self.size = maxSize
    }

    /// Back to the state after reset (§2.4 / §4.2.3.1.2 queue reset).
    public mutating func reset() {
        self = SplitQueue(maxSize: maxSize)
    }

    // MARK: Layout (§2.7: the three parts and their alignments)

    var availRingBytes: UInt64 { 6 + 2 * UInt64(size) }
    var usedRingBytes: UInt64 { 6 + 8 * UInt64(size) }
    var usedEventAddress: GuestAddress { GuestAddress(availableRing.raw + 4 + 2 * UInt64(size)) }
    var availEventAddress: GuestAddress { GuestAddress(usedRing.raw + 4 + 8 * UInt64(size)) }

    /// Checks everything the driver configured; called when it sets QueueReady.
    public func validate(memory: any GuestMemoryAccess) throws(VirtqueueError) {
        guard size != 0, size <= maxSize, size & (size &- 1) == 0 else { throw .badQueueSize(size) }
        let parts: [(VirtqueueError.RingPart, GuestAddress, UInt64, UInt64)] = [
            (.descriptorTable, descriptorTable, 16, Descriptor.size * UInt64(size)),
            (.availableRing, availableRing, 2, availRingBytes),
            (.usedRing, usedRing, 4, usedRingBytes),
        ]
        for (part, address, alignment, length) in parts {
            guard address.raw % alignment == 0 else { throw .misaligned(part: part, address: address.raw) }
            do throws(GuestMemoryError) { try memory.checkRange(address, length) } catch {
                throw .ringOutsideMemory(part: part, address: address.raw)
            }
        }
    }

    // MARK: Driver → device

    private func load16(_ memory: any GuestMemoryAccess, _ at: GuestAddress) throws(VirtqueueError) -> UInt16 {
        do throws(GuestMemoryError) { return try memory.load(UInt16.self, at: at) } catch { throw .memory }
    }

    private func store16(_ memory: any GuestMemoryAccess, _ v: UInt16, _ at: GuestAddress) throws(VirtqueueError) {
        do throws(GuestMemoryError) { try memory.store(v, at: at) } catch { throw .memory }
    }

    /// avail.idx, with the "moved at most `size`" check.
    func availableIndex(memory: any GuestMemoryAccess) throws(VirtqueueError) -> UInt16 {
        let idx = try load16(memory, GuestAddress(availableRing.raw + 2))
        guard idx &- nextAvail <= size else { throw .availDeltaTooLarge(lastSeen: nextAvail, availIndex: idx) }
        return idx
    }

    /// Number of chains the driver has made available and we have not consumed.
    public func pendingCount(memory: any GuestMemoryAccess) throws(VirtqueueError) -> UInt16 {
        guard ready else { throw .queueNotReady }
        return try availableIndex(memory: memory) &- nextAvail
    }

    /// Takes the next available chain, fully validated, or nil when there is none.
    public mutating func pop(memory: any GuestMemoryAccess) throws(VirtqueueError) -> DescriptorChain? {
        guard ready else { throw .queueNotReady }
        guard budget > 0 else { return nil }
        let idx = try availableIndex(memory: memory)
        if idx == nextAvail { return nil }
        // The ring entry is read after avail.idx: on x86 loads are not reordered with
        // loads, and the opaque memory call keeps the compiler from doing so.
        let slot = UInt64(nextAvail % size)
        let head = try load16(memory, GuestAddress(availableRing.raw + 4 + 2 * slot))
        let chain = try parseChain(head: head, memory: memory)
        nextAvail &+= 1
        budget -= 1
        return chain
    }

    /// Undo the last `pop` (a device that cannot use the chain yet, e.g. no input).
    public mutating func unpop() {
        nextAvail &-= 1
        budget &+= 1
    }

    /// Walks the chain from `head` (§2.7.5, §2.7.5.3). Bounded by the queue size: a
    /// driver may not build a chain longer than that, so a cycle stops here.
    func parseChain(head: UInt16, memory: any GuestMemoryAccess) throws(VirtqueueError) -> DescriptorChain {
        guard head < size else { throw .indexOutOfRange(head) }
        var chain = DescriptorChain(head: head)
        var seen = 0
        var table = descriptorTable
        var tableCount = size
        var inIndirect = false
        var index = head
        while true {
            seen += 1
            guard seen <= Int(size) else { throw .chainTooLong }
            let d = try Descriptor.load(from: memory, at: GuestAddress(table.raw + UInt64(index) * Descriptor.size))
            if d.isIndirect {
                guard indirect else { throw .indirectNotNegotiated }
                guard !inIndirect else { throw .nestedIndirect }
                guard !d.hasNext else { throw .indirectWithNext }
                guard d.length > 0, d.length % UInt32(Descriptor.size) == 0 else { throw .badIndirectLength(d.length) }
                let count = UInt64(d.length) / Descriptor.size
                guard count <= UInt64(size) else { throw .chainTooLong }
                do throws(GuestMemoryError) { try memory.checkRange(GuestAddress(d.address), UInt64(d.length)) } catch {
                    throw .ringOutsideMemory(part: .indirectTable, address: d.address)
                }
                guard d.address % 16 == 0 else { throw .misaligned(part: .indirectTable, address: d.address) }
                // §2.7.5.3.2: the device ignores the write-only flag here; the table
                // starts at its entry 0.
                table = GuestAddress(d.address)
                tableCount = UInt16(count)
                inIndirect = true
                index = 0
                // The pointer descriptor itself is not part of the chain's length.
                seen -= 1
                continue
            }
            try append(d, to: &chain, memory: memory)
            guard d.hasNext else { break }
            guard d.next < tableCount else { throw .indexOutOfRange(d.next) }
            index = d.next
        }
        return chain
    }

    private func append(_ d: Descriptor, to chain: inout DescriptorChain, memory: any GuestMemoryAccess) throws(VirtqueueError) {
        do throws(GuestMemoryError) { try memory.checkRange(GuestAddress(d.address), UInt64(d.length)) } catch {
            throw .bufferOutsideMemory(address: d.address, length: d.length)
        }
        let segment = BufferSegment(address: GuestAddress(d.address), length: d.length)
        if d.isWriteOnly {
            let (sum, o) = chain.writableLength.addingReportingOverflow(d.length)
            let (_, o2) = sum.addingReportingOverflow(chain.readableLength)
            guard !o, !o2 else { throw .totalLengthOverflow }
            chain.writableLength = sum
            if d.length > 0 { chain.writable.append(segment) }
        } else {
            guard chain.writable.isEmpty && chain.writableLength == 0 else { throw .readableAfterWritable }
            let (sum, o) = chain.readableLength.addingReportingOverflow(d.length)
            guard !o else { throw .totalLengthOverflow }
            chain.readableLength = sum
            if d.length > 0 { chain.readable.append(segment) }
        }
    }

    // MARK: Device → driver

    /// Publishes a used element, then used.idx (§2.7.8). `length` is the number of bytes
    /// written into the chain's writable part.
    public mutating func pushUsed(head: UInt16, length: UInt32, memory: any GuestMemoryAccess) throws(VirtqueueError) {
        guard ready else { throw .queueNotReady }
        let slot = UInt64(nextUsed % size)
        let elem = GuestAddress(usedRing.raw + 4 + 8 * slot)
        do throws(GuestMemoryError) {
            try memory.store(UInt32(head), at: elem)
            try memory.store(length, at: GuestAddress(elem.raw + 4))
            // The element must be visible before the index that publishes it.
            atomicMemoryFence(ordering: .releasing)
            nextUsed &+= 1
            try memory.store(nextUsed, at: GuestAddress(usedRing.raw + 2))
        } catch { throw .memory }
        usedSinceSignal = true
    }

    /// Whether the driver wants an interrupt for the used entries added since the last
    /// call (§2.7.10). With EVENT_IDX: vring_need_event(used_event, new, old), whose
    /// 16-bit arithmetic is what makes the wraparound at 65535 work.
    public mutating func needsInterrupt(memory: any GuestMemoryAccess) throws(VirtqueueError) -> Bool {
        guard usedSinceSignal else { return false }
        // Our used.idx store must be visible before we read the driver's suppression state.
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        let old = signalledUsed
        let new = nextUsed
        usedSinceSignal = false
        signalledUsed = new
        if eventIndex {
            let event = try load16(memory, usedEventAddress)
            return Self.needEvent(event: event, new: new, old: old)
        }
        let flags = try load16(memory, availableRing)
        return flags & 1 == 0 // VIRTQ_AVAIL_F_NO_INTERRUPT
    }

    /// vring_need_event (§2.7.10): true if `event` lies in (old, new].
    public static func needEvent(event: UInt16, new: UInt16, old: UInt16) -> Bool {
        (new &- event &- 1) < (new &- old)
    }

    /// Re-arms driver notifications after draining the queue: with EVENT_IDX writes
    /// avail_event = nextAvail. Returns true if more chains arrived meanwhile (the caller
    /// must process again, or it would miss a notification the driver suppressed).
    public mutating func armNotification(memory: any GuestMemoryAccess) throws(VirtqueueError) -> Bool {
        guard ready else { return false }
        if eventIndex { try store16(memory, nextAvail, availEventAddress) }
        // Store avail_event, then load avail.idx: needs a full fence (store→load).
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        return try availableIndex(memory: memory) != nextAvail
    }
}
