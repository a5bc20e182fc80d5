/// x86-64 paging-structure entry bits (Intel SDM Vol. 3A §4.5, tables 4-15 to 4-20).
public struct PageTableFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let present = PageTableFlags(rawValue: 1 << 0)
    public static let writable = PageTableFlags(rawValue: 1 << 1)
    /// U/S: user-accessible. Under PVM every level must carry it (facts/pvm.md).
    public static let user = PageTableFlags(rawValue: 1 << 2)
    /// PWT: write-through.
    public static let writeThrough = PageTableFlags(rawValue: 1 << 3)
    /// PCD: cache disable (with PWT: UC under the default PAT), for MMIO.
    public static let cacheDisable = PageTableFlags(rawValue: 1 << 4)
    public static let accessed = PageTableFlags(rawValue: 1 << 5)
    public static let dirty = PageTableFlags(rawValue: 1 << 6)
    /// PS: in a PDE, maps a 2 MiB page instead of pointing to a page table.
    public static let largePage = PageTableFlags(rawValue: 1 << 7)
    public static let global = PageTableFlags(rawValue: 1 << 8)
    public static let noExecute = PageTableFlags(rawValue: 1 << 63)

    /// Bits 12–51 of an entry: the physical address of the next table or page frame.
    public static let addressMask: UInt64 = 0x000f_ffff_ffff_f000
}
