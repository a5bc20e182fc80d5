/// One ELF64 program header (Elf64_Phdr), copied out of the file as a value.
public struct ProgramHeader: Equatable, Sendable {
    public var type: UInt32
    public var flags: UInt32
    public var offset: UInt64
    public var vaddr: UInt64
    public var paddr: UInt64
    public var filesz: UInt64
    public var memsz: UInt64
    public var align: UInt64

    public static let load: UInt32 = 1
    public static let interp: UInt32 = 3
    public static let flagExecute: UInt32 = 1
    public static let flagWrite: UInt32 = 2
    public static let flagRead: UInt32 = 4

    public init(type: UInt32, flags: UInt32, offset: UInt64, vaddr: UInt64, paddr: UInt64,
                filesz: UInt64, memsz: UInt64, align: UInt64) {
        self.type = type; self.flags = flags; self.offset = offset; self.vaddr = vaddr
        self.paddr = paddr; self.filesz = filesz; self.memsz = memsz; self.align = align
    }

    /// The checks every later consumer relies on: file bytes inside the file, no more
    /// file bytes than memory bytes, and a virtual range that does not wrap.
    func isConsistent(fileSize: Int) -> Bool {
        let (fileEnd, o1) = offset.addingReportingOverflow(filesz)
        guard !o1, fileEnd <= UInt64(fileSize) else { return false }
        guard filesz <= memsz else { return false }
        let (_, o2) = vaddr.addingReportingOverflow(memsz)
        return !o2
    }
}
