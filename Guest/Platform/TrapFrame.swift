import KernelASM

/// The register frame built by entry.S for every entry into the kernel (syscall,
/// exception, interrupt). Field order must match PUSH_GPRS and the hardware frame.
public struct TrapFrame {
    public var r15: UInt64, r14: UInt64, r13: UInt64, r12: UInt64
    public var r11: UInt64, r10: UInt64, r9: UInt64, r8: UInt64
    public var rbp: UInt64, rdi: UInt64, rsi: UInt64, rdx: UInt64
    public var rcx: UInt64, rbx: UInt64, rax: UInt64
    /// 0–255 for IDT vectors, `syscallVector` for SYSCALL.
    public var vector: UInt64
    public var error: UInt64
    public var rip: UInt64, cs: UInt64, rflags: UInt64, rsp: UInt64, ss: UInt64

    public static let syscallVector: UInt64 = 0x100
    /// A frame rewritten by signal delivery or sigreturn: every register, RCX and R11
    /// included, must reach user mode as written.
    public static let signalVector: UInt64 = 0x101
    /// The frame came from ring 3 (under PVM the saved CS of a user event is 0x33 too).
    public var fromUser: Bool { cs & 3 == 3 }
}

extension TrapFrame {
    func dump() -> String {
        "rip=\(hex(rip)) rsp=\(hex(rsp)) rflags=\(hex(rflags)) cs=\(hex(cs)) ss=\(hex(ss)) vec=\(vector) err=\(hex(error))\n" +
        "rax=\(hex(rax)) rbx=\(hex(rbx)) rcx=\(hex(rcx)) rdx=\(hex(rdx)) rsi=\(hex(rsi)) rdi=\(hex(rdi)) rbp=\(hex(rbp))\n" +
        "r8=\(hex(r8)) r9=\(hex(r9)) r10=\(hex(r10)) r11=\(hex(r11)) r12=\(hex(r12)) r13=\(hex(r13)) r14=\(hex(r14)) r15=\(hex(r15))"
    }
}

/// Hex formatting without Foundation.
func hex(_ v: UInt64) -> String {
    "0x" + String(v, radix: 16)
}
