import KernelASM

/// Device registers through the kernel's direct map (the VMM maps the MMIO window and
/// the IOAPIC uncached there). Every access is one volatile load or store: one exit.
final class KernelMMIO: MMIORegisters {
    let base: UInt64

    /// `physical`: the device's guest-physical base (from the FDT).
    init(physical: UInt64) { base = Phys.virt(physical) }

    func read32(_ offset: UInt32) -> UInt32 { k_load32(base &+ UInt64(offset)) }
    func write32(_ offset: UInt32, _ value: UInt32) { k_store32(base &+ UInt64(offset), value) }
    func read8(_ offset: UInt32) -> UInt8 {
        // A 32-bit read of the aligned word (the device model accepts 1/2/4-byte config
        // reads; 4 is the one every register accepts).
        let word = k_load32(base &+ UInt64(offset & ~3))
        return UInt8(truncatingIfNeeded: word >> (8 * (offset & 3)))
    }
}

/// Driver memory from the kernel heap: the heap is one range of the direct map, so an
/// allocation is physically contiguous; it is never freed (drivers live forever).
final class KernelDMA: DMAMemory {
    func allocatePages(_ count: Int) -> UInt64? {
        guard count > 0, Frames.freeBytes > UInt64(count) * 4096 + Frames.heapReserve else { return nil }
        // SAFETY: kept for the lifetime of the kernel; zeroed before use.
        let p = UnsafeMutableRawPointer.allocate(byteCount: count * 4096, alignment: 4096)
        let va = UInt64(UInt(bitPattern: p))
        k_zero(va, UInt64(count) * 4096)
        return Phys.phys(va)
    }
    func load16(_ pa: UInt64) -> UInt16 { k_load16(Phys.virt(pa)) }
    func load32(_ pa: UInt64) -> UInt32 { k_load32(Phys.virt(pa)) }
    func load64(_ pa: UInt64) -> UInt64 { k_load64(Phys.virt(pa)) }
    func store16(_ v: UInt16, _ pa: UInt64) { k_store16(Phys.virt(pa), v) }
    func store32(_ v: UInt32, _ pa: UInt64) { k_store32(Phys.virt(pa), v) }
    func store64(_ v: UInt64, _ pa: UInt64) { k_store64(Phys.virt(pa), v) }
    func copy(from pa: UInt64, into buffer: UnsafeMutableRawBufferPointer) {
        guard let b = buffer.baseAddress, buffer.count > 0 else { return }
        k_copy(UInt64(UInt(bitPattern: b)), Phys.virt(pa), UInt64(buffer.count))
        k_compiler_barrier()
    }
    func copy(to pa: UInt64, from bytes: UnsafeRawBufferPointer) {
        guard let b = bytes.baseAddress, bytes.count > 0 else { return }
        k_copy(Phys.virt(pa), UInt64(UInt(bitPattern: b)), UInt64(bytes.count))
        k_compiler_barrier()
    }
    func copyPhysical(to destination: UInt64, from source: UInt64, count: Int) {
        k_copy(Phys.virt(destination), Phys.virt(source), UInt64(count))
        k_compiler_barrier()
    }
    func fullBarrier() { k_mfence() }
}
