/// What a virtio driver needs from memory: physically contiguous zeroed pages for its
/// rings, volatile little-endian access to them by physical address (the device reads
/// them concurrently), and bulk copies for bounce buffers. The kernel implements it over
/// its direct map; host tests implement it over the VMM's `GuestRAM`, so the same
/// driver code runs against the real device models.
public protocol DMAMemory: AnyObject {
    /// `count` physically contiguous, zeroed 4 KiB pages; nil when memory is exhausted.
    func allocatePages(_ count: Int) -> UInt64?
    func load16(_ physical: UInt64) -> UInt16
    func load32(_ physical: UInt64) -> UInt32
    func load64(_ physical: UInt64) -> UInt64
    func store16(_ value: UInt16, _ physical: UInt64)
    func store32(_ value: UInt32, _ physical: UInt64)
    func store64(_ value: UInt64, _ physical: UInt64)
    /// Copies device-visible bytes at `physical` into `buffer`.
    func copy(from physical: UInt64, into buffer: UnsafeMutableRawBufferPointer)
    /// Copies `bytes` to device-visible memory at `physical`.
    func copy(to physical: UInt64, from bytes: UnsafeRawBufferPointer)
    /// Copies between two physical ranges (bounce buffer <-> a program's pages).
    func copyPhysical(to destination: UInt64, from source: UInt64, count: Int)
    /// A full barrier (stores before it are visible before loads after it): needed
    /// between publishing avail.idx and reading avail_event (virtio 1.2 §2.7.10.1).
    func fullBarrier()
}

/// 32-bit register access to one virtio-mmio slot (§4.2.2); offsets from its base.
public protocol MMIORegisters: AnyObject {
    func read32(_ offset: UInt32) -> UInt32
    func write32(_ offset: UInt32, _ value: UInt32)
    /// Device configuration space is byte-addressable (§4.2.2: 8-bit access allowed).
    func read8(_ offset: UInt32) -> UInt8
}

/// How a blocking driver waits for its device: the kernel halts until the next
/// interrupt; host tests run the device model instead.
public protocol DriverWaiting: AnyObject {
    func waitForInterrupt()
    /// Polls `ready` (which reads ring memory, never a register) for a short bounded
    /// time before the caller halts. Returns true if it became ready. Default: no poll.
    func pollBriefly(_ ready: () -> Bool) -> Bool
    /// Sleeps until `turnAvailable` (another task finished its request on the device and
    /// released it). Only called while the device is busy, which needs a second task:
    /// default, wait for an interrupt.
    func waitForTurn()
    /// The device became free: wake the tasks in `waitForTurn`. Default: nothing.
    func turnAvailable()
    /// True if the waiting task was ended while it slept (exit_group from another
    /// thread): its address space may be gone, so it must not start another transfer
    /// or touch the pages it resolved. Default: false.
    var abandoned: Bool { get }
}

extension DriverWaiting {
    public func pollBriefly(_ ready: () -> Bool) -> Bool { false }
    public func waitForTurn() { waitForInterrupt() }
    public func turnAvailable() {}
    public var abandoned: Bool { false }
}

/// One piece of a request: guest-physical address, length, and whether the device
/// writes it (§2.7.5 VIRTQ_DESC_F_WRITE).
public struct DMASegment: Equatable {
    public var physical: UInt64
    public var length: UInt32
    public var deviceWrites: Bool
    public init(physical: UInt64, length: UInt32, deviceWrites: Bool) {
        self.physical = physical; self.length = length; self.deviceWrites = deviceWrites
    }
}
