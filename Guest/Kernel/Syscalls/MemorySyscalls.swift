/// brk, mmap, munmap, mprotect, madvise (mmap(2), brk(2) semantics). The VMA
/// bookkeeping is the portable `MemoryMap`; pages appear on first touch.
extension Process {
    static let mapShared: UInt64 = 0x01, mapPrivate: UInt64 = 0x02, mapSharedValidate: UInt64 = 0x03
    static let mapFixed: UInt64 = 0x10, mapAnonymous: UInt64 = 0x20
    static let mapFixedNoReplace: UInt64 = 0x100000
    static let knownMapFlags: UInt64 = 0x03 | 0x10 | 0x20 | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x80000 | 0x100000 | 0xfc00_0000

    var space: UserSpace { Scheduler.current.space }

    /// The inode behind a file mapping: EBADF for a bad fd, EACCES unless it was opened
    /// for reading, ENODEV for things that are not regular files (pipes, devices).
    func mmapFile(fd: Int32) throws(Errno) -> Inode {
        let file = try files.get(fd)
        guard file.isReadable else { throw .EACCES }
        guard let inode = file.inode, inode.isRegularFile else { throw .ENODEV }
        return inode
    }

    func sysBrk(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let want = a.a0
        let m = memory
        // Linux returns the current break on failure rather than an error.
        guard want >= m.brkStart, want < BootLayout.userLimit,
              let newEnd = MemoryMap.pageUp(want), let oldEnd = MemoryMap.pageUp(m.brkCurrent) else { return m.brkCurrent }
        if newEnd > oldEnd {
            guard (try? checkMemoryLimits(adding: newEnd - oldEnd, data: newEnd - oldEnd)) != nil else { return m.brkCurrent }   // area: limits
            guard m.isFree(oldEnd, newEnd) else { return m.brkCurrent }
            m.remove(m.brkStart, oldEnd)
            if newEnd > m.brkStart {
                m.insert(VMA(start: m.brkStart, end: newEnd, prot: [.read, .write], name: "[heap]"))
            }
        } else if newEnd < oldEnd {
            for piece in m.remove(newEnd, oldEnd) { space.unmapPages(piece.start, piece.end) }
        }
        m.brkCurrent = want
        return want
    }

    func sysMmap(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let addr = a.a0, length = a.a1, prot = a.a2, flags = a.a3, fd = a.a4.asInt32, offset = a.a5
        guard length > 0 else { throw .EINVAL }
        guard let len = MemoryMap.pageUp(length) else { throw .ENOMEM }  // area: audit: do_mmap's PAGE_ALIGN wrap
        guard offset & 0xfff == 0 else { throw .EINVAL }
        guard prot & ~7 == 0 else { throw .EINVAL }
        let type = flags & 0x03
        guard type == Process.mapPrivate || type == Process.mapShared || type == Process.mapSharedValidate else { throw .EINVAL }
        if type == Process.mapSharedValidate && flags & ~Process.knownMapFlags != 0 { throw .EOPNOTSUPP }
        var file: Inode? = nil
        var fileBytes: UInt64 = 0
        var mayWrite = true
        if flags & Process.mapAnonymous == 0 {
            file = try mmapFile(fd: fd)
            let writable = try files.get(fd).isWritable
            let size = file!.size
            fileBytes = offset < size ? size - offset : 0
            // A writable shared mapping writes to the file: it must be open for writing.
            if type != Process.mapPrivate && prot & 2 != 0 && !writable { throw .EACCES }
            mayWrite = type == Process.mapPrivate || writable
        }
        // MAP_SHARED (area: shm): the pages live in a shared object, the file's page
        // cache or a new anonymous one, which fork passes on with the VMA.
        var pages: SharedPages? = nil
        if type != Process.mapPrivate {
            pages = file?.sharedPages() ?? SharedPages(pageLimit: len >> 12)
        }
        let fixed = flags & (Process.mapFixed | Process.mapFixedNoReplace) != 0
        try checkMemoryLimits(adding: len, data: prot & 2 != 0 && type == Process.mapPrivate ? len : 0,   // area: limits
                              freeing: fixed ? addr : 0, fixed ? addr &+ len : 0)
        var start: UInt64
        if fixed {
            guard addr & 0xfff == 0 else { throw .EINVAL }
            let (end, o) = addr.addingReportingOverflow(len)
            guard !o, end <= BootLayout.userLimit, addr >= memory.mmapMin else { throw .ENOMEM }
            if flags & Process.mapFixedNoReplace != 0 && !memory.isFree(addr, end) { throw .EEXIST }
            try checkAreaRoom(addr, end, new: 1)                            // area: audit
            start = addr
            for piece in memory.remove(start, end) { space.unmapPages(piece.start, piece.end) }
        } else if addr != 0, addr & 0xfff == 0, addr >= memory.mmapMin,
                  addr <= BootLayout.userLimit - len, memory.isFree(addr, addr + len) {
            start = addr                                   // the hint is free: honour it
        } else {
            guard let s = memory.findFree(length: len) else { throw .ENOMEM }
            start = s
        }
        if !fixed { try checkAreaRoom(start, start, new: 1) }               // area: audit
        var vma = VMA(start: start, end: start + len, prot: Protection(rawValue: UInt32(prot)),
                      shared: type != Process.mapPrivate, file: file, fileOffset: offset, fileBytes: fileBytes,
                      pages: pages)
        vma.mayWrite = mayWrite
        vma.growsDown = flags & 0x100 != 0 && file == nil && pages == nil   // area: proctask: MAP_GROWSDOWN
        memory.insert(vma)
        if flags & 0x8000 != 0 {                           // MAP_POPULATE
            var va = start
            while va < start + len {
                if space.fault(va, write: false, execute: false) == .outOfMemory {   // area: shm
                    for piece in memory.remove(start, start + len) { space.unmapPages(piece.start, piece.end) }
                    throw .ENOMEM
                }
                va += 4096
            }
        }
        return start
    }

    /// area: audit: vm.max_map_count (ENOMEM past it, as Linux) and kernel heap room for
    /// the area list, which every change rebuilds (and fork shares until the first).
    static let maxMapCount = 65530

    func checkAreaRoom(_ start: UInt64, _ end: UInt64, new: Int) throws(Errno) {
        let n = memory.areas.count
        guard n > 256 else { return }
        var extra = new
        for a in memory.areas where (a.start < start && start < a.end) || (a.start < end && end < a.end) { extra += 1 }
        if extra > 0 && n + extra > Process.maxMapCount { throw .ENOMEM }
        guard Frames.heapCanTake(UInt64(n + extra) * UInt64(MemoryLayout<VMA>.stride) * 3) else { throw .ENOMEM }
    }

    func sysMunmap(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a0 & 0xfff == 0, a.a1 > 0, let len = MemoryMap.pageUp(a.a1) else { throw .EINVAL }
        let (end, o) = a.a0.addingReportingOverflow(len)
        guard !o, end <= BootLayout.userLimit else { throw .EINVAL }
        try checkAreaRoom(a.a0, end, new: 0)                                // area: audit
        for piece in memory.remove(a.a0, end) { space.unmapPages(piece.start, piece.end) }
        return 0
    }

    func sysMprotect(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a0 & 0xfff == 0 else { throw .EINVAL }
        guard a.a2 & ~UInt64(7 | 0x0100_0000 | 0x0200_0000) == 0 else { throw .EINVAL }   // + PROT_GROWSDOWN/UP
        guard let len = MemoryMap.pageUp(a.a1) else { throw .ENOMEM }
        if len == 0 { return 0 }
        let (end, o) = a.a0.addingReportingOverflow(len)
        guard !o, end <= BootLayout.userLimit else { throw .ENOMEM }
        let prot = Protection(rawValue: UInt32(a.a2 & 7))
        try checkAreaRoom(a.a0, end, new: 0)                                // area: audit
        for piece in try memory.protect(a.a0, end, prot) { space.protectPages(piece.start, piece.end, prot) }
        return 0
    }

    /// mremap(2): MREMAP_MAYMOVE 1, MREMAP_FIXED 2, MREMAP_DONTUNMAP 4 (not supported).
    /// Growing moves page-table entries, never page contents.
    func sysMremap(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let old = a.a0, flags = a.a3, fixedAddress = a.a4
        guard old & 0xfff == 0, flags & ~UInt64(3) == 0 else { throw .EINVAL }
        guard flags & 2 == 0 || flags & 1 != 0 else { throw .EINVAL }
        guard let oldLen = MemoryMap.pageUp(a.a1), let newLen = MemoryMap.pageUp(a.a2), newLen > 0 else { throw .EINVAL }
        guard let vma = memory.find(old), old &+ oldLen <= vma.end, oldLen > 0 else { throw .EFAULT }
        if newLen > oldLen { try checkMemoryLimits(adding: newLen - oldLen, data: Process.isData(vma) ? newLen - oldLen : 0) }   // area: limits
        try checkAreaRoom(old, old &+ oldLen, new: 1)                       // area: audit
        if flags & 2 == 0 {
            if newLen <= oldLen {
                for piece in memory.remove(old + newLen, old + oldLen) { space.unmapPages(piece.start, piece.end) }
                return old
            }
            // Grow in place when the addresses after the area are free.
            let (end, o) = old.addingReportingOverflow(newLen)
            if !o, end <= BootLayout.userLimit, old + oldLen == vma.end, memory.isFree(old + oldLen, end) {
                memory.remove(vma.start, vma.end)
                var grown = vma
                grown.end = end
                memory.insert(grown)
                return old
            }
            guard flags & 1 != 0 else { throw .ENOMEM }
        }
        let target: UInt64
        if flags & 2 != 0 {
            guard fixedAddress & 0xfff == 0 else { throw .EINVAL }
            let (end, o) = fixedAddress.addingReportingOverflow(newLen)
            guard !o, end <= BootLayout.userLimit else { throw .EINVAL }
            guard end <= old || fixedAddress >= old + oldLen else { throw .EINVAL }   // no overlap
            for piece in memory.remove(fixedAddress, end) { space.unmapPages(piece.start, piece.end) }
            target = fixedAddress
        } else {
            guard let t = memory.findFree(length: newLen) else { throw .ENOMEM }
            target = t
        }
        let moved = min(oldLen, newLen)
        var area = vma.clipped(old, old + oldLen)
        memory.remove(old, old + oldLen)
        guard space.movePages(from: old, to: target, length: moved) else { throw .ENOMEM }
        if oldLen > newLen { space.unmapPages(old + newLen, old + oldLen) }
        area.start = target
        area.end = target + newLen
        memory.insert(area)
        return target
    }

    /// msync(2) (area: shm): shared mappings are the page cache itself, so there is
    /// nothing to write back; the flags and range are still checked (EINVAL, ENOMEM).
    func sysMsync(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = a.a2
        guard a.a0 & 0xfff == 0, flags & ~UInt64(7) == 0, flags & 5 != 5 else { throw .EINVAL }   // MS_ASYNC|MS_SYNC
        guard let len = MemoryMap.pageUp(a.a1) else { throw .ENOMEM }
        let (end, o) = a.a0.addingReportingOverflow(len)
        guard !o, end <= BootLayout.userLimit, memory.covered(a.a0, end) else { throw .ENOMEM }
        return 0
    }

    /// mincore(2): one byte per page, bit 0 set when the page is resident. EINVAL for an
    /// unaligned start, ENOMEM when part of the range is not mapped.
    func sysMincore(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a0 & 0xfff == 0 else { throw .EINVAL }
        guard let len = MemoryMap.pageUp(a.a1) else { throw .ENOMEM }
        let (end, o) = a.a0.addingReportingOverflow(len)
        guard !o, end <= BootLayout.userLimit, memory.covered(a.a0, end) else { throw .ENOMEM }
        // In chunks (area: shm): the kernel heap never holds a vector the size the
        // program asked for.
        let pages = len / 4096
        var vec = [UInt8](repeating: 0, count: 4096)
        var done: UInt64 = 0
        while done < pages {
            let n = Int(min(4096, pages - done))
            for i in 0..<n { vec[i] = PageTables.lookup(a.a0 + (done + UInt64(i)) * 4096) != nil ? 1 : 0 }
            try user.copyOut(n == vec.count ? vec : Array(vec[0..<n]), to: a.a2 &+ done)
            done += UInt64(n)
        }
        return 0
    }

    /// madvise(2): MADV_DONTNEED (4) drops private anonymous pages, so they read back
    /// as zero (or as the file for file mappings); other advice is accepted and ignored.
    func sysMadvise(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a0 & 0xfff == 0 else { throw .EINVAL }
        guard let len = MemoryMap.pageUp(a.a1) else { throw .EINVAL }
        let (end, o) = a.a0.addingReportingOverflow(len)
        guard !o else { throw .EINVAL }
        switch a.a2 {
        case 4, 8, 9:                                      // DONTNEED, FREE, REMOVE
            guard memory.covered(a.a0, end) else { throw .ENOMEM }
            space.unmapPages(a.a0, end)
        case 0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 100, 101, 102:
            break
        default:
            throw .EINVAL
        }
        return 0
    }
}
