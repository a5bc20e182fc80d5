import Boot

/// A host-side look at PROGRAM before a VM exists, so that "cannot execute" gets a clear
/// message and exit status 126 at once. It reuses the Boot module's ELF parser; the
/// guest's loader still validates everything itself.
enum ProgramImageCheck {
    /// Why `image` cannot run in the guest, or nil if it is a static x86_64 ELF.
    static func problem(_ image: [UInt8]) -> String? {
        let elf: ELFFile
        do throws(ELFError) { elf = try ELFFile(bytes: image) } catch {
            return error.describeProblem()
        }
        if case .dynamic = elf.kind { return "dynamically linked programs are not supported yet" }
        return nil
    }
}
