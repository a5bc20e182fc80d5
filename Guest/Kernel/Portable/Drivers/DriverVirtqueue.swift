#if canImport(GuestABI)
import GuestABI
#endif

/// The driver side of one split virtqueue (virtio 1.2 §2.7): descriptor table,
/// available ring and used ring in one physically contiguous allocation, a free list
/// of descriptors, and the EVENT_IDX rules for when to notify the device.
///
/// Single-threaded: the kernel has one CPU and touches a queue only with interrupts
/// masked, so the only concurrency is with the device (through `DMAMemory`'s volatile
/// accesses and barriers).
public final class DriverVirtqueue {
    public let size: UInt16
    public let index: UInt16
    public let memory: any DMAMemory
    public let descriptorTable: UInt64
    public let availableRing: UInt64
    public let usedRing: UInt64
    /// EVENT_IDX negotiated: use used_event/avail_event instead of the flags words.
    public let eventIndex: Bool

    /// Free descriptors are chained through `nextFree` (driver-private: the table's own
    /// `next` fields are rewritten for every chain).
    private var nextFree: [UInt16]
    private var freeHead: UInt16 = 0
    public private(set) var freeCount: Int
    /// Length of the chain starting at each head (to free it without trusting memory
    /// the device could write).
    private var chainLength: [UInt16]
    private var availIndex: UInt16 = 0
    private var lastUsed: UInt16 = 0
    /// avail.idx at the last notification decision (for vring_need_event).
    private var lastKickedIndex: UInt16 = 0

    static let flagNext: UInt16 = 1
    static let flagWrite: UInt16 = 2
    static let usedFlagNoNotify: UInt16 = 1
    static let availFlagNoInterrupt: UInt16 = 1

    /// Bytes of the three parts for a queue of `size` (§2.7: alignments 16/2/4).
    public static func layout(size: UInt16) -> (avail: UInt64, used: UInt64, total: UInt64) {
        let n = UInt64(size)
        let avail = 16 * n
        let used = (avail + 6 + 2 * n + 3) & ~3
        return (avail, used, used + 6 + 8 * n)
    }

    /// Allocates and zeroes the rings. nil if `size` is not a power of two in 1...32768
    /// or memory is exhausted.
    public init?(index: UInt16, size: UInt16, memory: any DMAMemory, eventIndex: Bool) {
        guard size > 0, size <= 32768, size & (size - 1) == 0 else { return nil }
        let l = Self.layout(size: size)
        guard let base = memory.allocatePages(Int((l.total + 4095) / 4096)) else { return nil }
        self.index = index
        self.size = size
        self.memory = memory
        self.eventIndex = eventIndex
        descriptorTable = base
        availableRing = base + l.avail
        usedRing = base + l.used
        nextFree = []
        nextFree.reserveCapacity(Int(size))
        for i in 0..<Int(size) { nextFree.append(UInt16(truncatingIfNeeded: i + 1)) }
        chainLength = [UInt16](repeating: 0, count: Int(size))
        freeCount = Int(size)
    }

    /// Puts a chain on the available ring (readable segments must come before writable
    /// ones, §2.7.4.2). Returns its head, or nil if there are not enough free
    /// descriptors (the caller waits for completions and retries).
    public func add(_ segments: [DMASegment]) -> UInt16? {
        guard !segments.isEmpty, segments.count <= freeCount else { return nil }
        let head = freeHead
        var d = head
        for (i, s) in segments.enumerated() {
            let at = descriptorTable + UInt64(d) * 16
            let next = nextFree[Int(d)]
            let last = i == segments.count - 1
            memory.store64(s.physical, at)
            memory.store32(s.length, at + 8)
            memory.store16((last ? 0 : Self.flagNext) | (s.deviceWrites ? Self.flagWrite : 0), at + 12)
            memory.store16(last ? 0 : next, at + 14)
            if !last { d = next } else { freeHead = next }
        }
        freeCount -= segments.count
        chainLength[Int(head)] = UInt16(truncatingIfNeeded: segments.count)
        memory.store16(head, availableRing + 4 + UInt64(availIndex % size) * 2)
        // §2.7.13: the ring entry before the index that publishes it (x86 keeps stores
        // in order; the volatile accesses keep the compiler from reordering them).
        availIndex &+= 1
        memory.store16(availIndex, availableRing + 2)
        return head
    }

    /// Whether the device wants a notification for what was added since the last call
    /// (§2.7.10: vring_need_event with avail_event, or used.flags without EVENT_IDX).
    public func shouldNotify() -> Bool {
        memory.fullBarrier()
        let old = lastKickedIndex, new = availIndex
        lastKickedIndex = new
        if eventIndex {
            let event = memory.load16(usedRing + 4 + UInt64(size) * 8)
            return Self.needEvent(event: event, new: new, old: old)
        }
        return memory.load16(usedRing) & Self.usedFlagNoNotify == 0
    }

    /// vring_need_event (§2.7.10.1): true if `event` lies in (old, new].
    public static func needEvent(event: UInt16, new: UInt16, old: UInt16) -> Bool {
        (new &- event &- 1) < (new &- old)
    }

    /// True if the device has completed something not yet harvested.
    public var hasUsed: Bool { memory.load16(usedRing + 2) != lastUsed }

    /// Takes the next used element: (head, bytes the device wrote). The head is
    /// validated (a device bug must not corrupt the free list); an invalid one is
    /// reported as head `size` (callers ignore it).
    public func nextUsed() -> (head: UInt16, length: UInt32)? {
        guard hasUsed else { return nil }
        let slot = usedRing + 4 + UInt64(lastUsed % size) * 8
        let id = memory.load32(slot)
        let length = memory.load32(slot + 4)
        lastUsed &+= 1
        // Ask for an interrupt at the very next completion (§2.7.10: used_event).
        if eventIndex { memory.store16(lastUsed, availableRing + 4 + UInt64(size) * 2) }
        guard id < UInt32(size), chainLength[Int(id)] != 0 else { return (size, 0) }
        let head = UInt16(id)
        // Return the chain to the free list: it was laid out along nextFree from head,
        // so relinking its tail frees it in one step.
        let count = chainLength[Int(head)]
        chainLength[Int(head)] = 0
        var tail = head
        var n = count
        while n > 1 { tail = nextFree[Int(tail)]; n -= 1 }
        nextFree[Int(tail)] = freeHead
        freeHead = head
        freeCount += Int(count)
        return (head, length)
    }

    /// Without EVENT_IDX: suppress or allow interrupts (avail.flags NO_INTERRUPT).
    public func setInterruptsSuppressed(_ suppressed: Bool) {
        guard !eventIndex else { return }
        memory.store16(suppressed ? Self.availFlagNoInterrupt : 0, availableRing)
    }
}
