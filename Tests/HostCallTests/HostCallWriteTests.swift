import GuestMemory
import HostCall
import Testing

@Suite struct HostCallWriteTests {
    @Test func oneSegmentDeliversExactBinaryBytes() throws {
        let (device, ram, streams, req) = try makeDevice()
        let payload: [UInt8] = [0x00, 0xff, 0x68, 0x69, 0x0d]  // binary, no trailing newline
        try ram.writeBytes(payload, at: GuestAddress(0x2000))
        try req.write(op: Op.write, arg0: 1, segments: [(0x2000, 5)])
        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(streams.written[1] == payload)
        #expect(streams.written[2] == nil)
        #expect(try req.result() == 5)
        #expect(device.malformedRequests == 0)
    }

    @Test func threeSegmentsAreConcatenatedInOrder() throws {
        let (device, ram, streams, req) = try makeDevice()
        try ram.writeBytes(Array("abc".utf8), at: GuestAddress(0x3000))
        try ram.writeBytes(Array("DEFG".utf8), at: GuestAddress(0x2000))
        try ram.writeBytes([0x01], at: GuestAddress(0xF_FFFF))  // last byte of RAM
        try req.write(op: Op.write, arg0: 2, segments: [(0x3000, 3), (0x2000, 4), (0xF_FFFF, 1)])
        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(streams.written[2] == Array("abcDEFG".utf8) + [0x01])
        #expect(streams.written[1] == nil)
        #expect(try req.result() == 8)
    }

    @Test func noSegmentsWritesNothingAndReturnsZero() throws {
        let (device, _, streams, req) = try makeDevice()
        try req.write(op: Op.write, arg0: 1, segments: [])
        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(streams.writeCalls == 0)
        #expect(try req.result() == 0)
    }

    @Test func segmentCountAboveLimitIsEINVAL() throws {
        let (device, _, streams, req) = try makeDevice()
        try req.write(op: Op.write, arg0: 1, segments: [(0x2000, 1)], count: 1025)
        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(try req.result() == -22)
        #expect(device.malformedRequests == 1)
        #expect(streams.writeCalls == 0)
    }

    @Test(arguments: [
        (UInt64(0xF_FFFE), UInt64(4)),      // runs past the end of RAM
        (UInt64(0x10_0000), UInt64(1)),     // starts at the end
        (UInt64.max, UInt64(2)),            // gpa + length overflows
        (UInt64(0x2000), UInt64.max),       // length overflows
    ])
    func outOfRangeSegmentIsEFAULTAndWritesNothing(gpa: UInt64, length: UInt64) throws {
        let (device, _, streams, req) = try makeDevice()
        try req.write(op: Op.write, arg0: 1, segments: [(0x2000, 4), (gpa, length)])
        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(try req.result() == -14)
        #expect(streams.writeCalls == 0)
        #expect(device.malformedRequests == 1)
    }

    @Test func segmentTableOutsideMemoryIsEFAULT() throws {
        let (device, _, streams, _) = try makeDevice()
        // Header in the last 32 bytes of RAM: its segment table would start past the end.
        let req = RequestBuilder(memory: try GuestRAM(size: 4096), address: 4096 - 32)
        let device2 = HostCallDevice(memory: req.memory, streams: streams)
        try req.write(op: Op.write, arg0: 1, segments: [], count: 1)
        #expect(device2.handle(requestAddress: 4096 - 32) == .continue)
        #expect(try req.result() == -14)
        #expect(device2.malformedRequests == 1)
        _ = device
    }

    @Test func stream7IsEBADF() throws {
        let (device, _, streams, req) = try makeDevice()
        try req.write(op: Op.write, arg0: 7, segments: [(0x2000, 4)])
        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(try req.result() == -9)
        #expect(streams.writeCalls == 0)
    }

    @Test func hostErrorIsReturnedAsNegativeErrno() throws {
        let (device, _, streams, req) = try makeDevice()
        streams.failWrites = 32  // EPIPE
        try req.write(op: Op.write, arg0: 1, segments: [(0x2000, 4)])
        _ = device.handle(requestAddress: 0x1000)
        #expect(try req.result() == -32)
    }

    @Test func totalLengthAboveInt32MaxIsEINVAL() throws {
        // 3 GiB of address space (MAP_NORESERVE: never touched) so one segment can be legal
        // on its own but too long in total.
        let (device, _, streams, req) = try makeDevice(size: 3 << 30)
        try req.write(op: Op.write, arg0: 1, segments: [(0, 1 << 31)])
        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(try req.result() == -22)
        #expect(streams.writeCalls == 0)
    }

    @Test func unknownOpIsEINVAL() throws {
        let (device, _, _, req) = try makeDevice()
        try req.write(op: 99, segments: [])
        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(try req.result() == -22)
        #expect(device.malformedRequests == 1)
        #expect(device.lastMalformedReason == "unknown op 99")
    }

    @Test func headerOutsideMemoryIsCountedNotFatal() throws {
        let (device, _, _, _) = try makeDevice()
        #expect(device.handle(requestAddress: (1 << 20) - 16) == .continue)
        #expect(device.handle(requestAddress: UInt64.max - 8) == .continue)
        #expect(device.malformedRequests == 2)
    }
}
