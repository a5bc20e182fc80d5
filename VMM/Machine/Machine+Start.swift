#if canImport(Glibc)
import Glibc
#endif
import GuestABI
import KVM
import X86State

/// Architectural bits used at entry (Intel SDM vol. 3 §2.5, §2.2.1).
enum X86 {
    static let cr0Entry: UInt64 = 0x8005_0033        // PE|MP|ET|NE|WP|AM|PG
    static let cr4PAE: UInt64 = 1 << 5
    static let cr4OSFXSR: UInt64 = 1 << 9
    static let cr4OSXMMEXCPT: UInt64 = 1 << 10
    static let cr4FSGSBASE: UInt64 = 1 << 16
    static let cr4OSXSAVE: UInt64 = 1 << 18
    static let eferEntry: UInt64 = 0xd01             // SCE|LME|LMA|NXE
    static let msrMTRRDefType: UInt32 = 0x2ff
    static let msrSTAR: UInt32 = 0xc000_0081
    /// MTRRs enabled, default type write-back (as Firecracker).
    static let mtrrDefTypeWB: UInt64 = 0xc06
    /// XCR0 bits we enable when offered: x87, SSE, AVX, and the three AVX-512 states
    /// (which must be enabled together).
    static let xcr0Base: UInt64 = 0x7
    static let xcr0AVX512: UInt64 = 0xe0
}

extension Machine {
    /// Puts vCPU 0 at `entry` in 64-bit mode on the boot page tables
    /// (`BootLayout.bootPML4`), with `rdi`/`rsi` as the kernel's arguments.
    public func start(entry: UInt64, rdi: UInt64, rsi: UInt64, segments: BootSegments) throws(MachineError) {
        let xsave = cpuid.hasXSAVE
        let fsgsbase = (cpuid.leaf(7, 0)?.ebx ?? 0) & 1 != 0
        try kvm { () throws(KVMError) in
            var s = try vcpu.getSpecialRegisters()
            s.cs = segments.code
            s.ds = segments.data; s.es = segments.data; s.fs = segments.data
            s.gs = segments.data; s.ss = segments.data
            s.tr = segments.tss
            s.gdt = segments.gdt
            s.idt = DescriptorTable(base: 0, limit: 0)
            // Assign, never OR: a fresh vCPU has CD|NW set (facts/toolchain.md §3).
            s.cr0 = X86.cr0Entry
            s.cr3 = BootLayout.bootPML4
            s.cr4 = X86.cr4PAE | X86.cr4OSFXSR | X86.cr4OSXMMEXCPT | X86.cr4FSGSBASE
                | (xsave ? X86.cr4OSXSAVE : 0)
            s.efer = X86.eferEntry
            do throws(KVMError) {
                try vcpu.setSpecialRegisters(s)
            } catch {
                guard case .ioctl(_, let e) = error, e == EINVAL, !fsgsbase else { throw error }
                // The PVM host's supported CPUID hides FSGSBASE yet KVM accepts the CR4
                // bit (measured). Elsewhere, without the CPUID bit KVM refuses it.
                s.cr4 &= ~X86.cr4FSGSBASE
                try vcpu.setSpecialRegisters(s)
            }

            if xsave { try vcpu.setXCR0(Self.entryXCR0(supported: cpuid.supportedXCR0)) }
            try vcpu.setFPU()
            try vcpu.setMSRs([
                (index: X86.msrMTRRDefType, value: X86.mtrrDefTypeWB),
                (index: X86.msrSTAR, value: Selector.star),
            ])
            var r = Registers()
            r.rip = entry
            r.rdi = rdi
            r.rsi = rsi
            r.rflags = 2
            r.rsp = 0
            try vcpu.setRegisters(r)
        }
    }

    /// x87|SSE|AVX as far as the host offers them, plus AVX-512 if all three of its
    /// state components are offered.
    static func entryXCR0(supported: UInt64) -> UInt64 {
        var x = supported & X86.xcr0Base
        if supported & X86.xcr0AVX512 == X86.xcr0AVX512 { x |= X86.xcr0AVX512 }
        // AVX (bit 2) requires SSE (bit 1); x87 (bit 0) is mandatory.
        if x & 0x2 == 0 { x &= ~0x4 }
        if x & 0x4 == 0 { x &= ~X86.xcr0AVX512 }
        return x | 1
    }
}
