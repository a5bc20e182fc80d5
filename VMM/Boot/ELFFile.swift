/// A validated ELF64 x86_64 executable image (System V gABI ch. 4, x86-64 psABI).
/// Parsing checks every header field we later rely on, so users of `ELFFile` (the
/// kernel loader here, the program packer in the CLI) never re-validate offsets.
public struct ELFFile: Sendable {
    public enum FileType: UInt16, Sendable { case exec = 2, dyn = 3 }

    public let type: FileType
    public let entry: UInt64
    public let programHeaders: [ProgramHeader]
    public let kind: ELFKind
    /// The image bytes, so loaders can copy segment contents without re-reading.
    public let bytes: [UInt8]

    // e_ident and header constants.
    static let ehdrSize = 64
    static let phdrSize = 56
    static let elfClass64: UInt8 = 2
    static let elfData2LSB: UInt8 = 1
    static let machineX86_64: UInt16 = 62
    /// Longest PT_INTERP path we accept (Linux's PATH_MAX).
    static let maxInterpreterLength: UInt64 = 4096

    public init(bytes: [UInt8]) throws(ELFError) {
        let b = ELFBytes(bytes: bytes)
        guard bytes.count >= Self.ehdrSize,
              bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46
        else { throw .notELF }
        guard bytes[4] == Self.elfClass64 else { throw .not64Bit }
        guard bytes[5] == Self.elfData2LSB else { throw .notLittleEndian }
        // The header is 64 bytes and present, so these fixed-offset reads cannot fail.
        let eType = b.u16(16)!, machine = b.u16(18)!
        guard machine == Self.machineX86_64 else { throw .wrongMachine(machine) }
        guard let fileType = FileType(rawValue: eType) else { throw .notExecutable(type: eType) }
        let entry = b.u64(24)!, phoff = b.u64(32)!
        let phentsize = b.u16(54)!, phnum = b.u16(56)!

        // Header-table bounds first: an entry size mismatch with phnum == 0 is harmless.
        let (tableSize, mulOverflow) = UInt64(phnum).multipliedReportingOverflow(by: UInt64(phentsize))
        guard !mulOverflow, b.contains(offset: phoff, length: tableSize) else { throw .truncated }

        var headers: [ProgramHeader] = []
        headers.reserveCapacity(Int(phnum))
        for index in 0..<Int(phnum) {
            guard phentsize == UInt16(Self.phdrSize) else { throw .badProgramHeader(index: index) }
            let base = Int(phoff) + index * Self.phdrSize
            let ph = ProgramHeader(
                type: b.u32(base)!, flags: b.u32(base + 4)!, offset: b.u64(base + 8)!,
                vaddr: b.u64(base + 16)!, paddr: b.u64(base + 24)!, filesz: b.u64(base + 32)!,
                memsz: b.u64(base + 40)!, align: b.u64(base + 48)!)
            guard ph.isConsistent(fileSize: bytes.count) else { throw .badProgramHeader(index: index) }
            headers.append(ph)
        }

        self.type = fileType
        self.entry = entry
        self.programHeaders = headers
        self.bytes = bytes
        self.kind = try Self.classify(fileType, headers, b)
    }

    /// PT_INTERP decides static vs dynamic; e_type decides fixed vs position-independent.
    private static func classify(_ type: FileType, _ headers: [ProgramHeader], _ b: ELFBytes) throws(ELFError) -> ELFKind {
        guard let index = headers.firstIndex(where: { $0.type == ProgramHeader.interp }) else {
            return type == .exec ? .staticExecutable : .staticPIE
        }
        let ph = headers[index]
        // The path is NUL-terminated inside p_filesz, non-empty, and has no inner NUL.
        guard ph.filesz >= 2, ph.filesz <= maxInterpreterLength else { throw .badProgramHeader(index: index) }
        let start = Int(ph.offset), end = start + Int(ph.filesz)
        let raw = b.bytes[start..<end]
        guard raw.last == 0 else { throw .badProgramHeader(index: index) }
        let path = raw.dropLast()
        guard !path.contains(0), let s = String(validating: path, as: UTF8.self) else {
            throw .badProgramHeader(index: index)
        }
        return .dynamic(interpreter: s)
    }

    /// The file bytes of a segment; `ph` must be one of `programHeaders` (validated).
    public func contents(of ph: ProgramHeader) -> ArraySlice<UInt8> {
        bytes[Int(ph.offset)..<Int(ph.offset + ph.filesz)]
    }
}

/// How a program must be started (drives the loader: fixed address, relocated base,
/// or an interpreter to load as well).
public enum ELFKind: Equatable, Sendable {
    case staticExecutable
    case staticPIE
    case dynamic(interpreter: String)
}
