#if canImport(Glibc)
import Glibc
#endif
import GuestABI
import KVM

/// What kind of KVM we run on; it decides how the guest kernel runs (facts/pvm.md §8).
public enum HostPlatform: Sendable, Equatable, CustomStringConvertible {
    /// VMX or SVM: ordinary hardware virtualisation.
    case hardware
    /// The PVM fork: the guest kernel should switch itself to native mode.
    case pvm
    /// Neither: CPL0 guest code runs in KVM's instruction emulator.
    case emulatedOnly

    public var description: String {
        switch self {
        case .hardware: return "hardware"
        case .pvm: return "pvm"
        case .emulatedOnly: return "emulated-only"
        }
    }

    /// The boot platform word the guest receives in RSI.
    public var bootPlatform: BootPlatform { self == .pvm ? .pvm : .ring0 }
}

/// Result of platform detection, with its cost (it is on the start-up path).
public struct HostPlatformInfo: Sendable {
    public var platform: HostPlatform
    /// Guest TSC frequency in kHz, nil if neither source knows it.
    public var tscKHz: UInt64?
    public var detectionMicros: UInt64
}

extension HostPlatform {
    /// Detects the platform (facts/pvm.md §8 step 1, PVM check first), reusing `vcpu` for the PVM signature MSR read (it is
    /// read-only, so a scratch vCPU is unnecessary), and reads the TSC frequency.
    public static func detect(vcpu: VCPU) -> HostPlatformInfo {
        let t0 = MonotonicClock.micros()
        let platform: HostPlatform
        // The signature MSR comes first: it costs one ioctl (≈30 µs) where /proc/cpuinfo
        // costs ≈300 µs, and it answers the real question (is /dev/kvm the PVM fork?),
        // which CPU flags cannot when the PVM module is loaded on a VMX/SVM host.
        if (try? vcpu.getMSR(PVM.msrSignature)) == PVM.signature {
            platform = .pvm
        } else if cpuinfoHasHardwareVirtualization() {
            platform = .hardware
        } else {
            platform = .emulatedOnly
        }
        var khz: UInt64? = nil
        if platform == .pvm, let v = try? vcpu.getMSR(PVM.msrTSCkHz), v > 0 { khz = v }
        if khz == nil { khz = vcpu.tscKHz() }
        return HostPlatformInfo(platform: platform, tscKHz: khz, detectionMicros: MonotonicClock.micros() - t0)
    }

    /// True if the first "flags" line of /proc/cpuinfo lists vmx or svm. Reading stops at
    /// that line, so the cost is one or two read(2) calls.
    static func cpuinfoHasHardwareVirtualization(path: String = "/proc/cpuinfo") -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            text.append(contentsOf: chunk[0..<n])
            if let flags = firstFlagsLine(text) { return hasVirtualizationFlag(flags) }
            if text.count > 1 << 20 { break }
        }
        return firstFlagsLine(text + [0x0a]).map(hasVirtualizationFlag) ?? false
    }

    /// The complete first line starting with "flags", if one has been read.
    static func firstFlagsLine(_ text: [UInt8]) -> Substring? {
        var start = 0
        while let nl = text[start...].firstIndex(of: 0x0a) {
            let line = text[start..<nl]
            if line.starts(with: Array("flags".utf8)) {
                return Substring(decoding: line, as: UTF8.self)
            }
            start = nl + 1
        }
        return nil
    }

    static func hasVirtualizationFlag(_ line: Substring) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        return line[line.index(after: colon)...].split(separator: " ").contains { $0 == "vmx" || $0 == "svm" }
    }
}
