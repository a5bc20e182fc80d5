import GuestABI
import GuestMemory

/// The boot page tables: one PML4 slot (`BootLayout.kernelPML4Slot`) mapping the
/// direct-map window `directMapBase ..< directMapBase + 4 GiB` onto guest-physical
/// `0 ..< 4 GiB` with 2 MiB pages. No identity map: the kernel is entered at its
/// linked (window) address, and user space below the window starts empty.
public enum BootPageTables {
    static let tableSize = 4096
    static let entries = 512
    static let largePageSize: UInt64 = 2 << 20
    static let pageDirectoryCount = 4

    /// Writes PML4, PDPT and four page directories.
    /// - Parameter userBitEverywhere: set U/S on every entry of every level. PVM needs
    ///   it (its shadow paging treats the guest kernel as user mode, and the vCPU hangs
    ///   otherwise); on hardware KVM the kernel's pages stay supervisor-only.
    public static func write(into memory: some GuestMemoryAccess, userBitEverywhere: Bool) throws(GuestMemoryError) {
        let base: PageTableFlags = userBitEverywhere ? [.present, .writable, .user] : [.present, .writable]

        var pml4 = [UInt64](repeating: 0, count: entries)
        pml4[BootLayout.kernelPML4Slot] = BootLayout.bootPDPT | base.rawValue
        try writeTable(pml4, at: BootLayout.bootPML4, memory)

        var pdpt = [UInt64](repeating: 0, count: entries)
        for i in 0..<pageDirectoryCount {
            pdpt[i] = pageDirectoryAddress(i) | base.rawValue
        }
        try writeTable(pdpt, at: BootLayout.bootPDPT, memory)

        for d in 0..<pageDirectoryCount {
            var pd = [UInt64](repeating: 0, count: entries)
            for i in 0..<entries {
                let physical = (UInt64(d) * UInt64(entries) + UInt64(i)) * largePageSize
                var flags = base.union(.largePage)
                // Device registers must not be cached or write-combined.
                if physical >= BootLayout.mmioBase { flags.formUnion([.cacheDisable, .writeThrough]) }
                pd[i] = physical | flags.rawValue
            }
            try writeTable(pd, at: pageDirectoryAddress(d), memory)
        }
    }

    static func pageDirectoryAddress(_ i: Int) -> UInt64 { BootLayout.bootPD + UInt64(i * tableSize) }

    private static func writeTable(_ table: [UInt64], at address: UInt64, _ memory: some GuestMemoryAccess) throws(GuestMemoryError) {
        var bytes = [UInt8](repeating: 0, count: tableSize)
        for (i, e) in table.enumerated() where e != 0 {
            for b in 0..<8 { bytes[i * 8 + b] = UInt8(truncatingIfNeeded: e >> (8 * UInt64(b))) }
        }
        try memory.writeBytes(bytes, at: GuestAddress(address))
    }
}
