import GuestABI
import Console
import GuestMemory
import Testing
import Virtio
import VirtioTesting

@Suite struct ConsoleDeviceTests {
    let rx = ConsoleDevice.receiveQueue
    let tx = ConsoleDevice.transmitQueue

    @Test func outputInOrderAcrossChains() throws {
        let rig = try ConsoleRig()
        let d = rig.driver
        let a = d.allocate(5, fill: Array("hello".utf8)), b = d.allocate(1, fill: [0x20]), c = d.allocate(6, fill: Array("world\n".utf8))
        d.addChain(tx, [.init(a, 5, writable: false), .init(b, 1, writable: false)])
        d.addChain(tx, [.init(c, 6, writable: false)])
        #expect(d.notify(tx))
        #expect(String(decoding: rig.backend.output, as: UTF8.self) == "hello world\n")
        #expect(rig.backend.writes == [6, 6])          // one writev per chain
        #expect(d.takeUsed(tx).map(\.length) == [0, 0])
    }

    @Test func transmitWithWritableBufferIsViolation() throws {
        let rig = try ConsoleRig()
        rig.driver.addChain(tx, [.init(rig.driver.allocate(4), 4, writable: true)])
        rig.driver.notify(tx)
        #expect(rig.driver.status.contains(.needsReset))
    }

    @Test func brokenOutputIsCountedNotFatal() throws {
        let rig = try ConsoleRig()
        rig.backend.brokenPipe = true
        rig.driver.addChain(tx, [.init(rig.driver.allocate(4, fill: [1, 2, 3, 4]), 4, writable: false)])
        rig.driver.notify(tx)
        #expect(rig.driver.takeUsed(tx).count == 1)
        #expect(rig.device.droppedWrites == 1)
        #expect(!rig.driver.status.contains(.needsReset))
    }

    @Test func inputThenEOF() throws {
        let rig = try ConsoleRig(input: [.data(Array("abc".utf8)), .data(Array("defgh".utf8)), .eof])
        let d = rig.driver
        var bufs: [UInt64] = []
        for _ in 0..<4 {
            let b = d.allocate(4)
            bufs.append(b)
            d.addChain(rx, [.init(b, 4, writable: true)])
        }
        #expect(d.notify(rx))
        let used = d.takeUsed(rx)
        // "abc" | "defg" | "h" | EOF (length 0).
        #expect(used.map(\.length) == [3, 4, 1, 0])
        #expect(d.bytes(at: bufs[0], count: 3) == Array("abc".utf8))
        #expect(d.bytes(at: bufs[1], count: 4) == Array("defg".utf8))
        #expect(d.bytes(at: bufs[2], count: 1) == Array("h".utf8))
        #expect(rig.device.inputEnded)
        // After EOF on a pipe, more buffers stay pending: exactly one EOF is delivered.
        d.addChain(rx, [.init(d.allocate(4), 4, writable: true)])
        #expect(!d.notify(rx))
        #expect(d.takeUsed(rx).isEmpty)
    }

    @Test func noInputKeepsBuffersPending() throws {
        let rig = try ConsoleRig()
        rig.driver.addChain(rx, [.init(rig.driver.allocate(4), 4, writable: true)])
        #expect(!rig.driver.notify(rx))
        #expect(rig.driver.takeUsed(rx).isEmpty)
        // Input arrives later: the I/O thread processes the queue on stdin readiness.
        rig.backend.input = [.data([42])]
        #expect(rig.transport.processQueue(rx))
        #expect(rig.driver.takeUsed(rx).map(\.length) == [1])
    }

    @Test func terminalEOFIsNotFinal() throws {
        let rig = try ConsoleRig(input: [.eof, .data([1])], terminal: true)
        for _ in 0..<2 { rig.driver.addChain(rx, [.init(rig.driver.allocate(4), 4, writable: true)]) }
        rig.driver.notify(rx)
        // ^D gives one zero-length buffer; input typed after it still arrives.
        #expect(rig.driver.takeUsed(rx).map(\.length) == [0, 1])
        #expect(!rig.device.inputEnded)
        #expect(rig.device.deviceFeatures.contains(ConsoleDevice.featureSize))
        #expect(rig.transport.read(offset: VirtioMMIORegister.config, width: 4) == 80 | 24 << 16)
    }

    @Test func receiveBufferMustBeWritable() throws {
        let rig = try ConsoleRig(input: [.data([1])])
        rig.driver.addChain(rx, [.init(rig.driver.allocate(4), 4, writable: false)])
        rig.driver.notify(rx)
        #expect(rig.driver.status.contains(.needsReset))
    }

    @Test func portWithoutInputNeverConsumesReceiveBuffers() throws {
        let rig = try ConsoleRig(input: [.data([1])], hasInput: false)
        rig.driver.addChain(rx, [.init(rig.driver.allocate(4), 4, writable: true)])
        #expect(!rig.driver.notify(rx))
        #expect(rig.driver.takeUsed(rx).isEmpty)
    }

    @Test func emergencyWrite() throws {
        let rig = try ConsoleRig()
        rig.transport.write(offset: VirtioMMIORegister.config + 8, width: 4, value: 0x41)
        #expect(rig.backend.output == [0x41])
    }
}
