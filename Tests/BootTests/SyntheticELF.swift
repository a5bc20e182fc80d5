@testable import Boot

/// Builds ELF64 images byte by byte, so each test can break exactly one field.
struct SyntheticELF {
    struct Segment {
        var type: UInt32 = ProgramHeader.load
        var flags: UInt32 = ProgramHeader.flagRead | ProgramHeader.flagExecute
        var vaddr: UInt64
        var paddr: UInt64
        var data: [UInt8]
        var memsz: UInt64
        /// Overrides the computed file offset / size when set.
        var offset: UInt64? = nil
        var filesz: UInt64? = nil
    }

    var elfClass: UInt8 = 2
    var elfData: UInt8 = 1
    var type: UInt16 = 2
    var machine: UInt16 = 62
    var entry: UInt64 = 0x401000
    var phentsize: UInt16 = 56
    var phoffOverride: UInt64? = nil
    var phnumOverride: UInt16? = nil
    var segments: [Segment] = []

    func bytes() -> [UInt8] {
        let phoff: UInt64 = 64
        var dataOffset = phoff + UInt64(segments.count) * 56
        var headers: [UInt8] = []
        var payload: [UInt8] = []
        for s in segments {
            let offset = s.offset ?? dataOffset
            put(&headers, UInt64(s.type) | UInt64(s.flags) << 32, 8)
            put(&headers, offset, 8)
            put(&headers, s.vaddr, 8)
            put(&headers, s.paddr, 8)
            put(&headers, s.filesz ?? UInt64(s.data.count), 8)
            put(&headers, s.memsz, 8)
            put(&headers, 0x1000, 8)
            payload += s.data
            dataOffset += UInt64(s.data.count)
        }
        var out: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, elfClass, elfData, 1, 0]
        out += [UInt8](repeating: 0, count: 8)
        put(&out, UInt64(type), 2)
        put(&out, UInt64(machine), 2)
        put(&out, 1, 4)
        put(&out, entry, 8)
        put(&out, phoffOverride ?? phoff, 8)
        put(&out, 0, 8)               // e_shoff
        put(&out, 0, 4)               // e_flags
        put(&out, 64, 2)              // e_ehsize
        put(&out, UInt64(phentsize), 2)
        put(&out, UInt64(phnumOverride ?? UInt16(segments.count)), 2)
        put(&out, 64, 2)              // e_shentsize
        put(&out, 0, 2)               // e_shnum
        put(&out, 0, 2)               // e_shstrndx
        precondition(out.count == 64)
        return out + headers + payload
    }

    private func put(_ a: inout [UInt8], _ v: UInt64, _ width: Int) {
        for i in 0..<width { a.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
    }

    /// A minimal static executable with one RX segment at 0x400000.
    static func staticExec() -> SyntheticELF {
        var e = SyntheticELF()
        e.segments = [Segment(vaddr: 0x400000, paddr: 0x400000, data: [0xf4, 0x90, 0x90, 0x90], memsz: 0x2000)]
        return e
    }
}
