#if canImport(GuestABI)
import GuestABI
#endif

/// Auxiliary vector keys (include/uapi/linux/auxvec.h).
public enum AuxKey {
    public static let null: UInt64 = 0, phdr: UInt64 = 3, phent: UInt64 = 4, phnum: UInt64 = 5
    public static let pagesz: UInt64 = 6, base: UInt64 = 7, flags: UInt64 = 8, entry: UInt64 = 9
    public static let uid: UInt64 = 11, euid: UInt64 = 12, gid: UInt64 = 13, egid: UInt64 = 14
    public static let platform: UInt64 = 15, hwcap: UInt64 = 16, clktck: UInt64 = 17
    public static let secure: UInt64 = 23, random: UInt64 = 25, hwcap2: UInt64 = 26
    public static let execfn: UInt64 = 31, sysinfoEHDR: UInt64 = 33, minsigstksz: UInt64 = 51
}

/// The process's initial stack as the x86-64 psABI (§3.4.1) and Linux's
/// create_elf_tables() lay it out: argc, argv[], NULL, envp[], NULL, auxv pairs,
/// AT_NULL, then the strings and the AT_RANDOM bytes above, RSP 16-byte aligned at argc.
public struct InitialStack {
    public var bytes: [UInt8]
    /// Lowest address of `bytes`; the program starts with RSP here.
    public var rsp: UInt64

    /// - Parameter auxv: pairs without AT_RANDOM, AT_EXECFN, AT_PLATFORM and AT_NULL,
    ///   which are added here because they point into the stack itself.
    public init(top: UInt64, argv: [[UInt8]], envp: [[UInt8]], auxv: [(UInt64, UInt64)],
                execfn: [UInt8], random: [UInt8]) throws(Errno) {
        var strings: [UInt8] = []
        func put(_ s: [UInt8]) -> Int { let off = strings.count; strings += s; strings.append(0); return off }
        let execOff = put(execfn)
        let platOff = put(Array("x86_64".utf8))
        let randOff = strings.count
        strings += random.count >= 16 ? Array(random[0..<16]) : random + [UInt8](repeating: 0, count: 16 - random.count)
        var argOffs: [Int] = [], envOffs: [Int] = []
        for a in argv { argOffs.append(put(a)) }
        for e in envp { envOffs.append(put(e)) }
        // ARG_MAX-style limit (Linux: 1/4 of the stack rlimit; we cap at 2 MiB).
        guard strings.count <= 2 << 20 else { throw .E2BIG }

        let stringsBase = (top - UInt64(strings.count)) & ~15
        let fullAux = auxv + [(AuxKey.random, stringsBase + UInt64(randOff)),
                              (AuxKey.execfn, stringsBase + UInt64(execOff)),
                              (AuxKey.platform, stringsBase + UInt64(platOff)),
                              (AuxKey.null, 0)]
        let words = 1 + argv.count + 1 + envp.count + 1 + 2 * fullAux.count
        let rsp = (stringsBase - UInt64(words * 8)) & ~15
        var out = [UInt8](repeating: 0, count: Int(top - rsp))
        func word(_ index: Int, _ v: UInt64) {
            for k in 0..<8 { out[index * 8 + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
        }
        var w = 0
        word(w, UInt64(argv.count)); w += 1
        for o in argOffs { word(w, stringsBase + UInt64(o)); w += 1 }
        word(w, 0); w += 1
        for o in envOffs { word(w, stringsBase + UInt64(o)); w += 1 }
        word(w, 0); w += 1
        for (k, v) in fullAux { word(w, k); word(w + 1, v); w += 2 }
        let sOff = Int(stringsBase - rsp)
        for i in 0..<strings.count { out[sOff + i] = strings[i] }
        bytes = out
        self.rsp = rsp
    }
}
