/// A guest-physical address. A distinct type so host code cannot mix it up with host
/// pointers or lengths (DESIGN.md §4.5).
public struct GuestAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var raw: UInt64
    public init(_ raw: UInt64) { self.raw = raw }
    public static func < (a: GuestAddress, b: GuestAddress) -> Bool { a.raw < b.raw }
    /// Checked offset: nil on overflow.
    public func adding(_ n: UInt64) -> GuestAddress? {
        let (r, o) = raw.addingReportingOverflow(n)
        return o ? nil : GuestAddress(r)
    }
    public var description: String { "0x" + String(raw, radix: 16) }
}

public enum GuestMemoryError: Error, Equatable, Sendable {
    /// [address, address+length) is not inside guest RAM (or overflows).
    case outOfBounds(address: UInt64, length: UInt64)
    /// The host could not reserve guest RAM.
    case allocationFailed(size: UInt64, errno: Int32)
}
