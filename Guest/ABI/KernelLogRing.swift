/// Layout of the kernel log ring at `BootLayout.logRing`: a u64 count of bytes ever
/// written, then `capacity` bytes of text; byte i of the log lives at
/// `dataOffset + i % capacity`. The guest only appends; the VMM only reads, after the
/// vCPU has stopped, and treats every byte as untrusted text.
public enum KernelLogRing {
    public static let dataOffset: UInt64 = 16
    public static var capacity: UInt64 { BootLayout.logRingSize - dataOffset }

    /// The last `limit` bytes of the log given the ring's raw bytes (header included).
    public static func tail(_ ring: [UInt8], limit: Int = 8192) -> [UInt8] {
        guard ring.count >= Int(dataOffset) else { return [] }
        var written: UInt64 = 0
        for k in 0..<8 { written |= UInt64(ring[k]) << (8 * UInt64(k)) }
        let cap = UInt64(ring.count) - dataOffset
        guard cap > 0 else { return [] }
        let available = min(written, cap, UInt64(limit))
        var out: [UInt8] = []
        out.reserveCapacity(Int(available))
        var i = written - available
        while i < written {
            out.append(ring[Int(dataOffset + i % cap)])
            i += 1
        }
        return out
    }
}
