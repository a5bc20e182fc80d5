#if canImport(Glibc)
import Glibc
#endif
import CKVM
import Console

/// A console port on host file descriptors: output with writev straight from guest RAM
/// (every byte written before the buffer is returned to the guest), input with readv
/// straight into guest RAM, and only when poll says the fd is readable, so the I/O
/// thread never blocks on a terminal or pipe and stdin's flags are left alone.
public final class VirtioConsoleStdio: ConsoleBackend, @unchecked Sendable {
    public let outputFD: Int32
    public let inputFD: Int32?
    public let inputIsTerminal: Bool

    public init(outputFD: Int32, inputFD: Int32?) {
        self.outputFD = outputFD
        self.inputFD = inputFD
        self.inputIsTerminal = inputFD.map { isatty($0) == 1 } ?? false
    }

    public var windowSize: (rows: UInt16, columns: UInt16)? {
        guard inputIsTerminal, let fd = inputFD else { return nil }
        var ws = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0 || ioctl(outputFD, UInt(TIOCGWINSZ), &ws) == 0 else { return nil }
        return (ws.ws_row, ws.ws_col)
    }

    public func write(_ iovecs: [iovec]) -> Bool {
        var vecs = iovecs.filter { $0.iov_len > 0 }
        while !vecs.isEmpty {
            let n = vecs.withUnsafeBufferPointer { writev(outputFD, $0.baseAddress!, Int32(min($0.count, 1024))) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    // A non-blocking output (the user's terminal, say): wait until writable.
                    var p = pollfd(fd: outputFD, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&p, 1, -1)
                    continue
                }
                return false
            }
            var skip = n
            while skip > 0, let first = vecs.first {
                if skip >= first.iov_len { skip -= first.iov_len; vecs.removeFirst() } else {
                    vecs[0] = iovec(iov_base: first.iov_base.map { $0 + skip }, iov_len: first.iov_len - skip)
                    skip = 0
                }
            }
        }
        return true
    }

    public func read(into iovecs: [iovec]) -> ConsoleReadResult {
        guard let fd = inputFD else { return .wouldBlock }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, 0)
        // POLLHUP without POLLIN: the writer is gone, read will return 0 (EOF).
        guard ready > 0, p.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 else { return .wouldBlock }
        while true {
            let n = iovecs.withUnsafeBufferPointer { readv(fd, $0.baseAddress!, Int32(min($0.count, 1024))) }
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfFile }
            if errno == EINTR { continue }
            if errno == EAGAIN { return .wouldBlock }
            // EIO and the like: the input is unusable; tell the program it ended.
            return .endOfFile
        }
    }
}
