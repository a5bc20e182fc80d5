#if canImport(GuestABI)
import GuestABI
#endif

/// What portable kernel logic needs from the machine underneath. The guest's Platform
/// layer implements it with host calls, the TSC and RDRAND; host tests use a fake.
public protocol KernelServices: AnyObject {
    /// Writes to host stream 1 (stdout) or 2 (stderr). Returns bytes written.
    func consoleWrite(stream: Int, _ bytes: UnsafeRawBufferPointer) throws(Errno) -> Int
    /// Reads from host stream 0 (stdin). Returns 0 at end of file.
    func consoleRead(stream: Int, _ buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int
    /// Bit N set when host fd N (0, 1, 2) is a terminal.
    var ttyMask: UInt32 { get }
    /// Host terminal size (0, 0 when there is none).
    var windowRows: UInt16 { get }
    var windowColumns: UInt16 { get }
    /// Cryptographically seeded random bytes (the host's seed, stretched).
    func fillRandom(_ buffer: UnsafeMutableRawBufferPointer)
    /// CLOCK_REALTIME in nanoseconds.
    func realtimeNanoseconds() -> UInt64
    /// CLOCK_MONOTONIC in nanoseconds since boot.
    func monotonicNanoseconds() -> UInt64
    /// One line to the kernel log (serial port).
    func log(_ message: String)
}

