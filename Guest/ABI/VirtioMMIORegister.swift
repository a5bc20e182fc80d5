/// The virtio-mmio register file, version 2 ("modern") layout (virtio 1.2 §4.2.2).
/// Every register below 0x100 is 32 bits wide; device configuration space starts at
/// `config`. Shared by the device model (Devices/Virtio) and the guest driver.
public enum VirtioMMIORegister {
    public static let magicValue: UInt32 = 0x000
    public static let version: UInt32 = 0x004
    public static let deviceID: UInt32 = 0x008
    public static let vendorID: UInt32 = 0x00c
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
    public static let shmSel: UInt32 = 0x0ac
    public static let shmLenLow: UInt32 = 0x0b0
    public static let shmLenHigh: UInt32 = 0x0b4
    public static let shmBaseLow: UInt32 = 0x0b8
    public static let shmBaseHigh: UInt32 = 0x0bc
    public static let queueReset: UInt32 = 0x0c0
    public static let configGeneration: UInt32 = 0x0fc
    public static let config: UInt32 = 0x100

    /// "virt" in little-endian.
    public static let magic: UInt32 = 0x7472_6976
}
