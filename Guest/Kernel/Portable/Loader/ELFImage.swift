#if canImport(GuestABI)
import GuestABI
#endif

/// The parts of an ELF64 executable the loader needs (System V gABI, x86-64 psABI),
/// parsed from bytes the caller copied out of the file. Every field is validated.
public struct ELFImage {
    public struct Segment {
        public var type: UInt32, flags: UInt32
        public var offset: UInt64, vaddr: UInt64, filesz: UInt64, memsz: UInt64
    }
    public static let ptLoad: UInt32 = 1, ptInterp: UInt32 = 3, ptPhdr: UInt32 = 6
    public static let etExec: UInt16 = 2, etDyn: UInt16 = 3

    public var type: UInt16
    public var entry: UInt64
    public var phoff: UInt64
    public var phnum: Int
    public var segments: [Segment] = []
    public var hasInterpreter = false

    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 { UInt32(u16(b, o)) | UInt32(u16(b, o + 2)) << 16 }
    static func u64(_ b: [UInt8], _ o: Int) -> UInt64 { UInt64(u32(b, o)) | UInt64(u32(b, o + 4)) << 32 }

    /// Parses the 64-byte ELF header. ENOEXEC for anything that is not an x86-64
    /// executable or static PIE.
    public init(header h: [UInt8]) throws(Errno) {
        guard h.count >= 64, h[0] == 0x7f, h[1] == 0x45, h[2] == 0x4c, h[3] == 0x46 else { throw .ENOEXEC }
        guard h[4] == 2, h[5] == 1, ELFImage.u16(h, 18) == 62 else { throw .ENOEXEC }
        type = ELFImage.u16(h, 16)
        guard type == ELFImage.etExec || type == ELFImage.etDyn else { throw .ENOEXEC }
        entry = ELFImage.u64(h, 24)
        phoff = ELFImage.u64(h, 32)
        guard ELFImage.u16(h, 54) == 56 else { throw .ENOEXEC }
        phnum = Int(ELFImage.u16(h, 56))
        guard phnum > 0, phnum <= 64 else { throw .ENOEXEC }
    }

    public var programHeaderBytes: Int { phnum * 56 }

    /// Parses the program header table; validates each PT_LOAD.
    public mutating func parseProgramHeaders(_ b: [UInt8], fileSize: UInt64) throws(Errno) {
        guard b.count >= programHeaderBytes else { throw .ENOEXEC }
        for i in 0..<phnum {
            let o = i * 56
            let s = Segment(type: ELFImage.u32(b, o), flags: ELFImage.u32(b, o + 4),
                            offset: ELFImage.u64(b, o + 8), vaddr: ELFImage.u64(b, o + 16),
                            filesz: ELFImage.u64(b, o + 32), memsz: ELFImage.u64(b, o + 40))
            if s.type == ELFImage.ptInterp { hasInterpreter = true }
            if s.type == ELFImage.ptLoad {
                let (fend, o1) = s.offset.addingReportingOverflow(s.filesz)
                let (vend, o2) = s.vaddr.addingReportingOverflow(s.memsz)
                guard !o1, !o2, fend <= fileSize, s.filesz <= s.memsz,
                      s.offset & 0xfff == s.vaddr & 0xfff, vend < BootLayout.userLimit else { throw .ENOEXEC }
            }
            segments.append(s)
        }
        guard segments.contains(where: { $0.type == ELFImage.ptLoad }) else { throw .ENOEXEC }
    }

    /// Where the program headers are once loaded (for AT_PHDR), given the load bias.
    public func phdrAddress(bias: UInt64) -> UInt64 {
        if let p = segments.first(where: { $0.type == ELFImage.ptPhdr }) { return p.vaddr &+ bias }
        for s in segments where s.type == ELFImage.ptLoad && phoff >= s.offset && phoff < s.offset &+ s.filesz {
            return s.vaddr &+ (phoff - s.offset) &+ bias
        }
        return 0
    }
}
