import Testing
@testable import GuestKernel
import GuestABI

/// A tiny FDT writer for tests (the VMM's real one uses libfdt).
struct TestFDT {
    var structBlock: [UInt8] = []
    var strings: [UInt8] = []
    mutating func u32(_ v: UInt32) { structBlock += [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
    mutating func pad() { while structBlock.count % 4 != 0 { structBlock.append(0) } }
    mutating func begin(_ name: String) { u32(1); structBlock += Array(name.utf8) + [0]; pad() }
    mutating func end() { u32(2) }
    mutating func prop(_ name: String, _ value: [UInt8]) {
        u32(3); u32(UInt32(value.count))
        let off = strings.count; strings += Array(name.utf8) + [0]
        u32(UInt32(off)); structBlock += value; pad()
    }
    func blob() -> [UInt8] {
        var s = structBlock; s += [0, 0, 0, 9]
        let headerSize = 40, rsv = 16
        let structOff = headerSize + rsv, stringsOff = structOff + s.count
        let total = stringsOff + strings.count
        var h: [UInt8] = []
        func be(_ v: Int) { h += [UInt8(v >> 24 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        be(0xd00dfeed); be(total); be(structOff); be(stringsOff); be(headerSize); be(17); be(16); be(0); be(strings.count); be(s.count)
        return h + [UInt8](repeating: 0, count: rsv) + s + strings
    }
}

func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }

@Suite struct DeviceTreeTests {
    func sample() -> [UInt8] {
        var f = TestFDT()
        f.begin("")
        f.prop("#address-cells", be32(2))
        f.begin("memory@0"); f.prop("reg", be32(0) + be32(0) + be32(0) + be32(0x0800_0000)); f.end()
        f.begin("chosen")
        f.prop("swiftlet,argv", Array("prog\0a b\0\0".utf8))
        f.prop("linux,initrd-start", be32(1) + be32(0x2000_0000))
        f.prop("swiftlet,platform", be32(1))
        f.begin("nested"); f.prop("swiftlet,platform", be32(7)); f.end()
        f.end()
        f.end()
        return f.blob()
    }

    @Test func findsPropertiesByPathAndUnitName() throws {
        let t = try #require(DeviceTree(sample()))
        #expect(t.u32("/chosen", "swiftlet,platform") == 1)
        #expect(t.u32("/chosen/nested", "swiftlet,platform") == 7)
        #expect(t.u64("/chosen", "linux,initrd-start") == 0x1_2000_0000)
        #expect(t.property("/memory", "reg")?.count == 16)
        #expect(t.property("/memory@0", "reg")?.count == 16)
        #expect(t.u32("/", "#address-cells") == 2)
        #expect(t.property("/chosen", "missing") == nil)
        #expect(t.property("/nothere", "reg") == nil)
    }

    @Test func stringListsKeepEmptyAndSpacedElements() throws {
        let t = try #require(DeviceTree(sample()))
        let argv = t.stringList("/chosen", "swiftlet,argv").map { String(decoding: $0, as: UTF8.self) }
        #expect(argv == ["prog", "a b", ""])
    }

    @Test func rejectsMalformedBlobs() {
        #expect(DeviceTree([]) == nil)
        #expect(DeviceTree([UInt8](repeating: 0, count: 64)) == nil)
        var b = sample()
        b[7] = 0xff   // totalsize larger than the blob
        #expect(DeviceTree(b) == nil)
        // Truncated struct block: parsing must stop, not trap.
        var c = sample()
        c.removeLast(8)
        if let t = DeviceTree(c) { _ = t.property("/chosen", "swiftlet,platform") }
    }
}

@Suite struct MemoryMapTests {
    @Test func findFreeIsTopDownAndSkipsAreas() {
        let m = MemoryMap(mmapBase: 0x10_0000)
        #expect(m.findFree(length: 0x1000) == 0xf_f000)
        m.insert(VMA(start: 0xf_0000, end: 0x10_0000, prot: [.read]))
        #expect(m.findFree(length: 0x2000) == 0xe_e000)
        #expect(m.findFree(length: 0x20_0000) == nil)
    }

    @Test func removeSplitsAreasAndAdjustsFileWindows() {
        let m = MemoryMap(mmapBase: 0x100_0000)
        m.insert(VMA(start: 0x10000, end: 0x20000, prot: [.read, .write], fileOffset: 0x1000, fileBytes: 0x8000))
        let removed = m.remove(0x12000, 0x14000)
        #expect(removed.count == 1 && removed[0].start == 0x12000 && removed[0].end == 0x14000)
        #expect(m.areas.count == 2)
        #expect(m.areas[0].start == 0x10000 && m.areas[0].end == 0x12000)
        #expect(m.areas[1].start == 0x14000 && m.areas[1].fileOffset == 0x5000 && m.areas[1].fileBytes == 0x4000)
        #expect(!m.isFree(0x11000, 0x13000))
        #expect(m.isFree(0x12000, 0x14000))
    }

    @Test func protectNeedsFullCoverage() throws {
        let m = MemoryMap(mmapBase: 0x100_0000)
        m.insert(VMA(start: 0x10000, end: 0x20000, prot: [.read]))
        #expect(throws: Errno.ENOMEM) { try m.protect(0x18000, 0x28000, [.read, .write]) }
        let pieces = try m.protect(0x14000, 0x18000, [.read, .write])
        #expect(pieces.count == 1)
        #expect(m.find(0x15000)?.prot == [.read, .write])
        #expect(m.find(0x13000)?.prot == [.read])
        #expect(m.areas.count == 3)
        #expect(m.covered(0x10000, 0x20000))
        #expect(!m.covered(0x10000, 0x21000))
    }

    @Test func pageUpDetectsOverflow() {
        #expect(MemoryMap.pageUp(1) == 4096)
        #expect(MemoryMap.pageUp(4096) == 4096)
        #expect(MemoryMap.pageUp(UInt64.max) == nil)
    }
}

@Suite struct InitialStackTests {
    func word(_ s: InitialStack, at address: UInt64) -> UInt64 {
        let o = Int(address - s.rsp)
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(s.bytes[o + k]) << (8 * UInt64(k)) }
        return v
    }
    func string(_ s: InitialStack, at address: UInt64) -> String {
        var o = Int(address - s.rsp); var out: [UInt8] = []
        while s.bytes[o] != 0 { out.append(s.bytes[o]); o += 1 }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func layoutFollowsThePsABI() throws {
        let top: UInt64 = 0x7fff_0000
        let s = try InitialStack(top: top, argv: [Array("prog".utf8), Array("a b".utf8), []],
                                 envp: [Array("HOME=/".utf8)], auxv: [(AuxKey.pagesz, 4096)],
                                 execfn: Array("/bin/prog".utf8), random: [UInt8](repeating: 7, count: 16))
        #expect(s.rsp % 16 == 0)
        #expect(s.rsp + UInt64(s.bytes.count) == top)
        #expect(word(s, at: s.rsp) == 3)
        #expect(string(s, at: word(s, at: s.rsp + 8)) == "prog")
        #expect(string(s, at: word(s, at: s.rsp + 16)) == "a b")
        #expect(string(s, at: word(s, at: s.rsp + 24)) == "")
        #expect(word(s, at: s.rsp + 32) == 0)
        #expect(string(s, at: word(s, at: s.rsp + 40)) == "HOME=/")
        #expect(word(s, at: s.rsp + 48) == 0)
        // auxv: the given pair, then RANDOM, EXECFN, PLATFORM, NULL.
        var a = s.rsp + 56
        var aux: [UInt64: UInt64] = [:]
        while true { let k = word(s, at: a), v = word(s, at: a + 8); a += 16; if k == 0 { break }; aux[k] = v }
        #expect(aux[AuxKey.pagesz] == 4096)
        #expect(string(s, at: aux[AuxKey.execfn]!) == "/bin/prog")
        #expect(string(s, at: aux[AuxKey.platform]!) == "x86_64")
        let r = Int(aux[AuxKey.random]! - s.rsp)
        #expect(Array(s.bytes[r..<(r + 16)]) == [UInt8](repeating: 7, count: 16))
    }

    @Test func hugeArgumentsAreE2BIG() {
        let big = [UInt8](repeating: 0x41, count: 3 << 20)
        #expect(throws: Errno.E2BIG) {
            _ = try InitialStack(top: 0x7fff_0000, argv: [big], envp: [], auxv: [], execfn: [], random: [])
        }
    }
}

@Suite struct ELFImageTests {
    func header(type: UInt16 = 2, machine: UInt16 = 62, phnum: UInt16 = 1) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 64)
        h[0] = 0x7f; h[1] = 0x45; h[2] = 0x4c; h[3] = 0x46; h[4] = 2; h[5] = 1; h[6] = 1
        h[16] = UInt8(type); h[18] = UInt8(machine & 0xff); h[19] = UInt8(machine >> 8)
        h[24] = 0x00; h[25] = 0x10; h[26] = 0x40            // entry 0x401000
        h[32] = 64                                          // phoff
        h[54] = 56; h[56] = UInt8(phnum)
        return h
    }
    func load(offset: UInt64, vaddr: UInt64, filesz: UInt64, memsz: UInt64, type: UInt32 = 1) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: 56)
        func put(_ o: Int, _ v: UInt64, _ n: Int) { for k in 0..<n { p[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) } }
        put(0, UInt64(type), 4); put(4, 5, 4); put(8, offset, 8); put(16, vaddr, 8); put(32, filesz, 8); put(40, memsz, 8)
        return p
    }

    @Test func acceptsStaticExecutables() throws {
        var e = try ELFImage(header: header())
        try e.parseProgramHeaders(load(offset: 0, vaddr: 0x400000, filesz: 0x2000, memsz: 0x3000), fileSize: 0x2000)
        #expect(e.entry == 0x401000 && e.segments.count == 1 && !e.hasInterpreter)
        #expect(e.phdrAddress(bias: 0) == 0x400040)
    }

    @Test func rejectsWhatTheLoaderCannotRun() throws {
        #expect(throws: Errno.ENOEXEC) { _ = try ELFImage(header: Array("#!/bin/sh\n".utf8)) }
        #expect(throws: Errno.ENOEXEC) { _ = try ELFImage(header: header(machine: 183)) }
        #expect(throws: Errno.ENOEXEC) { _ = try ELFImage(header: header(type: 1)) }
        #expect(throws: Errno.ENOEXEC) { _ = try ELFImage(header: header(phnum: 0)) }
        var e = try ELFImage(header: header())
        // Segment data past the end of the file.
        #expect(throws: Errno.ENOEXEC) { try e.parseProgramHeaders(load(offset: 0x1000, vaddr: 0x401000, filesz: 0x2000, memsz: 0x2000), fileSize: 0x2000) }
        // filesz > memsz.
        #expect(throws: Errno.ENOEXEC) { try e.parseProgramHeaders(load(offset: 0, vaddr: 0x400000, filesz: 0x2000, memsz: 0x1000), fileSize: 0x2000) }
        // Into the kernel window.
        #expect(throws: Errno.ENOEXEC) { try e.parseProgramHeaders(load(offset: 0, vaddr: BootLayout.userLimit, filesz: 0x10, memsz: 0x10), fileSize: 0x2000) }
    }
}
