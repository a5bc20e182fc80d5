import GuestABI
import GuestMemory
import X86State

/// The boot GDT in the Linux layout (`Selector`, facts/pvm.md §3.4), so that
/// STAR = 0x0023_0010_0000_0000 works for SYSCALL/SYSRET from the first instruction.
public enum BootGDT {
    /// Raw 8-byte descriptors (SDM Vol. 3A §3.4.5), indexed by selector / 8.
    public static let kernelCode64: UInt64 = 0x00AF_9B00_0000_FFFF
    public static let kernelData: UInt64 = 0x00CF_9300_0000_FFFF
    public static let userCode32: UInt64 = 0x00CF_FB00_0000_FFFF
    public static let userData: UInt64 = 0x00CF_F300_0000_FFFF
    public static let userCode64: UInt64 = 0x00AF_FB00_0000_FFFF
    /// Available 64-bit TSS (type 9, P=1); KVM marks it busy when loading TR.
    static let tssTypeAvailable: UInt64 = 0x89

    /// 0x00 null, 0x08 null, 0x10..0x30 code/data, 0x38 unused, 0x40 TSS (16 bytes).
    public static let size = 0x50

    /// The GDT bytes for a TSS at `tssBase` with byte limit `tssLimit` (size - 1).
    public static func bytes(tssBase: UInt64, tssLimit: UInt32) -> [UInt8] {
        var slots = [UInt64](repeating: 0, count: size / 8)
        slots[Int(Selector.kernelCode) / 8] = kernelCode64
        slots[Int(Selector.kernelData) / 8] = kernelData
        slots[Int(Selector.userCode32) / 8] = userCode32
        slots[Int(Selector.userData) / 8] = userData
        slots[Int(Selector.userCode) / 8] = userCode64
        let (low, high) = tssDescriptor(base: tssBase, limit: tssLimit)
        slots[Int(Selector.tss) / 8] = low
        slots[Int(Selector.tss) / 8 + 1] = high
        var out: [UInt8] = []
        out.reserveCapacity(size)
        for s in slots { for b in 0..<8 { out.append(UInt8(truncatingIfNeeded: s >> UInt64(8 * b))) } }
        return out
    }

    /// A 16-byte system-segment descriptor (SDM Vol. 3A §7.2.3, figure 7-4).
    static func tssDescriptor(base: UInt64, limit: UInt32) -> (UInt64, UInt64) {
        var low = UInt64(limit & 0xffff)
        low |= (base & 0xff_ffff) << 16
        low |= tssTypeAvailable << 40
        low |= UInt64((limit >> 16) & 0xf) << 48
        low |= ((base >> 24) & 0xff) << 56
        return (low, base >> 32)
    }

    /// Writes the GDT at guest-physical `BootLayout.bootGDT` and returns the register
    /// state to load. `tssBase` is a linear (direct-map) address, as TR's base must be.
    public static func write(into memory: some GuestMemoryAccess, tssBase: UInt64, tssLimit: UInt32) throws(GuestMemoryError) -> BootSegments {
        try memory.writeBytes(bytes(tssBase: tssBase, tssLimit: tssLimit), at: GuestAddress(BootLayout.bootGDT))
        return segments(tssBase: tssBase, tssLimit: tssLimit)
    }

    /// The hidden-cache values matching the descriptors above.
    public static func segments(tssBase: UInt64, tssLimit: UInt32) -> BootSegments {
        let cs = SegmentState(base: 0, limit: 0xffff_ffff, selector: Selector.kernelCode, type: 0xb,
                              present: true, dpl: 0, db: false, s: true, l: true, g: true, avl: false)
        let data = SegmentState(base: 0, limit: 0xffff_ffff, selector: Selector.kernelData, type: 0x3,
                                present: true, dpl: 0, db: true, s: true, l: false, g: true, avl: false)
        let tr = SegmentState(base: tssBase, limit: tssLimit, selector: Selector.tss, type: 0xb,
                              present: true, dpl: 0, db: false, s: false, l: false, g: false, avl: false)
        // GDTR holds a linear address and paging is on at entry with no identity map, so
        // the base is the GDT's direct-map alias; later selector loads read it there.
        return BootSegments(code: cs, data: data, tss: tr,
                            gdt: DescriptorTable(base: BootLayout.directMapBase + BootLayout.bootGDT, limit: UInt16(size - 1)))
    }
}
