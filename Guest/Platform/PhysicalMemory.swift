import KernelASM

/// Page-table entry bits (Intel SDM Vol. 3 §4.5).
enum PTE {
    static let present: UInt64 = 1 << 0
    static let writable: UInt64 = 1 << 1
    static let user: UInt64 = 1 << 2
    static let huge: UInt64 = 1 << 7
    static let noExecute: UInt64 = 1 << 63
    /// Software bit in a non-present entry: the page exists but is PROT_NONE, so its
    /// frame stays in the entry (hardware ignores every bit of a non-present entry).
    static let protNone: UInt64 = 1 << 9
    /// Software bit (area: shm): the frame belongs to a MAP_SHARED object, so fork keeps
    /// it writable in both address spaces instead of copy-on-write.
    static let sharedPage: UInt64 = 1 << 10
    static let addressMask: UInt64 = 0x000f_ffff_ffff_f000
}

/// Guest-physical memory as the kernel sees it: everything through the direct map.
enum Phys {
    @inline(__always) static func virt(_ pa: UInt64) -> UInt64 { BootLayout.directMapBase &+ pa }
    @inline(__always) static func phys(_ va: UInt64) -> UInt64 { va &- BootLayout.directMapBase }
    @inline(__always) static func pointer(_ pa: UInt64) -> UnsafeMutableRawPointer {
        // SAFETY: callers pass physical addresses of RAM owned by the kernel.
        UnsafeMutableRawPointer(bitPattern: UInt(virt(pa)))!
    }
}

/// Physical page frames. Frames come from the top of free RAM downwards while the
/// kernel heap (rt.c) grows upwards from the kernel image; each frame taken lowers the
/// heap's limit, so neither side needs a fixed share. Freed frames go on a stack whose
/// links live in the free frames themselves.
enum Frames {
    nonisolated(unsafe) static var top: UInt64 = 0
    nonisolated(unsafe) static var freeList: UInt64 = 0
    nonisolated(unsafe) static var freeCount: UInt64 = 0
    nonisolated(unsafe) static var total: UInt64 = 0
    nonisolated(unsafe) static var inUse: UInt64 = 0
    /// Keep this much between the heap break and the frames, so the heap can grow.
    static let heapReserve: UInt64 = 4 << 20

    static func initialize(top: UInt64, bottom: UInt64) {
        self.top = top & ~0xfff
        self.total = (self.top - bottom) / 4096
        self.bottom = bottom
        k_heap_set_limit(Phys.virt(self.top))
        prepareReserve()                                  // area: shm
    }

    /// A zeroed 4 KiB frame, or nil when memory is exhausted (callers return ENOMEM).
    static func allocate() -> UInt64? {
        var pa: UInt64
        if freeList != 0 {
            pa = freeList
            freeList = k_load64(Phys.virt(pa))
            freeCount -= 1
        } else if top >= Phys.phys(k_heap_break()) + heapReserve + 4096 {
            top -= 4096
            pa = top
            k_heap_set_limit(Phys.virt(top))
        } else if let old = takeOldestTable() {
            pa = old
        } else {
            lastAllocationFailed = true; return nil
        }
        k_zero(Phys.virt(pa), 4096)
        inUse += 1
        lastAllocationFailed = false
        return pa
    }

    static func free(_ pa: UInt64) {
        if let i = shareIndex(pa), sharers![i] > 0 { sharers![i] -= 1; return }   // copy-on-write: others still map it
        k_store64(Phys.virt(pa), freeList)
        freeList = pa
        freeCount += 1
        inUse -= 1
    }

    // --- copy-on-write fork (area: timers) ---
    nonisolated(unsafe) static var bottom: UInt64 = 0
    /// Per frame, how many address spaces map it besides its first owner (fork shares
    /// pages read-only). 0 for every frame not shared; allocated at the first fork.
    nonisolated(unsafe) static var sharers: UnsafeMutablePointer<UInt16>? = nil

    static func shareIndex(_ pa: UInt64) -> Int? {
        guard sharers != nil, pa >= bottom else { return nil }
        let i = (pa - bottom) >> 12
        return i < total ? Int(i) : nil
    }

    /// One more address space maps `pa`. False if the count would overflow (then copy).
    static func share(_ pa: UInt64) -> Bool {
        if sharers == nil {
            let p = UnsafeMutablePointer<UInt16>.allocate(capacity: Int(total))
            p.initialize(repeating: 0, count: Int(total))
            sharers = p
        }
        guard let i = shareIndex(pa), sharers![i] < UInt16.max else { return false }
        sharers![i] += 1
        return true
    }

    static func isShared(_ pa: UInt64) -> Bool {
        guard let i = shareIndex(pa) else { return false }
        return sharers![i] > 0
    }
    // --- end copy-on-write ---

    static var freeBytes: UInt64 {
        let heapBreak = Phys.phys(k_heap_break())
        let gap = top > heapBreak + heapReserve ? top - heapBreak - heapReserve : 0
        return gap + (freeCount + tableCount) * 4096
    }

    // --- area: perf (page-table frame quarantine) ---
    // Measured on the PVM host (shadow paging): the first writes to a frame that was
    // recently a page table trap, since the hypervisor still write-protects it as a
    // shadowed table until it gives up on it; zeroing such a frame cost 16-26 µs against
    // 0.2 µs for any other frame, and fork+exit (or exec) recycled 8-16 of them each
    // time through the LIFO free list. Freed table frames therefore wait in a FIFO of
    // `tableQuarantine` frames (neither written nor handed out) before they rejoin the
    // free list; by then the hypervisor has usually recycled their shadow pages. The
    // frames still count as free, and are handed out directly when nothing else is left.
    static let tableQuarantine = 1024
    nonisolated(unsafe) static var tableRing: UnsafeMutablePointer<UInt64>? = nil
    nonisolated(unsafe) static var tableHead = 0
    nonisolated(unsafe) static var tableCount: UInt64 = 0

    /// Frees a frame that held a page table (see above).
    static func freeTable(_ pa: UInt64) {
        if let i = shareIndex(pa), sharers![i] > 0 { sharers![i] -= 1; return }
        if tableRing == nil {
            let ring = UnsafeMutablePointer<UInt64>.allocate(capacity: tableQuarantine)
            ring.initialize(repeating: 0, count: tableQuarantine)
            tableRing = ring
        }
        let ring = tableRing!
        if Int(tableCount) == tableQuarantine {                 // the oldest rejoins the free list
            let oldest = ring[tableHead]
            tableHead = (tableHead + 1) % tableQuarantine
            tableCount -= 1
            k_store64(Phys.virt(oldest), freeList)
            freeList = oldest
            freeCount += 1
        }
        ring[(tableHead + Int(tableCount)) % tableQuarantine] = pa
        tableCount += 1
        inUse -= 1
    }

    private static func takeOldestTable() -> UInt64? {
        guard tableCount > 0, let ring = tableRing else { return nil }
        let pa = ring[tableHead]
        tableHead = (tableHead + 1) % tableQuarantine
        tableCount -= 1
        return pa
    }
    // --- end perf ---
}

/// 4-level page tables. `root` is the address space loaded in CR3; every operation
/// without an explicit root works on it. The kernel window's PML4 slot is shared by all
/// address spaces (copied from the VMM's boot PML4); user mappings sit below it.
enum PageTables {
    nonisolated(unsafe) static var root: UInt64 = BootLayout.bootPML4

    @inline(__always) static func entry(_ table: UInt64, _ index: UInt64) -> UInt64 {
        Phys.virt(table) &+ index &* 8
    }

    /// The leaf entry's virtual address for `va`, creating tables when `create`.
    static func leaf(_ va: UInt64, create: Bool, in tableRoot: UInt64? = nil) -> UInt64? {
        var table = tableRoot ?? root
        var shift: UInt64 = 39
        while shift > 12 {
            let e = entry(table, (va >> shift) & 511)
            var v = k_load64(e)
            if v & PTE.present == 0 {
                guard create, let frame = Frames.allocate() else { return nil }
                // Intermediate user entries are permissive; the leaf decides.
                v = frame | PTE.present | PTE.writable | PTE.user
                k_store64(e, v)
            } else if v & PTE.huge != 0 {
                return nil   // user space never uses large pages
            }
            table = v & PTE.addressMask
            shift -= 9
        }
        return entry(table, (va >> 12) & 511)
    }

    /// Physical address and flags mapped at `va`, if any.
    static func lookup(_ va: UInt64) -> (UInt64, UInt64)? {
        guard va < BootLayout.userLimit, let e = leaf(va, create: false) else { return nil }
        let v = k_load64(e)
        guard v & PTE.present != 0 else { return nil }
        return (v & PTE.addressMask, v & ~PTE.addressMask)
    }

    static func flags(writable: Bool, executable: Bool) -> UInt64 {
        PTE.present | PTE.user | (writable ? PTE.writable : 0) | (executable ? 0 : PTE.noExecute)
    }

    /// Maps one user page; the frame becomes owned by the page table.
    static func map(_ va: UInt64, frame: UInt64, flags: UInt64) -> Bool {
        guard let e = leaf(va, create: true) else { return false }
        k_store64(e, frame | flags)
        return true
    }

    /// Removes a mapping and frees its frame. Returns whether one existed.
    @discardableResult
    static func unmap(_ va: UInt64) -> Bool {
        guard let e = leaf(va, create: false) else { return false }
        let v = k_load64(e)
        guard v & (PTE.present | PTE.protNone) != 0 else { return false }
        k_store64(e, 0)
        Frames.free(v & PTE.addressMask)
        if v & PTE.present != 0 { k_invlpg(va) }
        return true
    }

    /// Changes the flags of an existing page; `flags` without `present` makes it a
    /// PROT_NONE page that keeps its frame. Returns whether a present entry changed,
    /// which then needs a TLB flush: done here unless `flush` is false (area: perf).
    @discardableResult
    static func protect(_ va: UInt64, flags: UInt64, flush: Bool = true) -> Bool {
        guard let e = leaf(va, create: false) else { return false }
        let v = k_load64(e)
        guard v & (PTE.present | PTE.protNone) != 0 else { return false }
        var newFlags = flags & PTE.present != 0 ? flags : PTE.protNone
        // A frame shared by copy-on-write stays read-only; the write fault copies it.
        // MAP_SHARED pages (area: shm) are meant to be shared writable.
        if v & PTE.sharedPage != 0 {
            newFlags |= PTE.sharedPage
        } else if newFlags & PTE.writable != 0 && Frames.isShared(v & PTE.addressMask) {
            newFlags &= ~PTE.writable
        }
        let nv = (v & PTE.addressMask) | newFlags
        guard nv != v else { return false }
        k_store64(e, nv)
        if v & PTE.present != 0 && flush { k_invlpg(va) }
        return v & PTE.present != 0
    }

    /// True if a PROT_NONE page is parked at `va`.
    static func isProtNone(_ va: UInt64) -> Bool {
        guard let e = leaf(va, create: false) else { return false }
        return k_load64(e) & PTE.protNone != 0
    }
}
