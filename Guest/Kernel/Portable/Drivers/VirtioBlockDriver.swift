#if canImport(GuestABI)
import GuestABI
#endif

/// virtio-blk (virtio 1.2 §5.2), driver side: one request queue, requests IN, OUT and
/// FLUSH, each a chain of header (readable), data, status byte (writable).
public final class VirtioBlockDriver {
    public static let sectorSize: UInt64 = 512
    static let featureSegMax: UInt64 = 1 << 2
    static let featureReadOnly: UInt64 = 1 << 5
    static let featureFlush: UInt64 = 1 << 9
    static let typeIn: UInt32 = 0, typeOut: UInt32 = 1, typeFlush: UInt32 = 4
    static let statusOK: UInt8 = 0, statusUnsupported: UInt8 = 2
    /// Bounce buffer for buffered (non-O_DIRECT) I/O: 64 KiB, physically contiguous.
    public static let bouncePages = 16

    public let device: VirtioMMIODriver
    public let requests: VirtioRequestQueue
    public let capacity: UInt64
    public let readOnly: Bool
    public let hasFlush: Bool
    /// Data segments allowed per request (seg_max, bounded by the queue).
    public let maxDataSegments: Int
    /// One page for the request header (offset 0) and status byte (offset 16).
    let headerPage: UInt64
    public let bounce: UInt64
    public var bounceSize: Int { Self.bouncePages * 4096 }

    /// Runs §3.1.1 on the device behind `registers` and reads its configuration.
    public init(registers: any MMIORegisters, memory: any DMAMemory, waiter: any DriverWaiting) throws(VirtioDriverError) {
        let d = try VirtioMMIODriver(registers: registers, memory: memory, expecting: VirtioDeviceType.block)
        let f = try d.negotiate(wanted: VirtioFeatureBit.eventIndex | Self.featureSegMax | Self.featureReadOnly | Self.featureFlush)
        let q = try d.setUpQueue(0)
        guard let header = memory.allocatePages(1), let bounce = memory.allocatePages(Self.bouncePages) else { throw .outOfMemory }
        d.driverOK()
        device = d
        requests = VirtioRequestQueue(driver: d, queue: q, waiter: waiter)
        headerPage = header
        self.bounce = bounce
        capacity = d.config64(0) &* Self.sectorSize
        readOnly = f & Self.featureReadOnly != 0
        hasFlush = f & Self.featureFlush != 0
        let segMax = f & Self.featureSegMax != 0 ? Int(d.config32(12)) : 1
        maxDataSegments = Swift.max(1, Swift.min(segMax, Int(q.size) - 2))
    }

    public func handleInterrupt() { VirtioInterruptHandling.acknowledge(device, [requests]) }

    /// One request in flight: the header page and the bounce buffer are the disk's, and
    /// a task waiting for its request lets others run (the kernel's waiter blocks it),
    /// so a second task wanting the disk waits here for its turn.
    public private(set) var busy = false
    public private(set) var contended: UInt64 = 0

    /// Takes the disk for a request (or a bounce-buffer transfer). Not reentrant.
    /// EINTR if the task was ended while it waited for its turn (its pages may be gone).
    public func acquire() throws(Errno) {
        if busy { contended &+= 1 }
        while busy { requests.waiter.waitForTurn() }
        guard !requests.waiter.abandoned else { throw .EINTR }
        busy = true
    }

    public func release() {
        busy = false
        requests.waiter.turnAvailable()
    }

    /// One request: `data` are the buffers (device-writable for reads). Sector
    /// arithmetic is the caller's; the device checks the range again.
    func submit(type: UInt32, sector: UInt64, data: [DMASegment]) throws(Errno) {
        let memory = device.memory
        memory.store32(type, headerPage)
        memory.store32(0, headerPage + 4)
        memory.store64(sector, headerPage + 8)
        memory.store16(0xff, headerPage + 16)   // not a valid status: detects "not written"
        var chain: [DMASegment] = []
        chain.reserveCapacity(data.count + 2)
        chain.append(DMASegment(physical: headerPage, length: 16, deviceWrites: false))
        chain.append(contentsOf: data)
        chain.append(DMASegment(physical: headerPage + 16, length: 1, deviceWrites: true))
        _ = try requests.perform(chain)
        let status = UInt8(truncatingIfNeeded: memory.load16(headerPage + 16))
        guard status == Self.statusOK else { throw status == Self.statusUnsupported ? .EOPNOTSUPP : .EIO }
    }

    /// Reads sectors into `data` (the byte count must be a multiple of 512).
    public func read(sector: UInt64, into data: [DMASegment]) throws(Errno) {
        try acquire(); defer { release() }
        try readHeld(sector: sector, into: data)
    }

    public func write(sector: UInt64, from data: [DMASegment]) throws(Errno) {
        try acquire(); defer { release() }
        try writeHeld(sector: sector, from: data)
    }

    /// `read`/`write` for a caller that already holds the disk (`acquire`).
    public func readHeld(sector: UInt64, into data: [DMASegment]) throws(Errno) {
        try submit(type: Self.typeIn, sector: sector, data: data)
    }

    public func writeHeld(sector: UInt64, from data: [DMASegment]) throws(Errno) {
        guard !readOnly else { throw .EIO }
        try submit(type: Self.typeOut, sector: sector, data: data)
    }

    /// FLUSH: the host fsyncs the backing file before completing it.
    public func flush() throws(Errno) {
        guard hasFlush else { return }
        try acquire(); defer { release() }
        try submit(type: Self.typeFlush, sector: 0, data: [])
    }
}
