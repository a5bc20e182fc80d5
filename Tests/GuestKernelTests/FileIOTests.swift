@testable import GuestKernel
import GuestABI
import Testing

@Suite struct FileIOTests {
    let rw = LinuxOpen.readWrite, cr = LinuxOpen.create

    @Test func openCreateWriteReadSeek() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/f", rw | cr, 0o666)
        #expect(fd == 3)
        #expect(try h.mode("/tmp/f") == 0o100644)   // umask 022
        #expect(try h.write(fd, "hello") == 5)
        #expect(try h.read(fd, 10) == [])
        #expect(try h.process.sysLseek(SyscallArgs(UInt64(fd), 1, 0)) == 1)
        #expect(try h.readString(fd) == "ello")
        #expect(try h.process.sysLseek(SyscallArgs(UInt64(fd), UInt64(bitPattern: -2), 2)) == 3)
        #expect(try h.readString(fd) == "lo")
        #expect(errnoOf { () throws(Errno) in try h.process.sysLseek(SyscallArgs(UInt64(fd), UInt64(bitPattern: -10), 1)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysLseek(SyscallArgs(UInt64(fd), 0, 7)) } == .EINVAL)
        // Seeking past the end and writing leaves a zero-filled gap.
        #expect(try h.process.sysLseek(SyscallArgs(UInt64(fd), 8, 0)) == 8)
        #expect(try h.write(fd, "!") == 1)
        #expect(try h.contents("/tmp/f") == "hello\0\0\0!")
        // SEEK_DATA / SEEK_HOLE.
        #expect(try h.process.sysLseek(SyscallArgs(UInt64(fd), 2, 4)) == 9)
        #expect(errnoOf { () throws(Errno) in try h.process.sysLseek(SyscallArgs(UInt64(fd), 9, 3)) } == .ENXIO)
    }

    @Test func openFlagsErrors() throws {
        let h = try Harness()
        _ = try h.open("/tmp/f", rw | cr)
        #expect(errnoOf { () throws(Errno) in try h.open("/tmp/f", rw | cr | LinuxOpen.exclusive) } == .EEXIST)
        #expect(errnoOf { () throws(Errno) in try h.open("/tmp/f", LinuxOpen.directory) } == .ENOTDIR)
        #expect(errnoOf { () throws(Errno) in try h.open("/tmp", LinuxOpen.writeOnly) } == .EISDIR)
        #expect(errnoOf { () throws(Errno) in try h.open("/tmp", cr) } == .EISDIR)
        #expect(errnoOf { () throws(Errno) in try h.open("/tmp/new/", cr | rw) } == .EISDIR)
        #expect(errnoOf { () throws(Errno) in try h.open("/tmp/nope", 0) } == .ENOENT)
        #expect(errnoOf { () throws(Errno) in try h.open("/nodir/x", cr | rw) } == .ENOENT)
        #expect(errnoOf { () throws(Errno) in try h.open("/tmp/f/x", cr | rw) } == .ENOTDIR)
        #expect(errnoOf { () throws(Errno) in try h.process.sysOpen(SyscallArgs(0, 0, 0)) } == .EFAULT)
        // Read-only fd cannot write, write-only cannot read; a directory cannot be read.
        let ro = try h.open("/tmp/f", LinuxOpen.readOnly)
        #expect(errnoOf { () throws(Errno) in try h.write(ro, "x") } == .EBADF)
        let wo = try h.open("/tmp/f", LinuxOpen.writeOnly)
        #expect(errnoOf { () throws(Errno) in try h.read(wo, 1) } == .EBADF)
        let d = try h.open("/tmp", LinuxOpen.directory)
        #expect(errnoOf { () throws(Errno) in try h.read(d, 1) } == .EISDIR)
        #expect(errnoOf { () throws(Errno) in try h.read(77, 1) } == .EBADF)
        // EFAULT from an unmapped buffer.
        #expect(errnoOf { () throws(Errno) in try h.process.sysWrite(SyscallArgs(UInt64(wo), 0x1000, 4)) } == .EFAULT)
    }

    @Test func truncAppendAndCreat() throws {
        let h = try Harness()
        var fd = try h.open("/tmp/f", rw | cr)
        _ = try h.write(fd, "0123456789")
        fd = try h.open("/tmp/f", LinuxOpen.writeOnly | LinuxOpen.append)
        _ = try h.process.sysLseek(SyscallArgs(UInt64(fd), 0, 0))
        _ = try h.write(fd, "AB")
        #expect(try h.contents("/tmp/f") == "0123456789AB")
        // pwrite on an O_APPEND file appends too (Linux).
        let data = h.memory.put(Array("P".utf8))
        _ = try h.process.sysPwrite64(SyscallArgs(UInt64(fd), data, 1, 0))
        #expect(try h.contents("/tmp/f") == "0123456789ABP")
        fd = try h.open("/tmp/f", rw | LinuxOpen.truncate)
        #expect(try h.size("/tmp/f") == 0)
        let c = Int32(try h.process.sysCreat(SyscallArgs(h.path("/tmp/g"), 0o600)))
        #expect(try h.mode("/tmp/g") == 0o100600)
        #expect(try h.process.sysFcntl(SyscallArgs(UInt64(c), UInt64(LinuxFcntl.getFL))) & 3 == 1)
        // truncate / ftruncate.
        _ = try h.write(c, "abcdef")
        _ = try h.process.sysFtruncate(SyscallArgs(UInt64(c), 3))
        #expect(try h.contents("/tmp/g") == "abc")
        _ = try h.process.sysTruncate(SyscallArgs(h.path("/tmp/g"), 5))
        #expect(try h.contents("/tmp/g") == "abc\0\0")
        #expect(errnoOf { () throws(Errno) in try h.process.sysTruncate(SyscallArgs(h.path("/tmp"), 0)) } == .EISDIR)
        #expect(errnoOf { () throws(Errno) in try h.process.sysTruncate(SyscallArgs(h.path("/tmp/g"), UInt64(bitPattern: -1))) } == .EINVAL)
        let ro = try h.open("/tmp/g", 0)
        #expect(errnoOf { () throws(Errno) in try h.process.sysFtruncate(SyscallArgs(UInt64(ro), 0)) } == .EINVAL)
    }

    @Test func preadPwriteKeepTheOffset() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/f", rw | cr)
        _ = try h.write(fd, "abcdef")
        let buf = h.memory.alloc(8)
        #expect(try h.process.sysPread64(SyscallArgs(UInt64(fd), buf, 3, 2)) == 3)
        #expect(h.memory.read(buf, 3) == Array("cde".utf8))
        #expect(try h.process.sysPwrite64(SyscallArgs(UInt64(fd), h.memory.put(Array("XY".utf8)), 2, 1)) == 2)
        #expect(try h.process.sysLseek(SyscallArgs(UInt64(fd), 0, 1)) == 6)
        #expect(try h.contents("/tmp/f") == "aXYdef")
        #expect(errnoOf { () throws(Errno) in try h.process.sysPread64(SyscallArgs(UInt64(fd), buf, 1, UInt64(bitPattern: -1))) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysPread64(SyscallArgs(0, buf, 1, 0)) } == .ESPIPE)
        #expect(errnoOf { () throws(Errno) in try h.process.sysLseek(SyscallArgs(1, 0, 0)) } == .ESPIPE)
    }

    func iov(_ h: Harness, _ parts: [(UInt64, UInt64)]) -> UInt64 {
        var bytes: [UInt8] = []
        for (b, l) in parts {
            for v in [b, l] { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
        }
        return h.memory.put(bytes)
    }

    @Test func readvWritev() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/v", rw | cr)
        let a = h.memory.put(Array("Hello, ".utf8)), b = h.memory.put(Array("world".utf8))
        #expect(try h.process.sysWritev(SyscallArgs(UInt64(fd), iov(h, [(a, 7), (0, 0), (b, 5)]), 3)) == 12)
        _ = try h.process.sysLseek(SyscallArgs(UInt64(fd), 0, 0))
        let x = h.memory.alloc(4), y = h.memory.alloc(16)
        #expect(try h.process.sysReadv(SyscallArgs(UInt64(fd), iov(h, [(x, 4), (y, 16)]), 2)) == 12)
        #expect(h.memory.read(x, 4) == Array("Hell".utf8))
        #expect(h.memory.read(y, 8) == Array("o, world".utf8))
        // preadv/pwritev at an offset.
        #expect(try h.process.sysPreadv(SyscallArgs(UInt64(fd), iov(h, [(x, 3)]), 1, 7)) == 3)
        #expect(h.memory.read(x, 3) == Array("wor".utf8))
        #expect(try h.process.sysPwritev(SyscallArgs(UInt64(fd), iov(h, [(a, 1)]), 1, 0)) == 1)
        // Validation.
        #expect(errnoOf { () throws(Errno) in try h.process.sysReadv(SyscallArgs(UInt64(fd), iov(h, []), 1025)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysReadv(SyscallArgs(UInt64(fd), 0, UInt64(bitPattern: -1))) } == .EINVAL)
        #expect(try h.process.sysReadv(SyscallArgs(UInt64(fd), 0, 0)) == 0)
        // A length past user space fails access_ok (EFAULT, as Linux); a negative one is EINVAL.
        let huge = iov(h, [(a, UInt64(Int64.max)), (b, 1)])
        #expect(errnoOf { () throws(Errno) in try h.process.sysWritev(SyscallArgs(UInt64(fd), huge, 2)) } == .EFAULT)
        let negative = iov(h, [(a, UInt64.max)])
        #expect(errnoOf { () throws(Errno) in try h.process.sysWritev(SyscallArgs(UInt64(fd), negative, 1)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysWritev(SyscallArgs(UInt64(fd), 0x20, 1)) } == .EFAULT)
        // A fault after progress reports the progress.
        _ = try h.process.sysLseek(SyscallArgs(UInt64(fd), 0, 0))
        #expect(try h.process.sysReadv(SyscallArgs(UInt64(fd), iov(h, [(x, 2), (0x30, 2)]), 2)) == 2)
    }

    @Test func consoleWriteCapturesExactBytes() throws {
        let h = try Harness()
        let binary: [UInt8] = [0, 1, 0xff, 0x0a, 0x80, 0x7f]
        #expect(try h.write(1, binary) == 6)
        #expect(try h.write(2, "err") == 3)
        #expect(h.services.stdout == binary)
        #expect(h.services.stderr == Array("err".utf8))
        let a = h.memory.put(Array("ab".utf8))
        _ = try h.process.sysWritev(SyscallArgs(1, iov(h, [(a, 2), (a, 1)]), 2))
        #expect(h.services.stdout == binary + Array("aba".utf8))
        h.services.stdin = Array("input".utf8)
        #expect(try h.readString(0, 3) == "inp")
        #expect(errnoOf { () throws(Errno) in try h.read(1, 1) } == .EBADF)
        #expect(errnoOf { () throws(Errno) in try h.write(0, "x") } == .EBADF)
        // Large writes go through in chunks, all bytes in order.
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        h.services.stdout = []
        #expect(try h.write(1, big) == big.count)
        #expect(h.services.stdout == big)
    }
}
