import KVM

extension Machine {
    /// A headline, the vCPU's registers and the last kernel log lines: the text of every
    /// failure outcome.
    public func failureReport(_ headline: String, logLines: Int = 20) -> String {
        var out = headline + "\n" + registerDump()
        let log = serial.lastLines(logLines)
        if !log.isEmpty { out += "\n--- last kernel log lines ---\n" + log }
        return out
    }

    /// rip, rsp, rflags, control registers, EFER, CS/SS and all GPRs.
    public func registerDump() -> String {
        guard let r = try? vcpu.getRegisters() else { return "(registers unavailable)" }
        var lines = [
            "rip=\(hex(r.rip)) rsp=\(hex(r.rsp)) rflags=\(hex(r.rflags))",
        ]
        if let s = try? vcpu.getSpecialRegisters() {
            lines.append("cr0=\(hex(s.cr0)) cr2=\(hex(s.cr2)) cr3=\(hex(s.cr3)) cr4=\(hex(s.cr4)) efer=\(hex(s.efer))")
            lines.append("cs=\(hex(UInt64(s.cs.selector), width: 4)) ss=\(hex(UInt64(s.ss.selector), width: 4)) "
                + "idt=\(hex(s.idt.base)):\(s.idt.limit) gdt=\(hex(s.gdt.base)):\(s.gdt.limit)")
        }
        lines.append("rax=\(hex(r.rax)) rbx=\(hex(r.rbx)) rcx=\(hex(r.rcx)) rdx=\(hex(r.rdx))")
        lines.append("rsi=\(hex(r.rsi)) rdi=\(hex(r.rdi)) rbp=\(hex(r.rbp)) r8=\(hex(r.r8))")
        lines.append("r9=\(hex(r.r9)) r10=\(hex(r.r10)) r11=\(hex(r.r11)) r12=\(hex(r.r12))")
        lines.append("r13=\(hex(r.r13)) r14=\(hex(r.r14)) r15=\(hex(r.r15))")
        return lines.joined(separator: "\n")
    }
}

/// Zero-padded hex: 0x00007e0000200000.
func hex(_ v: UInt64, width: Int = 16) -> String {
    let digits = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
}
