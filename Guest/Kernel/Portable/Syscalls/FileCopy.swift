#if canImport(GuestABI)
import GuestABI
#endif

/// sendfile and copy_file_range: in-kernel copies from a regular file.
extension Process {
    /// Writes kernel bytes to `file` (the second half of an in-kernel copy).
    func fileWriteKernel(_ file: OpenFile, _ bytes: UnsafeRawBufferPointer, at position: UInt64?) throws(Errno) -> Int {
        if let object = file.object { return try object.write(file, from: bytes) }
        guard let inode = file.inode, inode.kind == .regular, inode.synthetic == .none else { throw .EINVAL }
        if bytes.isEmpty { return 0 }
        let start = file.statusFlags & LinuxOpen.append != 0 ? inode.size : (position ?? file.offset)
        try inode.write(at: start, count: bytes.count) { (dst) throws(Errno) in dst.copyMemory(from: bytes) }
        let now = fileNow()
        inode.modifyTime = now; inode.changeTime = now
        if position == nil { file.offset = start + UInt64(bytes.count) }
        return bytes.count
    }

    /// Copies up to `count` bytes of regular file `source` from `start` to `out`,
    /// chunk by chunk (the source may be `out` itself, so each chunk is bounced).
    func fileCopy(from source: Inode, start: UInt64, count: Int, to out: OpenFile, outPosition: UInt64?) throws(Errno) -> Int {
        var done = 0
        while done < count {
            let n = Swift.min(count - done, Self.fileChunk)
            let from = start + UInt64(done)
            let wrote: Int
            do throws(Errno) {
                wrote = try withFileScratch(n) { (buffer) throws(Errno) -> Int in
                    let got = try source.read(at: from, into: buffer)
                    if got == 0 { return 0 }
                    return try fileWriteKernel(out, UnsafeRawBufferPointer(rebasing: buffer[0..<got]),
                                               at: outPosition.map { $0 + UInt64(done) })
                }
            } catch {
                if done > 0 { return done }
                throw error
            }
            if wrote == 0 { break }
            done += wrote
            if wrote < n { break }
        }
        return done
    }

    /// sendfile(out_fd, in_fd, loff_t *offset, count).
    public func sysSendfile(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let out = try files.get(a.a0.asInt32)
        let input = try files.get(a.a1.asInt32)
        guard input.isReadable, out.isWritable else { throw .EBADF }
        guard let source = input.inode, source.kind == .regular, source.synthetic == .none else { throw .EINVAL }
        guard out.statusFlags & LinuxOpen.append == 0 else { throw .EINVAL }
        let count = Self.fileCount(a.a3)
        if a.a2 != 0 {
            let start = try fileLoadUInt64(at: a.a2)
            guard start.asFileOffset >= 0 else { throw .EINVAL }
            let n = try fileCopy(from: source, start: start, count: count, to: out, outPosition: nil)
            try fileStoreUInt64(start + UInt64(n), at: a.a2)
            return UInt64(n)
        }
        let n = try fileCopy(from: source, start: input.offset, count: count, to: out, outPosition: nil)
        input.offset += UInt64(n)
        return UInt64(n)
    }

    /// copy_file_range(fd_in, loff_t *off_in, fd_out, loff_t *off_out, len, flags).
    public func sysCopyFileRange(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let input = try files.get(a.a0.asInt32)
        let out = try files.get(a.a2.asInt32)
        guard a.a5 == 0 else { throw .EINVAL }
        guard input.isReadable, out.isWritable else { throw .EBADF }
        guard out.statusFlags & LinuxOpen.append == 0 else { throw .EBADF }
        guard let source = input.inode, let target = out.inode else { throw .EINVAL }
        if source.kind == .directory || target.kind == .directory { throw .EISDIR }
        guard source.kind == .regular, target.kind == .regular,
              source.synthetic == .none, target.synthetic == .none else { throw .EINVAL }
        let inStart = a.a1 != 0 ? try fileLoadUInt64(at: a.a1) : input.offset
        let outStart = a.a3 != 0 ? try fileLoadUInt64(at: a.a3) : out.offset
        guard inStart.asFileOffset >= 0, outStart.asFileOffset >= 0 else { throw .EINVAL }
        let count = Self.fileCount(a.a4)
        // Overlapping ranges of one file are refused, as Linux does.
        if source === target {
            let (inEnd, o1) = inStart.addingReportingOverflow(UInt64(count))
            let (outEnd, o2) = outStart.addingReportingOverflow(UInt64(count))
            guard !o1, !o2 else { throw .EINVAL }
            if inStart < outEnd && outStart < inEnd { throw .EINVAL }
        }
        let n = try fileCopy(from: source, start: inStart, count: count, to: out, outPosition: outStart)
        if a.a1 != 0 { try fileStoreUInt64(inStart + UInt64(n), at: a.a1) } else { input.offset += UInt64(n) }
        if a.a3 != 0 { try fileStoreUInt64(outStart + UInt64(n), at: a.a3) } else { out.offset += UInt64(n) }
        return UInt64(n)
    }
}
