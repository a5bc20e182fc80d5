#if canImport(Glibc)
import Glibc
#endif

/// Resident memory of one process, from /proc/PID/status (kB values).
public struct ProcessMemory: Equatable, Sendable {
    public var rssKiB: UInt64
    public var hwmKiB: UInt64
    /// Private anonymous pages: the touched guest RAM plus swiftlet's heap. RssFile
    /// (the binary and libraries) is shared between microVMs.
    public var anonKiB: UInt64

    public init(rssKiB: UInt64, hwmKiB: UInt64, anonKiB: UInt64) {
        self.rssKiB = rssKiB; self.hwmKiB = hwmKiB; self.anonKiB = anonKiB
    }

    public init?(status text: String) {
        func kB(_ name: String) -> UInt64? {
            HostDescription.field(name, in: text).flatMap { UInt64($0.split(separator: " ").first ?? "") }
        }
        guard let rss = kB("VmRSS"), let hwm = kB("VmHWM") else { return nil }
        self.init(rssKiB: rss, hwmKiB: hwm, anonKiB: kB("RssAnon") ?? 0)
    }

    static func read(pid: pid_t) -> ProcessMemory? {
        readTextFile("/proc/\(pid)/status").flatMap { ProcessMemory(status: $0) }
    }
}

/// MemAvailable from /proc/meminfo in KiB: the drop while K microVMs idle, divided by
/// K, is what each one costs the host with shared pages counted once.
func memAvailableKiB() -> UInt64 {
    guard let text = readTextFile("/proc/meminfo"),
          let v = HostDescription.field("MemAvailable", in: text) else { return 0 }
    return UInt64(v.split(separator: " ").first ?? "") ?? 0
}
