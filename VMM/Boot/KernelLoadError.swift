import GuestABI

/// Why the guest kernel image could not be placed in guest memory.
public enum KernelLoadError: Error, Equatable, Sendable {
    /// The file is not a valid ELF64 x86_64 image.
    case elf(ELFError)
    /// The kernel must be linked at a fixed address (ET_EXEC, no interpreter).
    case notStaticExecutable
    /// No PT_LOAD segment at all.
    case noLoadableSegments
    /// A segment starts below `BootLayout.kernelPhysBase` (it would overwrite boot structures).
    case segmentBelowKernelBase(index: Int, paddr: UInt64)
    /// A segment's physical range overflows or ends beyond guest RAM.
    case segmentOutsideMemory(index: Int, paddr: UInt64, memsz: UInt64)
    /// p_vaddr is not `BootLayout.directMapBase + p_paddr`: the boot page tables would
    /// not map the code where it was linked.
    case segmentNotInDirectMap(index: Int, vaddr: UInt64, paddr: UInt64)
    /// The entry point lies outside every loaded executable-range virtual address.
    case entryOutsideImage(entry: UInt64)
    /// Two PT_LOAD segments share physical bytes; zeroing one's bss would clobber the other.
    case segmentsOverlap(index: Int, previous: Int)
    /// Guest memory rejected a write (should not happen after the checks above).
    case memoryWriteFailed(address: UInt64, length: UInt64)

    public func describeProblem() -> String {
        func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        switch self {
        case .elf(let e): return "kernel: " + e.describeProblem()
        case .notStaticExecutable: return "kernel: must be a static ET_EXEC image"
        case .noLoadableSegments: return "kernel: no PT_LOAD segments"
        case .segmentBelowKernelBase(let i, let p):
            return "kernel: segment \(i) at physical \(hex(p)) is below \(hex(BootLayout.kernelPhysBase))"
        case .segmentOutsideMemory(let i, let p, let m):
            return "kernel: segment \(i) (physical \(hex(p)), \(m) bytes) does not fit in guest memory"
        case .segmentNotInDirectMap(let i, let v, let p):
            return "kernel: segment \(i) virtual \(hex(v)) is not direct-map base + physical \(hex(p))"
        case .entryOutsideImage(let e): return "kernel: entry point \(hex(e)) is outside the loaded image"
        case .segmentsOverlap(let i, let p): return "kernel: segments \(p) and \(i) overlap in physical memory"
        case .memoryWriteFailed(let a, let l): return "kernel: guest memory write failed at \(hex(a)) (\(l) bytes)"
        }
    }
}
