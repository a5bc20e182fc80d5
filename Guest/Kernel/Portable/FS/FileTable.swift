#if canImport(GuestABI)
import GuestABI
#endif

/// The descriptor table: descriptor → (open file description, FD_CLOEXEC).
public final class FileTable {
    struct Slot {
        var file: OpenFile
        var closeOnExec: Bool
    }

    var slots: [Slot?] = []
    /// RLIMIT_NOFILE.
    public var limit: Int = VFSLimits.openFiles

    public init() {}

    public func get(_ fd: Int32) throws(Errno) -> OpenFile {
        guard fd >= 0, Int(fd) < slots.count, let slot = slots[Int(fd)] else { throw .EBADF }
        return slot.file
    }

    public func isOpen(_ fd: Int32) -> Bool { (try? get(fd)) != nil }

    /// Installs `file` at the lowest free descriptor ≥ `minimum` (EMFILE at the limit).
    @discardableResult
    public func install(_ file: OpenFile, closeOnExec: Bool, minimum: Int32 = 0) throws(Errno) -> Int32 {
        guard minimum >= 0 else { throw .EINVAL }
        var fd = Int(minimum)
        while fd < slots.count && slots[fd] != nil { fd += 1 }
        guard fd < limit else { throw .EMFILE }
        // area: audit: a new descriptor (and the object behind it) needs kernel heap:
        // ENFILE, the system-wide table being full, once the heap is down to its reserve.
        if let platform = SharedPages.platform, platform.memoryLow() { throw .ENFILE }
        try install(file, at: Int32(fd), closeOnExec: closeOnExec)
        return Int32(fd)
    }

    /// Installs `file` at exactly `fd`, closing what was there (dup2 semantics).
    public func install(_ file: OpenFile, at fd: Int32, closeOnExec: Bool) throws(Errno) {
        guard fd >= 0, Int(fd) < limit else { throw .EBADF }
        // area: audit: a high descriptor (RLIMIT_NOFILE up to 1<<20) grows the table to
        // it; like Linux's expand_files, ENOMEM when the kernel heap cannot hold that.
        if Int(fd) >= slots.count, Int(fd) >= 1024, let platform = SharedPages.platform,
           !platform.heapCanTake(UInt64(Int(fd) + 1) * UInt64(MemoryLayout<Slot?>.stride) * 2) { throw .ENOMEM }
        while slots.count <= Int(fd) { slots.append(nil) }
        file.retain()
        let old = slots[Int(fd)]
        slots[Int(fd)] = Slot(file: file, closeOnExec: closeOnExec)
        old?.file.releaseDescriptor()
    }

    public func close(_ fd: Int32) throws(Errno) {
        let file = try get(fd)
        slots[Int(fd)] = nil
        while let last = slots.last, last == nil { slots.removeLast() }
        file.releaseDescriptor()
    }

    public func closeOnExec(_ fd: Int32) throws(Errno) -> Bool {
        _ = try get(fd)
        return slots[Int(fd)]!.closeOnExec
    }

    public func setCloseOnExec(_ fd: Int32, _ value: Bool) throws(Errno) {
        _ = try get(fd)
        slots[Int(fd)]!.closeOnExec = value
    }

    /// Open descriptors in increasing order.
    public var openDescriptors: [Int32] {
        var out: [Int32] = []
        for i in slots.indices where slots[i] != nil { out.append(Int32(i)) }
        return out
    }

    /// execve: close every FD_CLOEXEC descriptor.
    public func closeAllOnExec() {
        for fd in openDescriptors where slots[Int(fd)]!.closeOnExec { try? close(fd) }
    }

    /// area: audit: kernel heap bytes a copy of the table takes.
    public var tableBytes: UInt64 { UInt64(slots.count) * UInt64(MemoryLayout<Slot?>.stride) }

    /// fork without CLONE_FILES: a new table sharing the open file descriptions.
    public func duplicate() -> FileTable {
        let copy = FileTable()
        copy.limit = limit
        // area: audit: an eager copy (the caller checked `tableBytes` fit in the heap):
        // a shared buffer would be copied later, by whichever side changes a descriptor
        // first, at a point that cannot fail.
        copy.slots.reserveCapacity(slots.count)
        copy.slots.append(contentsOf: slots)
        for slot in slots { slot?.file.retain() }
        return copy
    }
}
