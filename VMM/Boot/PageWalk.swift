import GuestABI
import GuestMemory

/// The result of a successful page walk: the physical address and what each level said.
public struct Translation: Equatable, Sendable {
    public var physical: UInt64
    /// Page size of the leaf (4 KiB, 2 MiB or 1 GiB).
    public var pageSize: UInt64
    /// Flags of each entry visited, root first (PML4E, PDPTE, PDE[, PTE]).
    public var levels: [PageTableFlags]
    /// Effective user access: U/S set at every level (SDM §4.6).
    public var userAccessible: Bool { levels.allSatisfy { $0.contains(.user) } }
    /// Flags of the leaf entry.
    public var leaf: PageTableFlags { levels.last ?? [] }
}

extension BootPageTables {
    /// Walks 4-level tables rooted at `root` (default: the boot PML4), reading them back
    /// from guest memory. Nil when the address is non-canonical or not mapped. Used by
    /// tests and diagnostics; it trusts nothing it reads (table addresses are
    /// bounds-checked by `load`).
    public static func translate(virtual: UInt64, root: UInt64 = BootLayout.bootPML4,
                                 in memory: some GuestMemoryAccess) -> Translation? {
        // Canonical: bits 63..47 all equal.
        let top = virtual >> 47
        guard top == 0 || top == 0x1_ffff else { return nil }
        var table = root
        var levels: [PageTableFlags] = []
        // Shifts for PML4, PDPT, PD, PT.
        for (depth, shift) in [39, 30, 21, 12].enumerated() {
            let index = (virtual >> UInt64(shift)) & 0x1ff
            guard let entry = try? memory.load(UInt64.self, at: GuestAddress((table & PageTableFlags.addressMask) + index * 8))
            else { return nil }
            let flags = PageTableFlags(rawValue: entry & ~PageTableFlags.addressMask)
            guard flags.contains(.present) else { return nil }
            levels.append(flags)
            let frame = entry & PageTableFlags.addressMask
            // PS is meaningful in PDPTEs (1 GiB) and PDEs (2 MiB); the PTE is always a leaf.
            if depth == 3 || (depth >= 1 && flags.contains(.largePage)) {
                let size: UInt64 = 1 << UInt64(shift)
                return Translation(physical: (frame & ~(size - 1)) | (virtual & (size - 1)),
                                   pageSize: size, levels: levels)
            }
            table = frame
        }
        return nil
    }
}
