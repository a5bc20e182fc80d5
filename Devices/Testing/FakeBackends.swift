#if canImport(Glibc)
import Glibc
#endif
import Block
import Console

/// An in-memory disk. Reads and writes go through the iovecs exactly as preadv/pwritev
/// would, so tests exercise the zero-copy path's ranges.
public final class MemoryBlockBackend: BlockBackend {
    public var bytes: [UInt8]
    public var flushCount = 0
    public var supportsDiscard = true
    public var failNext: Int32?
    public var operations: [String] = []

    public init(size: Int, fill: UInt8 = 0) { bytes = [UInt8](repeating: fill, count: size) }
    public var size: UInt64 { UInt64(bytes.count) }

    private func take() -> Int32? { defer { failNext = nil }; return failNext }

    public func read(into iovecs: [iovec], at offset: UInt64) -> BlockIOResult {
        operations.append("read \(offset)")
        if let e = take() { return .failed(e) }
        var at = Int(offset)
        for v in iovecs {
            guard at + v.iov_len <= bytes.count else { return .failed(EIO) }
            bytes.withUnsafeBytes { src in
                // SAFETY: the iovec comes from withIOVecs (checked guest range); the
                // source range was checked just above.
                v.iov_base?.copyMemory(from: src.baseAddress! + at, byteCount: v.iov_len)
            }
            at += v.iov_len
        }
        return .ok
    }

    public func write(_ iovecs: [iovec], at offset: UInt64) -> BlockIOResult {
        operations.append("write \(offset)")
        if let e = take() { return .failed(e) }
        var at = Int(offset)
        for v in iovecs {
            guard at + v.iov_len <= bytes.count else { return .failed(EIO) }
            bytes.withUnsafeMutableBytes { dst in
                // SAFETY: as in read.
                (dst.baseAddress! + at).copyMemory(from: v.iov_base!, byteCount: v.iov_len)
            }
            at += v.iov_len
        }
        return .ok
    }

    public func flush() -> BlockIOResult { flushCount += 1; operations.append("flush"); return take().map { .failed($0) } ?? .ok }

    public func discard(offset: UInt64, length: UInt64) -> BlockIOResult {
        operations.append("discard \(offset) \(length)")
        guard supportsDiscard else { return .unsupported }
        for i in Int(offset)..<Int(offset + length) { bytes[i] = 0 }
        return .ok
    }

    public func writeZeroes(offset: UInt64, length: UInt64, mayUnmap: Bool) -> BlockIOResult {
        operations.append("zero \(offset) \(length)")
        guard supportsDiscard else { return .unsupported }
        for i in Int(offset)..<Int(offset + length) { bytes[i] = 0 }
        return .ok
    }
}

/// Console output captured in memory; input served from a script of chunks and EOFs.
public final class MemoryConsoleBackend: ConsoleBackend {
    public enum Input: Equatable { case data([UInt8]), eof }
    public var output: [UInt8] = []
    /// Each write call's size, to check ordering and batching.
    public var writes: [Int] = []
    public var input: [Input] = []
    public var inputIsTerminal: Bool
    public var windowSize: (rows: UInt16, columns: UInt16)?
    public var brokenPipe = false

    public init(input: [Input] = [], terminal: Bool = false) {
        self.input = input
        self.inputIsTerminal = terminal
        self.windowSize = terminal ? (24, 80) : nil
    }

    public func write(_ iovecs: [iovec]) -> Bool {
        if brokenPipe { return false }
        var n = 0
        for v in iovecs {
            // SAFETY: iovecs from withIOVecs, valid for the call.
            output += UnsafeRawBufferPointer(start: v.iov_base, count: v.iov_len)
            n += v.iov_len
        }
        writes.append(n)
        return true
    }

    public func read(into iovecs: [iovec]) -> ConsoleReadResult {
        guard let first = input.first else { return .wouldBlock }
        guard case .data(var bytes) = first else { input.removeFirst(); return .endOfFile }
        var n = 0
        for v in iovecs where !bytes.isEmpty {
            let k = min(v.iov_len, bytes.count)
            bytes.withUnsafeBytes { src in v.iov_base!.copyMemory(from: src.baseAddress!, byteCount: k) }
            bytes.removeFirst(k)
            n += k
        }
        if bytes.isEmpty { input.removeFirst() } else { input[0] = .data(bytes) }
        return .bytes(n)
    }
}
