import KernelASM

/// The I/O APIC (82093AA datasheet §3; KVM's in-kernel IOAPIC): routes the virtio
/// devices' GSIs to CPU vectors. Indirect access: IOREGSEL at +0x00, IOWIN at +0x10.
enum IOAPIC {
    static let defaultBase: UInt64 = 0xfec0_0000
    /// Vector of GSI n: 0x30 + n (above the exceptions and the LAPIC timer at 0x20).
    static let vectorBase: UInt64 = 0x30
    nonisolated(unsafe) static var base: UInt64 = Phys.virt(defaultBase)

    static func configure(physical: UInt64) { base = Phys.virt(physical) }

    static func read(_ register: UInt32) -> UInt32 {
        k_store32(base, register)
        return k_load32(base + 0x10)
    }

    static func write(_ register: UInt32, _ value: UInt32) {
        k_store32(base, register)
        k_store32(base + 0x10, value)
    }

    /// Number of redirection entries (IOAPICVER bits 16–23, plus one).
    static var entryCount: UInt32 { ((read(1) >> 16) & 0xff) + 1 }

    /// Routes `gsi` to `vector` on APIC 0: fixed delivery, physical destination, active
    /// high, edge triggered (the VMM's irqfd is a pulse without resample), unmasked.
    static func route(gsi: UInt32, vector: UInt64) {
        let index = 0x10 + 2 * gsi
        write(index + 1, 0)                                  // destination APIC ID 0
        write(index, UInt32(truncatingIfNeeded: vector & 0xff))
    }

    /// Masks every line of the two 8259 PICs. KVM's in-kernel irqchip routes GSIs 0–15
    /// to the PIC as well as the IOAPIC, and the never-initialised PIC (vector base 0)
    /// reaches the CPU through LINT0 in virtual-wire mode: measured, GSI 7 arrived as
    /// vector 7 (#NM) next to the IOAPIC's 0x37 until the PIC was masked.
    static func maskLegacyPIC() {
        k_outb(0x21, 0xff)
        k_outb(0xa1, 0xff)
    }

    static func mask(gsi: UInt32) {
        write(0x10 + 2 * gsi, 1 << 16)
    }
}
