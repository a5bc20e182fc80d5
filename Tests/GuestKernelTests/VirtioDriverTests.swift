@testable import GuestKernel
import GuestABI
import GuestMemory
import Virtio
import Block
import Console
import VirtioTesting
import Testing

/// The guest's virtio drivers against the host's real device models in one GuestRAM.
/// One serialized parent: the suites share DriverRegistry.
@Suite(.serialized) enum VirtioGuestDriverTests {}

extension VirtioGuestDriverTests {
@Suite struct VirtioDriverTests {
    @Test func blockInitialisationNegotiatesAndReadsConfig() throws {
        let rig = try BlockRig(size: 1 << 20)
        #expect(rig.transport.isLive)
        #expect(rig.driver.capacity == 1 << 20)
        #expect(!rig.driver.readOnly)
        #expect(rig.driver.hasFlush)
        #expect(rig.driver.maxDataSegments == 254)
        #expect(rig.transport.driverFeatures.contains(.eventIndex))
        #expect(rig.transport.driverFeatures.contains(.version1))
    }

    @Test func blockWriteReachesTheBackendAndReadsBack() throws {
        let rig = try BlockRig()
        let buf = rig.dma.allocatePages(2)!
        let pattern = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        try rig.ram.writeBytes(pattern, at: GuestAddress(buf))
        // Two segments, not physically adjacent to each other in the request.
        try rig.driver.write(sector: 10, from: [DMASegment(physical: buf, length: 4096, deviceWrites: false),
                                                DMASegment(physical: buf + 4096, length: 4096, deviceWrites: false)])
        #expect(Array(rig.backend.bytes[5120..<(5120 + 8192)]) == pattern)
        let back = rig.dma.allocatePages(2)!
        try rig.driver.read(sector: 10, into: [DMASegment(physical: back, length: 8192, deviceWrites: true)])
        #expect(try rig.ram.readBytes(at: GuestAddress(back), count: 8192) == pattern)
        try rig.driver.flush()
        #expect(rig.backend.flushCount == 1)
        #expect(rig.device.counters.reads == 1 && rig.device.counters.writes == 1)
    }

    @Test func outOfRangeRequestFailsWithEIO() throws {
        let rig = try BlockRig(size: 4096)
        let buf = rig.dma.allocatePages(1)!
        #expect(throws: Errno.EIO) {
            try rig.driver.read(sector: 8, into: [DMASegment(physical: buf, length: 512, deviceWrites: true)])
        }
    }

    @Test func descriptorsAreRecycledAcrossManyRequestsAndIndexWrap() throws {
        let rig = try BlockRig(size: 1 << 20)
        let buf = rig.dma.allocatePages(1)!
        // 70_000 requests: the 16-bit ring indices wrap, and the free list must give
        // every descriptor back each time.
        for i in 0..<70_000 {
            try rig.driver.read(sector: UInt64(i % 2048), into: [DMASegment(physical: buf, length: 512, deviceWrites: true)])
        }
        #expect(rig.driver.requests.queue.freeCount == Int(rig.driver.requests.queue.size))
        #expect(rig.device.counters.reads == 70_000)
        // EVENT_IDX: one notification per request at most, since the driver waits for
        // each; never more than requests.
        #expect(rig.driver.requests.notifications <= rig.driver.requests.requests)
    }

    @Test func needEventFollowsTheSpecIncludingWraparound() {
        #expect(DriverVirtqueue.needEvent(event: 0, new: 1, old: 0))
        #expect(!DriverVirtqueue.needEvent(event: 1, new: 1, old: 0))
        #expect(DriverVirtqueue.needEvent(event: 65535, new: 0, old: 65535))
        #expect(DriverVirtqueue.needEvent(event: 65534, new: 1, old: 65533))
        #expect(!DriverVirtqueue.needEvent(event: 2, new: 1, old: 65533))
    }

    @Test func queueRejectsBadSizes() {
        let ram = try! GuestRAM(size: 1 << 20)
        let dma = RAMDMA(ram: ram, start: 0x1000)
        #expect(DriverVirtqueue(index: 0, size: 3, memory: dma, eventIndex: true) == nil)
        #expect(DriverVirtqueue(index: 0, size: 0, memory: dma, eventIndex: true) == nil)
        let q = DriverVirtqueue(index: 0, size: 4, memory: dma, eventIndex: true)!
        let seg = DMASegment(physical: 0x8000, length: 1, deviceWrites: false)
        #expect(q.add([seg, seg, seg, seg, seg]) == nil)
        #expect(q.add([seg, seg, seg]) != nil)
        #expect(q.add([seg, seg]) == nil)
        #expect(q.add([seg]) != nil)
    }

    @Test func notVirtioOrWrongTypeIsRefused() throws {
        let rig = try BlockRig()
        #expect(throws: VirtioDriverError.wrongDevice(2)) {
            _ = try VirtioConsolePort(registers: rig.registers, memory: rig.dma, waiter: rig.stepper, hasInput: false)
        }
        final class Zero: MMIORegisters {
            func read32(_ offset: UInt32) -> UInt32 { 0 }
            func write32(_ offset: UInt32, _ value: UInt32) {}
            func read8(_ offset: UInt32) -> UInt8 { 0 }
        }
        #expect(throws: VirtioDriverError.notVirtio) {
            _ = try VirtioMMIODriver(registers: Zero(), memory: rig.dma, expecting: 2)
        }
    }

    @Test func deviceNeedingResetFailsTheWaiterInsteadOfHanging() throws {
        let rig = try BlockRig()
        // Corrupt the ring under the device: an avail index far ahead is a protocol
        // violation (NEEDS_RESET); the driver must give up with EIO.
        let q = rig.driver.requests.queue
        rig.dma.store16(q.size &* 4, q.availableRing + 2)
        _ = rig.transport.processQueue(0)
        rig.driver.handleInterrupt()
        let buf = rig.dma.allocatePages(1)!
        #expect(throws: Errno.EIO) {
            try rig.driver.read(sector: 0, into: [DMASegment(physical: buf, length: 512, deviceWrites: true)])
        }
    }
}

/// /dev/vda through the syscall layer.
@Suite struct VirtioBlockFileTests {
    init() { DriverRegistry.reset() }

    @Test func devNodeIsABlockDevice() throws {
        let rig = try BlockRig()
        defer { DriverRegistry.reset() }
        let p = try rig.process()
        let st = rig.user.alloc(144)
        _ = try p.sysNewfstatat(SyscallArgs(UInt64(bitPattern: -100), rig.user.put(Array("/dev/vda".utf8) + [0]), st, 0))
        let mode = UInt32(rig.user.bytes(st + 24, 4).reversed().reduce(0) { $0 << 8 | UInt32($1) })
        #expect(mode & LinuxFileType.mask == LinuxFileType.blockDevice)
    }

    @Test func bufferedUnalignedWriteReadSeekAndSize() throws {
        let rig = try BlockRig(size: 1 << 20, fill: 0xaa)
        defer { DriverRegistry.reset() }
        let p = try rig.process()
        let fd = try p.open(rig.user, "/dev/vda", LinuxOpen.readWrite)
        let data = Array("hello, disk".utf8)
        // pwrite at an odd offset: read-modify-write of sector 1.
        #expect(try p.sysPwrite64(SyscallArgs(UInt64(fd), rig.user.put(data), UInt64(data.count), 700)) == UInt64(data.count))
        #expect(Array(rig.backend.bytes[700..<(700 + data.count)]) == data)
        #expect(rig.backend.bytes[699] == 0xaa && rig.backend.bytes[700 + data.count] == 0xaa)
        // lseek SEEK_END is the size; read at the end gives 0.
        #expect(try p.sysLseek(SyscallArgs(UInt64(fd), 0, UInt64(LinuxSeek.end))) == 1 << 20)
        let buf = rig.user.alloc(100)
        #expect(try p.sysRead(SyscallArgs(UInt64(fd), buf, 100)) == 0)
        // Read back through the file offset, across a page of the bounce buffer.
        _ = try p.sysLseek(SyscallArgs(UInt64(fd), 690, UInt64(LinuxSeek.set)))
        let big = rig.user.alloc(70_000)
        #expect(try p.sysRead(SyscallArgs(UInt64(fd), big, 70_000)) == 70_000)
        #expect(rig.user.bytes(big + 10, data.count) == data)
        #expect(try p.sysLseek(SyscallArgs(UInt64(fd), 0, UInt64(LinuxSeek.current))) == 690 + 70_000)
        // fsync is a FLUSH.
        _ = try p.sysFsync(SyscallArgs(UInt64(fd)))
        #expect(rig.backend.flushCount == 1)
    }

    @Test func directIOLandsInTheUserBufferAndChecksAlignment() throws {
        let rig = try BlockRig(size: 1 << 20)
        defer { DriverRegistry.reset() }
        for i in 0..<rig.backend.bytes.count { rig.backend.bytes[i] = UInt8(truncatingIfNeeded: i / 512) }
        let p = try rig.process()
        let fd = try p.open(rig.user, "/dev/vda", LinuxOpen.readWrite | LinuxOpen.direct)
        let buf = rig.user.alloc(3 * 4096, align: 4096)
        #expect(try p.sysPread64(SyscallArgs(UInt64(fd), buf, 8192, 4096)) == 8192)
        #expect(rig.user.bytes(buf, 1) == [8] && rig.user.bytes(buf + 8191, 1) == [23])
        // The data went straight into the user pages: one request, no bounce copy.
        #expect(rig.device.counters.reads == 1)
        #expect(throws: Errno.EINVAL) { _ = try p.sysPread64(SyscallArgs(UInt64(fd), buf + 1, 512, 0)) }
        #expect(throws: Errno.EINVAL) { _ = try p.sysPread64(SyscallArgs(UInt64(fd), buf, 100, 0)) }
        #expect(throws: Errno.EINVAL) { _ = try p.sysPread64(SyscallArgs(UInt64(fd), buf, 512, 3)) }
        let out = rig.user.put([UInt8](repeating: 0x5a, count: 1024), align: 512)
        #expect(try p.sysPwrite64(SyscallArgs(UInt64(fd), out, 1024, 512)) == 1024)
        #expect(rig.backend.bytes[512..<1536].allSatisfy { $0 == 0x5a })
    }

    @Test func sizeIoctls() throws {
        let rig = try BlockRig(size: 3 << 20)
        defer { DriverRegistry.reset() }
        let p = try rig.process()
        let fd = try p.open(rig.user, "/dev/vda", LinuxOpen.readOnly)
        let out = rig.user.alloc(8)
        _ = try p.sysIoctl(SyscallArgs(UInt64(fd), UInt64(LinuxBlockIoctl.BLKGETSIZE64), out))
        #expect(rig.user.bytes(out, 8) == [0, 0, 0x30, 0, 0, 0, 0, 0])
        _ = try p.sysIoctl(SyscallArgs(UInt64(fd), UInt64(LinuxBlockIoctl.BLKSSZGET), out))
        #expect(rig.user.bytes(out, 4) == [0, 2, 0, 0])
        #expect(throws: Errno.ENOTTY) { _ = try p.sysIoctl(SyscallArgs(UInt64(fd), 0x5401, out)) }
    }

    @Test func readOnlyDiskRefusesWriters() throws {
        let rig = try BlockRig(size: 1 << 20, readOnly: true)
        defer { DriverRegistry.reset() }
        #expect(rig.driver.readOnly)
        let p = try rig.process()
        #expect(throws: Errno.EROFS) { _ = try p.open(rig.user, "/dev/vda", LinuxOpen.readWrite) }
        #expect(throws: Errno.EROFS) { _ = try p.open(rig.user, "/dev/vda", LinuxOpen.writeOnly) }
        let fd = try p.open(rig.user, "/dev/vda", LinuxOpen.readOnly)
        #expect(try p.sysRead(SyscallArgs(UInt64(fd), rig.user.alloc(512), 512)) == 512)
        let buf = rig.dma.allocatePages(1)!
        #expect(throws: Errno.EIO) { try rig.driver.write(sector: 0, from: [DMASegment(physical: buf, length: 512, deviceWrites: false)]) }
    }
}

/// The consoles: zero-copy writes from user pages, receive and EOF.
@Suite struct VirtioConsoleDriverTests {
    final class Rig {
        let ram = try! GuestRAM(size: 32 << 20)
        let dma: RAMDMA
        let out = MemoryConsoleBackend()
        let err = MemoryConsoleBackend()
        let stepper = DeviceStepper()
        let console: VirtioConsoleDriver
        let user: RAMUserMemory
        let stdioTransport: VirtioMMIOTransport

        init(input: [MemoryConsoleBackend.Input], terminal: Bool = false) throws {
            dma = RAMDMA(ram: ram)
            out.input = input
            out.inputIsTerminal = terminal
            stdioTransport = VirtioMMIOTransport(device: ConsoleDevice(backend: out, hasInput: true), memory: ram)
            let t1 = VirtioMMIOTransport(device: ConsoleDevice(backend: err, hasInput: false), memory: ram)
            let r0 = TransportRegisters(stdioTransport), r1 = TransportRegisters(t1)
            let p0 = try VirtioConsolePort(registers: r0, memory: dma, waiter: stepper, hasInput: true)
            let p1 = try VirtioConsolePort(registers: r1, memory: dma, waiter: stepper, hasInput: false)
            console = VirtioConsoleDriver(stdio: p0, stderr: p1, inputIsTerminal: terminal)
            stepper.devices = [(r0, { p0.handleInterrupt() }), (r1, { p1.handleInterrupt() })]
            user = RAMUserMemory(ram: ram, base: 16 << 20, size: 16 << 20)
            DriverRegistry.console = console
            DriverRegistry.userPages = user
        }
    }

    init() { DriverRegistry.reset() }

    @Test func writesGoOutInOrderOnSeparateStreams() throws {
        let rig = try Rig(input: [])
        defer { DriverRegistry.reset() }
        let p = Process(pid: 1, user: rig.user, services: FakeServices(), files: FileTable(),
                        fs: try makeRootFileSystem(services: FakeServices(), initramfs: nil))
        installStandardStreams(p)
        let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let a = rig.user.put(big, align: 1)    // unaligned: segments start mid-page
        #expect(try p.sysWrite(SyscallArgs(1, a, UInt64(big.count))) == UInt64(big.count))
        #expect(try p.sysWrite(SyscallArgs(2, rig.user.put(Array("oops".utf8)), 4)) == 4)
        #expect(try p.sysWrite(SyscallArgs(1, rig.user.put(Array("tail".utf8)), 4)) == 4)
        let same = rig.out.output == big + Array("tail".utf8)   // (no array dump on failure)
        #expect(same)
        #expect(rig.err.output == Array("oops".utf8))
        // Zero copy: the device read the user's pages (no kernel bounce for fd 1).
        #expect(rig.console.bytesWritten == UInt64(big.count + 8))
    }

    @Test func stdinDataThenLatchedEOF() throws {
        let rig = try Rig(input: [.data(Array("abc".utf8)), .eof, .data(Array("late".utf8))])
        defer { DriverRegistry.reset() }
        let p = Process(pid: 1, user: rig.user, services: FakeServices(), files: FileTable(),
                        fs: try makeRootFileSystem(services: FakeServices(), initramfs: nil))
        installStandardStreams(p)
        let buf = rig.user.alloc(100)
        #expect(try p.sysRead(SyscallArgs(0, buf, 100)) == 3)
        #expect(rig.user.bytes(buf, 3) == Array("abc".utf8))
        #expect(try p.sysRead(SyscallArgs(0, buf, 100)) == 0)
        #expect(try p.sysRead(SyscallArgs(0, buf, 100)) == 0)     // latched: a pipe ends once
        #expect(rig.console.inputEnded)
    }

    @Test func terminalEOFIsNotLatched() throws {
        let rig = try Rig(input: [.eof, .data(Array("more".utf8))], terminal: true)
        defer { DriverRegistry.reset() }
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(try buffer.withUnsafeMutableBytes { b throws(Errno) in try rig.console.readKernel(b) } == 0)
        #expect(try buffer.withUnsafeMutableBytes { b throws(Errno) in try rig.console.readKernel(b) } == 4)
        #expect(Array(buffer[0..<4]) == Array("more".utf8))
    }

    @Test func kernelWritesUseTheBouncePage() throws {
        let rig = try Rig(input: [])
        defer { DriverRegistry.reset() }
        let text = [UInt8](repeating: 0x41, count: 10_000)
        #expect(try text.withUnsafeBytes { b throws(Errno) in try rig.console.writeKernel(stream: 2, b) } == 10_000)
        #expect(rig.err.output == text)
    }
}
}
