import CKVM
import X86State

/// General-purpose registers (struct kvm_regs), as plain Swift values.
public struct Registers: Equatable, Sendable {
    public var rax: UInt64 = 0, rbx: UInt64 = 0, rcx: UInt64 = 0, rdx: UInt64 = 0
    public var rsi: UInt64 = 0, rdi: UInt64 = 0, rsp: UInt64 = 0, rbp: UInt64 = 0
    public var r8: UInt64 = 0, r9: UInt64 = 0, r10: UInt64 = 0, r11: UInt64 = 0
    public var r12: UInt64 = 0, r13: UInt64 = 0, r14: UInt64 = 0, r15: UInt64 = 0
    public var rip: UInt64 = 0
    /// Bit 1 is architecturally always 1.
    public var rflags: UInt64 = 2

    public init() {}

    init(_ k: kvm_regs) {
        rax = k.rax; rbx = k.rbx; rcx = k.rcx; rdx = k.rdx
        rsi = k.rsi; rdi = k.rdi; rsp = k.rsp; rbp = k.rbp
        r8 = k.r8; r9 = k.r9; r10 = k.r10; r11 = k.r11
        r12 = k.r12; r13 = k.r13; r14 = k.r14; r15 = k.r15
        rip = k.rip; rflags = k.rflags
    }

    var kvm: kvm_regs {
        kvm_regs(rax: rax, rbx: rbx, rcx: rcx, rdx: rdx, rsi: rsi, rdi: rdi, rsp: rsp, rbp: rbp,
                 r8: r8, r9: r9, r10: r10, r11: r11, r12: r12, r13: r13, r14: r14, r15: r15,
                 rip: rip, rflags: rflags)
    }
}

/// A segment register's hidden state (struct kvm_segment) is `X86State.SegmentState`,
/// shared with Boot; these convert it.
extension SegmentState {
    init(_ k: kvm_segment) {
        self.init(base: k.base, limit: k.limit, selector: k.selector, type: k.type, present: k.present != 0,
                  dpl: k.dpl, db: k.db != 0, s: k.s != 0, l: k.l != 0, g: k.g != 0, avl: k.avl != 0,
                  unusable: k.unusable != 0)
    }

    var kvm: kvm_segment {
        var k = kvm_segment()
        k.base = base; k.limit = limit; k.selector = selector; k.type = type
        k.present = present ? 1 : 0; k.dpl = dpl; k.db = db ? 1 : 0; k.s = s ? 1 : 0
        k.l = l ? 1 : 0; k.g = g ? 1 : 0; k.avl = avl ? 1 : 0; k.unusable = unusable ? 1 : 0
        return k
    }
}

/// Control registers, segments and descriptor tables (struct kvm_sregs). The pending
/// interrupt bitmap is carried through untouched.
public struct SpecialRegisters: Sendable {
    public var cs, ds, es, fs, gs, ss, tr, ldt: SegmentState
    public var gdt, idt: DescriptorTable
    public var cr0, cr2, cr3, cr4, cr8, efer, apicBase: UInt64
    var raw: kvm_sregs

    init(_ k: kvm_sregs) {
        raw = k
        cs = SegmentState(k.cs); ds = SegmentState(k.ds); es = SegmentState(k.es); fs = SegmentState(k.fs)
        gs = SegmentState(k.gs); ss = SegmentState(k.ss); tr = SegmentState(k.tr); ldt = SegmentState(k.ldt)
        gdt = DescriptorTable(base: k.gdt.base, limit: k.gdt.limit)
        idt = DescriptorTable(base: k.idt.base, limit: k.idt.limit)
        cr0 = k.cr0; cr2 = k.cr2; cr3 = k.cr3; cr4 = k.cr4; cr8 = k.cr8; efer = k.efer; apicBase = k.apic_base
    }

    var kvm: kvm_sregs {
        var k = raw
        k.cs = cs.kvm; k.ds = ds.kvm; k.es = es.kvm; k.fs = fs.kvm
        k.gs = gs.kvm; k.ss = ss.kvm; k.tr = tr.kvm; k.ldt = ldt.kvm
        k.gdt.base = gdt.base; k.gdt.limit = gdt.limit
        k.idt.base = idt.base; k.idt.limit = idt.limit
        k.cr0 = cr0; k.cr2 = cr2; k.cr3 = cr3; k.cr4 = cr4; k.cr8 = cr8; k.efer = efer; k.apic_base = apicBase
        return k
    }
}
