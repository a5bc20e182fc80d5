#if canImport(Glibc)
import Glibc
#endif

/// What device models and loaders may do with guest memory. Everything is bounds- and
/// overflow-checked; bulk data is reachable only inside `withIOVecs`, so host pointers
/// into guest RAM cannot escape (DESIGN.md §4.1).
public protocol GuestMemoryAccess: AnyObject {
    var size: UInt64 { get }
    func read(into buffer: UnsafeMutableRawBufferPointer, at address: GuestAddress) throws(GuestMemoryError)
    func write(_ bytes: UnsafeRawBufferPointer, at address: GuestAddress) throws(GuestMemoryError)
    /// Runs `body` with iovecs pointing straight into guest RAM for each range.
    func withIOVecs<R>(_ ranges: [(GuestAddress, UInt64)], _ body: ([iovec]) throws -> R) throws -> R
}

extension GuestMemoryAccess {
    public func checkRange(_ address: GuestAddress, _ length: UInt64) throws(GuestMemoryError) {
        let (end, overflow) = address.raw.addingReportingOverflow(length)
        if overflow || end > size { throw .outOfBounds(address: address.raw, length: length) }
    }

    public func readBytes(at address: GuestAddress, count: Int) throws(GuestMemoryError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var failure: GuestMemoryError?
        out.withUnsafeMutableBytes { buf in
            do throws(GuestMemoryError) { try read(into: buf, at: address) } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    public func writeBytes(_ bytes: [UInt8], at address: GuestAddress) throws(GuestMemoryError) {
        var failure: GuestMemoryError?
        bytes.withUnsafeBytes { buf in
            do throws(GuestMemoryError) { try write(buf, at: address) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Little-endian integer loads and stores: control structures are copied out as
    /// values, never referenced in place (DESIGN.md §4.2).
    public func load<T: FixedWidthInteger>(_: T.Type = T.self, at address: GuestAddress) throws(GuestMemoryError) -> T {
        var value: T = 0
        var failure: GuestMemoryError?
        withUnsafeMutableBytes(of: &value) { buf in
            do throws(GuestMemoryError) { try read(into: buf, at: address) } catch { failure = error }
        }
        if let failure { throw failure }
        return T(littleEndian: value)
    }

    public func store<T: FixedWidthInteger>(_ value: T, at address: GuestAddress) throws(GuestMemoryError) {
        var le = value.littleEndian
        var failure: GuestMemoryError?
        withUnsafeBytes(of: &le) { buf in
            do throws(GuestMemoryError) { try write(buf, at: address) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
