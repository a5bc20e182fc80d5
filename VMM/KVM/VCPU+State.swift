#if canImport(Glibc)
import Glibc
#endif
import CKVM

/// Register, MSR, CPUID, XCR and FPU state of a vCPU.
extension VCPU {
    public func getRegisters() throws(KVMError) -> Registers {
        var k = kvm_regs()
        guard ckvm_ioctl_ptr(fd.raw, CKVM_GET_REGS, &k) == 0 else { throw .ioctl(request: "KVM_GET_REGS", errno: errno) }
        return Registers(k)
    }

    public func setRegisters(_ regs: Registers) throws(KVMError) {
        var k = regs.kvm
        guard ckvm_ioctl_ptr(fd.raw, CKVM_SET_REGS, &k) == 0 else { throw .ioctl(request: "KVM_SET_REGS", errno: errno) }
    }

    public func getSpecialRegisters() throws(KVMError) -> SpecialRegisters {
        var k = kvm_sregs()
        guard ckvm_ioctl_ptr(fd.raw, CKVM_GET_SREGS, &k) == 0 else { throw .ioctl(request: "KVM_GET_SREGS", errno: errno) }
        return SpecialRegisters(k)
    }

    public func setSpecialRegisters(_ sregs: SpecialRegisters) throws(KVMError) {
        var k = sregs.kvm
        guard ckvm_ioctl_ptr(fd.raw, CKVM_SET_SREGS, &k) == 0 else { throw .ioctl(request: "KVM_SET_SREGS", errno: errno) }
    }

    /// KVM_GET_MSRS. KVM stops at the first MSR it cannot read, so the result may be
    /// shorter than `indices`: result[i] belongs to indices[i].
    public func getMSRs(_ indices: [UInt32]) throws(KVMError) -> [UInt64] {
        var buf = MSRBuffer(indices.map { (index: $0, value: 0) })
        let n = buf.withHeader { ckvm_ioctl_ptr(fd.raw, CKVM_GET_MSRS, $0) }
        guard n >= 0 else { throw .ioctl(request: "KVM_GET_MSRS", errno: errno) }
        return (0..<min(Int(n), indices.count)).map { buf.value(at: $0) }
    }

    /// One MSR, or nil if KVM does not know it.
    public func getMSR(_ index: UInt32) throws(KVMError) -> UInt64? {
        try getMSRs([index]).first
    }

    /// KVM_SET_MSRS; every MSR must be accepted.
    public func setMSRs(_ msrs: [(index: UInt32, value: UInt64)]) throws(KVMError) {
        var buf = MSRBuffer(msrs)
        let n = buf.withHeader { ckvm_ioctl_ptr(fd.raw, CKVM_SET_MSRS, $0) }
        guard n >= 0 else { throw .ioctl(request: "KVM_SET_MSRS", errno: errno) }
        guard Int(n) == msrs.count else {
            let bad = msrs[Int(n)].index
            throw .unexpected(request: "KVM_SET_MSRS", detail: "MSR 0x\(String(bad, radix: 16)) rejected")
        }
    }

    /// KVM_SET_CPUID2.
    public func setCPUID(_ table: CPUIDTable) throws(KVMError) {
        var buf = CPUIDBuffer(entries: table.entries)
        guard buf.withHeader({ ckvm_ioctl_ptr(fd.raw, CKVM_SET_CPUID2, $0) }) == 0 else {
            throw .ioctl(request: "KVM_SET_CPUID2", errno: errno)
        }
    }

    /// KVM_SET_XCRS with XCR0 only.
    public func setXCR0(_ value: UInt64) throws(KVMError) {
        var x = kvm_xcrs()
        x.nr_xcrs = 1
        x.xcrs.0.xcr = 0
        x.xcrs.0.value = value
        guard ckvm_ioctl_ptr(fd.raw, CKVM_SET_XCRS, &x) == 0 else { throw .ioctl(request: "KVM_SET_XCRS", errno: errno) }
    }

    /// XCR0 as KVM_GET_XCRS reports it (nil if the vCPU has no XCRs).
    public func getXCR0() throws(KVMError) -> UInt64? {
        var x = kvm_xcrs()
        guard ckvm_ioctl_ptr(fd.raw, CKVM_GET_XCRS, &x) == 0 else { throw .ioctl(request: "KVM_GET_XCRS", errno: errno) }
        return x.nr_xcrs > 0 && x.xcrs.0.xcr == 0 ? x.xcrs.0.value : nil
    }

    /// FPU control state: x87 control word and MXCSR (what a fresh boot needs to set).
    public func setFPU(fcw: UInt16 = 0x37f, mxcsr: UInt32 = 0x1f80) throws(KVMError) {
        var f = kvm_fpu()
        guard ckvm_ioctl_ptr(fd.raw, CKVM_GET_FPU, &f) == 0 else { throw .ioctl(request: "KVM_GET_FPU", errno: errno) }
        f.fcw = fcw
        f.mxcsr = mxcsr
        guard ckvm_ioctl_ptr(fd.raw, CKVM_SET_FPU, &f) == 0 else { throw .ioctl(request: "KVM_SET_FPU", errno: errno) }
    }

    /// KVM_GET_TSC_KHZ: the guest TSC frequency, or nil if KVM does not know it.
    public func tscKHz() -> UInt64? {
        let r = ckvm_ioctl(fd.raw, CKVM_GET_TSC_KHZ, 0)
        return r > 0 ? UInt64(r) : nil
    }
}
