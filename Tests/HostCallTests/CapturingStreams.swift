import Glibc
import HostCall

/// A `HostStreams` that records what the device writes and serves canned stdin.
final class CapturingStreams: HostStreams {
    var written: [Int32: [UInt8]] = [:]
    var writeCalls = 0
    var input: [UInt8] = []
    var inputOffset = 0
    /// Set to make every write fail with this errno.
    var failWrites: Int32?

    func writev(stream: Int32, _ iov: [iovec]) -> Int {
        writeCalls += 1
        if let failWrites { return -Int(failWrites) }
        var total = 0
        for v in iov where v.iov_len > 0 {
            let bytes = UnsafeRawBufferPointer(start: v.iov_base, count: v.iov_len)
            written[stream, default: []].append(contentsOf: bytes)
            total += v.iov_len
        }
        return total
    }

    func readv(stream: Int32, _ iov: [iovec]) -> Int {
        guard stream == 0 else { return -Int(EBADF) }
        var total = 0
        for v in iov {
            let n = min(v.iov_len, input.count - inputOffset)
            guard n > 0 else { break }
            let dst = UnsafeMutableRawBufferPointer(start: v.iov_base, count: n)
            input[inputOffset..<(inputOffset + n)].withUnsafeBytes { dst.copyMemory(from: $0) }
            inputOffset += n
            total += n
        }
        return total
    }
}
