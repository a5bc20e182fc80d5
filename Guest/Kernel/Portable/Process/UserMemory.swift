#if canImport(GuestABI)
import GuestABI
#endif

/// The only way kernel code touches a program's memory (DESIGN.md §4.6): copy in,
/// validate, use; copy out. Every failure is EFAULT. The guest implementation walks the
/// program's page tables; host tests use a plain byte array.
public protocol UserMemory: AnyObject {
    /// Copies `buffer.count` bytes from user address `address`.
    func copyIn(_ buffer: UnsafeMutableRawBufferPointer, from address: UInt64) throws(Errno)
    /// Copies `bytes` to user address `address`.
    func copyOut(_ bytes: UnsafeRawBufferPointer, to address: UInt64) throws(Errno)
}

/// Linux PATH_MAX, including the terminating NUL.
public let pathMax = 4096

extension UserMemory {
    /// Reads a NUL-terminated string of at most `max` bytes (NUL excluded).
    /// ENAMETOOLONG if no NUL within `max`; EFAULT if unmapped.
    public func readCString(at address: UInt64, max: Int = pathMax - 1) throws(Errno) -> [UInt8] {
        var out: [UInt8] = []
        var addr = address
        var byte: UInt8 = 0
        while out.count <= max {
            try withUnsafeMutableBytes(of: &byte) { (b) throws(Errno) in try copyIn(b, from: addr) }
            if byte == 0 { return out }
            out.append(byte)
            addr &+= 1
        }
        throw .ENAMETOOLONG
    }

    public func load<T: FixedWidthInteger>(_: T.Type = T.self, at address: UInt64) throws(Errno) -> T {
        var v: T = 0
        try withUnsafeMutableBytes(of: &v) { (b) throws(Errno) in try copyIn(b, from: address) }
        return T(littleEndian: v)
    }

    public func store<T: FixedWidthInteger>(_ value: T, at address: UInt64) throws(Errno) {
        var v = value.littleEndian
        try withUnsafeBytes(of: &v) { (b) throws(Errno) in try copyOut(b, to: address) }
    }

    public func copyIn(count: Int, from address: UInt64) throws(Errno) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var failure: Errno?
        out.withUnsafeMutableBytes { b in
            do throws(Errno) { try copyIn(b, from: address) } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    public func copyOut(_ bytes: [UInt8], to address: UInt64) throws(Errno) {
        var failure: Errno?
        bytes.withUnsafeBytes { b in
            do throws(Errno) { try copyOut(b, to: address) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

/// Concrete overloads: Embedded Swift cannot specialize the generic versions above when
/// they are called on an `any UserMemory`, and overload resolution prefers these.
extension UserMemory {
    public func load(at address: UInt64) throws(Errno) -> UInt64 {
        var v: UInt64 = 0
        try withUnsafeMutableBytes(of: &v) { (b) throws(Errno) in try copyIn(b, from: address) }
        return UInt64(littleEndian: v)
    }
    public func load(at address: UInt64) throws(Errno) -> UInt32 {
        var v: UInt32 = 0
        try withUnsafeMutableBytes(of: &v) { (b) throws(Errno) in try copyIn(b, from: address) }
        return UInt32(littleEndian: v)
    }
    public func load(at address: UInt64) throws(Errno) -> Int32 {
        var v: Int32 = 0
        try withUnsafeMutableBytes(of: &v) { (b) throws(Errno) in try copyIn(b, from: address) }
        return Int32(littleEndian: v)
    }
    public func store(_ value: UInt64, at address: UInt64) throws(Errno) {
        var v = value.littleEndian
        try withUnsafeBytes(of: &v) { (b) throws(Errno) in try copyOut(b, to: address) }
    }
    public func store(_ value: UInt32, at address: UInt64) throws(Errno) {
        var v = value.littleEndian
        try withUnsafeBytes(of: &v) { (b) throws(Errno) in try copyOut(b, to: address) }
    }
    public func store(_ value: Int32, at address: UInt64) throws(Errno) {
        var v = value.littleEndian
        try withUnsafeBytes(of: &v) { (b) throws(Errno) in try copyOut(b, to: address) }
    }
    public func store(_ value: UInt16, at address: UInt64) throws(Errno) {
        var v = value.littleEndian
        try withUnsafeBytes(of: &v) { (b) throws(Errno) in try copyOut(b, to: address) }
    }
}
