import Block
import Console
import GuestMemory
import Virtio
import VirtioTesting

/// A block device on an in-memory disk behind a mock driver, initialised.
struct BlockRig {
    let memory: GuestRAM
    let backend: MemoryBlockBackend
    let device: BlockDevice
    let transport: VirtioMMIOTransport
    let driver: MockDriver

    init(diskSize: Int = 64 * 1024, readOnly: Bool = false, features: VirtioFeatures = .transport,
         queueSize: UInt16? = 16, initialize: Bool = true) throws {
        memory = try GuestRAM(size: 4 << 20)
        backend = MemoryBlockBackend(size: diskSize)
        for i in 0..<diskSize { backend.bytes[i] = UInt8(truncatingIfNeeded: i / 512 &+ i) }
        device = try BlockDevice(backend: backend, readOnly: readOnly, serial: "disk-serial")
        transport = VirtioMMIOTransport(device: device, memory: memory)
        driver = MockDriver(transport: transport, memory: memory)
        if initialize { _ = driver.initialize(features: features, queueSize: queueSize) }
    }

    /// Header bytes of a request.
    static func header(_ type: BlockRequestType, sector: UInt64) -> [UInt8] {
        header(raw: type.rawValue, sector: sector)
    }
    static func header(raw: UInt32, sector: UInt64) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<4 { b[i] = UInt8(truncatingIfNeeded: raw >> (8 * UInt32(i))) }
        for i in 0..<8 { b[8 + i] = UInt8(truncatingIfNeeded: sector >> (8 * UInt64(i))) }
        return b
    }

    /// Submits one request (header, data buffers, status) and returns (status, used length).
    func submit(_ type: BlockRequestType, sector: UInt64, out: [UInt8]? = nil, inLength: Int = 0,
                indirect: Bool = false) -> (status: UInt8?, used: UInt32, data: [UInt8]) {
        submit(raw: type.rawValue, sector: sector, out: out, inLength: inLength, indirect: indirect)
    }

    func submit(raw: UInt32, sector: UInt64, out: [UInt8]? = nil, inLength: Int = 0,
                indirect: Bool = false) -> (status: UInt8?, used: UInt32, data: [UInt8]) {
        let h = driver.allocate(16, fill: Self.header(raw: raw, sector: sector))
        var bufs = [MockDriver.Buffer(h, 16, writable: false)]
        if let out { bufs.append(.init(driver.allocate(out.count, fill: out), UInt32(out.count), writable: false)) }
        var dataAt: UInt64 = 0
        if inLength > 0 {
            dataAt = driver.allocate(inLength, fill: [UInt8](repeating: 0xee, count: inLength))
            bufs.append(.init(dataAt, UInt32(inLength), writable: true))
        }
        let s = driver.allocate(1, fill: [0xff])
        bufs.append(.init(s, 1, writable: true))
        let head = indirect ? driver.addIndirectChain(0, bufs) : driver.addChain(0, bufs)
        driver.notify(0)
        let used = driver.takeUsed(0)
        guard used.count == 1, used[0].head == head else { return (nil, 0, []) }
        let status = driver.bytes(at: s, count: 1)[0]
        return (status, used[0].length, inLength > 0 ? driver.bytes(at: dataAt, count: inLength) : [])
    }
}

/// Console rig: one single-port console with input.
struct ConsoleRig {
    let memory: GuestRAM
    let backend: MemoryConsoleBackend
    let device: ConsoleDevice
    let transport: VirtioMMIOTransport
    let driver: MockDriver

    init(input: [MemoryConsoleBackend.Input] = [], terminal: Bool = false, hasInput: Bool = true) throws {
        memory = try GuestRAM(size: 4 << 20)
        backend = MemoryConsoleBackend(input: input, terminal: terminal)
        device = ConsoleDevice(backend: backend, hasInput: hasInput)
        transport = VirtioMMIOTransport(device: device, memory: memory)
        driver = MockDriver(transport: transport, memory: memory)
        driver.initialize(queueSize: 16)
    }
}
