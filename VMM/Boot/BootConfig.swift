import GuestABI

// `@unchecked` only because GuestABI's `BootPlatform` (a payload-free enum, so trivially
// Sendable) does not declare `Sendable`; every other field is a Sendable value.
// Make this a plain `Sendable` once GuestABI adds the conformance.

/// Everything the VMM tells the guest kernel at boot, written into `/chosen` of the
/// device tree (property names in `DTName`).
public struct BootConfig: Equatable, @unchecked Sendable {
    public var memorySize: UInt64
    /// Guest-physical initramfs range, end exclusive (0, 0 when there is none).
    public var initrdStart: UInt64
    public var initrdEnd: UInt64
    public var platform: BootPlatform
    /// Every paging entry must carry U/S=1 (PVM hosts).
    public var pteUserAll: Bool
    public var tscKHz: UInt32
    public var realtimeNanoseconds: UInt64
    public var trace: Bool
    /// Bit N set when host fd N is a terminal.
    public var ttyMask: UInt32
    public var windowRows: UInt16
    public var windowColumns: UInt16
    /// Program path inside the initramfs.
    public var initPath: String
    public var argv: [String]
    public var envp: [String]
    /// Exactly `BootConfig.randomSize` bytes for AT_RANDOM and the guest's entropy pool.
    public var random: [UInt8]
    public var selfTest: Bool
    /// Mirror the kernel log to the serial port as it is written (`--kernel-log`).
    public var kernelLog: Bool = false
    /// PVM-native only: how to return to user mode (`--pvm-return`, DTName.pvmReturn),
    /// 0 sysret, 1 iret, 2 hybrid.
    public var pvmReturn: UInt32 = 0
    public var testHang: Bool
    public var bootargs: String
    /// virtio-mmio devices, in slot order (empty: no IOAPIC or virtio nodes at all).
    public var virtioDevices: [VirtioMMIONode] = []

    public static let randomSize = 32

    public init(memorySize: UInt64, initrdStart: UInt64 = 0, initrdEnd: UInt64 = 0,
                platform: BootPlatform = .ring0, pteUserAll: Bool = false, tscKHz: UInt32 = 0,
                realtimeNanoseconds: UInt64 = 0, trace: Bool = false, ttyMask: UInt32 = 0,
                windowRows: UInt16 = 0, windowColumns: UInt16 = 0, initPath: String = "",
                argv: [String] = [], envp: [String] = [],
                random: [UInt8] = [UInt8](repeating: 0, count: BootConfig.randomSize),
                selfTest: Bool = false, testHang: Bool = false, bootargs: String = "") {
        self.memorySize = memorySize; self.initrdStart = initrdStart; self.initrdEnd = initrdEnd
        self.platform = platform; self.pteUserAll = pteUserAll; self.tscKHz = tscKHz
        self.realtimeNanoseconds = realtimeNanoseconds; self.trace = trace; self.ttyMask = ttyMask
        self.windowRows = windowRows; self.windowColumns = windowColumns; self.initPath = initPath
        self.argv = argv; self.envp = envp; self.random = random; self.selfTest = selfTest
        self.testHang = testHang; self.bootargs = bootargs
    }
}
