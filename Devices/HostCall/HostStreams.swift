#if canImport(Glibc)
import Glibc
#endif

/// The host side of the guest's standard streams. The device hands it iovecs that point
/// straight into guest RAM (zero copy, DESIGN.md §1); they are valid only during the call.
public protocol HostStreams {
    /// Writes all of `iov` to `stream` (1 stdout, 2 stderr). Returns the bytes written
    /// or -errno. Implementations must loop on partial writes and EINTR: a short count
    /// would silently drop program output.
    func writev(stream: Int32, _ iov: [iovec]) -> Int
    /// Reads up to the total length of `iov` from `stream` (0 stdin). Returns the bytes
    /// read, 0 at end of file, or -errno.
    func readv(stream: Int32, _ iov: [iovec]) -> Int
}

/// `HostStreams` on real file descriptors (by default the process's 0, 1 and 2).
///
/// The VMM should ignore SIGPIPE, so a closed stdout becomes -EPIPE here instead of
/// killing swiftlet.
public final class FileDescriptorStreams: HostStreams {
    private let fds: [Int32]
    /// Linux's UIO_MAXIOV; Glibc does not export IOV_MAX to Swift.
    static let iovMax = 1024

    /// - Parameters: host descriptors standing in for guest streams 0, 1 and 2.
    public init(stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2) {
        fds = [stdin, stdout, stderr]
    }

    private func descriptor(_ stream: Int32) -> Int32? {
        stream >= 0 && stream < 3 ? fds[Int(stream)] : nil
    }

    public func writev(stream: Int32, _ iov: [iovec]) -> Int {
        guard let fd = descriptor(stream) else { return -Int(EBADF) }
        var remaining = iov.filter { $0.iov_len > 0 }
        var total = 0
        var start = 0
        while start < remaining.count {
            let count = min(remaining.count - start, Self.iovMax)
            let n = remaining[start...].withUnsafeBufferPointer { Glibc.writev(fd, $0.baseAddress, Int32(count)) }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK { waitReady(fd, events: Int16(POLLOUT)); continue }
                // Bytes already written stay written; report them rather than the error.
                return total > 0 ? total : -Int(e)
            }
            // A zero-byte write of a non-empty vector cannot make progress; stop
            // rather than spin.
            if n == 0 { return total }
            total += n
            // Skip fully written iovecs, then trim the partly written one.
            var done = n
            while start < remaining.count && done >= remaining[start].iov_len {
                done -= remaining[start].iov_len
                start += 1
            }
            if done > 0 {
                // SAFETY: done < iov_len, so the advanced base stays inside the same
                // guest range the caller validated.
                remaining[start].iov_base = remaining[start].iov_base.map { $0 + done }
                remaining[start].iov_len -= done
            }
        }
        return total
    }

    public func readv(stream: Int32, _ iov: [iovec]) -> Int {
        guard let fd = descriptor(stream) else { return -Int(EBADF) }
        let count = min(iov.count, Self.iovMax)
        guard count > 0 else { return 0 }
        while true {
            let n = iov.withUnsafeBufferPointer { Glibc.readv(fd, $0.baseAddress, Int32(count)) }
            if n >= 0 { return n }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { waitReady(fd, events: Int16(POLLIN)); continue }
            return -Int(e)
        }
    }

    /// A descriptor shared with another process may have been left non-blocking;
    /// wait instead of spinning or dropping data.
    private func waitReady(_ fd: Int32, events: Int16) {
        var p = pollfd(fd: fd, events: events, revents: 0)
        _ = poll(&p, 1, -1)
    }
}
