import KernelASM

/// Whole address spaces: creation (sharing the kernel window), copying the user half for
/// fork, tearing it down at exit or exec, and switching CR3.
enum AddressSpaces {
    static var kernelSlot: UInt64 { UInt64(BootLayout.kernelPML4Slot) }

    /// A new PML4 with the kernel window and an empty user half.
    static func create() -> UInt64? {
        guard let pml4 = Frames.allocate() else { return nil }
        let slot = kernelSlot
        k_store64(PageTables.entry(pml4, slot), k_load64(PageTables.entry(BootLayout.bootPML4, slot)))
        return pml4
    }

    /// Loads `root` into CR3 (a trapped, ~7–10 µs operation under PVM: callers skip it
    /// when the root does not change).
    static func activate(_ root: UInt64) {
        guard root != PageTables.root else { return }
        PageTables.root = root
        k_write_cr3(root)
    }

    /// fork with copy-on-write: every user page of `source` is mapped at the same
    /// address in `target`, sharing the frame (`Frames.share`); writable pages become
    /// read-only in both, and the first write fault copies (`UserSpace.breakCopyOnWrite`).
    /// PROT_NONE-parked pages are shared the same way. Returns false when memory runs
    /// out (the caller destroys `target`). `source` must be the loaded address space.
    static func copyUser(from source: UInt64, to target: UInt64) -> Bool {
        var ok = true
        var stale = 0, lastStale: UInt64 = 0             // parent entries made read-only (area: perf)
        walkUser(source) { va, entry in
            guard ok else { return }
            let v = k_load64(entry)
            let frame = v & PTE.addressMask
            guard let e = PageTables.leaf(va, create: true, in: target) else { ok = false; return }
            if v & PTE.sharedPage != 0 {                 // MAP_SHARED (area: shm): same frame, still writable
                guard Frames.share(frame) else { ok = false; return }
                k_store64(e, v)
            } else if Frames.share(frame) {
                let shared = v & ~PTE.writable
                // Already read-only (text, or still shared since an earlier fork): no
                // store, since under PVM a store into a live page table may trap.
                if shared != v { k_store64(entry, shared); if v & PTE.present != 0 { stale += 1; lastStale = va } }
                k_store64(e, shared)
            } else {                                     // share count saturated: copy
                guard let copy = Frames.allocate() else { ok = false; return }
                k_copy(Phys.virt(copy), Phys.virt(frame), 4096)
                k_store64(e, copy | (v & ~PTE.addressMask))
            }
        }
        // The parent's TLB drops its writable entries: one INVLPG for a single page, a
        // CR3 reload for more (area: perf).
        if source == PageTables.root && stale > 0 {
            if stale == 1 { k_invlpg(lastStale) } else { k_write_cr3(source) }
        }
        return ok
    }

    /// Frees every user page and page-table page of `root`, and the PML4 itself unless
    /// `keepRoot`. `root` must not be the loaded address space unless `keepRoot`.
    /// Table frames go through `Frames.freeTable` (area: perf).
    static func destroyUser(_ root: UInt64, keepRoot: Bool = false) {
        for i in 0..<kernelSlot {
            let e4 = PageTables.entry(root, i)
            let v4 = k_load64(e4)
            guard v4 & PTE.present != 0 else { continue }
            let pdpt = v4 & PTE.addressMask
            for j in 0..<UInt64(512) {
                let v3 = k_load64(PageTables.entry(pdpt, j))
                guard v3 & PTE.present != 0, v3 & PTE.huge == 0 else { continue }
                let pd = v3 & PTE.addressMask
                for k in 0..<UInt64(512) {
                    let v2 = k_load64(PageTables.entry(pd, k))
                    guard v2 & PTE.present != 0, v2 & PTE.huge == 0 else { continue }
                    let pt = v2 & PTE.addressMask
                    for l in 0..<UInt64(512) {
                        let v1 = k_load64(PageTables.entry(pt, l))
                        if v1 & (PTE.present | PTE.protNone) != 0 { Frames.free(v1 & PTE.addressMask) }
                    }
                    Frames.freeTable(pt)
                }
                Frames.freeTable(pd)
            }
            Frames.freeTable(pdpt)
            k_store64(e4, 0)
        }
        if !keepRoot { Frames.freeTable(root) }
    }

    /// Calls `body(va, entryAddress)` for every user leaf that holds a frame (present
    /// or PROT_NONE-parked).
    static func walkUser(_ root: UInt64, _ body: (UInt64, UInt64) -> Void) {
        for i in 0..<kernelSlot {
            let v4 = k_load64(PageTables.entry(root, i))
            guard v4 & PTE.present != 0 else { continue }
            for j in 0..<UInt64(512) {
                let v3 = k_load64(PageTables.entry(v4 & PTE.addressMask, j))
                guard v3 & PTE.present != 0, v3 & PTE.huge == 0 else { continue }
                for k in 0..<UInt64(512) {
                    let v2 = k_load64(PageTables.entry(v3 & PTE.addressMask, k))
                    guard v2 & PTE.present != 0, v2 & PTE.huge == 0 else { continue }
                    for l in 0..<UInt64(512) {
                        let e = PageTables.entry(v2 & PTE.addressMask, l)
                        if k_load64(e) & (PTE.present | PTE.protNone) != 0 {
                            body((i << 39) | (j << 30) | (k << 21) | (l << 12), e)
                        }
                    }
                }
            }
        }
    }
}
