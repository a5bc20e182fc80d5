@testable import GuestKernel
import GuestABI
import GuestMemory
import Virtio
import Block
import Console
import VirtioTesting

/// The guest driver's memory over the VMM's own GuestRAM: the driver code under test
/// and the real device models share one guest-physical address space.
final class RAMDMA: DMAMemory {
    let ram: GuestRAM
    var next: UInt64
    init(ram: GuestRAM, start: UInt64 = 0x10_0000) { self.ram = ram; self.next = start }

    func allocatePages(_ count: Int) -> UInt64? {
        let a = next
        guard a + UInt64(count) * 4096 <= ram.size / 2 else { return nil }
        next += UInt64(count) * 4096
        try! ram.zero(at: GuestAddress(a), count: UInt64(count) * 4096)
        return a
    }
    func load16(_ pa: UInt64) -> UInt16 { try! ram.load(UInt16.self, at: GuestAddress(pa)) }
    func load32(_ pa: UInt64) -> UInt32 { try! ram.load(UInt32.self, at: GuestAddress(pa)) }
    func load64(_ pa: UInt64) -> UInt64 { try! ram.load(UInt64.self, at: GuestAddress(pa)) }
    func store16(_ v: UInt16, _ pa: UInt64) { try! ram.store(v, at: GuestAddress(pa)) }
    func store32(_ v: UInt32, _ pa: UInt64) { try! ram.store(v, at: GuestAddress(pa)) }
    func store64(_ v: UInt64, _ pa: UInt64) { try! ram.store(v, at: GuestAddress(pa)) }
    func copy(from pa: UInt64, into buffer: UnsafeMutableRawBufferPointer) { try! ram.read(into: buffer, at: GuestAddress(pa)) }
    func copy(to pa: UInt64, from bytes: UnsafeRawBufferPointer) { try! ram.write(bytes, at: GuestAddress(pa)) }
    func copyPhysical(to destination: UInt64, from source: UInt64, count: Int) {
        let b = try! ram.readBytes(at: GuestAddress(source), count: count)
        try! ram.writeBytes(b, at: GuestAddress(destination))
    }
    func fullBarrier() {}
}

/// Register accesses go straight to the device's transport; notifications are queued
/// for the "I/O thread" (the waiter below), as the ioeventfd would.
final class TransportRegisters: MMIORegisters {
    let transport: VirtioMMIOTransport
    var notified: [Int] = []
    var accesses = 0
    init(_ transport: VirtioMMIOTransport) { self.transport = transport }
    func read32(_ offset: UInt32) -> UInt32 { accesses += 1; return transport.read(offset: offset, width: 4) }
    func write32(_ offset: UInt32, _ value: UInt32) {
        accesses += 1
        if case .notify(let q) = transport.write(offset: offset, width: 4, value: value) { notified.append(q) }
    }
    func read8(_ offset: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: transport.read(offset: offset, width: 1)) }
}

/// "Sleeping until the interrupt": runs the device model on every queue, then delivers
/// the interrupt to the driver if the device raised its line.
final class DeviceStepper: DriverWaiting {
    var devices: [(TransportRegisters, () -> Void)] = []
    var waits = 0
    var interrupts = 0
    func waitForInterrupt() {
        waits += 1
        precondition(waits < 1_000_000, "driver waits forever")
        for (r, handler) in devices {
            var raise = false
            r.notified.removeAll()
            for q in r.transport.queues.indices where r.transport.processQueue(q) { raise = true }
            if raise || r.transport.interruptStatus.rawValue != 0 { interrupts += 1; handler() }
        }
    }
}

/// User pages identity-mapped onto guest RAM from `base`: user address = physical.
final class RAMUserMemory: UserMemory, UserPageResolver {
    let ram: GuestRAM
    let base: UInt64, size: UInt64
    var next: UInt64
    var readOnlyPages: Set<UInt64> = []
    init(ram: GuestRAM, base: UInt64, size: UInt64) { self.ram = ram; self.base = base; self.size = size; next = base }

    func physical(_ va: UInt64, write: Bool) -> UInt64? {
        guard va >= base, va < base + size else { return nil }
        if write && readOnlyPages.contains(va & ~0xfff) { return nil }
        return va
    }
    func copyIn(_ buffer: UnsafeMutableRawBufferPointer, from address: UInt64) throws(Errno) {
        guard address >= base, address + UInt64(buffer.count) <= base + size else { throw .EFAULT }
        try? ram.read(into: buffer, at: GuestAddress(address))
    }
    func copyOut(_ bytes: UnsafeRawBufferPointer, to address: UInt64) throws(Errno) {
        guard address >= base, address + UInt64(bytes.count) <= base + size else { throw .EFAULT }
        try? ram.write(bytes, at: GuestAddress(address))
    }
    func alloc(_ count: Int, align: UInt64 = 16) -> UInt64 {
        next = (next + align - 1) & ~(align - 1)
        let a = next
        next += UInt64(count)
        return a
    }
    func put(_ data: [UInt8], align: UInt64 = 16) -> UInt64 {
        let a = alloc(data.count, align: align)
        try! ram.writeBytes(data, at: GuestAddress(a))
        return a
    }
    func bytes(_ a: UInt64, _ n: Int) -> [UInt8] { try! ram.readBytes(at: GuestAddress(a), count: n) }
}

/// One guest RAM with a virtio-blk device and its guest driver.
final class BlockRig {
    let ram = try! GuestRAM(size: 32 << 20)
    let dma: RAMDMA
    let backend: MemoryBlockBackend
    let device: BlockDevice
    let transport: VirtioMMIOTransport
    let registers: TransportRegisters
    let stepper = DeviceStepper()
    let driver: VirtioBlockDriver
    let user: RAMUserMemory

    init(size: Int = 1 << 20, readOnly: Bool = false, fill: UInt8 = 0) throws {
        dma = RAMDMA(ram: ram)
        backend = MemoryBlockBackend(size: size, fill: fill)
        device = try BlockDevice(backend: backend, readOnly: readOnly)
        transport = VirtioMMIOTransport(device: device, memory: ram)
        registers = TransportRegisters(transport)
        driver = try VirtioBlockDriver(registers: registers, memory: dma, waiter: stepper)
        let d = driver
        stepper.devices = [(registers, { d.handleInterrupt() })]
        user = RAMUserMemory(ram: ram, base: 16 << 20, size: 16 << 20)
    }

    /// A process whose /dev has this disk as /dev/vda.
    func process() throws -> Process {
        DriverRegistry.disks = [driver]
        DriverRegistry.userPages = user
        let services = FakeServices()
        let fs = try makeRootFileSystem(services: services, initramfs: nil)
        return Process(pid: 1, user: user, services: services, files: FileTable(), fs: fs)
    }
}

extension Process {
    func open(_ user: RAMUserMemory, _ path: String, _ flags: UInt32) throws(Errno) -> Int32 {
        Int32(try sysOpen(SyscallArgs(user.put(Array(path.utf8) + [0]), UInt64(flags), 0)))
    }
}
