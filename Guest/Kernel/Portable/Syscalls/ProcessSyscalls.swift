#if canImport(GuestABI)
import GuestABI
#endif

/// prctl(2): the options programs call at start-up. PR_SET_NAME/PR_GET_NAME keep the
/// 16-byte task name (`comm`); PR_SET_PDEATHSIG/PR_GET_PDEATHSIG are stored (PID 1 has
/// no parent to lose); anything else is EINVAL, as Linux answers unknown options.
extension Process {
    public func sysPrctl(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        switch a.a0 {
        case 15:                                       // PR_SET_NAME
            var name = try user.copyIn(count: 16, from: a.a1, stopAtNUL: true)
            if name.count > 15 { name = Array(name[0..<15]) }
            setThreadName(name, tid: ProcFS.currentTid?() ?? pid)   // area: proctask: per thread
            return 0
        case 16:                                       // PR_GET_NAME
            var out = [UInt8](repeating: 0, count: 16)
            for (i, b) in ProcFS.commName(self, tid: ProcFS.currentTid?() ?? pid).prefix(15).enumerated() { out[i] = b }
            try user.copyOut(out, to: a.a1)
            return 0
        case 1:                                        // PR_SET_PDEATHSIG
            guard a.a1 <= 64 else { throw .EINVAL }
            parentDeathSignal = Int32(a.a1)
            return 0
        case 2:                                        // PR_GET_PDEATHSIG
            try user.store(parentDeathSignal, at: a.a1)
            return 0
        default:
            throw .EINVAL
        }
    }
}

extension UserMemory {
    /// Copies up to `count` bytes, stopping after a NUL (which is not included). Bytes
    /// past the end of a mapping are not touched once the NUL is found.
    public func copyIn(count: Int, from address: UInt64, stopAtNUL: Bool) throws(Errno) -> [UInt8] {
        var out: [UInt8] = []
        var addr = address
        while out.count < count {
            var b: UInt8 = 0
            try withUnsafeMutableBytes(of: &b) { (buf) throws(Errno) in try copyIn(buf, from: addr) }
            if stopAtNUL && b == 0 { break }
            out.append(b)
            addr &+= 1
        }
        return out
    }
}

extension Process {
    /// area: proctask: the leader's name is `comm`; other threads' are in `threadNames`.
    public func setThreadName(_ name: [UInt8], tid: Int32) {
        if tid == pid { comm = name; return }
        threadNames.removeAll { $0.tid == tid }
        threadNames.append((tid: tid, name: name))
    }
}
