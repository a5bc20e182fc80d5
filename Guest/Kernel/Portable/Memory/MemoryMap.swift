#if canImport(GuestABI)
import GuestABI
#endif

/// Protection bits of a mapping (PROT_* in mman.h).
public struct Protection: OptionSet, Equatable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let read = Protection(rawValue: 1)
    public static let write = Protection(rawValue: 2)
    public static let exec = Protection(rawValue: 4)
}

/// One virtual memory area: a page-aligned range with uniform protection and backing.
public struct VMA {
    public var start: UInt64
    public var end: UInt64
    public var prot: Protection
    public var shared: Bool
    /// Backing file (page contents are read from it on first touch), or nil for anonymous.
    public var file: Inode?
    /// File offset of `start`.
    public var fileOffset: UInt64
    /// Bytes of file data from `start` (beyond it the pages are zero: ELF bss).
    public var fileBytes: UInt64
    /// Linux `[heap]`, `[stack]` and friends for /proc/self/maps.
    public var name: StaticString
    /// MAP_SHARED (area: shm): the object whose frames every mapper of this memory maps;
    /// page `i` of it sits at `fileOffset + i * 4096`. nil for private memory.
    public var pages: SharedPages?
    /// False for a shared file mapping whose descriptor was not open for writing:
    /// mprotect may not add PROT_WRITE (EACCES, mprotect(2)).
    public var mayWrite: Bool = true
    /// area: proctask: MAP_GROWSDOWN — a fault just below extends the area downward.
    public var growsDown = false

    public init(start: UInt64, end: UInt64, prot: Protection, shared: Bool = false, file: Inode? = nil,
                fileOffset: UInt64 = 0, fileBytes: UInt64 = 0, name: StaticString = "", pages: SharedPages? = nil) {
        self.start = start; self.end = end; self.prot = prot; self.shared = shared
        self.file = file; self.fileOffset = fileOffset; self.fileBytes = fileBytes; self.name = name
        self.pages = pages
    }

    /// The part of this area inside [lo, hi), with the file window adjusted.
    public func clipped(_ lo: UInt64, _ hi: UInt64) -> VMA {
        var v = self
        let s = max(start, lo), e = min(end, hi)
        let skip = s - start
        v.start = s; v.end = e
        v.fileOffset = fileOffset &+ skip
        v.fileBytes = fileBytes > skip ? fileBytes - skip : 0
        return v
    }
}

/// The set of VMAs of an address space, sorted and non-overlapping, plus the program
/// break. Pure bookkeeping: the kernel applies the page-table effects it reports.
public final class MemoryMap {
    public private(set) var areas: [VMA] = []
    public static let pageSize: UInt64 = 4096
    /// Lowest address handed out by mmap without a hint (Linux keeps the first 64 KiB free).
    public let mmapMin: UInt64 = 0x10000
    /// mmap placements go top-down from here (below the stack gap).
    public var mmapBase: UInt64
    public var brkStart: UInt64 = 0
    public var brkCurrent: UInt64 = 0

    public init(mmapBase: UInt64) { self.mmapBase = mmapBase }

    /// An independent copy (fork): same areas, same break.
    public func copy() -> MemoryMap {
        let m = MemoryMap(mmapBase: mmapBase)
        m.areas = areas
        m.brkStart = brkStart
        m.brkCurrent = brkCurrent
        return m
    }

    public static func pageUp(_ v: UInt64) -> UInt64? {
        let (r, o) = v.addingReportingOverflow(pageSize - 1)
        return o ? nil : r & ~(pageSize - 1)
    }

    public func find(_ address: UInt64) -> VMA? {
        for a in areas where address >= a.start && address < a.end { return a }
        return nil
    }

    /// True if no area intersects [start, end).
    public func isFree(_ start: UInt64, _ end: UInt64) -> Bool {
        for a in areas where a.start < end && start < a.end { return false }
        return true
    }

    /// A free range of `length` bytes, top-down below `mmapBase`.
    public func findFree(length: UInt64) -> UInt64? {
        var candidateEnd = mmapBase
        for a in areas.reversed() {
            if a.start >= candidateEnd { continue }
            if a.end <= candidateEnd, candidateEnd - a.end >= length { return candidateEnd - length }
            candidateEnd = min(candidateEnd, a.start)
        }
        return candidateEnd >= mmapMin + length ? candidateEnd - length : nil
    }

    /// Removes [start, end) from every area, splitting where needed. Returns the
    /// removed pieces (whose pages the caller must unmap).
    @discardableResult
    public func remove(_ start: UInt64, _ end: UInt64) -> [VMA] {
        var kept: [VMA] = []
        var removed: [VMA] = []
        for a in areas {
            if a.end <= start || a.start >= end { kept.append(a); continue }
            if a.start < start { kept.append(a.clipped(a.start, start)) }
            removed.append(a.clipped(start, end))
            if a.end > end { kept.append(a.clipped(end, a.end)) }
        }
        areas = kept
        return removed
    }

    // --- area: proctask: MAP_GROWSDOWN ---
    /// How far below a MAP_GROWSDOWN area an access may be and still grow it.
    public static let growsDownReach: UInt64 = 64 << 10

    /// Extends the MAP_GROWSDOWN area just above `address` down to its page, if the
    /// access is within `growsDownReach` of the area's start, the new range overlaps no
    /// other area, and the grown area is at most `limit` bytes (RLIMIT_STACK). Returns
    /// the grown area, nil if the access is not a stack growth.
    public func growDown(to address: UInt64, limit: UInt64) -> VMA? {
        guard let i = areas.firstIndex(where: { $0.end > address }), areas[i].start > address,
              areas[i].growsDown, areas[i].file == nil, areas[i].pages == nil else { return nil }
        let a = areas[i]
        let newStart = address & ~(MemoryMap.pageSize - 1)
        guard a.start - address <= MemoryMap.growsDownReach, newStart >= mmapMin,
              a.end - newStart <= limit else { return nil }
        if i > 0 && areas[i - 1].end > newStart { return nil }
        areas[i].start = newStart
        return areas[i]
    }
    // --- end proctask ---

    /// Inserts an area (the range must be free; callers remove first for MAP_FIXED).
    public func insert(_ vma: VMA) {
        var i = 0
        while i < areas.count && areas[i].start < vma.start { i += 1 }
        areas.insert(vma, at: i)
    }

    /// Changes protection over [start, end). ENOMEM if part of the range is unmapped
    /// (mprotect(2)). Returns the affected pieces with their new protection.
    public func protect(_ start: UInt64, _ end: UInt64, _ prot: Protection) throws(Errno) -> [VMA] {
        guard covered(start, end) else { throw .ENOMEM }
        if prot.contains(.write) {
            for a in areas where a.start < end && start < a.end && !a.mayWrite { throw .EACCES }
        }
        var pieces = remove(start, end)
        for i in pieces.indices { pieces[i].prot = prot; insert(pieces[i]) }
        return pieces
    }

    /// True if [start, end) is entirely inside areas.
    public func covered(_ start: UInt64, _ end: UInt64) -> Bool {
        var cursor = start
        for a in areas where a.end > cursor && a.start < end {
            if a.start > cursor { return false }
            cursor = a.end
            if cursor >= end { return true }
        }
        return cursor >= end
    }
}
