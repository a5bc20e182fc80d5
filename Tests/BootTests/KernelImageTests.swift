import Testing
import GuestABI
import GuestMemory
@testable import Boot

@Suite struct KernelImageTests {
    static let ramSize: UInt64 = 8 << 20
    let base = BootLayout.directMapBase

    func kernel(_ segments: [SyntheticELF.Segment], entry: UInt64? = nil) -> [UInt8] {
        var e = SyntheticELF()
        e.segments = segments
        e.entry = entry ?? (segments.first.map { $0.vaddr } ?? 0)
        return e.bytes()
    }

    func text(_ paddr: UInt64, _ data: [UInt8], memsz: UInt64? = nil) -> SyntheticELF.Segment {
        .init(vaddr: base + paddr, paddr: paddr, data: data, memsz: memsz ?? UInt64(data.count))
    }

    @Test func loadsSegmentsAndZeroesBSS() throws {
        let ram = try GuestRAM(size: Self.ramSize)
        // Dirty the bss range first: the loader, not the fresh mmap, must make it zero.
        try ram.writeBytes([UInt8](repeating: 0xaa, count: 0x3000), at: GuestAddress(0x20_1000))
        let code: [UInt8] = [0xfa, 0xf4, 0xeb, 0xfd]
        let data: [UInt8] = [1, 2, 3, 4, 5]
        let image = kernel([text(0x20_0000, code), text(0x20_1000, data, memsz: 0x2800)],
                           entry: base + 0x20_0001)
        let loaded = try KernelImage.load(image, into: ram)
        #expect(loaded.entry == base + 0x20_0001)
        #expect(loaded.physicalEnd == 0x20_4000)
        #expect(try ram.readBytes(at: GuestAddress(0x20_0000), count: 4) == code)
        #expect(try ram.readBytes(at: GuestAddress(0x20_1000), count: 5) == data)
        let bss = try ram.readBytes(at: GuestAddress(0x20_1005), count: 0x2800 - 5)
        #expect(bss.allSatisfy { $0 == 0 })
        // Beyond memsz is untouched.
        #expect(try ram.load(UInt8.self, at: GuestAddress(0x20_3800)) == 0xaa)
    }

    @Test func rejectsSegmentBelowKernelBase() throws {
        let ram = try GuestRAM(size: Self.ramSize)
        let image = kernel([text(0x10_0000, [0x90])])
        #expect(throws: KernelLoadError.segmentBelowKernelBase(index: 0, paddr: 0x10_0000)) {
            try KernelImage.load(image, into: ram)
        }
    }

    @Test func rejectsSegmentBeyondMemory() throws {
        let ram = try GuestRAM(size: Self.ramSize)
        let image = kernel([text(0x7f_f000, [0x90], memsz: 0x2000)])
        #expect(throws: KernelLoadError.segmentOutsideMemory(index: 0, paddr: 0x7f_f000, memsz: 0x2000)) {
            try KernelImage.load(image, into: ram)
        }
    }

    @Test func rejectsPhysicalOverflow() throws {
        let ram = try GuestRAM(size: Self.ramSize)
        var seg = text(0x20_0000, [0x90])
        seg.paddr = UInt64.max - 0x10
        seg.vaddr = 0x1000
        seg.memsz = 0x100
        #expect(throws: KernelLoadError.segmentOutsideMemory(index: 0, paddr: UInt64.max - 0x10, memsz: 0x100)) {
            try KernelImage.load(kernel([seg], entry: 0x1000), into: ram)
        }
    }

    @Test func rejectsVaddrNotInDirectMap() throws {
        let ram = try GuestRAM(size: Self.ramSize)
        var seg = text(0x20_0000, [0x90])
        seg.vaddr = 0x20_0000
        #expect(throws: KernelLoadError.segmentNotInDirectMap(index: 0, vaddr: 0x20_0000, paddr: 0x20_0000)) {
            try KernelImage.load(kernel([seg]), into: ram)
        }
    }

    @Test func rejectsNonExecAndBadELF() throws {
        let ram = try GuestRAM(size: Self.ramSize)
        var e = SyntheticELF()
        e.type = 3
        e.segments = [text(0x20_0000, [0x90])]
        #expect(throws: KernelLoadError.notStaticExecutable) { try KernelImage.load(e.bytes(), into: ram) }
        #expect(throws: KernelLoadError.elf(.notELF)) { try KernelImage.load([1, 2, 3], into: ram) }
        #expect(throws: KernelLoadError.noLoadableSegments) { try KernelImage.load(kernel([]), into: ram) }
    }

    @Test func rejectsOverlappingSegments() throws {
        let ram = try GuestRAM(size: Self.ramSize)
        let image = kernel([text(0x20_1000, [1], memsz: 0x1000), text(0x20_0000, [2], memsz: 0x1800)])
        #expect(throws: KernelLoadError.segmentsOverlap(index: 0, previous: 1)) {
            try KernelImage.load(image, into: ram)
        }
        // Adjacent is fine.
        let ok = kernel([text(0x20_1000, [1], memsz: 0x1000), text(0x20_0000, [2], memsz: 0x1000)])
        #expect(try KernelImage.load(ok, into: ram).physicalEnd == 0x20_2000)
    }

    @Test func rejectsEntryOutsideImageWithoutWriting() throws {
        let ram = try GuestRAM(size: Self.ramSize)
        let image = kernel([text(0x20_0000, [0x90])], entry: base + 0x30_0000)
        #expect(throws: KernelLoadError.entryOutsideImage(entry: base + 0x30_0000)) {
            try KernelImage.load(image, into: ram)
        }
        #expect(try ram.load(UInt8.self, at: GuestAddress(0x20_0000)) == 0)
        #expect(!KernelLoadError.entryOutsideImage(entry: 1).describeProblem().isEmpty)
    }
}
