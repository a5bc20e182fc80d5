import Foundation
import Glibc
import HostCall
import Testing

@Suite struct FileDescriptorStreamsTests {
    private func pipePair() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        return (fds[0], fds[1])
    }

    private func withIOVecs<R>(_ parts: [[UInt8]], _ body: ([iovec]) -> R) -> R {
        let buffers = parts.map { p -> UnsafeMutableRawBufferPointer in
            let b = UnsafeMutableRawBufferPointer.allocate(byteCount: max(p.count, 1), alignment: 1)
            b.copyBytes(from: p)
            return b
        }
        defer { buffers.forEach { $0.deallocate() } }
        return body(zip(buffers, parts).map { iovec(iov_base: $0.0.baseAddress, iov_len: $0.1.count) })
    }

    private func drain(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return out }
            out += chunk[0..<n]
        }
    }

    @Test func writevDeliversAllSegments() throws {
        let p = try pipePair()
        let streams = FileDescriptorStreams(stdin: -1, stdout: p.write, stderr: -1)
        let n = withIOVecs([Array("ab".utf8), [], [0, 1, 2]]) { streams.writev(stream: 1, $0) }
        close(p.write)
        #expect(n == 5)
        #expect(drain(p.read) == Array("ab".utf8) + [0, 1, 2])
        close(p.read)
    }

    @Test func writevLoopsOnPartialWritesAndEAGAIN() throws {
        let p = try pipePair()
        // Non-blocking and far more than a pipe buffer: writev returns short counts and
        // EAGAIN, which must neither lose nor duplicate bytes.
        _ = fcntl(p.write, F_SETFL, fcntl(p.write, F_GETFL) | O_NONBLOCK)
        let parts: [[UInt8]] = [
            (0..<100_000).map { UInt8(truncatingIfNeeded: $0) },
            (0..<7).map { UInt8($0) + 200 },
            (0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 7) },
        ]
        let reader = Drainer(fd: p.read)
        let thread = Thread { reader.run() }
        thread.start()
        let streams = FileDescriptorStreams(stdin: -1, stdout: -1, stderr: p.write)
        let n = withIOVecs(parts) { streams.writev(stream: 2, $0) }
        close(p.write)
        reader.done.wait()
        #expect(n == 400_008)
        #expect(reader.bytes == parts.flatMap { $0 })
        close(p.read)
    }

    @Test func readvReadsThenReportsEOF() throws {
        let p = try pipePair()
        _ = Array("xyz".utf8).withUnsafeBytes { write(p.write, $0.baseAddress, 3) }
        close(p.write)
        let streams = FileDescriptorStreams(stdin: p.read, stdout: -1, stderr: -1)
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
        defer { buf.deallocate() }
        let iov = [iovec(iov_base: buf.baseAddress, iov_len: 2), iovec(iov_base: buf.baseAddress! + 2, iov_len: 6)]
        #expect(streams.readv(stream: 0, iov) == 3)
        #expect(Array(buf[0..<3]) == Array("xyz".utf8))
        #expect(streams.readv(stream: 0, iov) == 0)
        close(p.read)
    }

    @Test func unknownStreamIsEBADF() {
        let streams = FileDescriptorStreams()
        #expect(streams.writev(stream: 5, []) == -Int(EBADF))
        #expect(streams.readv(stream: -1, []) == -Int(EBADF))
    }
}

/// Reads a pipe to EOF on another thread.
private final class Drainer: @unchecked Sendable {
    let fd: Int32
    var bytes: [UInt8] = []
    let done = DispatchSemaphore(value: 0)
    init(fd: Int32) { self.fd = fd }
    func run() {
        var chunk = [UInt8](repeating: 0, count: 1000)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        done.signal()
    }
}
