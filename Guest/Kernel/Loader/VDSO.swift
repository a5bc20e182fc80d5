import KernelASM

/// Maps the vDSO (Guest/VDSO) into a new program: three pages copied from the image in
/// the kernel (headers, text, data), the data page filled with the TSC scaling that the
/// kernel's own clock uses, so `clock_gettime` needs no syscall.
enum VDSO {
    static let pages: UInt64 = 3
    static let dataPage: UInt64 = 2
    /// Below the stack region, with a guard gap.
    static var base: UInt64 { Exec.stackTop - Exec.stackSize - 0x10000 - pages * 4096 }

    /// Maps it into the current address space and returns its address (AT_SYSINFO_EHDR),
    /// or 0 if there is no image or no memory (programs then fall back to syscalls).
    static func map(into space: UserSpace, services: GuestServices) -> UInt64 {
        guard k_vdso_size() >= pages * 4096 else { return 0 }
        let start = base
        space.map.remove(start, start + pages * 4096)
        space.map.insert(VMA(start: start, end: start + pages * 4096, prot: [.read, .exec], name: "[vdso]"))
        for i in 0..<pages {
            guard let frame = Frames.allocate() else { return 0 }
            k_copy(Phys.virt(frame), k_vdso_start() + i * 4096, 4096)
            if i == dataPage {
                let d = Phys.virt(frame)
                k_store64(d, services.tscKHz)
                k_store64(d + 8, services.tscAtBoot)
                k_store64(d + 16, services.realtimeAtBoot)
            }
            let flags = PageTables.flags(writable: false, executable: i != dataPage)
            guard PageTables.map(start + i * 4096, frame: frame, flags: flags) else { Frames.free(frame); return 0 }
        }
        return start
    }
}
