import GuestABI
import GuestMemory

/// Where the loaded kernel starts and how much physical memory it occupies.
public struct LoadedKernel: Equatable, Sendable {
    /// Virtual entry point (in the direct-map window): the vCPU's initial RIP.
    public var entry: UInt64
    /// Page-rounded guest-physical end of the highest segment: the first free page.
    public var physicalEnd: UInt64
}

/// Loads the guest kernel ELF. The kernel is linked in the direct-map window
/// (`p_vaddr = directMapBase + p_paddr`, DESIGN.md §2), so each PT_LOAD is copied to
/// its p_paddr and the boot page tables make it appear at p_vaddr.
public enum KernelImage {
    static let pageSize: UInt64 = 4096

    public static func load(_ bytes: [UInt8], into memory: some GuestMemoryAccess) throws(KernelLoadError) -> LoadedKernel {
        let elf: ELFFile
        do { elf = try ELFFile(bytes: bytes) } catch { throw .elf(error) }
        return try load(elf, into: memory)
    }

    public static func load(_ elf: ELFFile, into memory: some GuestMemoryAccess) throws(KernelLoadError) -> LoadedKernel {
        guard elf.type == .exec, elf.kind == .staticExecutable else { throw .notStaticExecutable }
        let segments = elf.programHeaders.enumerated().filter { $0.element.type == ProgramHeader.load }
        guard !segments.isEmpty else { throw .noLoadableSegments }

        // Validate every segment before writing any byte, so a bad image leaves RAM untouched.
        var end: UInt64 = 0
        var entryMapped = false
        for (index, ph) in segments {
            let physEnd = try validate(ph, index: index, memorySize: memory.size)
            end = max(end, physEnd)
            // ELFFile checked vaddr + memsz does not overflow.
            if ph.memsz > 0, elf.entry >= ph.vaddr, elf.entry < ph.vaddr + ph.memsz { entryMapped = true }
        }
        guard entryMapped else { throw .entryOutsideImage(entry: elf.entry) }
        try checkNoOverlap(segments)

        for (_, ph) in segments {
            do throws(GuestMemoryError) {
                try memory.writeBytes(Array(elf.contents(of: ph)), at: GuestAddress(ph.paddr))
                // The guest must not zero its own bss: under emulation every store is ~1 µs.
                try zero(memory, at: ph.paddr + ph.filesz, count: ph.memsz - ph.filesz)
            } catch {
                if case .outOfBounds(let a, let l) = error { throw .memoryWriteFailed(address: a, length: l) }
                throw .memoryWriteFailed(address: ph.paddr, length: ph.memsz)
            }
        }
        // `end` <= memory.size, so rounding up cannot overflow.
        let physicalEnd = (end + pageSize - 1) & ~(pageSize - 1)
        return LoadedKernel(entry: elf.entry, physicalEnd: physicalEnd)
    }

    /// Returns the segment's physical end after checking its placement.
    private static func validate(_ ph: ProgramHeader, index: Int, memorySize: UInt64) throws(KernelLoadError) -> UInt64 {
        guard ph.paddr >= BootLayout.kernelPhysBase else {
            throw .segmentBelowKernelBase(index: index, paddr: ph.paddr)
        }
        let (physEnd, overflow) = ph.paddr.addingReportingOverflow(ph.memsz)
        guard !overflow, physEnd <= memorySize else {
            throw .segmentOutsideMemory(index: index, paddr: ph.paddr, memsz: ph.memsz)
        }
        let (expected, vOverflow) = BootLayout.directMapBase.addingReportingOverflow(ph.paddr)
        guard !vOverflow, ph.vaddr == expected, physEnd <= BootLayout.directMapSize else {
            throw .segmentNotInDirectMap(index: index, vaddr: ph.vaddr, paddr: ph.paddr)
        }
        return physEnd
    }

    /// Physical ranges must be disjoint (empty segments occupy nothing).
    private static func checkNoOverlap(_ segments: [(offset: Int, element: ProgramHeader)]) throws(KernelLoadError) {
        let sorted = segments.filter { $0.element.memsz > 0 }.sorted { $0.element.paddr < $1.element.paddr }
        for (prev, next) in zip(sorted, sorted.dropFirst()) {
            // validate() already proved paddr + memsz does not overflow.
            if next.element.paddr < prev.element.paddr + prev.element.memsz {
                throw .segmentsOverlap(index: next.offset, previous: prev.offset)
            }
        }
    }

    /// Zero-fills in bounded chunks (the protocol has no memset) to keep host memory flat.
    static func zero(_ memory: some GuestMemoryAccess, at start: UInt64, count: UInt64) throws(GuestMemoryError) {
        if let ram = memory as? GuestRAM { return try ram.zero(at: GuestAddress(start), count: count) }
        let chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var done: UInt64 = 0
        while done < count {
            let n = min(UInt64(chunk.count), count - done)
            try memory.writeBytes(n == UInt64(chunk.count) ? chunk : Array(chunk[0..<Int(n)]),
                                  at: GuestAddress(start + done))
            done += n
        }
    }
}
