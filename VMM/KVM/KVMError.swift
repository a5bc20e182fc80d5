#if canImport(Glibc)
import Glibc
#endif
import CKVM

/// Everything that can go wrong talking to /dev/kvm. Each case renders as one line
/// (`message`) that the CLI prints as is.
public enum KVMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// /dev/kvm does not exist.
    case notAvailable
    /// /dev/kvm exists but we may not open it.
    case permissionDenied
    /// Opening /dev/kvm failed for another reason.
    case openFailed(errno: Int32)
    /// KVM_GET_API_VERSION is not 12 (the only stable KVM API).
    case apiVersion(Int32)
    /// A capability we rely on is missing.
    case missingCapability(String)
    /// An ioctl failed; `request` is the KVM name of the ioctl.
    case ioctl(request: String, errno: Int32)
    /// An ioctl succeeded but returned a value we cannot use.
    case unexpected(request: String, detail: String)
    /// mmap of the vCPU's kvm_run area failed.
    case mmapFailed(errno: Int32)

    public var message: String {
        switch self {
        case .notAvailable:
            return "/dev/kvm not found: KVM is not available on this host"
        case .permissionDenied:
            return "/dev/kvm: permission denied (add yourself to the kvm group or run as root)"
        case .openFailed(let e):
            return "/dev/kvm: open failed: \(errnoText(e))"
        case .apiVersion(let v):
            return "/dev/kvm: unsupported KVM API version \(v) (need 12)"
        case .missingCapability(let name):
            return "/dev/kvm: required capability \(name) is not supported by this host"
        case .ioctl(let request, let e):
            return "\(request) failed: \(errnoText(e))"
        case .unexpected(let request, let detail):
            return "\(request): \(detail)"
        case .mmapFailed(let e):
            return "mmap of kvm_run failed: \(errnoText(e))"
        }
    }

    public var description: String { message }
}

/// "EINVAL (Invalid argument)"-style text without Foundation.
func errnoText(_ e: Int32) -> String {
    guard let s = strerror(e) else { return "errno \(e)" }
    return "errno \(e) (\(String(cString: s)))"
}

/// Owns one file descriptor and closes it exactly once.
final class OwnedFD {
    let raw: Int32
    init(_ raw: Int32) { self.raw = raw }
    deinit { close(raw) }
}

/// The host's time-stamp counter (rdtsc); guest TSC stamps use the same clock.
public func readHostTSC() -> UInt64 { ckvm_rdtsc() }
