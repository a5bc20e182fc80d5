import GuestABI
import GuestMemory

/// A host-call request after validation: a value copied out of guest memory once, so a
/// guest that rewrites the request while the VMM works on it changes nothing
/// (DESIGN.md §4.2, "copy, validate, then use, and never re-read").
struct DecodedHostCall {
    var op: HostCallOp
    var arg0: UInt64
    var arg1: UInt64
    /// Scatter list; each range is inside guest memory, and their sum ≤ Int32.max.
    var segments: [(GuestAddress, UInt64)]
    var totalLength: UInt64
}

/// Why a request was refused; mapped to the `-errno` stored in its `result` field.
struct HostCallRejection: Error, Equatable {
    var errno: Errno
    var reason: String
    static func invalid(_ reason: String) -> HostCallRejection { .init(errno: .EINVAL, reason: reason) }
    static func fault(_ reason: String) -> HostCallRejection { .init(errno: .EFAULT, reason: reason) }
}

/// The raw header fields (layout of `HostCallRequest`, little-endian).
struct HostCallHeader {
    var op: UInt32
    var segmentCount: UInt32
    var arg0: UInt64
    var arg1: UInt64

    init(_ b: [UInt8]) {
        precondition(b.count == Int(HostCallRequest.size))
        op = UInt32(truncatingIfNeeded: Self.le(b, 0, 4))
        segmentCount = UInt32(truncatingIfNeeded: Self.le(b, 4, 4))
        arg0 = Self.le(b, 8, 8)
        arg1 = Self.le(b, 16, 8)
    }

    static func le(_ b: [UInt8], _ at: Int, _ width: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in (0..<width).reversed() { v = v << 8 | UInt64(b[at + i]) }
        return v
    }
}

enum HostCallDecoder {
    /// Validates the header and reads the segment table (once) that follows it.
    static func decode(
        _ header: HostCallHeader, requestAddress: GuestAddress, memory: any GuestMemoryAccess
    ) throws(HostCallRejection) -> DecodedHostCall {
        guard let op = HostCallOp(rawValue: header.op) else { throw .invalid("unknown op \(header.op)") }
        guard header.segmentCount <= HostCallRequest.maxSegments else {
            throw .invalid("segment count \(header.segmentCount) > \(HostCallRequest.maxSegments)")
        }
        let count = Int(header.segmentCount)
        var segments: [(GuestAddress, UInt64)] = []
        var total: UInt64 = 0
        if count > 0 {
            // count ≤ 1024, so the table is at most 16 KiB: no overflow in the product.
            guard let tableAddress = requestAddress.adding(HostCallRequest.size) else {
                throw .fault("segment table address overflows")
            }
            let table: [UInt8]
            do { table = try memory.readBytes(at: tableAddress, count: count * Int(HostCallSegment.size)) } catch {
                throw .fault("segment table outside guest memory")
            }
            segments.reserveCapacity(count)
            for i in 0..<count {
                let base = i * Int(HostCallSegment.size)
                let gpa = HostCallHeader.le(table, base, 8)
                let length = HostCallHeader.le(table, base + 8, 8)
                do { try memory.checkRange(GuestAddress(gpa), length) } catch {
                    throw .fault("segment \(i) [\(GuestAddress(gpa)), +\(length)) outside guest memory")
                }
                let (sum, overflow) = total.addingReportingOverflow(length)
                guard !overflow, sum <= UInt64(Int32.max) else { throw .invalid("total length exceeds 2^31-1") }
                total = sum
                segments.append((GuestAddress(gpa), length))
            }
        }
        return DecodedHostCall(op: op, arg0: header.arg0, arg1: header.arg1, segments: segments, totalLength: total)
    }

    /// Copies at most `cap` bytes of the segments' contents (for short control texts:
    /// exit reasons and panic messages; never on the data path).
    static func gather(_ segments: [(GuestAddress, UInt64)], cap: Int, memory: any GuestMemoryAccess) -> [UInt8]? {
        var out: [UInt8] = []
        for (address, length) in segments where out.count < cap {
            let n = Int(min(length, UInt64(cap - out.count)))
            guard let bytes = try? memory.readBytes(at: address, count: n) else { return nil }
            out += bytes
        }
        return out
    }
}
