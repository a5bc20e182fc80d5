@testable import GuestKernel
import GuestABI
import Testing

/// Host memory standing in for page frames (area: shm): frame `n` is at "physical"
/// address n * 4096; releases are counted.
final class FakeFrames: @unchecked Sendable {
    var pages: [UnsafeMutableRawBufferPointer] = []
    var released: [UInt64] = []

    func allocate() -> UInt64 {
        let p = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 4096)
        p.initializeMemory(as: UInt8.self, repeating: 0)
        pages.append(p)
        return UInt64(pages.count) * 4096
    }

    func bytes(_ pa: UInt64) -> UnsafeMutableRawBufferPointer { pages[Int(pa / 4096) - 1] }

    static let shared = FakeFrames()
    static func install() {
        SharedPages.platform = FramePlatform(
            release: { shared.released.append($0) }, bytes: { shared.bytes($0) }, heapCanTake: { _ in true })
    }
}

@Suite(.serialized) struct SharedPagesTests {
    @Test func framesAreRecordedByPageAndListedByRange() {
        let s = SharedPages(pageLimit: 8)
        #expect(s.frame(at: 0) == nil)
        s.setFrame(0x5000, at: 2)
        s.setFrame(0x7000, at: 5)
        #expect(s.frame(at: 2) == 0x5000 && s.frame(at: 3) == nil && s.frame(at: 100) == nil)
        let all = s.present(from: 0, to: 8 * 4096)
        #expect(all.count == 2 && all[0] == (2, 0x5000) && all[1] == (5, 0x7000))
        #expect(s.present(from: 3 * 4096, to: 5 * 4096).isEmpty)          // [3, 5) pages: none
        #expect(s.present(from: 2 * 4096 + 4095, to: 2 * 4096 + 4096).count == 1)
        #expect(s.present(from: 10, to: 10).isEmpty)
    }

    @Test func theLastReferenceReleasesEveryFrame() {
        FakeFrames.install()
        let before = FakeFrames.shared.released.count
        do {
            let s = SharedPages()
            s.setFrame(FakeFrames.shared.allocate(), at: 0)
            s.setFrame(FakeFrames.shared.allocate(), at: 3)
            // Two address spaces (fork) hold the same object through their VMA copies.
            let parent = MemoryMap(mmapBase: 0x100_0000)
            parent.insert(VMA(start: 0x10000, end: 0x14000, prot: [.read, .write], shared: true, pages: s))
            let child = parent.copy()
            #expect(child.areas[0].pages === s)
            parent.remove(0x10000, 0x14000)
            #expect(FakeFrames.shared.released.count == before)              // the child still maps it
            _ = child
        }
        #expect(FakeFrames.shared.released.count == before + 2)
    }

    @Test func clippingKeepsTheObjectAndItsPageOffsets() {
        let s = SharedPages(pageLimit: 4)
        let m = MemoryMap(mmapBase: 0x100_0000)
        m.insert(VMA(start: 0x10000, end: 0x14000, prot: [.read, .write], shared: true, pages: s))
        _ = try? m.protect(0x11000, 0x12000, [.read])
        #expect(m.areas.count == 3)
        #expect(m.areas.allSatisfy { $0.pages === s })
        // Page i of the object is at fileOffset + i * 4096 of each piece.
        #expect(m.areas[1].start == 0x11000 && m.areas[1].fileOffset == 0x1000)
        #expect(m.areas[2].start == 0x12000 && m.areas[2].fileOffset == 0x2000)
    }

    @Test func mprotectCannotAddWriteToAReadOnlySharedFileMapping() throws {
        let m = MemoryMap(mmapBase: 0x100_0000)
        var v = VMA(start: 0x10000, end: 0x12000, prot: [.read], shared: true, pages: SharedPages())
        v.mayWrite = false
        m.insert(v)
        m.insert(VMA(start: 0x12000, end: 0x14000, prot: [.read]))
        #expect(throws: Errno.EACCES) { try m.protect(0x11000, 0x13000, [.read, .write]) }
        #expect(m.areas.count == 2 && m.find(0x11000)?.prot == [.read])      // nothing changed
        #expect(try m.protect(0x12000, 0x13000, [.read, .write]).count == 1)
        #expect(try m.protect(0x10000, 0x12000, [.read, .exec]).count == 1)
    }

    @Test func fileWritesReachThePagesAndMappedWritesReachReads() throws {
        FakeFrames.install()
        let fs = FSContext()
        let inode = fs.tmpfs.makeInode(.regular, permissions: 0o644)
        let text = Array("hello, shared world".utf8)
        try inode.write(at: 0, count: 5000) { b in b.initializeMemory(as: UInt8.self, repeating: 0x41) }
        let cache = inode.sharedPages()
        #expect(inode.sharedPages() === cache)
        let f0 = FakeFrames.shared.allocate(), f1 = FakeFrames.shared.allocate()
        // What the fault handler does: fill the frame from the file, then record it.
        _ = try inode.read(at: 0, into: FakeFrames.shared.bytes(f0))
        _ = try inode.read(at: 4096, into: FakeFrames.shared.bytes(f1))
        cache.setFrame(f0, at: 0)
        cache.setFrame(f1, at: 1)
        #expect(FakeFrames.shared.bytes(f1)[903] == 0x41 && FakeFrames.shared.bytes(f1)[904] == 0)

        // write(2) → the mapped page.
        try inode.write(at: 4090, count: text.count) { b in b.copyBytes(from: text) }
        #expect(FakeFrames.shared.bytes(f0)[4090] == UInt8(ascii: "h"))
        #expect(FakeFrames.shared.bytes(f0)[4095] == UInt8(ascii: ",") && FakeFrames.shared.bytes(f1)[1] == UInt8(ascii: "s"))

        // A store through the mapping → read(2), without losing unrelated bytes.
        FakeFrames.shared.bytes(f0)[10] = 0x7a
        var out = [UInt8](repeating: 0, count: 16)
        let n = try out.withUnsafeMutableBytes { b throws(Errno) in try inode.read(at: 4, into: b) }
        #expect(n == 16 && out[6] == 0x7a && out[0] == 0x41)

        // A later partial write(2) keeps a mapped store elsewhere in the same page.
        FakeFrames.shared.bytes(f0)[20] = 0x7b
        try inode.write(at: 30, count: 1) { b in b[0] = 0x7c }
        #expect(FakeFrames.shared.bytes(f0)[20] == 0x7b && FakeFrames.shared.bytes(f0)[30] == 0x7c)
        var one = [UInt8](repeating: 0, count: 1)
        _ = try one.withUnsafeMutableBytes { b throws(Errno) in try inode.read(at: 20, into: b) }
        #expect(one[0] == 0x7b)

        // Truncation zeroes the cut part of the page; growing again reads zeros.
        try inode.resize(to: 4100)
        #expect(FakeFrames.shared.bytes(f1)[3] == UInt8(ascii: "a") && FakeFrames.shared.bytes(f1)[4] == 0)
        #expect(FakeFrames.shared.bytes(f1)[100] == 0)
        try inode.resize(to: 8192)
        _ = try one.withUnsafeMutableBytes { b throws(Errno) in try inode.read(at: 4104, into: b) }
        #expect(one[0] == 0)
    }
}
