import KernelASM

/// The kernel's own GDT, TSS and IDT, and the SYSCALL MSRs. Built once at boot; the
/// loads trap under PVM (~4 µs each), which is fine there.
enum CPU {
    // 0x00 null, 0x08 null, 0x10 kernel code, 0x18 kernel data, 0x20 user code32,
    // 0x28 user data, 0x30 user code64, 0x40 TSS (two slots).
    nonisolated(unsafe) static var gdt: UnsafeMutablePointer<UInt64>? = nil
    nonisolated(unsafe) static var tss: UnsafeMutableRawPointer? = nil
    nonisolated(unsafe) static var idt: UnsafeMutablePointer<UInt64>? = nil

    static let msrEFER: UInt32 = 0xC000_0080
    static let msrSTAR: UInt32 = 0xC000_0081
    static let msrLSTAR: UInt32 = 0xC000_0082
    static let msrSFMASK: UInt32 = 0xC000_0084

    /// INT3: the ring-0 syscall bounce on PVM hosts (entry.S syscall_entry). Measured:
    /// INT 0x80 and INT 0x81 raise #UD in that state.
    static let syscallBounceVector = 3

    static func setUp() {
        // GDT: 10 slots.
        let g = UnsafeMutablePointer<UInt64>.allocate(capacity: 10)
        g[0] = 0; g[1] = 0
        g[2] = 0x00AF_9B00_0000_FFFF   // 0x10 kernel code64
        g[3] = 0x00CF_9300_0000_FFFF   // 0x18 kernel data
        g[4] = 0x00CF_FB00_0000_FFFF   // 0x23 user code32
        g[5] = 0x00CF_F300_0000_FFFF   // 0x2b user data
        g[6] = 0x00AF_FB00_0000_FFFF   // 0x33 user code64
        g[7] = 0
        // TSS: 104 bytes; RSP0 at +4, IST1 at +36, I/O map base at +102 (none).
        let t = UnsafeMutableRawPointer.allocate(byteCount: 104, alignment: 16)
        k_zero(UInt64(UInt(bitPattern: t)), 104)
        t.storeBytes(of: k_addr_stack_top(), toByteOffset: 4, as: UInt64.self)
        t.storeBytes(of: k_addr_ist_top(), toByteOffset: 36, as: UInt64.self)
        t.storeBytes(of: UInt16(104), toByteOffset: 102, as: UInt16.self)
        let base = UInt64(UInt(bitPattern: t))
        let limit: UInt64 = 103
        g[8] = (limit & 0xffff) | ((base & 0xff_ffff) << 16) | (0x89 << 40) | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56)
        g[9] = base >> 32
        gdt = g; tss = t
        k_lgdt(UInt64(UInt(bitPattern: g)), 10 * 8 - 1)
        k_ltr(Selector.tss)

        // IDT: 256 interrupt gates to the stubs in entry.S. int3/into are callable from
        // ring 3 (DPL 3) so debuggers' breakpoints become SIGTRAP, as on Linux.
        let idtTable = UnsafeMutablePointer<UInt64>.allocate(capacity: 512)
        for v in 0..<256 {
            let handler = k_isr(Int32(v))
            let dpl: UInt64 = (v == 3 || v == 4 || v == CPU.syscallBounceVector) ? 3 : 0
            let typeAttr: UInt64 = 0x8E | (dpl << 5)
            // The ring-0 path on a PVM host: the hypervisor believes the program runs in
            // supervisor mode and would push events onto the user stack (over its red
            // zone), so every event switches to the IST stack. (Measured: without IST the
            // INT3 bounce frame's saved RSP did not point at the syscall frame.) Work on
            // the IST stack cannot switch tasks, so that path runs single-process
            // programs only; it exists to exercise the ring-0 code here.
            // The PVM fast return (Platform.fastReturn) has the same problem for the same
            // reason, and sorts user from kernel events in entry.S fast_event.
            // PVM native: external interrupts (vectors >= 32) use IST1 as well; entry.S
            // trap_common explains the window at the end of sysret_to_user.
            let pvmInterrupt = Platform.mode == .pvmNative && v >= 32
            let ist: UInt64 = (Platform.mode == .ring0 && Platform.pteUserAll) || Platform.fastReturn || pvmInterrupt ? 1 : 0
            idtTable[2 * v] = (handler & 0xffff) | (UInt64(Selector.kernelCode) << 16) | (ist << 32) | (typeAttr << 40) | (((handler >> 16) & 0xffff) << 48)
            idtTable[2 * v + 1] = handler >> 32
        }
        idt = idtTable
        k_lidt(UInt64(UInt(bitPattern: idtTable)), 256 * 16 - 1)

        // SYSCALL: entry point, selectors, and the flags cleared on entry
        // (TF, IF, DF, NT, AC) so the kernel starts with interrupts masked.
        k_wrmsr(msrSTAR, Selector.star)
        k_wrmsr(msrLSTAR, k_addr_syscall_entry())
        k_wrmsr(msrSFMASK, 0x4_4700)
    }

    /// CPUID.1:EDX, reported to programs as AT_HWCAP (as Linux does on x86).
    static func hwcap() -> UInt64 {
        var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
        k_cpuid(1, 0, &a, &b, &c, &d)
        return UInt64(d)
    }
}
