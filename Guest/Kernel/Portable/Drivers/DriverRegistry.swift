#if canImport(GuestABI)
import GuestABI
#endif

/// The drivers the kernel brought up at boot, where the portable file layer finds
/// them: /dev/vdX nodes and the standard streams consult this (one CPU, set once at
/// boot before the program starts; tests set and clear it).
public enum DriverRegistry {
    /// virtio-blk devices in slot order: /dev/vda, /dev/vdb, …
    nonisolated(unsafe) public static var disks: [VirtioBlockDriver] = []
    /// The virtio consoles (stdin/stdout, stderr), if the VMM provides them.
    nonisolated(unsafe) public static var console: VirtioConsoleDriver? = nil
    /// How drivers reach the program's pages.
    nonisolated(unsafe) public static var userPages: (any UserPageResolver)? = nil

    public static func reset() {
        disks = []
        console = nil
        userPages = nil
    }
}
