import GuestABI

/// The register offsets live in GuestABI (shared with the guest driver); these are
/// the device side's own values.
extension VirtioMMIORegister {
    /// The only version we implement (legacy version 1 is not offered).
    public static let versionModern: UInt32 = 2
    /// Our vendor ID: "SWLT" (the spec leaves it to the device).
    public static let vendor: UInt32 = 0x544c_5753
    /// One 4 KiB slot per device in the MMIO window.
    public static let slotSize: UInt64 = 0x1000
}

/// InterruptStatus bits (§4.2.2).
public struct VirtioInterrupt: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// A used buffer was added to some queue.
    public static let usedBuffer = VirtioInterrupt(rawValue: 1 << 0)
    /// The configuration changed (also raised with NEEDS_RESET).
    public static let configChange = VirtioInterrupt(rawValue: 1 << 1)
}

/// Device IDs (§5).
public enum VirtioDeviceID {
    public static let block: UInt32 = 2
    public static let console: UInt32 = 3
}
