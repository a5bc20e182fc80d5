import KernelASM

// Memory exhaustion (area: shm).
//
// RAM between the kernel image and the initramfs is shared by two allocators: the kernel
// heap (rt.c) bumps upwards, the frame allocator takes pages downwards from `top`, and
// freed frames go on a free list. A user request must never make the heap fail, because
// a Swift allocation cannot fail gracefully (swift_allocObject has no error path, so
// rt.c's malloc panics). The design keeps the heap out of that situation:
//
// 1. Frames taken from the top always leave `heapReserve` bytes between the heap break
//    and the frames (freed frames are reused from the free list, which lies above), so
//    when user memory runs out the heap still has that much to grow into.
// 2. When the heap's bump region is full, `kernel_heap_grow` gives it back free frames
//    lying at the bottom of the frame region (`reclaimForHeap`): memory freed by exited
//    processes flows back to the heap instead of being stranded on the free list (only
//    the free frames contiguous with the bottom: a live page there blocks it). The other
//    way, rt.c's free() returns large blocks at the heap's end to the bump region, so
//    the frames can use that memory again.
// 3. Requests that make the kernel allocate in proportion to what the guest asks are
//    refused up front while `heapHeadroom` is below `heapLowWater` (`belowLowWater`):
//    fork/clone and execve with ENOMEM, pipe with ENFILE; tmpfs growth (file contents
//    are heap arrays that double) with ENOSPC unless `heapCanTake` the new array.
//    mincore works in fixed chunks rather than one vector the size of the request.
// 4. fork also needs `forkLowWater` free frames (copy-on-write right after fork).
// 5. User page frames simply run out: page faults that cannot get one kill the process
//    (SIGKILL, Linux's OOM killer), syscalls that need one (MAP_POPULATE, fork, execve)
//    return ENOMEM. Page tables come from the same pool, so they fail the same way.
// 6. (area: audit) Allocations sized by the guest are bounded as Linux bounds them
//    (IOV_MAX, RLIMIT_NOFILE, ARG_MAX, optmem_max, vm.max_map_count...), transfers go
//    in chunks, and the big legal ones (poll sets, descriptor tables, VMA lists at fork
//    and on change, exec arguments, socket reads) check `heapCanTake` first (ENOMEM).
//    New tmpfs inodes and new descriptors are refused (ENOSPC, ENFILE) once `memoryLow`
//    (heap at its reserve, or fewer than `forkLowWater` free frames), so many small
//    objects cannot fill the reserve either. images/hostile.c checks these.
// Known limit: small heap blocks (<= 4 KiB) stay on rt.c's size-class free lists after
// they are freed, so memory once taken by many small objects does not go back to frames.
extension Frames {
    nonisolated(unsafe) static var lastAllocationFailed = false
    /// `top` at boot: reclaiming never moves the frame region above it.
    nonisolated(unsafe) static var ceiling: UInt64 = 0
    /// One bit per frame for `reclaimForHeap` (allocated at boot, while the heap is fresh).
    nonisolated(unsafe) static var freeBits: UnsafeMutablePointer<UInt64>? = nil

    /// Below this much room the kernel refuses new processes, pipes and file growth.
    static let heapLowWater: UInt64 = 1 << 20

    static func prepareReserve() {
        ceiling = top
        let words = Int((total + 63) / 64)
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        p.initialize(repeating: 0, count: words)
        freeBits = p
        SharedPages.platform = FramePlatform(
            release: { Frames.free($0) },
            bytes: { UnsafeMutableRawBufferPointer(start: Phys.pointer($0), count: 4096) },
            heapCanTake: { Frames.heapCanTake($0) },
            memoryLow: { Frames.availableFrames < Frames.forkLowWater || Frames.belowLowWater })   // area: audit
    }

    /// Bytes the heap can surely still take: the gap below the frames (free blocks inside
    /// the heap and reclaimable frames come on top).
    static var heapHeadroom: UInt64 {
        let heapBreak = Phys.phys(k_heap_break())
        return top > heapBreak ? top - heapBreak : 0
    }

    /// Whether `count` more heap bytes leave the low-water reserve (reclaiming if needed).
    static func heapCanTake(_ count: UInt64) -> Bool {
        while heapHeadroom < count &+ heapLowWater { guard reclaimForHeap() else { return false } }
        return true
    }

    /// Frames that can still be handed out (free list plus the gap above the reserve).
    static var availableFrames: UInt64 { freeBytes / 4096 }

    /// fork refuses below this many free frames: the parent and child both need room
    /// to copy-on-write their stacks right after fork, or one of them is OOM-killed.
    static let forkLowWater: UInt64 = 256

    /// Refuses a request that makes the kernel allocate when the heap is near its end.
    static var belowLowWater: Bool { heapHeadroom < heapLowWater && !reclaimForHeap() }

    /// Moves `top` up over free frames so the heap's limit rises. Walks the free list
    /// once to mark free frames, then rebuilds it without the frames taken. Returns
    /// whether the limit moved.
    static func reclaimForHeap() -> Bool {
        guard let bits = freeBits, freeCount > 0 else { return false }
        let words = Int((total + 63) / 64)
        for i in 0..<words { bits[i] = 0 }
        var pa = freeList
        while pa != 0 {
            let i = (pa - bottom) >> 12
            bits[Int(i >> 6)] |= 1 << (i & 63)
            pa = k_load64(Phys.virt(pa))
        }
        var newTop = top
        while newTop < ceiling {
            let i = (newTop - bottom) >> 12
            guard bits[Int(i >> 6)] & (1 << (i & 63)) != 0 else { break }
            newTop += 4096
        }
        guard newTop > top else { return false }
        // Rebuild the list with the frames that stay (reading each link before the heap
        // can reuse the memory it lives in).
        var kept: UInt64 = 0, keptCount: UInt64 = 0
        pa = freeList
        while pa != 0 {
            let next = k_load64(Phys.virt(pa))
            if pa < top || pa >= newTop {
                k_store64(Phys.virt(pa), kept)
                kept = pa
                keptCount += 1
            }
            pa = next
        }
        freeList = kept
        freeCount = keptCount
        top = newTop
        k_heap_set_limit(Phys.virt(top))
        return true
    }
}

/// rt.c calls this when the heap's bump region cannot hold `size` more bytes.
@_cdecl("kernel_heap_grow")
func kernelHeapGrow(_ size: UInt64) -> Int32 {
    Frames.reclaimForHeap() ? 1 : 0
}
