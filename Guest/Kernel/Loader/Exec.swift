import KernelASM

/// Loading a static ELF program into the (fresh) address space and building its
/// initial stack: the kernel half of execve(2).
enum Exec {
    /// Where static-PIE programs are placed (Linux's ELF_ET_DYN_BASE is 2/3 of the
    /// address space; ours is lower because the kernel window starts at 0x7e00…).
    static let pieBase: UInt64 = 0x5555_5555_4000
    static let stackTop: UInt64 = BootLayout.userLimit - 0x1000
    /// The region reserved for the main stack (area: limits): the [stack] area itself is
    /// RLIMIT_STACK's soft limit at exec (at least 128 KiB, at most this), so a program
    /// that recurses past its limit gets SIGSEGV as on Linux.
    static let stackSize: UInt64 = 64 << 20

    static func stackBytes(_ process: Process) -> UInt64 {
        let limit = process.limits.soft[ResourceLimits.stack]
        return min(max(limit, 128 << 10), stackSize) & ~0xfff
    }

    struct Entry { var rip: UInt64; var rsp: UInt64 }

    static func readExactly(_ file: Inode, at offset: UInt64, count: Int) throws(Errno) -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: count)
        var failure: Errno? = nil
        var got = 0
        buf.withUnsafeMutableBytes { b in
            do throws(Errno) { got = try file.read(at: offset, into: b) } catch { failure = error }
        }
        if let failure { throw failure }
        guard got == count else { throw .ENOEXEC }
        return buf
    }

    static func load(_ process: Process, space: UserSpace, path: [UInt8], argv: [[UInt8]], envp: [[UInt8]],
                     random: [UInt8]) throws(Errno) -> Entry {
        let file = try lookupFile(process, path: path)
        guard file.isRegularFile else { throw .EACCES }
        var elf = try ELFImage(header: try readExactly(file, at: 0, count: 64))
        let (phEnd, o) = elf.phoff.addingReportingOverflow(UInt64(elf.programHeaderBytes))
        guard !o, phEnd <= file.size else { throw .ENOEXEC }
        try elf.parseProgramHeaders(try readExactly(file, at: elf.phoff, count: elf.programHeaderBytes), fileSize: file.size)
        guard !elf.hasInterpreter else { throw .ENOEXEC }
        let bias: UInt64 = elf.type == ELFImage.etDyn ? pieBase : 0

        let map = process.memory
        var highest: UInt64 = 0
        for s in elf.segments where s.type == ELFImage.ptLoad && s.memsz > 0 {
            let start = (s.vaddr &+ bias) & ~0xfff
            guard let end = MemoryMap.pageUp(s.vaddr &+ bias &+ s.memsz), end <= BootLayout.userLimit,
                  start >= map.mmapMin else { throw .ENOEXEC }
            var prot: Protection = []
            if s.flags & 4 != 0 { prot.insert(.read) }
            if s.flags & 2 != 0 { prot.insert(.write) }
            if s.flags & 1 != 0 { prot.insert(.exec) }
            for piece in map.remove(start, end) { space.unmapPages(piece.start, piece.end) }
            map.insert(VMA(start: start, end: end, prot: prot, file: file,
                           fileOffset: s.offset & ~0xfff, fileBytes: (s.vaddr & 0xfff) + s.filesz))
            highest = max(highest, end)
        }
        map.brkStart = highest
        map.brkCurrent = highest

        let stackBytes = Exec.stackBytes(process)                // area: limits: RLIMIT_STACK
        map.insert(VMA(start: stackTop - stackBytes, end: stackTop, prot: [.read, .write], name: "[stack]"))
        let c = process.credentials
        var auxv: [(UInt64, UInt64)] = [
            (AuxKey.phdr, elf.phdrAddress(bias: bias)), (AuxKey.phent, 56), (AuxKey.phnum, UInt64(elf.phnum)),
            (AuxKey.pagesz, 4096), (AuxKey.base, 0), (AuxKey.flags, 0), (AuxKey.entry, elf.entry &+ bias),
            (AuxKey.uid, UInt64(c.uid)), (AuxKey.euid, UInt64(c.euid)), (AuxKey.gid, UInt64(c.gid)), (AuxKey.egid, UInt64(c.egid)), (AuxKey.secure, 0),
            (AuxKey.hwcap, CPU.hwcap()), (AuxKey.hwcap2, 0), (AuxKey.clktck, 100), (AuxKey.minsigstksz, 2048),
        ]
        if let services = Kernel.services {
            let vdso = VDSO.map(into: space, services: services)
            if vdso != 0 { auxv.insert((AuxKey.sysinfoEHDR, vdso), at: 0) }
        }
        let stack = try InitialStack(top: stackTop, argv: argv, envp: envp, auxv: auxv, execfn: path, random: random)
        guard stack.rsp > stackTop - stackBytes + 0x8000 else { throw .E2BIG }
        try space.copyOut(stack.bytes, to: stack.rsp)
        process.exePath = path
        process.cmdline = []                                  // /proc/<pid>/cmdline (area: timers)
        for arg in argv { process.cmdline += arg; process.cmdline.append(0) }
        process.threadNames = []                                         // area: proctask
        process.comm = Array((path.split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? path).prefix(15))
        return Entry(rip: elf.entry &+ bias, rsp: stack.rsp)
    }
}
