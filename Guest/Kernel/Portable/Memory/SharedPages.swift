#if canImport(GuestABI)
import GuestABI
#endif

/// The frames behind MAP_SHARED memory (area: shm). One object per shared anonymous
/// mapping (created by mmap, inherited across fork because the VMA copy references the
/// same object), and one per regular file that has ever been mapped shared (the file's
/// page cache, `Inode.pageCache`). Page `i` of the object is at byte `i * 4096` of the
/// mapping's `fileOffset` space, so clipping, splitting and moving VMAs need nothing.
///
/// Frame ownership is a reference count (Frames.share/free in the kernel): the object
/// holds one reference to each of its frames, every page-table entry that maps one holds
/// another. So a page outlives munmap/exit/exec of any one mapper, and the frame returns
/// to the allocator when the last page table and the object (deinit: the last VMA or the
/// inode dropped it) have let go. Pure bookkeeping here; `FramePlatform` does the rest.
public final class SharedPages {
    /// Physical address of each page, 0 while the page was never touched.
    public private(set) var frames: [UInt64] = []
    /// Pages the object holds for anonymous memory (its mmap length; Linux's shmem
    /// file size): touching beyond it, after mremap grew a mapping, is SIGBUS. A file's
    /// cache follows the file size instead.
    public let pageLimit: UInt64

    public init(pageLimit: UInt64 = .max) { self.pageLimit = pageLimit }

    deinit {
        guard let platform = SharedPages.platform else { return }
        for f in frames where f != 0 { platform.release(f) }
    }

    public func frame(at index: UInt64) -> UInt64? {
        guard index < UInt64(frames.count), frames[Int(index)] != 0 else { return nil }
        return frames[Int(index)]
    }

    /// Records the frame of page `index` (the object takes over the caller's reference).
    public func setFrame(_ frame: UInt64, at index: UInt64) {
        if index >= UInt64(frames.count) {
            frames.append(contentsOf: repeatElement(0, count: Int(index) + 1 - frames.count))
        }
        frames[Int(index)] = frame
    }

    /// Pages of the object that overlap bytes [lo, hi): (page index, frame).
    public func present(from lo: UInt64, to hi: UInt64) -> [(UInt64, UInt64)] {
        var out: [(UInt64, UInt64)] = []
        guard hi > lo else { return out }
        var i = lo / 4096
        while i < UInt64(frames.count) && i * 4096 < hi {
            if frames[Int(i)] != 0 { out.append((i, frames[Int(i)])) }
            i += 1
        }
        return out
    }

    /// Frame access for the kernel: nil on the host (unit tests never hold real frames).
    nonisolated(unsafe) public static var platform: FramePlatform?
}

/// What SharedPages needs from the frame allocator.
public struct FramePlatform {
    /// Drops one reference to a frame.
    public var release: (UInt64) -> Void
    /// The frame's bytes through the kernel's direct map.
    public var bytes: (UInt64) -> UnsafeMutableRawBufferPointer
    /// Whether the kernel heap can take `count` more bytes and keep its reserve (tmpfs
    /// file contents live on the heap).
    public var heapCanTake: (UInt64) -> Bool
    /// area: audit: memory is nearly gone (heap at its reserve, or few page frames left):
    /// new files and descriptors are refused rather than starving programs of frames.
    public var memoryLow: () -> Bool
    public init(release: @escaping (UInt64) -> Void, bytes: @escaping (UInt64) -> UnsafeMutableRawBufferPointer,
                heapCanTake: @escaping (UInt64) -> Bool, memoryLow: @escaping () -> Bool = { false }) {
        self.release = release; self.bytes = bytes; self.heapCanTake = heapCanTake; self.memoryLow = memoryLow
    }
}

// --- file coherence (area: shm) ---
// A tmpfs file keeps its bytes in a Swift array, which moves as it grows, so its pages
// cannot be mapped directly. Once a file is mapped shared, its page cache holds the
// frames that every shared mapping maps, and the array is kept coherent with them:
// read(2) (and every other reader, through `withContents`) first copies the cached pages
// back into the array, and write(2)/truncate copy the changed range into the cached
// pages. Bytes a mapping writes past the end of the file are not part of the file (as on
// Linux), and stay in the page until a write or truncate covers them.
extension Inode {
    /// Copies the cached pages overlapping [lo, hi) into the file array.
    func syncFromPages(_ lo: UInt64, _ hi: UInt64) {
        guard let cache = pageCache, let platform = SharedPages.platform, borrowed == nil else { return }
        let size = UInt64(data.count)
        for (i, f) in cache.present(from: lo, to: min(hi, size)) {
            let start = i * 4096
            let n = Int(min(4096, size - start))
            let src = platform.bytes(f)
            data.withUnsafeMutableBytes { all in
                UnsafeMutableRawBufferPointer(rebasing: all[Int(start)..<(Int(start) + n)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: src[0..<n]))
            }
        }
    }

    /// Copies the bytes [lo, hi) of the file array into the cached pages; the part of
    /// the range past the end of the file becomes zero there.
    func syncToPages(_ lo: UInt64, _ hi: UInt64) {
        guard let cache = pageCache, let platform = SharedPages.platform else { return }
        let size = UInt64(data.count)
        for (i, f) in cache.present(from: lo, to: hi) {
            let dst = platform.bytes(f)
            let start = i * 4096
            let from = max(lo, start), to = min(hi, start + 4096)
            let copyTo = min(to, max(from, size))
            if copyTo > from {
                data.withUnsafeBytes { all in
                    UnsafeMutableRawBufferPointer(rebasing: dst[Int(from - start)..<Int(copyTo - start)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: all[Int(from)..<Int(copyTo)]))
                }
            }
            if to > copyTo {
                UnsafeMutableRawBufferPointer(rebasing: dst[Int(copyTo - start)..<Int(to - start)])
                    .initializeMemory(as: UInt8.self, repeating: 0)
            }
        }
    }

    /// The page cache for shared mappings, created on first use (the content becomes
    /// owned storage so it can be written back).
    public func sharedPages() -> SharedPages {
        if let pageCache { return pageCache }
        makeWritable()
        let c = SharedPages()
        pageCache = c
        return c
    }
}
// --- end file coherence ---
