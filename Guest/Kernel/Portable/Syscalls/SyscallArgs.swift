/// The six syscall argument registers (rdi, rsi, rdx, r10, r8, r9), as raw words.
/// Handlers decode them into typed values themselves.
public struct SyscallArgs {
    public var a0: UInt64, a1: UInt64, a2: UInt64, a3: UInt64, a4: UInt64, a5: UInt64
    public init(_ a0: UInt64 = 0, _ a1: UInt64 = 0, _ a2: UInt64 = 0, _ a3: UInt64 = 0, _ a4: UInt64 = 0, _ a5: UInt64 = 0) {
        self.a0 = a0; self.a1 = a1; self.a2 = a2; self.a3 = a3; self.a4 = a4; self.a5 = a5
    }
}

extension UInt64 {
    /// The low 32 bits as a signed C `int` (fds, flags and `dirfd` are `int` in the ABI).
    @inline(__always) public var asInt32: Int32 { Int32(truncatingIfNeeded: self) }
}
