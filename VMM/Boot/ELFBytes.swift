/// Bounds-checked little-endian reads over an untrusted byte array. Callers check the
/// range first; these return nil rather than trap so that no file can crash the VMM.
struct ELFBytes {
    let bytes: [UInt8]

    func u8(_ offset: Int) -> UInt8? {
        offset >= 0 && offset < bytes.count ? bytes[offset] : nil
    }

    func u16(_ offset: Int) -> UInt16? { uint(offset, 2).map { UInt16(truncatingIfNeeded: $0) } }
    func u32(_ offset: Int) -> UInt32? { uint(offset, 4).map { UInt32(truncatingIfNeeded: $0) } }
    func u64(_ offset: Int) -> UInt64? { uint(offset, 8) }

    /// `width` bytes at `offset`, little-endian; nil if any byte is outside the array.
    private func uint(_ offset: Int, _ width: Int) -> UInt64? {
        guard offset >= 0, offset <= bytes.count - width else { return nil }
        var v: UInt64 = 0
        for i in (0..<width).reversed() { v = v << 8 | UInt64(bytes[offset + i]) }
        return v
    }

    /// True when [offset, offset+length) lies inside the array, with checked arithmetic.
    func contains(offset: UInt64, length: UInt64) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(length)
        return !overflow && end <= UInt64(bytes.count)
    }
}
