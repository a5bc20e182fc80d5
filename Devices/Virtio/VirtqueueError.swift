import GuestMemory

/// Why a virtqueue operation failed. Every case is something the guest did: the
/// transport turns it into NEEDS_RESET (DESIGN.md §4.7), never a host crash.
public enum VirtqueueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// QueueNum is zero, not a power of two, or above QueueNumMax (§2.7).
    case badQueueSize(UInt16)
    /// A ring address is misaligned for its part (§2.7: 16, 2, 4).
    case misaligned(part: RingPart, address: UInt64)
    /// A ring does not lie inside guest RAM.
    case ringOutsideMemory(part: RingPart, address: UInt64)
    /// avail.idx moved further than the queue size since we last looked.
    case availDeltaTooLarge(lastSeen: UInt16, availIndex: UInt16)
    /// A head or `next` index is not below the (table) size.
    case indexOutOfRange(UInt16)
    /// More descriptors than the queue size: a cycle or an over-long chain.
    case chainTooLong
    /// A readable descriptor after a writable one (§2.7.4.2).
    case readableAfterWritable
    /// A chain without the device-writable (or driver-readable) part this queue needs.
    case wrongDirection
    /// The sum of descriptor lengths does not fit in 32 bits.
    case totalLengthOverflow
    /// A data buffer is not inside guest RAM.
    case bufferOutsideMemory(address: UInt64, length: UInt32)
    /// INDIRECT used without negotiating it.
    case indirectNotNegotiated
    /// Indirect table length is zero or not a multiple of 16 (§2.7.5.3.1).
    case badIndirectLength(UInt32)
    /// INDIRECT inside an indirect table, or together with NEXT (§2.7.5.3.1).
    case nestedIndirect
    case indirectWithNext
    /// The queue is not ready (or the device is not live).
    case queueNotReady
    /// Guest memory failed under us (a ring that validated but is now out of range).
    case memory

    public enum RingPart: String, Sendable { case descriptorTable, availableRing, usedRing, indirectTable }

    public var description: String {
        switch self {
        case .badQueueSize(let n): return "bad queue size \(n)"
        case .misaligned(let p, let a): return "\(p.rawValue) misaligned at 0x\(String(a, radix: 16))"
        case .ringOutsideMemory(let p, let a): return "\(p.rawValue) outside guest RAM at 0x\(String(a, radix: 16))"
        case .availDeltaTooLarge(let l, let a): return "avail idx jumped from \(l) to \(a)"
        case .indexOutOfRange(let i): return "descriptor index \(i) out of range"
        case .chainTooLong: return "descriptor chain too long (cycle?)"
        case .readableAfterWritable: return "readable descriptor after a writable one"
        case .wrongDirection: return "descriptor direction wrong for this queue"
        case .totalLengthOverflow: return "chain length exceeds 32 bits"
        case .bufferOutsideMemory(let a, let l): return "buffer 0x\(String(a, radix: 16))+\(l) outside guest RAM"
        case .indirectNotNegotiated: return "INDIRECT without VIRTIO_F_INDIRECT_DESC"
        case .badIndirectLength(let l): return "indirect table length \(l)"
        case .nestedIndirect: return "nested indirect table"
        case .indirectWithNext: return "INDIRECT together with NEXT"
        case .queueNotReady: return "queue not ready"
        case .memory: return "guest memory access failed"
        }
    }
}
