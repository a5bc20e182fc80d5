/// A sector number on a virtio-blk device: always 512-byte units (§5.2.6), whatever the
/// host block size.
public struct SectorNumber: Hashable, Sendable, Comparable {
    public static let size: UInt64 = 512
    public var raw: UInt64
    public init(_ raw: UInt64) { self.raw = raw }
    public static func < (a: SectorNumber, b: SectorNumber) -> Bool { a.raw < b.raw }
    /// Byte offset, nil on overflow.
    public var byteOffset: UInt64? {
        let (r, o) = raw.multipliedReportingOverflow(by: Self.size)
        return o ? nil : r
    }
}

/// virtio-blk request types and status bytes (§5.2.6).
public enum BlockRequestType: UInt32, Sendable {
    case read = 0          // VIRTIO_BLK_T_IN
    case write = 1         // VIRTIO_BLK_T_OUT
    case flush = 4
    case getID = 8
    case discard = 11
    case writeZeroes = 13
}

public enum BlockStatus: UInt8, Sendable {
    case ok = 0
    case ioError = 1
    case unsupported = 2
}

/// struct virtio_blk_outhdr { le32 type; le32 reserved; le64 sector; }, copied out.
public struct BlockRequestHeader: Equatable, Sendable {
    public static let size = 16
    public var type: UInt32
    public var sector: SectorNumber

    public init(type: UInt32, sector: SectorNumber) { self.type = type; self.sector = sector }

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.size else { return nil }
        type = le32(bytes, 0)
        sector = SectorNumber(le64(bytes, 8))
    }
}

/// struct virtio_blk_discard_write_zeroes { le64 sector; le32 num_sectors; le32 flags; }.
public struct DiscardSegment: Equatable, Sendable {
    public static let size = 16
    public static let flagUnmap: UInt32 = 1
    public var sector: SectorNumber
    public var sectorCount: UInt32
    public var flags: UInt32

    public init(sector: SectorNumber, sectorCount: UInt32, flags: UInt32) {
        self.sector = sector; self.sectorCount = sectorCount; self.flags = flags
    }

    init(bytes: [UInt8], at i: Int) {
        sector = SectorNumber(le64(bytes, i))
        sectorCount = le32(bytes, i + 8)
        flags = le32(bytes, i + 12)
    }
}

func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}

func le64(_ b: [UInt8], _ i: Int) -> UInt64 {
    UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32
}

/// A byte range on the disk, checked against its size with checked arithmetic.
func checkedByteRange(sector: SectorNumber, bytes: UInt64, diskSize: UInt64) -> UInt64? {
    guard let offset = sector.byteOffset else { return nil }
    let (end, o) = offset.addingReportingOverflow(bytes)
    guard !o, end <= diskSize else { return nil }
    return offset
}
