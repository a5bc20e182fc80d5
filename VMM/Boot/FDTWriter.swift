import CFDT

/// A thin typed wrapper over libfdt's sequential-write API (libfdt.h, "Sequential
/// write functions"). All pointer work on the buffer is here.
struct FDTWriter {
    private var buffer: [UInt8]
    private let limit: UInt64

    /// Smallest buffer worth handing to libfdt (header + reserve map terminator).
    static let minimumCapacity: UInt64 = 64

    init(capacity: UInt64) throws(DeviceTreeError) {
        limit = capacity
        guard capacity >= Self.minimumCapacity else { throw .tooLarge(limit: capacity) }
        // libfdt sizes are Int32; a larger limit is simply more than any tree needs.
        let usable = min(capacity, UInt64(Int32.max))
        buffer = [UInt8](repeating: 0, count: Int(usable))
        try call { fdt in fdt_create(fdt, Int32(usable)) }
        try call { fdt in fdt_finish_reservemap(fdt) }
    }

    mutating func beginNode(_ name: String) throws(DeviceTreeError) {
        try call { fdt in fdt_begin_node(fdt, name) }
    }

    mutating func endNode() throws(DeviceTreeError) {
        try call { fdt in fdt_end_node(fdt) }
    }

    /// A property with exactly these value bytes (possibly none).
    mutating func property(_ name: String, bytes: [UInt8]) throws(DeviceTreeError) {
        try call { fdt in
            // SAFETY: libfdt copies `count` bytes from the pointer before returning.
            bytes.withUnsafeBytes { v in fdt_property(fdt, name, v.baseAddress, Int32(v.count)) }
        }
    }

    /// Big-endian 32-bit cells, as every FDT integer is stored.
    mutating func property(_ name: String, cells: [UInt32]) throws(DeviceTreeError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(cells.count * 4)
        for c in cells { for s in [24, 16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: c >> UInt32(s))) } }
        try property(name, bytes: bytes)
    }

    mutating func property(_ name: String, u32: UInt32) throws(DeviceTreeError) {
        try property(name, cells: [u32])
    }

    /// A u64 as two cells, high word first.
    mutating func property(_ name: String, u64: UInt64) throws(DeviceTreeError) {
        try property(name, cells: [UInt32(truncatingIfNeeded: u64 >> 32), UInt32(truncatingIfNeeded: u64)])
    }

    /// NUL-separated strings with a final NUL (`compatible` style). A single string is
    /// a one-element list. The exact UTF-8 bytes are kept; an inner NUL is an error.
    mutating func property(_ name: String, strings: [String]) throws(DeviceTreeError) {
        var bytes: [UInt8] = []
        for s in strings {
            let utf8 = Array(s.utf8)
            guard !utf8.contains(0) else { throw .stringContainsNUL(property: name) }
            bytes += utf8
            bytes.append(0)
        }
        try property(name, bytes: bytes)
    }

    /// Finishes the tree and returns exactly `totalsize` bytes.
    consuming func finish() throws(DeviceTreeError) -> [UInt8] {
        try call { fdt in fdt_finish(fdt) }
        // SAFETY: after a successful fdt_finish the header is valid and totalsize is
        // at most the buffer length libfdt was given.
        let total = buffer.withUnsafeBytes { b in Int(cfdt_totalsize(b.baseAddress)) }
        precondition(total <= buffer.count, "libfdt reported a tree larger than its buffer")
        return Array(buffer[0..<total])
    }

    private mutating func call(_ body: (UnsafeMutableRawPointer) -> Int32) throws(DeviceTreeError) {
        // SAFETY: the buffer is never resized, so libfdt's in-buffer state stays valid
        // across calls; the pointer does not escape `body`.
        let rc = buffer.withUnsafeMutableBytes { b in body(b.baseAddress!) }
        guard rc < 0 else { return }
        if rc == -FDT_ERR_NOSPACE { throw .tooLarge(limit: limit) }
        throw .libfdt(code: rc, message: String(cString: fdt_strerror(rc)))
    }
}
