import Glibc
import Testing
@testable import Boot

@Suite struct ELFFileTests {
    @Test func parsesStaticExecutable() throws {
        let elf = try ELFFile(bytes: SyntheticELF.staticExec().bytes())
        #expect(elf.type == .exec)
        #expect(elf.entry == 0x401000)
        #expect(elf.kind == .staticExecutable)
        #expect(elf.programHeaders.count == 1)
        let ph = elf.programHeaders[0]
        #expect(ph.type == ProgramHeader.load)
        #expect(ph.offset == 120)
        #expect(ph.vaddr == 0x400000)
        #expect(ph.filesz == 4)
        #expect(ph.memsz == 0x2000)
        #expect(ph.align == 0x1000)
        #expect(ph.flags == 5)
        #expect(Array(elf.contents(of: ph)) == [0xf4, 0x90, 0x90, 0x90])
    }

    @Test func classifiesStaticPIE() throws {
        var e = SyntheticELF.staticExec()
        e.type = 3
        let elf = try ELFFile(bytes: e.bytes())
        #expect(elf.type == .dyn)
        #expect(elf.kind == .staticPIE)
    }

    @Test func classifiesDynamicWithInterpreter() throws {
        var e = SyntheticELF.staticExec()
        e.type = 3
        let path = Array("/lib64/ld-linux-x86-64.so.2".utf8) + [0]
        e.segments.insert(.init(type: ProgramHeader.interp, flags: 4, vaddr: 0x200, paddr: 0x200,
                                data: path, memsz: UInt64(path.count)), at: 0)
        let elf = try ELFFile(bytes: e.bytes())
        #expect(elf.kind == .dynamic(interpreter: "/lib64/ld-linux-x86-64.so.2"))
    }

    @Test(arguments: [
        ([UInt8]("/lib/ld.so".utf8), "no NUL terminator"),
        ([UInt8]("/lib\0ld.so".utf8) + [0], "inner NUL"),
        ([0], "empty path"),
        ([0xff, 0xfe, 0], "invalid UTF-8"),
    ])
    func rejectsBadInterpreter(path: [UInt8], _ why: String) {
        var e = SyntheticELF.staticExec()
        e.segments.append(.init(type: ProgramHeader.interp, flags: 4, vaddr: 0x200, paddr: 0x200,
                                data: path, memsz: UInt64(path.count)))
        #expect(throws: ELFError.badProgramHeader(index: 1), "\(why)") { try ELFFile(bytes: e.bytes()) }
    }

    @Test func rejectsTooShortAndBadMagic() {
        let good = SyntheticELF.staticExec().bytes()
        #expect(throws: ELFError.notELF) { try ELFFile(bytes: Array(good[0..<63])) }
        #expect(throws: ELFError.notELF) { try ELFFile(bytes: []) }
        var bad = good
        bad[1] = 0x46
        #expect(throws: ELFError.notELF) { try ELFFile(bytes: bad) }
    }

    @Test func rejectsClassEndianMachineType() {
        var e = SyntheticELF.staticExec()
        e.elfClass = 1
        #expect(throws: ELFError.not64Bit) { try ELFFile(bytes: e.bytes()) }
        e = .staticExec(); e.elfData = 2
        #expect(throws: ELFError.notLittleEndian) { try ELFFile(bytes: e.bytes()) }
        e = .staticExec(); e.machine = 183
        #expect(throws: ELFError.wrongMachine(183)) { try ELFFile(bytes: e.bytes()) }
        e = .staticExec(); e.type = 1
        #expect(throws: ELFError.notExecutable(type: 1)) { try ELFFile(bytes: e.bytes()) }
        e = .staticExec(); e.type = 4
        #expect(throws: ELFError.notExecutable(type: 4)) { try ELFFile(bytes: e.bytes()) }
    }

    @Test func rejectsProgramHeaderTableOutsideFile() {
        var e = SyntheticELF.staticExec()
        e.phoffOverride = 100_000
        #expect(throws: ELFError.truncated) { try ELFFile(bytes: e.bytes()) }
        e = .staticExec(); e.phoffOverride = UInt64.max - 10
        #expect(throws: ELFError.truncated) { try ELFFile(bytes: e.bytes()) }
        e = .staticExec(); e.phnumOverride = 40
        #expect(throws: ELFError.truncated) { try ELFFile(bytes: e.bytes()) }
        let good = SyntheticELF.staticExec().bytes()
        #expect(throws: ELFError.truncated) { try ELFFile(bytes: Array(good[0..<100])) }
    }

    @Test func rejectsWrongEntrySize() {
        var e = SyntheticELF.staticExec()
        e.phentsize = 32
        #expect(throws: ELFError.badProgramHeader(index: 0)) { try ELFFile(bytes: e.bytes()) }
    }

    @Test func rejectsSegmentOutsideFile() {
        var e = SyntheticELF.staticExec()
        e.segments[0].filesz = 5000
        #expect(throws: ELFError.badProgramHeader(index: 0)) { try ELFFile(bytes: e.bytes()) }
        e = .staticExec(); e.segments[0].offset = 1_000_000
        #expect(throws: ELFError.badProgramHeader(index: 0)) { try ELFFile(bytes: e.bytes()) }
        // offset + filesz wraps around 2^64.
        e = .staticExec(); e.segments[0].offset = UInt64.max - 1
        #expect(throws: ELFError.badProgramHeader(index: 0)) { try ELFFile(bytes: e.bytes()) }
    }

    @Test func rejectsFileszAboveMemsz() {
        var e = SyntheticELF.staticExec()
        e.segments[0].memsz = 2
        #expect(throws: ELFError.badProgramHeader(index: 0)) { try ELFFile(bytes: e.bytes()) }
    }

    @Test func rejectsVirtualOverflow() {
        var e = SyntheticELF.staticExec()
        e.segments.append(.init(vaddr: UInt64.max - 0x100, paddr: 0, data: [], memsz: 0x1000))
        #expect(throws: ELFError.badProgramHeader(index: 1)) { try ELFFile(bytes: e.bytes()) }
    }

    @Test func messagesAreOneLine() {
        #expect(ELFError.notELF.describeProblem() == "not an ELF file")
        #expect(ELFError.not64Bit.describeProblem() == "32-bit ELF is not supported")
        #expect(ELFError.wrongMachine(183).describeProblem() == "ELF for machine 183 (not x86_64)")
        let all: [ELFError] = [.notELF, .not64Bit, .notLittleEndian, .wrongMachine(3),
                               .notExecutable(type: 1), .truncated, .badProgramHeader(index: 2)]
        for e in all { #expect(!e.describeProblem().isEmpty && !e.describeProblem().contains("\n")) }
    }
}

/// A real toolchain-produced binary, as a check that the synthetic images are not the
/// only shape the parser accepts.
@Suite struct HostBinaryELFTests {
    static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }

    @Test(.enabled(if: access("/bin/true", R_OK) == 0))
    func parsesHostTrue() throws {
        let bytes = try #require(Self.readFile("/bin/true"))
        let elf = try ELFFile(bytes: bytes)
        #expect(elf.type == .dyn)
        #expect(elf.kind == .dynamic(interpreter: "/lib64/ld-linux-x86-64.so.2"))
        #expect(elf.programHeaders.contains { $0.type == ProgramHeader.load })
    }
}
