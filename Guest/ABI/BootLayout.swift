/// The boot contract between the VMM and the guest kernel: where things sit in guest
/// physical memory and in the kernel's virtual window. Both sides compile this file.
///
/// Virtual layout (DESIGN.md §2): user space owns everything below `userLimit`; the
/// kernel lives in one PML4 slot (252) high in the lower half, because Swift uses
/// pointer bits 47–63 as spare bits and cannot run in the upper half. That slot holds a
/// direct map of the first 4 GiB of guest-physical space (RAM and the MMIO hole), so
/// the kernel image, its heap, page tables and devices are all `directMapBase + gpa`.
public enum BootLayout {
    /// Start of the kernel's window: PML4 slot 252. Slot 256 is unusable under PVM.
    public static let directMapBase: UInt64 = 0x7e00_0000_0000
    /// Size of the direct map (4 GiB of 2 MiB pages: one PDPT, four page directories).
    public static let directMapSize: UInt64 = 4 << 30
    /// User mappings stay strictly below the kernel window.
    public static let userLimit: UInt64 = 0x7e00_0000_0000
    /// The PML4 slot of the kernel window.
    public static var kernelPML4Slot: Int { Int(directMapBase >> 39) }

    // Guest-physical addresses of the boot structures the VMM writes.
    /// PVM "PV page": the virtual-IF word and the CR2 slot (facts/pvm.md §3.2).
    public static let pvPage: UInt64 = 0x1000
    /// Boot PML4; the kernel keeps using it as the template for its window.
    public static let bootPML4: UInt64 = 0x2000
    /// PDPT of the kernel window.
    public static let bootPDPT: UInt64 = 0x3000
    /// Four page directories of 2 MiB pages (0x4000–0x7fff).
    public static let bootPD: UInt64 = 0x4000
    /// Boot GDT (the kernel installs its own later).
    public static let bootGDT: UInt64 = 0x8000
    /// Flattened device tree, at most `fdtMaxSize` bytes.
    public static let fdt: UInt64 = 0x10000
    public static let fdtMaxSize: UInt64 = 0x10000
    /// The kernel log ring (`KernelLogRing`): the guest appends every line here, so the
    /// VMM can show the log after a failure without the guest paying an exit per line.
    public static let logRing: UInt64 = 0x20000
    public static let logRingSize: UInt64 = 0x10000
    /// Lowest physical address the kernel image may use (2 MiB aligned for large pages).
    public static let kernelPhysBase: UInt64 = 0x20_0000
    /// Guest RAM is one slot at GPA 0; at most this much, so it ends below the MMIO hole.
    public static let maxRAM: UInt64 = 0xc000_0000
    /// Smallest RAM we accept: kernel, heap, and room for a program.
    public static let minRAM: UInt64 = 16 << 20
    /// MMIO hole for devices (virtio-mmio later).
    public static let mmioBase: UInt64 = 0xd000_0000
}

/// Platform word passed in RSI at kernel entry (and mirrored in the FDT).
public enum BootPlatform: UInt64, Sendable {
    /// Ordinary ring-0 kernel: hardware KVM (VMX/SVM), or PVM's instruction emulator.
    case ring0 = 0
    /// PVM host and native mode requested: the kernel writes MSR 0x4b564d10 first.
    case pvm = 1
}

/// The PVM fork's MSRs and flags, measured in facts/pvm.md §2.2 and §3.1.
public enum PVM {
    public static let msrPVPage: UInt32 = 0x4b56_4d10
    public static let msrSignature: UInt32 = 0x4b56_4d11
    public static let msrTSCkHz: UInt32 = 0x4b56_4d13
    public static let signature: UInt64 = 0x4d5650
    /// Flag bit 2: SYSCALL entry swaps GS; bit 4: CR2 is written to PV page + 8.
    public static let pvPageFlags: UInt64 = 0x14
}

/// x86 selectors of the Linux layout (facts/pvm.md §3.4): STAR = 0x0023_0010_0000_0000.
public enum Selector {
    public static let kernelCode: UInt16 = 0x10
    public static let kernelData: UInt16 = 0x18
    public static let userCode32: UInt16 = 0x23
    public static let userData: UInt16 = 0x2b
    public static let userCode: UInt16 = 0x33
    public static let tss: UInt16 = 0x40
    public static let star: UInt64 = 0x0023_0010_0000_0000
}
