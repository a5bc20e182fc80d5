import GuestMemory
import HostCall
import Testing

@Suite struct HostCallControlTests {
    @Test func exitWithReason() throws {
        let (device, ram, _, req) = try makeDevice()
        try ram.writeBytes(Array("segmentation ".utf8), at: GuestAddress(0x2000))
        try ram.writeBytes(Array("fault at 0x0".utf8), at: GuestAddress(0x3000))
        try req.write(op: Op.exit, arg0: 0, arg1: 11, segments: [(0x2000, 13), (0x3000, 12)])
        #expect(device.handle(requestAddress: 0x1000) == .exit(status: 0, signal: 11, reason: "segmentation fault at 0x0"))
    }

    @Test func exitWithoutReason() throws {
        let (device, _, _, req) = try makeDevice()
        try req.write(op: Op.exit, arg0: 42, segments: [])
        #expect(device.handle(requestAddress: 0x1000) == .exit(status: 42, signal: 0, reason: nil))
        #expect(device.malformedRequests == 0)
    }

    @Test func exitReasonIsCappedAndLossy() throws {
        let (device, ram, _, req) = try makeDevice()
        try ram.writeBytes([0xff] + [UInt8](repeating: 0x61, count: 9999), at: GuestAddress(0x2000))
        try req.write(op: Op.exit, arg0: 1, segments: [(0x2000, 10000)])
        guard case .exit(1, 0, let reason?) = device.handle(requestAddress: 0x1000) else {
            Issue.record("expected exit with a reason"); return
        }
        #expect(reason.hasPrefix("\u{FFFD}a"))
        #expect(reason.utf8.count == 3 + 4095)  // U+FFFD is 3 bytes, the rest ASCII
    }

    @Test func exitWithBadReasonRangeStillExits() throws {
        let (device, _, _, req) = try makeDevice()
        try req.write(op: Op.exit, arg0: 3, segments: [(0xF_FFFF, 10)])
        #expect(device.handle(requestAddress: 0x1000) == .exit(status: 3, signal: 0, reason: nil))
        #expect(try req.result() == -14)
        #expect(device.malformedRequests == 1)
    }

    @Test func exitWithInvalidStatusIsAPanic() throws {
        let (device, _, _, req) = try makeDevice()
        try req.write(op: Op.exit, arg0: 256, segments: [])
        guard case .panic = device.handle(requestAddress: 0x1000) else { Issue.record("expected panic"); return }
        try req.write(op: Op.exit, arg0: 0, arg1: 65, segments: [])
        guard case .panic = device.handle(requestAddress: 0x1000) else { Issue.record("expected panic"); return }
        #expect(device.malformedRequests == 2)
    }

    @Test func panicCarriesMessage() throws {
        let (device, ram, _, req) = try makeDevice()
        try ram.writeBytes(Array("kernel: page fault in kmain".utf8), at: GuestAddress(0x2000))
        try req.write(op: Op.panic, segments: [(0x2000, 27)])
        #expect(device.handle(requestAddress: 0x1000) == .panic("kernel: page fault in kmain"))
    }

    @Test func panicMessageIsCappedAt64KiB() throws {
        let (device, ram, _, req) = try makeDevice()
        try ram.writeBytes([UInt8](repeating: 0x70, count: 100_000), at: GuestAddress(0x2000))
        try req.write(op: Op.panic, segments: [(0x2000, 100_000)])
        guard case .panic(let m) = device.handle(requestAddress: 0x1000) else { Issue.record("expected panic"); return }
        #expect(m.utf8.count == 65536)
    }

    @Test func traceRecordsAreParsed() throws {
        let (device, ram, _, req) = try makeDevice()
        var bytes: [UInt8] = []
        func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        le(UInt32(1)); le(UInt32(0)); le(UInt64(1000))
        le(UInt32(2)); le(UInt32(0)); le(UInt64(0x1_0000_2000))
        le(UInt32(3)); le(UInt32(0)); le(UInt64(5000))
        try ram.writeBytes(bytes, at: GuestAddress(0x2000))
        try req.write(op: Op.trace, segments: [(0x2000, 32), (0x2020, 16)])
        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(try req.result() == 3)
        #expect(device.traceRecords == [
            HostCallTraceRecord(point: 1, tsc: 1000),
            HostCallTraceRecord(point: 2, tsc: 0x1_0000_2000),
            HostCallTraceRecord(point: 3, tsc: 5000),
        ])
    }

    @Test func traceRecordsAreCappedAndPartialRecordsRejected() throws {
        let (device, _, _, req) = try makeDevice()
        try req.write(op: Op.trace, segments: [(0x2000, 16 * 70)])
        _ = device.handle(requestAddress: 0x1000)
        #expect(try req.result() == 64)
        #expect(device.traceRecords.count == 64)
        #expect(device.droppedTraceRecords == 6)

        try req.write(op: Op.trace, segments: [(0x2000, 10)])
        _ = device.handle(requestAddress: 0x1000)
        #expect(try req.result() == -22)
        #expect(device.malformedRequests == 1)
    }

    @Test func readFillsSegmentsThenReportsEOF() throws {
        let (device, ram, streams, req) = try makeDevice()
        streams.input = Array("hello".utf8)
        try req.write(op: Op.read, arg0: 0, segments: [(0x2000, 3), (0x3000, 8)])
        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(try req.result() == 5)
        #expect(try ram.readBytes(at: GuestAddress(0x2000), count: 3) == Array("hel".utf8))
        #expect(try ram.readBytes(at: GuestAddress(0x3000), count: 3) == Array("lo".utf8) + [0])

        #expect(device.handle(requestAddress: 0x1000) == .continue)
        #expect(try req.result() == 0)
    }

    @Test func readFromStdoutIsEBADF() throws {
        let (device, _, _, req) = try makeDevice()
        try req.write(op: Op.read, arg0: 1, segments: [(0x2000, 3)])
        _ = device.handle(requestAddress: 0x1000)
        #expect(try req.result() == -9)
    }
}
