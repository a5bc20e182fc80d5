import KernelASM

/// The program's address space as seen from the kernel: copy-in/copy-out through the
/// page tables (never by dereferencing a user pointer, so a bad pointer is EFAULT and
/// not a kernel fault), and demand paging from the VMAs.
final class UserSpace: UserMemory {
    var map: MemoryMap
    /// The PML4 of this address space. Copies and faults work on the loaded address
    /// space (CR3), which is this one whenever its process is running.
    let root: UInt64

    init(map: MemoryMap, root: UInt64) { self.map = map; self.root = root }

    /// Resolves the page of `va` for an access, faulting it in if the VMA allows.
    /// Returns the physical address of `va`.
    func resolve(_ va: UInt64, write: Bool) -> UInt64? {
        guard va < BootLayout.userLimit else { return nil }
        if Scheduler.current?.killed == true { return nil }  // area: jobctl2: a dying thread's space may be gone
        if let (pa, flags) = PageTables.lookup(va) {
            if write && flags & PTE.writable == 0 {
                // Copy-on-write: the kernel writing for the program breaks sharing too.
                guard breakCopyOnWrite(va), let (npa, _) = PageTables.lookup(va) else { return nil }
                return npa | (va & 0xfff)
            }
            return pa | (va & 0xfff)
        }
        guard handleFault(va, write: write, execute: false) else { return nil }
        guard let (pa, _) = PageTables.lookup(va) else { return nil }
        return pa | (va & 0xfff)
    }

    func copyIn(_ buffer: UnsafeMutableRawBufferPointer, from address: UInt64) throws(Errno) {
        var done = 0
        while done < buffer.count {
            let (va, o) = address.addingReportingOverflow(UInt64(done))
            guard !o, let pa = resolve(va, write: false) else { throw .EFAULT }
            let n = min(buffer.count - done, Int(4096 - (va & 0xfff)))
            k_copy(UInt64(UInt(bitPattern: buffer.baseAddress!)) + UInt64(done), Phys.virt(pa), UInt64(n))
            done += n
        }
    }

    func copyOut(_ bytes: UnsafeRawBufferPointer, to address: UInt64) throws(Errno) {
        var done = 0
        while done < bytes.count {
            let (va, o) = address.addingReportingOverflow(UInt64(done))
            guard !o, let pa = resolve(va, write: true) else { throw .EFAULT }
            let n = min(bytes.count - done, Int(4096 - (va & 0xfff)))
            k_copy(Phys.virt(pa), UInt64(UInt(bitPattern: bytes.baseAddress!)) + UInt64(done), UInt64(n))
            done += n
        }
    }

    /// Demand paging: maps the page containing `va` if a VMA covers it with the needed
    /// permission. File-backed pages are filled from the file; the rest is zero.
    func handleFault(_ va: UInt64, write: Bool, execute: Bool) -> Bool {
        fault(va, write: write, execute: execute) == .mapped
    }

    /// Why a fault could not be resolved (area: shm): a bad access is SIGSEGV, running
    /// out of frames kills the process (Linux's OOM killer) and is ENOMEM for syscalls.
    /// `beyondObject`: a MAP_SHARED page past the end of its file or object (SIGBUS).
    enum FaultOutcome { case mapped, invalid, outOfMemory, beyondObject }

    func fault(_ va: UInt64, write: Bool, execute: Bool) -> FaultOutcome {
        guard let vma = map.find(va) ?? growStack(va) else { return .invalid }
        if write && !vma.prot.contains(.write) { return .invalid }
        if execute && !vma.prot.contains(.exec) { return .invalid }
        if !write && !execute && vma.prot.isEmpty { return .invalid }
        let page = va & ~0xfff
        if PageTables.lookup(page) != nil {                   // present: copy-on-write, or a protection fault
            guard write && vma.prot.contains(.write) else { return .invalid }
            return breakCopyOnWrite(page, faulted: true) ? .mapped : (Frames.lastAllocationFailed ? .outOfMemory : .invalid)
        }
        let flags = PageTables.flags(writable: vma.prot.contains(.write), executable: vma.prot.contains(.exec))
        if PageTables.isProtNone(page) {                      // mprotect'ed back from PROT_NONE
            PageTables.protect(page, flags: flags)
            return .mapped
        }
        if let pages = vma.pages { return faultShared(page, vma: vma, pages: pages, flags: flags) }
        var outcome = FaultOutcome.mapped
        guard let frame = privateFrame(page, vma: vma, &outcome) else { return outcome }
        guard PageTables.map(page, frame: frame, flags: flags) else { Frames.free(frame); return .outOfMemory }
        faultAround(page, vma: vma, flags: flags)
        return .mapped
    }

    /// area: proctask: a MAP_GROWSDOWN area grows down to a fault just below it, within
    /// the caller's RLIMIT_STACK.
    private func growStack(_ va: UInt64) -> VMA? {
        guard let task = Scheduler.current else { return nil }
        return map.growDown(to: va, limit: task.process.limits.soft[ResourceLimits.stack])
    }

    /// A fresh frame holding the contents of private page `page` of `vma`: zero, or the
    /// file's bytes (zero past `fileBytes`: ELF bss). nil with `outcome` set on failure.
    private func privateFrame(_ page: UInt64, vma: VMA, _ outcome: inout FaultOutcome) -> UInt64? {
        guard let frame = Frames.allocate() else { outcome = .outOfMemory; return nil }
        if let file = vma.file {
            let offsetInArea = page - vma.start
            if offsetInArea < vma.fileBytes {
                let n = Int(min(4096, vma.fileBytes - offsetInArea))
                let dst = UnsafeMutableRawBufferPointer(start: Phys.pointer(frame), count: n)
                do throws(Errno) { _ = try file.read(at: vma.fileOffset + offsetInArea, into: dst) } catch {
                    Frames.free(frame); outcome = .invalid; return nil
                }
            }
        }
        return frame
    }

    // --- area: perf (fault-around) ---
    /// Pages mapped per fault-around window (64 KiB, Linux's fault_around_bytes).
    static let faultAroundPages: UInt64 = 16
    /// Fault-around stays off when free memory falls below this.
    static let faultAroundReserve: UInt64 = 16 << 20
    /// The anonymous pages the last fault mapped, [windowStart, windowEnd): a fault right
    /// after (or right before) it is a sequential walk.
    private var windowStart: UInt64 = 0
    private var windowEnd: UInt64 = 0

    /// Each user page fault costs ~16 µs under PVM (facts/pvm.md §3.7), far more than
    /// zeroing or copying a page, so a fault maps some neighbours of `page` too, all in
    /// the same private VMA and the same page table, never over an existing entry:
    /// - file-backed private memory (program text and data, private file mappings):
    ///   the aligned 64 KiB window around the fault, as Linux's fault-around does for
    ///   file pages;
    /// - anonymous memory: only when the faults walk it sequentially (this fault is
    ///   the page just past, or just before, the previous fault's window), the next 15
    ///   pages in that direction. A single touch maps a single page, so sparse use
    ///   (and mincore) sees what it touched.
    private func faultAround(_ page: UInt64, vma: VMA, flags: UInt64) {
        let window = UserSpace.faultAroundPages * 4096
        var lo: UInt64, hi: UInt64
        if vma.file != nil {
            lo = page & ~(window - 1)
            hi = lo + window
        } else if page == windowEnd {
            lo = page; hi = page + window
        } else if page + 4096 == windowStart {
            lo = page + 4096 >= window ? page + 4096 - window : 0; hi = page + 4096
        } else {
            windowStart = page; windowEnd = page + 4096
            return
        }
        let table = page & ~0x1f_ffff                           // stay inside this page table
        lo = max(lo, max(vma.start, table))
        hi = min(hi, min(vma.end, table + 0x20_0000))
        if vma.file == nil { windowStart = page; windowEnd = page + 4096 }
        guard Frames.freeBytes > UserSpace.faultAroundReserve else { return }
        var outcome = FaultOutcome.mapped
        // Upwards from the fault, then downwards; anonymous windows stop at the first
        // entry in use, so they never reach over memory the program already has.
        var va = page + 4096
        while va < hi {
            guard let e = PageTables.leaf(va, create: false), k_load64(e) == 0,
                  let frame = privateFrame(va, vma: vma, &outcome) else { break }
            k_store64(e, frame | flags)
            va += 4096
        }
        if vma.file == nil && va > page + 4096 { windowEnd = va }
        va = page
        while va > lo {
            va -= 4096
            guard let e = PageTables.leaf(va, create: false), k_load64(e) == 0,
                  let frame = privateFrame(va, vma: vma, &outcome) else { break }
            k_store64(e, frame | flags)
            if vma.file == nil { windowStart = va }
        }
    }
    // --- end perf ---

    /// MAP_SHARED (area: shm): every mapper maps the object's frame for this page, created
    /// on first touch (from the file for a file mapping), writable if the area is.
    private func faultShared(_ page: UInt64, vma: VMA, pages: SharedPages, flags: UInt64) -> FaultOutcome {
        let index = (vma.fileOffset &+ (page - vma.start)) >> 12
        let limit = vma.file.map { ($0.size + 4095) >> 12 } ?? pages.pageLimit
        if index >= limit { return .beyondObject }
        let frame: UInt64
        if let f = pages.frame(at: index) {
            frame = f
        } else {
            guard let f = Frames.allocate() else { return .outOfMemory }
            if let file = vma.file {
                let dst = UnsafeMutableRawBufferPointer(start: Phys.pointer(f), count: 4096)
                do throws(Errno) { _ = try file.read(at: index << 12, into: dst) } catch {
                    Frames.free(f); return .invalid
                }
            }
            pages.setFrame(f, at: index)                      // the object owns this reference
            frame = f
        }
        guard Frames.share(frame) else { return .outOfMemory }   // the page table's reference
        guard PageTables.map(page, frame: frame, flags: flags | PTE.sharedPage) else {
            Frames.free(frame); return .outOfMemory
        }
        return .mapped
    }

    /// A write to a present read-only page of a writable area (after fork): the last
    /// sharer just gets write access; otherwise the page is copied to a fresh frame.
    ///
    /// `faulted` (area: perf): called for the program's own write fault. When the entry
    /// keeps its frame and only gains write access, the stale read-only TLB entry is
    /// harmless (x86 drops the faulting address's entries on #PF; under PVM the
    /// hypervisor re-reads the guest entry when the retried write hits its read-only
    /// shadow), so no INVLPG (~6.5 µs trapped); a write fault on an entry that is
    /// already writable is such a stale entry. A copy moves the page to another frame:
    /// that always flushes (measured: without it, reads under PVM kept seeing the old
    /// frame), and so do the kernel's own writes (`resolve`), which had no fault.
    func breakCopyOnWrite(_ va: UInt64, faulted: Bool = false) -> Bool {
        let page = va & ~0xfff
        guard let vma = map.find(page), vma.prot.contains(.write),
              let e = PageTables.leaf(page, create: false) else { return false }
        let v = k_load64(e)
        guard v & PTE.present != 0 else { return false }
        if v & PTE.writable != 0 { return faulted }
        let frame = v & PTE.addressMask
        if v & PTE.sharedPage != 0 {                          // MAP_SHARED: never copied (area: shm)
            k_store64(e, v | PTE.writable)
        } else if Frames.isShared(frame) {
            guard let copy = Frames.allocate() else { return false }
            k_copy(Phys.virt(copy), Phys.virt(frame), 4096)
            Frames.free(frame)                                // one sharer fewer
            k_store64(e, copy | (v & ~PTE.addressMask) | PTE.writable)
            k_invlpg(page)
            return true
        } else {
            k_store64(e, v | PTE.writable)
        }
        if !faulted { k_invlpg(page) }
        return true
    }

    /// Forgets every area once the page tables are gone (exit, exec; area: shm), so the
    /// MAP_SHARED objects they referenced let go of their frames now, not whenever the
    /// process's bookkeeping is finally released.
    func releaseAreas() {
        map.remove(0, UInt64.max)
    }

    /// Unmaps every present page in [start, end), with one TLB flush at the end
    /// (`TLBFlush`: an INVLPG per page for a few pages, else one CR3 reload).
    func unmapPages(_ start: UInt64, _ end: UInt64) {
        var flush = TLBFlush()
        var va = start
        while va < end {
            if let e = PageTables.leaf(va, create: false) {
                let v = k_load64(e)
                if v & (PTE.present | PTE.protNone) != 0 {
                    k_store64(e, 0)
                    Frames.free(v & PTE.addressMask)
                    if v & PTE.present != 0 { flush.add(va) }
                }
                va += 4096
            } else {
                // No page table here: skip to the next 2 MiB boundary.
                va = (va | 0x1f_ffff) &+ 1
            }
        }
        flush.run()
    }

    /// Moves the pages of [from, from+length) to [to, to+length) without copying
    /// (mremap): the frames change places in the page tables.
    func movePages(from: UInt64, to: UInt64, length: UInt64) -> Bool {
        var off: UInt64 = 0
        while off < length {
            if let e = PageTables.leaf(from + off, create: false) {
                let v = k_load64(e)
                if v & (PTE.present | PTE.protNone) != 0 {
                    guard let ne = PageTables.leaf(to + off, create: true) else { return false }
                    k_store64(ne, v)
                    k_store64(e, 0)
                }
            }
            off += 4096
        }
        k_write_cr3(PageTables.root)
        return true
    }

    /// Applies `prot` to the present pages of [start, end), with one TLB flush at the end.
    func protectPages(_ start: UInt64, _ end: UInt64, _ prot: Protection) {
        let flags = PageTables.flags(writable: prot.contains(.write), executable: prot.contains(.exec))
        var flush = TLBFlush()
        var va = start
        while va < end {
            if PageTables.leaf(va, create: false) != nil {
                if PageTables.protect(va, flags: prot.isEmpty ? 0 : flags, flush: false) { flush.add(va) }
                va += 4096
            } else {
                va = (va | 0x1f_ffff) &+ 1                  // no page table: next 2 MiB
            }
        }
        flush.run()
    }
}

// --- area: perf ---
/// Stale TLB entries of the loaded address space, flushed once after a batch of PTE
/// changes: under PVM an INVLPG traps (~6.5 µs) and a CR3 reload costs about one
/// (~7-10 µs), so up to `invlpgLimit` pages go by INVLPG and more by a single CR3
/// reload (facts/pvm.md §3.3, §3.9). Frames freed before `run` are not handed out in
/// between (the kernel does not allocate user frames from interrupts).
struct TLBFlush {
    static let invlpgLimit = 2
    private var first: UInt64 = 0, second: UInt64 = 0
    private(set) var count = 0

    mutating func add(_ va: UInt64) {
        if count == 0 { first = va } else if count == 1 { second = va }
        count += 1
    }

    func run() {
        if count > TLBFlush.invlpgLimit {
            k_write_cr3(PageTables.root)
        } else {
            if count > 0 { k_invlpg(first) }
            if count > 1 { k_invlpg(second) }
        }
    }
}
// --- end perf ---
