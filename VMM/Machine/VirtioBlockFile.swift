#if canImport(Glibc)
import Glibc
#endif
import CKVM
import Block

/// A disk image on the host: preadv/pwritev with iovecs straight into guest RAM, fsync
/// for FLUSH, fallocate for DISCARD and WRITE_ZEROES.
///
/// With `direct`, the image is opened O_DIRECT (no host page cache). O_DIRECT needs
/// buffers, offsets and lengths aligned to the host's logical block size; a guest
/// buffer that is not aligned gets EINVAL, and that request is retried through a
/// second, buffered descriptor of the same file, so correctness never depends on the
/// guest's alignment. Both descriptors see the same file; fsync covers both.
public final class VirtioBlockFile: BlockBackend, @unchecked Sendable {
    public let path: String
    public let size: UInt64
    public let readOnly: Bool
    public let direct: Bool
    private let fd: Int32
    private let bufferedFD: Int32
    /// Requests that fell back from O_DIRECT to the buffered descriptor.
    public private(set) var directFallbacks = 0

    public enum OpenError: Error, Equatable, CustomStringConvertible {
        case open(path: String, errno: Int32)
        case notSectorMultiple(path: String, size: UInt64)
        case notAFileOrDevice(path: String)
        public var description: String {
            switch self {
            case .open(let p, let e): return "--disk \(p): cannot open: \(String(cString: strerror(e)))"
            case .notSectorMultiple(let p, let s):
                return "--disk \(p): size \(s) bytes is not a multiple of 512 (e.g. truncate -s %512 \(p))"
            case .notAFileOrDevice(let p): return "--disk \(p): not a regular file or block device"
            }
        }
    }

    public init(path: String, readOnly: Bool, direct: Bool) throws(OpenError) {
        let flags = (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC
        let buffered = open(path, flags)
        guard buffered >= 0 else { throw .open(path: path, errno: errno) }
        var st = stat()
        guard fstat(buffered, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG || (st.st_mode & S_IFMT) == S_IFBLK else {
            close(buffered)
            throw .notAFileOrDevice(path: path)
        }
        // lseek(SEEK_END) gives the size of block devices too.
        let end = lseek(buffered, 0, SEEK_END)
        guard end >= 0 else { close(buffered); throw .open(path: path, errno: errno) }
        guard UInt64(end) % 512 == 0 else { close(buffered); throw .notSectorMultiple(path: path, size: UInt64(end)) }
        var primary = buffered
        if direct {
            let d = open(path, flags | CKVM_O_DIRECT)
            guard d >= 0 else { let e = errno; close(buffered); throw .open(path: path, errno: e) }
            primary = d
        }
        self.path = path
        self.size = UInt64(end)
        self.readOnly = readOnly
        self.direct = direct
        self.fd = primary
        self.bufferedFD = buffered
    }

    deinit {
        if fd != bufferedFD { close(fd) }
        close(bufferedFD)
    }

    public func read(into iovecs: [iovec], at offset: UInt64) -> BlockIOResult {
        transfer(iovecs, offset) { fd, v, n, off in preadv(fd, v, n, off) }
    }

    public func write(_ iovecs: [iovec], at offset: UInt64) -> BlockIOResult {
        guard !readOnly else { return .failed(EROFS) }
        return transfer(iovecs, offset) { fd, v, n, off in pwritev(fd, v, n, off) }
    }

    public func flush() -> BlockIOResult {
        fsync(fd) == 0 ? .ok : .failed(errno)
    }

    public func discard(offset: UInt64, length: UInt64) -> BlockIOResult {
        allocate(mode: 0x02 | 0x01, offset: offset, length: length) // PUNCH_HOLE | KEEP_SIZE
    }

    public func writeZeroes(offset: UInt64, length: UInt64, mayUnmap: Bool) -> BlockIOResult {
        let r = allocate(mode: 0x10 | 0x01, offset: offset, length: length) // ZERO_RANGE | KEEP_SIZE
        if r == .unsupported && mayUnmap { return discard(offset: offset, length: length) }
        return r
    }

    private func allocate(mode: Int32, offset: UInt64, length: UInt64) -> BlockIOResult {
        guard !readOnly else { return .failed(EROFS) }
        guard length > 0 else { return .ok }
        if ckvm_fallocate(bufferedFD, mode, Int64(offset), Int64(length)) == 0 { return .ok }
        let e = errno
        return e == EOPNOTSUPP || e == ENOSYS ? .unsupported : .failed(e)
    }

    /// Runs preadv/pwritev until every byte moved, resuming after short transfers.
    private func transfer(_ iovecs: [iovec], _ offset: UInt64,
                          _ op: (Int32, UnsafePointer<iovec>, Int32, off_t) -> Int) -> BlockIOResult {
        let total = iovecs.reduce(0) { $0 + $1.iov_len }
        if total == 0 { return .ok }
        var useFD = fd
        var vecs = iovecs
        var done = 0
        while done < total {
            let n = vecs.withUnsafeBufferPointer { op(useFD, $0.baseAddress!, Int32(min($0.count, 1024)), off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EINVAL && useFD != bufferedFD && done == 0 {
                    directFallbacks += 1
                    useFD = bufferedFD
                    continue
                }
                return .failed(errno)
            }
            if n == 0 { return .failed(EIO) } // past the end of the file
            done += n
            // Drop the iovecs (and the part of one) that are done.
            var skip = n
            while skip > 0, let first = vecs.first {
                if skip >= first.iov_len { skip -= first.iov_len; vecs.removeFirst() } else {
                    vecs[0] = iovec(iov_base: first.iov_base.map { $0 + skip }, iov_len: first.iov_len - skip)
                    skip = 0
                }
            }
        }
        return .ok
    }
}
