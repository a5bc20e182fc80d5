#if canImport(Glibc)
import Glibc
#endif

/// The machine the figures were taken on; printed in every report's header, because
/// numbers from a PVM host say little about hardware KVM and the reverse.
public struct HostDescription: Equatable, Sendable {
    /// "pvm", "hardware" or "none".
    public var kvm: String
    public var cpuModel: String
    public var cpus: Int
    public var memoryMiB: UInt64
    public var kernel: String

    public static func detect() -> HostDescription {
        let cpuinfo = readTextFile("/proc/cpuinfo") ?? ""
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let meminfo = readTextFile("/proc/meminfo") ?? ""
        return HostDescription(
            kvm: kvmKind(pvmModuleLoaded: access("/sys/module/kvm_pvm", F_OK) == 0,
                         devKVM: access("/dev/kvm", F_OK) == 0, cpuinfo: cpuinfo),
            cpuModel: field("model name", in: cpuinfo) ?? "unknown CPU",
            cpus: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            memoryMiB: (field("MemTotal", in: meminfo).flatMap { UInt64($0.split(separator: " ").first ?? "") } ?? 0) / 1024,
            kernel: "Linux " + release)
    }

    /// The PVM module first: it answers "is /dev/kvm the PVM fork?" even on a host with
    /// vmx/svm (the same order as `HostPlatform.detect`).
    static func kvmKind(pvmModuleLoaded: Bool, devKVM: Bool, cpuinfo: String) -> String {
        guard devKVM else { return "none" }
        if pvmModuleLoaded { return "pvm" }
        guard let flags = field("flags", in: cpuinfo) else { return "none" }
        return flags.split(separator: " ").contains { $0 == "vmx" || $0 == "svm" } ? "hardware" : "none"
    }

    public var kvmDescription: String {
        switch kvm {
        case "pvm": return "PVM (kvm_pvm: the guest kernel runs PVM-native; an unmodified Linux kernel's ring 0 runs in KVM's instruction emulator)"
        case "hardware": return "hardware KVM (vmx/svm)"
        default: return "no usable /dev/kvm"
        }
    }

    public var summaryLine: String {
        "host: \(cpuModel), \(cpus) CPUs, \(memoryMiB) MiB, \(kernel)\n/dev/kvm: \(kvmDescription)\n"
    }

    /// The value of the first "NAME : value" / "NAME: value" line.
    static func field(_ name: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingSpaces
            guard key == name else { continue }
            return String(line[line.index(after: colon)...].trimmingSpaces)
        }
        return nil
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}

/// The whole file, or nil (procfs files report size 0, so read until EOF).
func readTextFile(_ path: String, limit: Int = 4 << 20) -> String? {
    readFileBytes(path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
}

func readFileBytes(_ path: String, limit: Int = 64 << 20) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while bytes.count < limit {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}

/// Writes `text` to `path` (created or truncated).
func writeTextFile(_ path: String, _ text: String) throws(BenchError) {
    try writeBytes(path, Array(text.utf8))
}

func writeBytes(_ path: String, _ bytes: [UInt8]) throws(BenchError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw BenchError("cannot write \(path): \(errnoText())") }
    defer { close(fd) }
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw BenchError("cannot write \(path): \(errnoText())") }
        off += n
    }
}
