#if canImport(Glibc)
import Glibc
#endif
import CKVM

/// A KVM VM file descriptor: memory slots, the in-kernel irqchip, eventfd wiring, vCPUs.
public final class VirtualMachine {
    let fd: OwnedFD
    /// Kept alive so the vCPU mmap size stays known (and /dev/kvm stays open).
    public let system: KVMSystem

    /// Where KVM puts the three pages of the VMX real-mode TSS and the one-page identity
    /// map; both just below 4 GiB, out of the way of RAM and the MMIO hole (Firecracker's
    /// values).
    public static let tssAddress: UInt64 = 0xfffb_d000
    public static let identityMapAddress: UInt64 = 0xfffb_c000

    init(fd: OwnedFD, system: KVMSystem) {
        self.fd = fd
        self.system = system
    }

    /// KVM_SET_TSS_ADDR then KVM_SET_IDENTITY_MAP_ADDR (Intel needs both before any vCPU
    /// runs; harmless elsewhere).
    public func setSystemAddresses(tss: UInt64 = tssAddress, identityMap: UInt64 = identityMapAddress) throws(KVMError) {
        guard ckvm_ioctl(fd.raw, CKVM_SET_TSS_ADDR, UInt(tss)) == 0 else {
            throw .ioctl(request: "KVM_SET_TSS_ADDR", errno: errno)
        }
        var map = identityMap
        guard ckvm_ioctl_ptr(fd.raw, CKVM_SET_IDENTITY_MAP_ADDR, &map) == 0 else {
            throw .ioctl(request: "KVM_SET_IDENTITY_MAP_ADDR", errno: errno)
        }
    }

    /// KVM_CREATE_IRQCHIP: in-kernel PIC, IOAPIC and LAPIC. Must precede vCPU creation.
    /// Note: with it, guest HLT no longer exits to userspace.
    public func createIRQChip() throws(KVMError) {
        guard ckvm_ioctl(fd.raw, CKVM_CREATE_IRQCHIP, 0) == 0 else {
            throw .ioctl(request: "KVM_CREATE_IRQCHIP", errno: errno)
        }
    }

    /// KVM_SET_USER_MEMORY_REGION: map `size` bytes of host memory at `hostAddress` to
    /// guest-physical `guestAddress` in `slot`.
    public func setUserMemoryRegion(slot: UInt32, guestAddress: UInt64, size: UInt64, hostAddress: UInt64,
                                    readOnly: Bool = false) throws(KVMError) {
        var region = kvm_userspace_memory_region(
            slot: slot, flags: readOnly ? UInt32(KVM_MEM_READONLY) : 0,
            guest_phys_addr: guestAddress, memory_size: size, userspace_addr: hostAddress)
        guard ckvm_ioctl_ptr(fd.raw, CKVM_SET_USER_MEMORY_REGION, &region) == 0 else {
            throw .ioctl(request: "KVM_SET_USER_MEMORY_REGION", errno: errno)
        }
    }

    /// KVM_IOEVENTFD: guest writes to `address` (PIO port or MMIO GPA) of `length` bytes
    /// signal `eventFD` inside the kernel, without an exit to us (≈6 µs vs ≈60 µs on PVM,
    /// facts/pvm.md §3.10). `datamatch` restricts it to one written value.
    public func registerIOEventFD(_ eventFD: Int32, address: UInt64, length: UInt32, pio: Bool,
                                  datamatch: UInt64? = nil, deassign: Bool = false) throws(KVMError) {
        var flags: UInt32 = 0
        // Bits of enum kvm_ioeventfd_flag_nr (linux/kvm.h): datamatch 0, pio 1, deassign 2.
        if pio { flags |= 1 << 1 }
        if datamatch != nil { flags |= 1 << 0 }
        if deassign { flags |= 1 << 2 }
        var io = kvm_ioeventfd()
        io.datamatch = datamatch ?? 0
        io.addr = address
        io.len = length
        io.fd = eventFD
        io.flags = flags
        guard ckvm_ioctl_ptr(fd.raw, CKVM_IOEVENTFD, &io) == 0 else {
            throw .ioctl(request: "KVM_IOEVENTFD", errno: errno)
        }
    }

    /// KVM_IRQFD: a write to `eventFD` raises interrupt line `gsi` on the in-kernel irqchip.
    public func registerIRQFD(_ eventFD: Int32, gsi: UInt32, deassign: Bool = false) throws(KVMError) {
        var irq = kvm_irqfd()
        irq.fd = UInt32(bitPattern: eventFD)
        irq.gsi = gsi
        irq.flags = deassign ? UInt32(KVM_IRQFD_FLAG_DEASSIGN) : 0
        guard ckvm_ioctl_ptr(fd.raw, CKVM_IRQFD, &irq) == 0 else {
            throw .ioctl(request: "KVM_IRQFD", errno: errno)
        }
    }

    /// KVM_CREATE_VCPU and the mmap of its kvm_run area.
    public func createVCPU(id: UInt32 = 0) throws(KVMError) -> VCPU {
        let raw = ckvm_ioctl(fd.raw, CKVM_CREATE_VCPU, UInt(id))
        guard raw >= 0 else { throw .ioctl(request: "KVM_CREATE_VCPU", errno: errno) }
        return try VCPU(fd: OwnedFD(raw), mmapSize: system.vcpuMmapSize, vm: self)
    }
}
