/// Why an ELF image was rejected. Every case names the first check that failed, so a
/// user can tell "wrong kind of file" from "damaged file" (System V gABI, ch. 4).
public enum ELFError: Error, Equatable, Sendable {
    /// Bad magic, or shorter than an ELF64 header.
    case notELF
    /// EI_CLASS is not ELFCLASS64.
    case not64Bit
    /// EI_DATA is not ELFDATA2LSB.
    case notLittleEndian
    /// e_machine is not EM_X86_64 (62).
    case wrongMachine(UInt16)
    /// e_type is neither ET_EXEC nor ET_DYN (e.g. a relocatable object or a core dump).
    case notExecutable(type: UInt16)
    /// The program header table lies (partly) outside the file, or its size overflows.
    case truncated
    /// Program header `index` is inconsistent: wrong entry size, bytes outside the
    /// file, p_filesz > p_memsz, an address range that overflows, or a bad PT_INTERP.
    case badProgramHeader(index: Int)

    /// One line, suitable for a user-facing error message.
    public func describeProblem() -> String {
        switch self {
        case .notELF: return "not an ELF file"
        case .not64Bit: return "32-bit ELF is not supported"
        case .notLittleEndian: return "big-endian ELF is not supported"
        case .wrongMachine(let m): return "ELF for machine \(m) (not x86_64)"
        case .notExecutable(let t):
            switch t {
            case 1: return "ELF is a relocatable object (.o), not an executable"
            case 4: return "ELF is a core dump, not an executable"
            default: return "ELF type \(t) is not an executable"
            }
        case .truncated: return "ELF file is truncated (program headers outside the file)"
        case .badProgramHeader(let i): return "ELF program header \(i) is malformed"
        }
    }
}
