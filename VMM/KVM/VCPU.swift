#if canImport(Glibc)
import Glibc
#endif
import CKVM

/// One virtual CPU: its fd and the shared kvm_run page through which KVM reports exits.
/// Used from one thread at a time, except `kicker`, which exists for a watchdog thread.
public final class VCPU {
    let fd: OwnedFD
    // SAFETY: `runArea` maps `mmapSize` bytes of the vCPU's kvm_run area from init until
    // deinit. The VCPU keeps its VM (and so /dev/kvm) alive for that long.
    let runArea: UnsafeMutablePointer<kvm_run>
    let mmapSize: Int
    public let vm: VirtualMachine

    init(fd: OwnedFD, mmapSize: Int, vm: VirtualMachine) throws(KVMError) {
        let p = mmap(nil, mmapSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd.raw, 0)
        guard let p, p != MAP_FAILED else { throw .mmapFailed(errno: errno) }
        self.fd = fd
        self.runArea = p.bindMemory(to: kvm_run.self, capacity: 1)
        self.mmapSize = mmapSize
        self.vm = vm
    }

    deinit { munmap(UnsafeMutableRawPointer(runArea), mmapSize) }

    /// KVM_RUN on the calling thread.
    public func run() throws(KVMError) -> VCPUExit {
        if ckvm_ioctl(fd.raw, CKVM_RUN, 0) < 0 {
            let e = errno
            if e == EINTR || e == EAGAIN { return .interrupted }
            throw .ioctl(request: "KVM_RUN", errno: e)
        }
        return VCPUExit.decode(runArea)
    }

    /// kvm_run.immediate_exit: when set, KVM_RUN returns EINTR without entering the guest.
    public var immediateExit: Bool {
        get { runArea.pointee.immediate_exit != 0 }
        set { ckvm_set_immediate_exit(runArea, newValue ? 1 : 0) }
    }

    /// A handle another thread may use to request that KVM_RUN return.
    public var kicker: VCPUKicker { VCPUKicker(runArea: runArea) }

    // MARK: I/O data inside kvm_run

    /// The `count` bytes of port-I/O data at `offset` in kvm_run, or nil if KVM reported
    /// a range outside the mapping (never trust an offset blindly).
    public func ioData(offset: UInt64, count: Int) -> [UInt8]? {
        guard let range = checkedRange(offset, count) else { return nil }
        // SAFETY: range lies inside the kvm_run mapping.
        let base = UnsafeRawPointer(runArea) + range.lowerBound
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Writes IN data for the guest at `offset` in kvm_run. Returns false if out of range.
    @discardableResult
    public func setIOData(_ bytes: [UInt8], offset: UInt64) -> Bool {
        guard let range = checkedRange(offset, bytes.count) else { return false }
        // SAFETY: range lies inside the kvm_run mapping.
        let base = UnsafeMutableRawPointer(runArea) + range.lowerBound
        bytes.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        return true
    }

    /// Result of an MMIO read: kvm_run.mmio.data, little-endian, all 8 bytes.
    public func setMMIOReadData(_ value: UInt64) {
        // SAFETY: mmio.data is an 8-byte array inside kvm_run.
        withUnsafeMutableBytes(of: &runArea.pointee.mmio.data) { $0.storeBytes(of: value.littleEndian, as: UInt64.self) }
    }

    private func checkedRange(_ offset: UInt64, _ count: Int) -> Range<Int>? {
        guard count > 0, offset <= UInt64(mmapSize) else { return nil }
        let start = Int(offset)
        let (end, overflow) = start.addingReportingOverflow(count)
        guard !overflow, end <= mmapSize else { return nil }
        return start..<end
    }
}

/// Lets a watchdog thread set immediate_exit while the vCPU thread runs. Valid only
/// while the VCPU lives: the owner joins the watchdog thread before releasing the VCPU.
public struct VCPUKicker: @unchecked Sendable {
    // SAFETY: points into the VCPU's kvm_run mapping; see the type comment for lifetime.
    let runArea: UnsafeMutablePointer<kvm_run>

    public func requestExit() { ckvm_set_immediate_exit(runArea, 1) }
}

/// Installs a no-op `signo` handler without SA_RESTART (so a blocked KVM_RUN returns
/// EINTR) and unblocks `signo` in the calling thread. Returns 0 or -1 with errno set.
public func installKickHandler(_ signo: Int32) -> Int32 { ckvm_install_kick_handler(signo) }
