import Testing
import GuestABI
import GuestMemory
@testable import Boot
import X86State

@Suite struct BootGDTTests {
    func entry(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << UInt64(8 * $1) }
    }

    @Test func linuxLayout() throws {
        let ram = try GuestRAM(size: 1 << 20)
        try ram.writeBytes([UInt8](repeating: 0xee, count: 0x100), at: GuestAddress(BootLayout.bootGDT))
        let tssBase: UInt64 = 0x7e00_1234_5678
        _ = try BootGDT.write(into: ram, tssBase: tssBase, tssLimit: 0x12067)
        let g = try ram.readBytes(at: GuestAddress(BootLayout.bootGDT), count: BootGDT.size)
        #expect(entry(g, 0x00) == 0)
        #expect(entry(g, 0x08) == 0)
        #expect(entry(g, 0x10) == 0x00AF_9B00_0000_FFFF)
        #expect(entry(g, 0x18) == 0x00CF_9300_0000_FFFF)
        #expect(entry(g, 0x20) == 0x00CF_FB00_0000_FFFF)
        #expect(entry(g, 0x28) == 0x00CF_F300_0000_FFFF)
        #expect(entry(g, 0x30) == 0x00AF_FB00_0000_FFFF)
        #expect(entry(g, 0x38) == 0)
        // TSS: limit 15:0, base 23:0, type 0x89, limit 19:16, base 31:24; then base 63:32.
        #expect(entry(g, 0x40) == 0x1201_8934_5678_2067)
        #expect(entry(g, 0x48) == 0x7e00)
        // Bytes past the GDT are not touched.
        #expect(try ram.load(UInt8.self, at: GuestAddress(BootLayout.bootGDT + UInt64(BootGDT.size))) == 0xee)
    }

    @Test func segmentStates() {
        let s = BootGDT.segments(tssBase: 0x7e00_0000_9000, tssLimit: 0x67)
        #expect(s.code == SegmentState(base: 0, limit: 0xffff_ffff, selector: 0x10, type: 0xb, present: true,
                                       dpl: 0, db: false, s: true, l: true, g: true, avl: false))
        #expect(s.data == SegmentState(base: 0, limit: 0xffff_ffff, selector: 0x18, type: 3, present: true,
                                       dpl: 0, db: true, s: true, l: false, g: true, avl: false))
        #expect(s.tss.selector == 0x40 && s.tss.type == 0xb && !s.tss.s && s.tss.present)
        #expect(s.tss.base == 0x7e00_0000_9000 && s.tss.limit == 0x67)
        #expect(s.gdt == DescriptorTable(base: BootLayout.directMapBase + BootLayout.bootGDT, limit: 0x4f))
    }
}
