import Block
import GuestMemory
import Testing
import Virtio
import VirtioTesting

@Suite struct BlockDeviceTests {
    @Test func readReturnsDiskBytes() throws {
        let rig = try BlockRig()
        let r = rig.submit(.read, sector: 2, inLength: 1024)
        #expect(r.status == BlockStatus.ok.rawValue)
        #expect(r.used == 1025)
        #expect(r.data == Array(rig.backend.bytes[1024..<2048]))
    }

    @Test func readThroughIndirectChain() throws {
        let rig = try BlockRig()
        let r = rig.submit(.read, sector: 3, inLength: 512, indirect: true)
        #expect(r.status == 0)
        #expect(r.data == Array(rig.backend.bytes[1536..<2048]))
    }

    @Test func writeLandsOnDisk() throws {
        let rig = try BlockRig()
        let pattern = (0..<1024).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let r = rig.submit(.write, sector: 4, out: pattern)
        #expect(r.status == 0)
        #expect(r.used == 1)
        #expect(Array(rig.backend.bytes[2048..<3072]) == pattern)
    }

    @Test func flushReachesBackend() throws {
        let rig = try BlockRig()
        #expect(rig.submit(.flush, sector: 0).status == 0)
        #expect(rig.backend.flushCount == 1)
        rig.backend.failNext = 5
        #expect(rig.submit(.flush, sector: 0).status == BlockStatus.ioError.rawValue)
    }

    @Test func getIDPadsWithNul() throws {
        let rig = try BlockRig()
        let r = rig.submit(.getID, sector: 0, inLength: 20)
        #expect(r.status == 0)
        #expect(r.used == 21)
        #expect(r.data == Array("disk-serial".utf8) + [UInt8](repeating: 0, count: 9))
    }

    @Test func discardAndWriteZeroes() throws {
        let rig = try BlockRig()
        func seg(_ sector: UInt64, _ count: UInt32, _ flags: UInt32) -> [UInt8] {
            var b = [UInt8](repeating: 0, count: 16)
            for i in 0..<8 { b[i] = UInt8(truncatingIfNeeded: sector >> (8 * UInt64(i))) }
            for i in 0..<4 { b[8 + i] = UInt8(truncatingIfNeeded: count >> (8 * UInt32(i))); b[12 + i] = UInt8(truncatingIfNeeded: flags >> (8 * UInt32(i))) }
            return b
        }
        #expect(rig.submit(.discard, sector: 0, out: seg(1, 2, 0)).status == 0)
        #expect(rig.backend.bytes[512..<1536].allSatisfy { $0 == 0 })
        #expect(rig.backend.bytes[1536] != 0 || rig.backend.bytes[1537] != 0)
        #expect(rig.submit(.writeZeroes, sector: 0, out: seg(10, 1, 1)).status == 0)
        #expect(rig.backend.bytes[5120..<5632].allSatisfy { $0 == 0 })
        // Discard with the unmap flag, or unknown flags: UNSUPP.
        #expect(rig.submit(.discard, sector: 0, out: seg(1, 1, 1)).status == BlockStatus.unsupported.rawValue)
        #expect(rig.submit(.writeZeroes, sector: 0, out: seg(1, 1, 2)).status == BlockStatus.unsupported.rawValue)
        // Out of range, or too many segments, or a ragged payload: IOERR.
        #expect(rig.submit(.discard, sector: 0, out: seg(127, 2, 0)).status == BlockStatus.ioError.rawValue)
        #expect(rig.submit(.discard, sector: 0, out: seg(1, 1, 0) + seg(2, 1, 0)).status == BlockStatus.ioError.rawValue)
        #expect(rig.submit(.discard, sector: 0, out: [1, 2, 3]).status == BlockStatus.ioError.rawValue)
        // A host without hole punching: UNSUPP.
        rig.backend.supportsDiscard = false
        #expect(rig.submit(.discard, sector: 0, out: seg(1, 1, 0)).status == BlockStatus.unsupported.rawValue)
    }

    @Test func readOnlyRefusesWrites() throws {
        let rig = try BlockRig(readOnly: true)
        let before = rig.backend.bytes
        #expect(rig.submit(.write, sector: 0, out: [UInt8](repeating: 1, count: 512)).status == BlockStatus.ioError.rawValue)
        #expect(rig.backend.bytes == before)
        #expect(rig.submit(.read, sector: 0, inLength: 512).status == 0)
        #expect(rig.device.deviceFeatures.contains(BlockDevice.featureReadOnly))
        #expect(!rig.device.deviceFeatures.contains(BlockDevice.featureDiscard))
    }

    @Test func outOfRangeSectors() throws {
        let rig = try BlockRig(diskSize: 64 * 1024) // 128 sectors
        #expect(rig.submit(.read, sector: 127, inLength: 512).status == 0)
        #expect(rig.submit(.read, sector: 127, inLength: 1024).status == BlockStatus.ioError.rawValue)
        #expect(rig.submit(.read, sector: 128, inLength: 512).status == BlockStatus.ioError.rawValue)
        // sector * 512 overflows 64 bits.
        #expect(rig.submit(.read, sector: UInt64.max / 256, inLength: 512).status == BlockStatus.ioError.rawValue)
        #expect(rig.submit(.write, sector: UInt64.max, out: [UInt8](repeating: 0, count: 512)).status == BlockStatus.ioError.rawValue)
        #expect(rig.backend.operations.isEmpty == false)
        #expect(!rig.backend.operations.contains { $0.hasPrefix("write") })
    }

    @Test func malformedRequests() throws {
        let rig = try BlockRig()
        // Data length not a multiple of 512.
        #expect(rig.submit(.read, sector: 0, inLength: 100).status == BlockStatus.ioError.rawValue)
        #expect(rig.submit(.write, sector: 0, out: [1, 2, 3]).status == BlockStatus.ioError.rawValue)
        // Unknown type.
        #expect(rig.submit(raw: 77, sector: 0).status == BlockStatus.unsupported.rawValue)
        // A read with readable data, a write with writable data.
        #expect(rig.submit(.read, sector: 0, out: [UInt8](repeating: 0, count: 512), inLength: 512).status == BlockStatus.ioError.rawValue)
        // Header shorter than 16 bytes: IOERR.
        let h = rig.driver.allocate(8)
        let s = rig.driver.allocate(1)
        rig.driver.addChain(0, [.init(h, 8, writable: false), .init(s, 1, writable: true)])
        rig.driver.notify(0)
        #expect(rig.driver.takeUsed(0).first?.length == 1)
        #expect(rig.driver.bytes(at: s, count: 1) == [BlockStatus.ioError.rawValue])
        // No status byte at all: completed with length 0, no NEEDS_RESET.
        rig.driver.addChain(0, [.init(rig.driver.allocate(16, fill: BlockRig.header(.flush, sector: 0)), 16, writable: false)])
        rig.driver.notify(0)
        #expect(rig.driver.takeUsed(0).first?.length == 0)
        #expect(!rig.driver.status.contains(.needsReset))
        #expect(rig.device.counters.malformed == 2)
    }

    @Test func backendFailureIsIOError() throws {
        let rig = try BlockRig()
        rig.backend.failNext = 5
        #expect(rig.submit(.read, sector: 0, inLength: 512).status == BlockStatus.ioError.rawValue)
    }

    @Test func statusIsWrittenAfterData() throws {
        // A status buffer that is also the last byte of the data: the status wins.
        let rig = try BlockRig()
        let h = rig.driver.allocate(16, fill: BlockRig.header(.read, sector: 0))
        let d = rig.driver.allocate(513)
        rig.driver.addChain(0, [.init(h, 16, writable: false), .init(d, 513, writable: true)])
        rig.driver.notify(0)
        #expect(rig.driver.takeUsed(0).first?.length == 513)
        #expect(rig.driver.bytes(at: d + 512, count: 1) == [0])
        #expect(rig.driver.bytes(at: d, count: 512) == Array(rig.backend.bytes[0..<512]))
    }

    @Test func sizeMustBeSectorMultiple() {
        #expect(throws: BlockDeviceError.sizeNotSectorMultiple(1000)) {
            _ = try BlockDevice(backend: MemoryBlockBackend(size: 1000), readOnly: false)
        }
    }
}
