#if canImport(Glibc)
import Glibc
#endif
import CKVM

/// The /dev/kvm handle: API version and capability checks, supported CPUID, VM creation.
public final class KVMSystem {
    let fd: OwnedFD
    /// Size of each vCPU's shared `kvm_run` mapping (KVM_GET_VCPU_MMAP_SIZE).
    public let vcpuMmapSize: Int

    /// Capabilities the VMM cannot work without (KVM API, Documentation/virt/kvm/api.rst §4).
    static let requiredCapabilities: [(Int32, String)] = [
        (KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"),
        (KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD"),
        (KVM_CAP_IRQFD, "KVM_CAP_IRQFD"),
        (KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"),
        (KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"),
    ]

    public init(path: String = "/dev/kvm") throws(KVMError) {
        let raw = open(path, O_RDWR | O_CLOEXEC)
        if raw < 0 {
            let e = errno
            switch e {
            case ENOENT, ENODEV, ENXIO: throw .notAvailable
            case EACCES, EPERM: throw .permissionDenied
            default: throw .openFailed(errno: e)
            }
        }
        fd = OwnedFD(raw)
        let version = ckvm_ioctl(raw, CKVM_GET_API_VERSION, 0)
        guard version == KVM_API_VERSION else { throw .apiVersion(version) }
        for (cap, name) in Self.requiredCapabilities {
            guard ckvm_ioctl(raw, CKVM_CHECK_EXTENSION, UInt(cap)) > 0 else { throw .missingCapability(name) }
        }
        let size = ckvm_ioctl(raw, CKVM_GET_VCPU_MMAP_SIZE, 0)
        guard size >= Int32(MemoryLayout<kvm_run>.size) else {
            throw size < 0 ? .ioctl(request: "KVM_GET_VCPU_MMAP_SIZE", errno: errno)
                           : .unexpected(request: "KVM_GET_VCPU_MMAP_SIZE", detail: "size \(size) too small")
        }
        vcpuMmapSize = Int(size)
    }

    /// KVM_CHECK_EXTENSION: 0 = unsupported, otherwise capability-specific.
    public func checkExtension(_ capability: Int32) -> Int32 {
        max(0, ckvm_ioctl(fd.raw, CKVM_CHECK_EXTENSION, UInt(capability)))
    }

    /// KVM_GET_SUPPORTED_CPUID with room for `maxEntries` leaves.
    public func supportedCPUID(maxEntries: Int = 256) throws(KVMError) -> CPUIDTable {
        var buffer = CPUIDBuffer(capacity: maxEntries)
        let r = buffer.withHeader { ckvm_ioctl_ptr(fd.raw, CKVM_GET_SUPPORTED_CPUID, $0) }
        guard r == 0 else { throw .ioctl(request: "KVM_GET_SUPPORTED_CPUID", errno: errno) }
        return CPUIDTable(entries: buffer.entries)
    }

    /// KVM_CREATE_VM (machine type 0: default x86).
    public func createVM() throws(KVMError) -> VirtualMachine {
        let vm = ckvm_ioctl(fd.raw, CKVM_CREATE_VM, 0)
        guard vm >= 0 else { throw .ioctl(request: "KVM_CREATE_VM", errno: errno) }
        return VirtualMachine(fd: OwnedFD(vm), system: self)
    }
}
