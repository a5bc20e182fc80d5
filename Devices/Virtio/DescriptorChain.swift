import GuestMemory

/// A guest buffer: `length` bytes at `address`, already checked to lie inside guest RAM.
public struct BufferSegment: Equatable, Sendable {
    public var address: GuestAddress
    public var length: UInt32
    public init(address: GuestAddress, length: UInt32) { self.address = address; self.length = length }
}

/// One validated request: the driver-readable segments, then the device-writable ones
/// (§2.7.4.2). Holds only guest addresses; bulk data is reached through
/// `GuestMemoryAccess.withIOVecs`, so the host hands guest RAM straight to
/// preadv/pwritev/readv/writev (zero copy).
public struct DescriptorChain: Equatable, Sendable {
    /// Head index: what goes into the used ring.
    public var head: UInt16
    public var readable: [BufferSegment] = []
    public var writable: [BufferSegment] = []
    /// Sums fit in 32 bits (checked while parsing).
    public var readableLength: UInt32 = 0
    public var writableLength: UInt32 = 0

    public init(head: UInt16) { self.head = head }

    /// The byte range [offset, offset+length) of `segments` as (address, length) pieces,
    /// or nil if the segments are shorter than that.
    public static func ranges(of segments: [BufferSegment], offset: UInt64, length: UInt64) -> [(GuestAddress, UInt64)]? {
        var out: [(GuestAddress, UInt64)] = []
        var skip = offset
        var want = length
        for s in segments where want > 0 {
            let len = UInt64(s.length)
            if skip >= len { skip -= len; continue }
            let take = min(len - skip, want)
            // Cannot overflow: the segment was range-checked against guest RAM.
            out.append((GuestAddress(s.address.raw + skip), take))
            want -= take
            skip = 0
        }
        return want == 0 ? out : nil
    }

    /// Copies `count` driver-readable bytes from `offset` out of guest memory (for headers:
    /// copy, validate, then use; never re-read).
    public func copyReadable(from memory: any GuestMemoryAccess, offset: UInt64, count: Int) -> [UInt8]? {
        guard let parts = Self.ranges(of: readable, offset: offset, length: UInt64(count)) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        for (a, l) in parts {
            guard let bytes = try? memory.readBytes(at: a, count: Int(l)) else { return nil }
            out += bytes
        }
        return out
    }

    /// Writes `bytes` into the device-writable part at `offset`; false if it does not fit.
    public func copyToWritable(_ bytes: [UInt8], memory: any GuestMemoryAccess, offset: UInt64) -> Bool {
        guard let parts = Self.ranges(of: writable, offset: offset, length: UInt64(bytes.count)) else { return false }
        var at = 0
        for (a, l) in parts {
            do throws(GuestMemoryError) { try memory.writeBytes(Array(bytes[at..<at + Int(l)]), at: a) } catch { return false }
            at += Int(l)
        }
        return true
    }
}
