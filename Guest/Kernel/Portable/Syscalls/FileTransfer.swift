#if canImport(GuestABI)
import GuestABI
#endif

/// The data path shared by read/write and their vector and positional forms.
extension Process {
    /// Largest kernel bounce buffer for device and console transfers.
    static let fileChunk = 64 * 1024

    /// Reads up to `count` bytes from `file` to user `address`, at `position` (pread)
    /// or at and advancing the file offset.
    func fileRead(_ file: OpenFile, to address: UInt64, count: Int, at position: UInt64?) throws(Errno) -> Int {
        guard file.isReadable else { throw .EBADF }
        if let inode = file.inode, inode.kind == .directory { throw .EISDIR }
        if let io = file.object?.userIO { return try io.readUser(file, to: address, count: count, at: position, process: self) }
        if let object = file.object {
            let n = Swift.min(count, Self.fileChunk)
            if n == 0 { return 0 }
            return try withFileScratch(n) { (buffer) throws(Errno) -> Int in
                let got = try object.read(file, into: buffer)
                return try copyOutUpToFault(UnsafeRawBufferPointer(rebasing: buffer[0..<got]), to: address)
            }
        }
        guard let inode = file.inode else { throw .EINVAL }
        let start = position ?? file.offset
        let got: Int
        if case .procText(let kind) = inode.synthetic {
            let text = ProcFS.text(kind, process: self)
            let from = start < UInt64(text.count) ? Int(start) : text.count
            let n = Swift.min(count, text.count - from)
            got = try copyOutUpToFault(text, from..<(from + n), to: address)          // area: audit
        } else {
            guard inode.kind == .regular else { throw .EINVAL }
            got = try inode.withContents(at: start, count: count) { (src) throws(Errno) -> Int in
                try copyOutUpToFault(src, to: address)
            }
        }
        if position == nil { file.offset = start + UInt64(got) }
        return got
    }

    /// Writes `count` bytes from user `address` to `file`.
    func fileWrite(_ file: OpenFile, from address: UInt64, count: Int, at position: UInt64?) throws(Errno) -> Int {
        guard file.isWritable else { throw .EBADF }
        if let io = file.object?.userIO { return try io.writeUser(file, from: address, count: count, at: position, process: self) }
        if let object = file.object {
            if object.discardsWrites { return count }                    // area: audit
            var done = 0
            while done < count {
                let n = Swift.min(count - done, Self.fileChunk)
                let wrote: Int
                do throws(Errno) {
                    wrote = try withFileScratch(n) { (buffer) throws(Errno) -> Int in
                        try user.copyIn(buffer, from: address + UInt64(done))
                        return try object.write(file, from: UnsafeRawBufferPointer(buffer))
                    }
                } catch {
                    if done > 0 { return done }
                    throw error
                }
                done += wrote
                if wrote < n { break }
            }
            return done
        }
        guard let inode = file.inode, inode.kind == .regular, inode.synthetic == .none else { throw .EINVAL }
        if count == 0 { return 0 }
        // O_APPEND wins even over pwrite's offset (Linux behaviour, see pwrite(2) BUGS).
        let start = file.statusFlags & LinuxOpen.append != 0 ? inode.size : (position ?? file.offset)
        // area: audit: in chunks, so a huge count from a small buffer writes what is
        // readable (EFAULT only without progress) and a full tmpfs stops at ENOSPC after
        // progress, instead of growing the file by `count` bytes up front.
        var done = 0
        while done < count {
            let n = Swift.min(count - done, Self.fileWriteChunk)
            do throws(Errno) {
                try inode.write(at: start + UInt64(done), count: n) { (dst) throws(Errno) in
                    try user.copyIn(dst, from: address &+ UInt64(done))
                }
                done += n
            } catch {
                // A fault inside the chunk: redo it page by page up to the fault.
                if error == .EFAULT { done += fileWriteUpToFault(inode, at: start + UInt64(done), from: address &+ UInt64(done), count: n) }
                if done == 0 { throw error }
                break
            }
        }
        let now = fileNow()
        inode.modifyTime = now; inode.changeTime = now
        if position == nil { file.offset = start + UInt64(done) }
        return done
    }

    /// area: audit: new tmpfs names and inodes take kernel heap: ENOSPC (a full tmpfs)
    /// once the heap is down to its reserve.
    func fileCheckSpace() throws(Errno) {
        if let p = SharedPages.platform, p.memoryLow() { throw .ENOSPC }
    }

    /// area: audit: regular-file writes go in pieces of this size.
    static let fileWriteChunk = 1 << 20

    /// Writes the readable prefix of [address, address+count) page by page; returns its length.
    func fileWriteUpToFault(_ inode: Inode, at offset: UInt64, from address: UInt64, count: Int) -> Int {
        var done = 0
        while done < count {
            let a = address &+ UInt64(done)
            let n = Swift.min(count - done, 4096 - Int(a & 0xfff))
            do throws(Errno) {
                try inode.write(at: offset + UInt64(done), count: n) { (dst) throws(Errno) in try user.copyIn(dst, from: a) }
            } catch { break }
            done += n
        }
        return done
    }

    /// area: audit: copies `src` out; on EFAULT, the bytes before the first bad page
    /// count (read(2) reports partial progress, EFAULT only when nothing was copied).
    func copyOutUpToFault(_ src: UnsafeRawBufferPointer, to address: UInt64) throws(Errno) -> Int {
        do throws(Errno) {
            try user.copyOut(src, to: address)
            return src.count
        } catch {
            guard error == .EFAULT else { throw error }
        }
        var done = 0
        while done < src.count {
            let a = address &+ UInt64(done)
            let n = Swift.min(src.count - done, 4096 - Int(a & 0xfff))
            do throws(Errno) { try user.copyOut(UnsafeRawBufferPointer(rebasing: src[done..<(done + n)]), to: a) } catch { break }
            done += n
        }
        if done == 0 { throw .EFAULT }
        return done
    }

    func copyOutUpToFault(_ bytes: [UInt8], _ range: Range<Int>, to address: UInt64) throws(Errno) -> Int {
        var result: Result<Int, Errno> = .success(0)
        bytes.withUnsafeBytes { b in
            do throws(Errno) {
                result = .success(try copyOutUpToFault(UnsafeRawBufferPointer(rebasing: b[range]), to: address))
            } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Validates and copies in an iovec array (readv(2): at most UIO_MAXIOV entries, and
    /// the total must fit in ssize_t, else EINVAL).
    func fileIOVecs(_ address: UInt64, count: UInt64) throws(Errno) -> [(base: UInt64, length: Int)] {
        let n = Int64(count.asInt32)
        guard n >= 0, n <= Int64(VFSLimits.iovMax) else { throw .EINVAL }
        var out: [(base: UInt64, length: Int)] = []
        var total: UInt64 = 0
        for i in 0..<Int(n) {
            let entry = address &+ UInt64(i) * 16
            let base = try fileLoadUInt64(at: entry)
            let length = try fileLoadUInt64(at: entry &+ 8)
            guard length <= UInt64(Int64.max) else { throw .EINVAL }
            // area: audit: Linux checks each range is in user space (access_ok, EFAULT)
            // and caps the total at MAX_RW_COUNT rather than refusing it.
            try Self.fileAccessOK(base, length)
            let take = Swift.min(length, VFSLimits.maxTransfer - total)
            total += take
            out.append((base, Int(take)))
        }
        return out
    }

    /// Runs one transfer per iovec until one comes up short; a failure after progress
    /// reports the progress.
    func fileVector(_ vecs: [(base: UInt64, length: Int)], _ one: (UInt64, Int) throws(Errno) -> Int) throws(Errno) -> Int {
        var total = 0
        for v in vecs where v.length > 0 {
            let n: Int
            do throws(Errno) { n = try one(v.base, v.length) } catch {
                if total > 0 { return total }
                throw error
            }
            total += n
            if n < v.length || total >= Int(VFSLimits.maxTransfer) { break }
        }
        return total
    }

    func filePosition(_ raw: UInt64, _ file: OpenFile) throws(Errno) -> UInt64 {
        guard raw.asFileOffset >= 0 else { throw .EINVAL }
        guard file.isSeekable else { throw .ESPIPE }
        return raw
    }

    static func fileCount(_ raw: UInt64) -> Int { Int(Swift.min(raw, VFSLimits.maxTransfer)) }

    /// area: audit: Linux's access_ok: the whole [address, address+count) must lie in
    /// user space (EFAULT), checked before the count is capped at MAX_RW_COUNT.
    static func fileAccessOK(_ address: UInt64, _ count: UInt64) throws(Errno) {
        let (end, o) = address.addingReportingOverflow(count)
        guard !o, end <= BootLayout.userLimit else { throw .EFAULT }
    }

    /// area: audit: pread/pwrite: position + count must not pass the largest off_t (EINVAL).
    static func filePositionRange(_ position: UInt64, _ count: UInt64) throws(Errno) {
        let (end, o) = position.addingReportingOverflow(count)
        guard !o, end <= UInt64(Int64.max) else { throw .EINVAL }
    }
}
