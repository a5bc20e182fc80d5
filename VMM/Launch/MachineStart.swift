import Machine
import KVM

extension Machine {
    /// Starts the vCPU at the kernel entry with the boot GDT's segment state.
    func start(entry: UInt64, rdi: UInt64, rsi: UInt64, entrySegments s: EntrySegments) throws(MachineError) {
        try start(entry: entry, rdi: rdi, rsi: rsi,
                  segments: BootSegments(code: s.code, data: s.data, tss: s.tss, gdt: s.gdt))
    }
}
