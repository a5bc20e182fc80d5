import GuestMemory

/// One split-virtqueue descriptor (virtio 1.2 §2.7.5), copied out of guest memory as a
/// value: the guest can change the table afterwards without affecting us.
public struct Descriptor: Equatable, Sendable {
    public static let size: UInt64 = 16
    public static let flagNext: UInt16 = 1
    public static let flagWrite: UInt16 = 2
    public static let flagIndirect: UInt16 = 4

    public var address: UInt64
    public var length: UInt32
    public var flags: UInt16
    public var next: UInt16

    public init(address: UInt64, length: UInt32, flags: UInt16, next: UInt16) {
        self.address = address; self.length = length; self.flags = flags; self.next = next
    }

    public var hasNext: Bool { flags & Self.flagNext != 0 }
    public var isWriteOnly: Bool { flags & Self.flagWrite != 0 }
    public var isIndirect: Bool { flags & Self.flagIndirect != 0 }

    /// The 16 bytes at `address`, decoded little-endian.
    static func load(from memory: any GuestMemoryAccess, at address: GuestAddress) throws(VirtqueueError) -> Descriptor {
        var raw = (UInt64(0), UInt64(0))
        var failed = false
        withUnsafeMutableBytes(of: &raw) { buf in
            do throws(GuestMemoryError) { try memory.read(into: buf, at: address) } catch { failed = true }
        }
        if failed { throw .memory }
        let a = UInt64(littleEndian: raw.0)
        let b = UInt64(littleEndian: raw.1)
        return Descriptor(address: a, length: UInt32(truncatingIfNeeded: b),
                          flags: UInt16(truncatingIfNeeded: b >> 32), next: UInt16(truncatingIfNeeded: b >> 48))
    }
}
