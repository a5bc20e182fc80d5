/// A quick host-side look at PROGRAM's ELF header, so that "cannot execute" gets a
/// clear message and exit status 126 before a VM is even created. The guest's loader
/// still validates everything itself; this only reads the fixed header and the
/// program-header types (ELF-64 gABI, "ELF Header" and "Program Header").
enum ProgramImageCheck {
    static let elfMagic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
    static let elfClass64: UInt8 = 2
    static let elfDataLSB: UInt8 = 1
    static let machineX86_64: UInt16 = 62
    static let typeExec: UInt16 = 2
    static let typeDyn: UInt16 = 3
    static let ptInterp: UInt32 = 3
    static let headerSize = 64

    /// Why `image` cannot run in the guest, or nil if it looks like a static x86_64 ELF.
    static func problem(_ image: [UInt8]) -> String? {
        guard image.count >= 4, Array(image[0..<4]) == elfMagic else { return "not an ELF executable" }
        guard image.count >= headerSize else { return "truncated ELF header" }
        guard image[4] == elfClass64, image[5] == elfDataLSB,
              le16(image, 18) == machineX86_64 else { return "not an x86_64 (64-bit little-endian) ELF" }
        let type = le16(image, 16)
        guard type == typeExec || type == typeDyn else { return "not an executable ELF (e_type \(type))" }

        let phoff = le64(image, 32)
        let phentsize = UInt64(le16(image, 54))
        let phnum = UInt64(le16(image, 56))
        guard phnum > 0 else { return "ELF has no program headers" }
        guard phentsize >= 4 else { return "bad ELF program header size" }
        let (span, o1) = phentsize.multipliedReportingOverflow(by: phnum)
        let (end, o2) = phoff.addingReportingOverflow(span)
        guard !o1, !o2, end <= UInt64(image.count) else { return "ELF program headers outside the file" }
        for i in 0..<phnum {
            if le32(image, Int(phoff + i * phentsize)) == ptInterp {
                return "dynamically linked (has PT_INTERP); only static programs are supported"
            }
        }
        return nil
    }

    // Callers have checked the bounds.
    private static func le16(_ b: [UInt8], _ at: Int) -> UInt16 {
        UInt16(b[at]) | UInt16(b[at + 1]) << 8
    }
    private static func le32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(le16(b, at)) | UInt32(le16(b, at + 2)) << 16
    }
    private static func le64(_ b: [UInt8], _ at: Int) -> UInt64 {
        UInt64(le32(b, at)) | UInt64(le32(b, at + 4)) << 32
    }
}
