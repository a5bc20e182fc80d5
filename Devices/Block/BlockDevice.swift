#if canImport(Glibc)
import Glibc
#endif
import GuestMemory
import Virtio

/// Why a disk cannot become a virtio-blk device.
public enum BlockDeviceError: Error, Equatable, Sendable, CustomStringConvertible {
    case sizeNotSectorMultiple(UInt64)
    public var description: String {
        switch self {
        case .sizeNotSectorMultiple(let s):
            return "disk size \(s) bytes is not a multiple of 512 (pad the image, e.g. truncate -s %512)"
        }
    }
}

/// virtio-blk (virtio 1.2 §5.2): one request queue, requests IN, OUT, FLUSH, GET_ID,
/// DISCARD and WRITE_ZEROES. A malformed request gets IOERR/UNSUPP and a counter; the
/// status byte is written last, after the data, so the driver never sees a status for
/// data that is not there.
public final class BlockDevice: VirtioDevice {
    public static let queueSize: UInt16 = 256
    public static let idLength = 20
    /// Per-request bounds we advertise (and enforce) for discard/write-zeroes.
    public static let maxDiscardSectors: UInt32 = 0x3f_ffff
    public static let maxDiscardSegments: UInt32 = 1
    /// seg_max: data segments per request (the queue size bounds the chain anyway).
    public static let maxSegments: UInt32 = UInt32(queueSize) - 2

    // §5.2.3 feature bits.
    public static let featureSegMax = VirtioFeatures(bit: 2)
    public static let featureReadOnly = VirtioFeatures(bit: 5)
    public static let featureBlockSize = VirtioFeatures(bit: 6)
    public static let featureFlush = VirtioFeatures(bit: 9)
    public static let featureDiscard = VirtioFeatures(bit: 13)
    public static let featureWriteZeroes = VirtioFeatures(bit: 14)

    public let backend: any BlockBackend
    public let readOnly: Bool
    /// GET_ID answer (at most 20 bytes, NUL-padded when shorter).
    public let serial: [UInt8]
    public struct Counters: Equatable, Sendable {
        public var reads = 0, writes = 0, flushes = 0, discards = 0, writeZeroes = 0, getIDs = 0
        public var ioErrors = 0, unsupported = 0, malformed = 0
        public init() {}
    }
    public private(set) var counters = Counters()

    public init(backend: any BlockBackend, readOnly: Bool, serial: String = "swiftlet") throws(BlockDeviceError) {
        guard backend.size % SectorNumber.size == 0 else { throw .sizeNotSectorMultiple(backend.size) }
        self.backend = backend
        self.readOnly = readOnly
        self.serial = Array(serial.utf8.prefix(Self.idLength))
    }

    public var deviceID: UInt32 { VirtioDeviceID.block }
    public var queueMaxSizes: [UInt16] { [Self.queueSize] }
    public var deviceFeatures: VirtioFeatures {
        var f: VirtioFeatures = [Self.featureSegMax, Self.featureBlockSize, Self.featureFlush]
        if readOnly { f.insert(Self.featureReadOnly) } else { f.formUnion([Self.featureDiscard, Self.featureWriteZeroes]) }
        return f
    }

    /// struct virtio_blk_config (§5.2.4), up to write_zeroes_may_unmap.
    public var configSpace: [UInt8] {
        var c = [UInt8](repeating: 0, count: 60)
        func put(_ v: UInt64, _ at: Int, _ n: Int) { for i in 0..<n { c[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        put(backend.size / SectorNumber.size, 0, 8)      // capacity
        put(UInt64(Self.maxSegments), 12, 4)           // seg_max
        put(SectorNumber.size, 20, 4)                  // blk_size
        put(UInt64(Self.maxDiscardSectors), 36, 4)     // max_discard_sectors
        put(UInt64(Self.maxDiscardSegments), 40, 4)    // max_discard_seg
        put(1, 44, 4)                                  // discard_sector_alignment
        put(UInt64(Self.maxDiscardSectors), 48, 4)     // max_write_zeroes_sectors
        put(UInt64(Self.maxDiscardSegments), 52, 4)    // max_write_zeroes_seg
        c[56] = 1                                      // write_zeroes_may_unmap
        return c
    }

    public func activate(features: VirtioFeatures) {}
    public func reset() {}

    public func process(queueIndex: Int, queue: inout SplitQueue, memory: any GuestMemoryAccess) throws(VirtqueueError) -> QueueOutcome {
        var outcome = QueueOutcome()
        guard queueIndex == 0 else { return outcome }
        while let chain = try queue.pop(memory: memory) {
            let (status, written) = execute(chain, memory: memory)
            var used: UInt32 = 0
            if let status {
                // The status byte is the last writable byte, written after the data.
                let at = UInt64(chain.writableLength - 1)
                if chain.copyToWritable([status.rawValue], memory: memory, offset: at) { used = written + 1 }
                if status != .ok { outcome.requestErrors += 1 }
            } else {
                outcome.requestErrors += 1
            }
            try queue.pushUsed(head: chain.head, length: used, memory: memory)
            outcome.usedAdded += 1
        }
        return outcome
    }

    /// Runs one request. Returns the status (nil when the chain has no room for one) and
    /// how many data bytes were written into the chain.
    func execute(_ chain: DescriptorChain, memory: any GuestMemoryAccess) -> (BlockStatus?, UInt32) {
        guard chain.writableLength >= 1 else { counters.malformed += 1; return (nil, 0) }
        guard let raw = chain.copyReadable(from: memory, offset: 0, count: BlockRequestHeader.size),
              let header = BlockRequestHeader(bytes: raw) else {
            counters.malformed += 1
            return (.ioError, 0)
        }
        let dataIn = UInt64(chain.writableLength - 1)                   // device-writable data
        let dataOut = UInt64(chain.readableLength) - UInt64(BlockRequestHeader.size)
        switch BlockRequestType(rawValue: header.type) {
        case .read:
            counters.reads += 1
            guard dataOut == 0, dataIn % SectorNumber.size == 0,
                  let offset = checkedByteRange(sector: header.sector, bytes: dataIn, diskSize: backend.size),
                  let ranges = DescriptorChain.ranges(of: chain.writable, offset: 0, length: dataIn) else {
                return fail(.ioError)
            }
            let r = (try? memory.withIOVecs(ranges) { backend.read(into: $0, at: offset) }) ?? .failed(EFAULT)
            return r == .ok ? (.ok, UInt32(dataIn)) : fail(.ioError)
        case .write:
            counters.writes += 1
            guard !readOnly else { return fail(.ioError) }
            guard dataIn == 0, dataOut % SectorNumber.size == 0,
                  let offset = checkedByteRange(sector: header.sector, bytes: dataOut, diskSize: backend.size),
                  let ranges = DescriptorChain.ranges(of: chain.readable, offset: UInt64(BlockRequestHeader.size), length: dataOut) else {
                return fail(.ioError)
            }
            let r = (try? memory.withIOVecs(ranges) { backend.write($0, at: offset) }) ?? .failed(EFAULT)
            return r == .ok ? (.ok, 0) : fail(.ioError)
        case .flush:
            counters.flushes += 1
            return backend.flush() == .ok ? (.ok, 0) : fail(.ioError)
        case .getID:
            counters.getIDs += 1
            // The ID is up to 20 bytes, NUL-padded; a shorter buffer gets a prefix.
            let n = Int(min(dataIn, UInt64(Self.idLength)))
            var id = serial + [UInt8](repeating: 0, count: Self.idLength - serial.count)
            id = Array(id.prefix(n))
            guard chain.copyToWritable(id, memory: memory, offset: 0) else { return fail(.ioError) }
            return (.ok, UInt32(n))
        case .discard, .writeZeroes:
            return discardOrZero(header, chain: chain, dataOut: dataOut, memory: memory)
        case nil:
            return fail(.unsupported)
        }
    }

    private func discardOrZero(_ header: BlockRequestHeader, chain: DescriptorChain, dataOut: UInt64,
                               memory: any GuestMemoryAccess) -> (BlockStatus?, UInt32) {
        let zero = header.type == BlockRequestType.writeZeroes.rawValue
        if zero { counters.writeZeroes += 1 } else { counters.discards += 1 }
        guard !readOnly else { return fail(.ioError) }
        let count = dataOut / UInt64(DiscardSegment.size)
        guard dataOut > 0, dataOut % UInt64(DiscardSegment.size) == 0, count <= UInt64(Self.maxDiscardSegments),
              let bytes = chain.copyReadable(from: memory, offset: UInt64(BlockRequestHeader.size), count: Int(dataOut)) else {
            return fail(.ioError)
        }
        for i in 0..<Int(count) {
            let seg = DiscardSegment(bytes: bytes, at: i * DiscardSegment.size)
            // §5.2.6.2: unknown flags, or unmap on a discard, are unsupported.
            if seg.flags & ~DiscardSegment.flagUnmap != 0 || (!zero && seg.flags != 0) { return fail(.unsupported) }
            guard seg.sectorCount <= Self.maxDiscardSectors,
                  let offset = checkedByteRange(sector: seg.sector, bytes: UInt64(seg.sectorCount) * SectorNumber.size,
                                                diskSize: backend.size) else {
                return fail(.ioError)
            }
            let length = UInt64(seg.sectorCount) * SectorNumber.size
            let r = zero ? backend.writeZeroes(offset: offset, length: length, mayUnmap: seg.flags & DiscardSegment.flagUnmap != 0)
                         : backend.discard(offset: offset, length: length)
            switch r {
            case .ok: continue
            case .unsupported: return fail(.unsupported)
            case .failed: return fail(.ioError)
            }
        }
        return (.ok, 0)
    }

    private func fail(_ s: BlockStatus) -> (BlockStatus?, UInt32) {
        if s == .unsupported { counters.unsupported += 1 } else { counters.ioErrors += 1 }
        return (s, 0)
    }
}
