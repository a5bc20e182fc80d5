/// virtio-mmio version 2 register offsets (virtio 1.2 §4.2.2), status bits (§2.1) and
/// feature bits (§6), as the driver needs them. The device side spells the same
/// numbers in Devices/Virtio; the guest cannot import that module.
public enum VirtioMMIOOffset {
    public static let magicValue: UInt32 = 0x000
    public static let version: UInt32 = 0x004
    public static let deviceID: UInt32 = 0x008
    public static let deviceFeatures: UInt32 = 0x010
    public static let deviceFeaturesSel: UInt32 = 0x014
    public static let driverFeatures: UInt32 = 0x020
    public static let driverFeaturesSel: UInt32 = 0x024
    public static let queueSel: UInt32 = 0x030
    public static let queueNumMax: UInt32 = 0x034
    public static let queueNum: UInt32 = 0x038
    public static let queueReady: UInt32 = 0x044
    public static let queueNotify: UInt32 = 0x050
    public static let interruptStatus: UInt32 = 0x060
    public static let interruptACK: UInt32 = 0x064
    public static let status: UInt32 = 0x070
    public static let queueDescLow: UInt32 = 0x080
    public static let queueDescHigh: UInt32 = 0x084
    public static let queueDriverLow: UInt32 = 0x090
    public static let queueDriverHigh: UInt32 = 0x094
    public static let queueDeviceLow: UInt32 = 0x0a0
    public static let queueDeviceHigh: UInt32 = 0x0a4
    public static let config: UInt32 = 0x100

    /// "virt", little-endian.
    public static let magic: UInt32 = 0x7472_6976
}

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
