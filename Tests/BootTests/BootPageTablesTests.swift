import Testing
import GuestABI
import GuestMemory
@testable import Boot

@Suite struct BootPageTablesTests {
    let base = BootLayout.directMapBase

    func tables(user: Bool) throws -> GuestRAM {
        let ram = try GuestRAM(size: 1 << 20)
        // Garbage first: every byte of each table page must be rewritten.
        try ram.writeBytes([UInt8](repeating: 0xff, count: 0x6000), at: GuestAddress(0x2000))
        try BootPageTables.write(into: ram, userBitEverywhere: user)
        return ram
    }

    @Test(arguments: [false, true])
    func translatesDirectMap(user: Bool) throws {
        let ram = try tables(user: user)
        let cases: [(UInt64, UInt64)] = [
            (0, 0), (0x1234, 0x1234), (2 << 20, 2 << 20), ((1 << 30) + 0x5678, (1 << 30) + 0x5678),
            (0xd000_0000, 0xd000_0000), (0xffff_ffff, 0xffff_ffff),
        ]
        for (offset, physical) in cases {
            let t = try #require(BootPageTables.translate(virtual: base + offset, in: ram))
            #expect(t.physical == physical)
            #expect(t.pageSize == 2 << 20)
            #expect(t.levels.count == 3)
            #expect(t.userAccessible == user)
            #expect(t.levels.allSatisfy { $0.contains(.user) == user })
            #expect(t.levels.allSatisfy { $0.isSuperset(of: [.present, .writable]) })
            #expect(t.leaf.contains(.largePage))
            let mmio = physical >= BootLayout.mmioBase
            #expect(t.leaf.contains(.cacheDisable) == mmio)
            #expect(t.leaf.contains(.writeThrough) == mmio)
        }
    }

    @Test func mapsNothingElse() throws {
        let ram = try tables(user: true)
        // No identity map, nothing past 4 GiB, no other PML4 slot, non-canonical rejected.
        #expect(BootPageTables.translate(virtual: 0, in: ram) == nil)
        #expect(BootPageTables.translate(virtual: 0x40_0000, in: ram) == nil)
        #expect(BootPageTables.translate(virtual: base + (4 << 30), in: ram) == nil)
        #expect(BootPageTables.translate(virtual: base - 1, in: ram) == nil)
        #expect(BootPageTables.translate(virtual: 0x8000_0000_0000, in: ram) == nil)
        let pml4 = try ram.readBytes(at: GuestAddress(BootLayout.bootPML4), count: 4096)
        let nonZero = stride(from: 0, to: 4096, by: 8).filter { i in pml4[i..<i + 8].contains { $0 != 0 } }
        #expect(nonZero == [BootLayout.kernelPML4Slot * 8])
        #expect(BootLayout.kernelPML4Slot == 252)
        let pdpt = try ram.readBytes(at: GuestAddress(BootLayout.bootPDPT), count: 4096)
        #expect(pdpt[32...].allSatisfy { $0 == 0 })
    }

    @Test func exactEntryValues() throws {
        let ram = try tables(user: false)
        #expect(try ram.load(UInt64.self, at: GuestAddress(BootLayout.bootPML4 + 252 * 8)) == 0x3003)
        #expect(try ram.load(UInt64.self, at: GuestAddress(BootLayout.bootPDPT + 3 * 8)) == 0x7003)
        #expect(try ram.load(UInt64.self, at: GuestAddress(BootLayout.bootPD + 8)) == 0x20_0083)
        // 0xd0000000 is PD 3, entry 128.
        #expect(try ram.load(UInt64.self, at: GuestAddress(BootLayout.bootPD + 0x3000 + 128 * 8)) == 0xd000_009b)
        let user = try tables(user: true)
        #expect(try user.load(UInt64.self, at: GuestAddress(BootLayout.bootPML4 + 252 * 8)) == 0x3007)
        #expect(try user.load(UInt64.self, at: GuestAddress(BootLayout.bootPD + 8)) == 0x20_0087)
    }

    @Test func failsOnTooSmallMemory() throws {
        let ram = try GuestRAM(size: 0x4000)
        #expect(throws: GuestMemoryError.self) { try BootPageTables.write(into: ram, userBitEverywhere: false) }
    }
}
