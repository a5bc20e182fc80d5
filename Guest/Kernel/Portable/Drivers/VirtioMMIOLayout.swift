#if canImport(GuestABI)
import GuestABI
#endif

// virtio-mmio status bits (virtio 1.2 §2.1) and feature bits (§6), as the driver
// needs them.

/// Register offsets: the shared `VirtioMMIORegister` (Guest/ABI).
public typealias VirtioMMIOOffset = VirtioMMIORegister

public enum VirtioStatusBit {
    public static let acknowledge: UInt32 = 1
    public static let driver: UInt32 = 2
    public static let driverOK: UInt32 = 4
    public static let featuresOK: UInt32 = 8
    public static let needsReset: UInt32 = 64
    public static let failed: UInt32 = 128
}

public enum VirtioFeatureBit {
    public static let indirectDescriptors: UInt64 = 1 << 28
    public static let eventIndex: UInt64 = 1 << 29
    public static let version1: UInt64 = 1 << 32
}

public enum VirtioDeviceType {
    public static let block: UInt32 = 2
    public static let console: UInt32 = 3
}
