#if canImport(Glibc)
import Glibc
#endif
import Block
import Boot
import Console
import GuestMemory
import Machine
import Testing
import Virtio
import VirtioTesting

/// The Machine-side backends on real files and pipes, and the I/O thread without KVM.
@Suite(.serialized) struct HostBackendTests {
    func tempFile(size: Int, fill: UInt8 = 0) throws -> String {
        var template = Array("/tmp/swiftlet-vd-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(fd >= 0)
        let bytes = [UInt8](repeating: fill, count: size)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, size) }
        close(fd)
        return String(cString: template)
    }

    func fileBytes(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: Int(lseek(fd, 0, SEEK_END)))
        _ = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return out
    }

    /// The block device over a real file, driven by the mock driver.
    func rig(_ path: String, readOnly: Bool = false, direct: Bool = false) throws -> (MockDriver, VirtioBlockFile) {
        let file = try VirtioBlockFile(path: path, readOnly: readOnly, direct: direct)
        let device = try BlockDevice(backend: file, readOnly: readOnly)
        let memory = try GuestRAM(size: 4 << 20)
        let driver = MockDriver(transport: VirtioMMIOTransport(device: device, memory: memory), memory: memory)
        driver.initialize(queueSize: 16)
        return (driver, file)
    }

    func request(_ d: MockDriver, type: UInt32, sector: UInt64, out: [UInt8]? = nil, inLength: Int = 0) -> (UInt8, [UInt8]) {
        let h = d.allocate(16, fill: BlockRig.header(raw: type, sector: sector))
        var bufs = [MockDriver.Buffer(h, 16, writable: false)]
        if let out { bufs.append(.init(d.allocate(out.count, fill: out), UInt32(out.count), writable: false)) }
        // 4 KiB-aligned data so O_DIRECT can take the direct path.
        var dataAt: UInt64 = 0
        if inLength > 0 {
            _ = d.allocate((4096 - Int(d.nextData % 4096)) % 4096)
            dataAt = d.allocate(inLength)
            bufs.append(.init(dataAt, UInt32(inLength), writable: true))
        }
        let s = d.allocate(1, fill: [0xff])
        bufs.append(.init(s, 1, writable: true))
        d.addChain(0, bufs)
        d.notify(0)
        _ = d.takeUsed(0)
        return (d.bytes(at: s, count: 1)[0], inLength > 0 ? d.bytes(at: dataAt, count: inLength) : [])
    }

    @Test func fileReadWriteFlushDiscard() throws {
        let path = try tempFile(size: 1 << 20, fill: 0x11)
        defer { unlink(path) }
        let (d, file) = try rig(path)
        #expect(file.size == 1 << 20)
        let (s1, data) = request(d, type: 0, sector: 8, inLength: 4096)
        #expect(s1 == 0 && data == [UInt8](repeating: 0x11, count: 4096))
        let pattern = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        #expect(request(d, type: 1, sector: 16, out: pattern).0 == 0)
        #expect(request(d, type: 4, sector: 0).0 == 0)
        #expect(Array(fileBytes(path)[8192..<12288]) == pattern)
        // DISCARD/WRITE_ZEROES: OK where the file system punches holes, else UNSUPP.
        var seg = [UInt8](repeating: 0, count: 16)
        seg[0] = 16; seg[8] = 8
        let s = request(d, type: 13, sector: 0, out: seg).0
        #expect(s == 0 || s == 2)
        if s == 0 { #expect(fileBytes(path)[8192..<12288].allSatisfy { $0 == 0 }) }
        // Past the end: IOERR, file untouched.
        #expect(request(d, type: 0, sector: 2048, inLength: 512).0 == 1)
    }

    @Test func readOnlyFileRefusesWrites() throws {
        let path = try tempFile(size: 4096, fill: 7)
        defer { unlink(path) }
        let (d, _) = try rig(path, readOnly: true)
        #expect(request(d, type: 1, sector: 0, out: [UInt8](repeating: 1, count: 512)).0 == 1)
        #expect(fileBytes(path).allSatisfy { $0 == 7 })
    }

    @Test func directFileWorksAlignedAndUnaligned() throws {
        let path = try tempFile(size: 1 << 16, fill: 0x22)
        defer { unlink(path) }
        let file: VirtioBlockFile
        do { file = try VirtioBlockFile(path: path, readOnly: false, direct: true) } catch {
            // tmpfs refuses O_DIRECT: nothing to test here.
            print("O_DIRECT unavailable on /tmp: \(error)")
            return
        }
        _ = file
        let (d, f) = try rig(path, direct: true)
        #expect(request(d, type: 0, sector: 0, inLength: 4096).1 == [UInt8](repeating: 0x22, count: 4096))
        // An unaligned guest buffer falls back to the buffered fd.
        let h = d.allocate(16, fill: BlockRig.header(raw: 0, sector: 1))
        let data = d.allocate(600) + 3
        let s = d.allocate(1)
        d.addChain(0, [.init(h, 16, writable: false), .init(data, 512, writable: true), .init(s, 1, writable: true)])
        d.notify(0)
        #expect(d.bytes(at: s, count: 1) == [0])
        #expect(d.bytes(at: data, count: 512) == [UInt8](repeating: 0x22, count: 512))
        // Whether it fell back depends on the file system (tmpfs takes unaligned O_DIRECT).
        print("O_DIRECT fallbacks on /tmp: \(f.directFallbacks)")
    }

    @Test func sizeNotMultipleOf512IsRejected() throws {
        let path = try tempFile(size: 1000)
        defer { unlink(path) }
        #expect(throws: VirtioBlockFile.OpenError.notSectorMultiple(path: path, size: 1000)) {
            _ = try VirtioBlockFile(path: path, readOnly: false, direct: false)
        }
        #expect(throws: VirtioBlockFile.OpenError.open(path: "/nonexistent/x", errno: ENOENT)) {
            _ = try VirtioBlockFile(path: "/nonexistent/x", readOnly: false, direct: false)
        }
    }

    /// Console over pipes through the bus and the I/O thread (no KVM): input written to
    /// the pipe lands in guest buffers after the driver notifies, output comes out in
    /// order, and closing the pipe delivers exactly one zero-length buffer.
    @Test func consoleOverPipesThroughIOThread() throws {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        try #require(pipe(&inPipe) == 0 && pipe(&outPipe) == 0)
        defer { close(inPipe[0]); close(outPipe[0]); close(outPipe[1]) }
        let memory = try GuestRAM(size: 4 << 20)
        let console = ConsoleDevice(backend: VirtioConsoleStdio(outputFD: outPipe[1], inputFD: inPipe[0]), hasInput: true)
        let bus = try VirtioMMIOBus(memory: memory, vm: nil)
        let slot = try bus.attach(console, slot: 0, name: "console0", inputFD: inPipe[0], inputQueue: 0,
                                  inputOpen: { !console.inputEnded })
        let d = MockDriver(transport: slot.transport, memory: memory)
        d.initialize(queueSize: 16)
        let io = try IOThread(bus: bus)
        try io.start()
        defer { io.stop() }

        func waitUsed(_ q: Int, _ n: Int) -> [(head: UInt16, length: UInt32)] {
            var got: [(head: UInt16, length: UInt32)] = []
            for _ in 0..<2000 where got.count < n {
                got += slot.withTransport { _ in d.takeUsed(q) }
                if got.count < n { usleep(1000) }
            }
            return got
        }
        // Output.
        slot.withTransport { _ in
            d.addChain(1, [.init(d.allocate(3, fill: Array("one".utf8)), 3, writable: false)])
            d.addChain(1, [.init(d.allocate(4, fill: Array("two\n".utf8)), 4, writable: false)])
        }
        slot.notify[1].signal()
        #expect(waitUsed(1, 2).count == 2)
        var buf = [UInt8](repeating: 0, count: 16)
        let n = buf.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, 16) }
        #expect(Array(buf[0..<max(n, 0)]) == Array("onetwo\n".utf8))

        // Input: buffers first, then data.
        var rx: [UInt64] = []
        slot.withTransport { _ in
            for _ in 0..<3 { let b = d.allocate(8); rx.append(b); d.addChain(0, [.init(b, 8, writable: true)]) }
        }
        slot.notify[0].signal()
        usleep(20_000)
        _ = Array("hello".utf8).withUnsafeBytes { write(inPipe[1], $0.baseAddress, 5) }
        let first = waitUsed(0, 1)
        #expect(first.map(\.length) == [5])
        #expect(d.bytes(at: rx[0], count: 5) == Array("hello".utf8))
        close(inPipe[1])
        let eof = waitUsed(0, 1)
        #expect(eof.map(\.length) == [0])
        #expect(console.inputEnded)
        usleep(20_000)
        #expect(slot.withTransport { _ in d.takeUsed(0) }.isEmpty)   // exactly one EOF
    }

    @Test func deviceTreeHasVirtioAndIOAPICNodes() throws {
        var c = BootConfig(memorySize: 64 << 20)
        let plain = try DeviceTreeBuilder.build(c)
        c.virtioDevices = [VirtioMMIONode(base: 0xd000_0000, gsi: 5), VirtioMMIONode(base: 0xd000_2000, gsi: 7)]
        let fdt = try DeviceTreeBuilder.build(c)
        func contains(_ s: String) -> Bool {
            let needle = Array(s.utf8)
            return fdt.indices.contains { i in i + needle.count <= fdt.count && Array(fdt[i..<i + needle.count]) == needle }
        }
        #expect(contains("virtio_mmio@d0000000") && contains("virtio_mmio@d0002000"))
        #expect(contains("ioapic@fec00000") && contains("virtio,mmio") && contains("interrupt-parent"))
        #expect(fdt.count > plain.count)
        // reg = <0 0xd0002000 0 0x1000>, big-endian cells.
        let reg: [UInt8] = [0, 0, 0, 0, 0xd0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0x10, 0]
        #expect(fdt.indices.contains { i in i + 16 <= fdt.count && Array(fdt[i..<i + 16]) == reg })
    }
}
