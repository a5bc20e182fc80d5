@testable import GuestKernel
import GuestABI
import Testing

@Suite struct StatTests {
    @Test func statLayout() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/f", LinuxOpen.readWrite | LinuxOpen.create, 0o640)
        _ = try h.write(fd, [UInt8](repeating: 1, count: 1000))
        let buf = h.memory.alloc(160)
        // Poison the bytes around the struct to see exactly what is written.
        for i in 0..<160 { h.memory.bytes[Int(buf - h.memory.base) + i] = 0xEE }
        _ = try h.process.sysFstat(SyscallArgs(UInt64(fd), buf))
        #expect(h.memory.u64(buf + 8) > 0)                      // st_ino
        #expect(h.memory.u64(buf + 16) == 1)                    // st_nlink
        #expect(h.memory.u32(buf + 24) == 0o100640)             // st_mode
        #expect(h.memory.u32(buf + 28) == 0)                    // st_uid
        #expect(h.memory.u32(buf + 36) == 0)                    // __pad0
        #expect(h.memory.u64(buf + 48) == 1000)                 // st_size
        #expect(h.memory.u64(buf + 56) == 4096)                 // st_blksize
        #expect(h.memory.u64(buf + 64) == 2)                    // st_blocks (512-byte units)
        #expect(h.memory.u64(buf + 72) == 1_700_000_000)        // st_atime
        #expect(h.memory.u64(buf + 80) == 123_456_789)          // st_atime_nsec
        #expect(h.memory.u64(buf + 88) == 1_700_000_000)        // st_mtime
        #expect(h.memory.read(buf + 120, 24) == [UInt8](repeating: 0, count: 24))
        #expect(h.memory.read(buf + 144, 16) == [UInt8](repeating: 0xEE, count: 16))
        // Stat by path agrees on the inode number.
        #expect(h.memory.u64(try h.stat("/tmp/f") + 8) == h.memory.u64(buf + 8))
        // Directories count links: /tmp has . and its entry in /.
        #expect(h.memory.u64(try h.stat("/tmp") + 16) == 2)
    }

    @Test func statxLayout() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/f", LinuxOpen.readWrite | LinuxOpen.create, 0o600)
        _ = try h.write(fd, "12345")
        let buf = h.memory.alloc(256)
        _ = try h.process.sysStatx(SyscallArgs(UInt64(bitPattern: -100), h.path("/tmp/f"), 0, 0xfff, buf))
        #expect(h.memory.u32(buf) & 0x7ff == 0x7ff)             // stx_mask: basic stats
        #expect(h.memory.u32(buf + 4) == 4096)                 // stx_blksize
        #expect(h.memory.u32(buf + 16) == 1)                   // stx_nlink
        #expect(h.memory.u16(buf + 28) == 0o100600)            // stx_mode
        #expect(h.memory.u64(buf + 40) == 5)                   // stx_size
        #expect(h.memory.u64(buf + 112) == 1_700_000_000)      // stx_mtime.tv_sec
        #expect(h.memory.u32(buf + 120) == 123_456_789)        // stx_mtime.tv_nsec
        // AT_EMPTY_PATH on an fd: the console's rdev 5:1.
        _ = try h.process.sysStatx(SyscallArgs(1, h.path(""), UInt64(LinuxAt.emptyPath), 0x7ff, buf))
        #expect(h.memory.u16(buf + 28) & 0o170000 == 0o020000)
        #expect(h.memory.u32(buf + 128) == 5 && h.memory.u32(buf + 132) == 1)
        #expect(errnoOf { () throws(Errno) in try h.process.sysStatx(SyscallArgs(1, h.path(""), 0, 0x7ff, buf)) } == .ENOENT)
        #expect(errnoOf { () throws(Errno) in try h.process.sysStatx(SyscallArgs(1, h.path(""), 0x6000, 0x7ff, buf)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysStatx(SyscallArgs(1, h.path(""), 0x1000, 0x8000_0000, buf)) } == .EINVAL)
    }

    @Test func getdents64Records() throws {
        let h = try Harness()
        _ = try h.process.sysMkdir(SyscallArgs(h.path("/tmp/d"), 0o755))
        _ = try h.open("/tmp/d/file", LinuxOpen.create | LinuxOpen.writeOnly)
        _ = try h.process.sysMkdir(SyscallArgs(h.path("/tmp/d/sub"), 0o755))
        _ = try h.process.sysSymlink(SyscallArgs(h.path("file"), h.path("/tmp/d/link")))
        let fd = try h.open("/tmp/d", LinuxOpen.directory)
        let buf = h.memory.alloc(512)
        let n = Int(try h.process.sysGetdents64(SyscallArgs(UInt64(fd), buf, 512)))
        var records: [(ino: UInt64, off: UInt64, len: Int, type: UInt8, name: String)] = []
        var o = 0
        while o < n {
            let p = buf + UInt64(o)
            let len = Int(h.memory.u16(p + 16))
            #expect(len % 8 == 0)
            let name = h.memory.read(p + 19, len - 19).prefix { $0 != 0 }
            records.append((h.memory.u64(p), h.memory.u64(p + 8), len, h.memory.read(p + 18, 1)[0],
                            String(decoding: name, as: UTF8.self)))
            o += len
        }
        #expect(o == n)
        #expect(records.map(\.name) == [".", "..", "file", "sub", "link"])
        #expect(records.map(\.type) == [4, 4, 8, 4, 10])
        #expect(records[0].len == 24 && records[2].len == 24)
        #expect(records[0].ino == h.memory.u64(try h.stat("/tmp/d") + 8))
        #expect(records[1].ino == h.memory.u64(try h.stat("/tmp") + 8))
        #expect(try h.process.sysGetdents64(SyscallArgs(UInt64(fd), buf, 512)) == 0)
        // Resuming from a d_off skips exactly what was returned.
        _ = try h.process.sysLseek(SyscallArgs(UInt64(fd), records[2].off, 0))
        #expect(try h.list(fd) == ["sub", "link"])
        // Small buffers: one record at a time; too small for any record is EINVAL.
        _ = try h.process.sysLseek(SyscallArgs(UInt64(fd), 0, 0))
        #expect(try h.list(fd, bufferSize: 24) == [".", "..", "file", "sub", "link"])
        _ = try h.process.sysLseek(SyscallArgs(UInt64(fd), 0, 0))
        #expect(errnoOf { () throws(Errno) in try h.process.sysGetdents64(SyscallArgs(UInt64(fd), buf, 10)) } == .EINVAL)
        // Removing entries during a listing keeps offsets stable.
        _ = try h.process.sysLseek(SyscallArgs(UInt64(fd), records[2].off, 0))
        _ = try h.process.sysUnlink(SyscallArgs(h.path("/tmp/d/file")))
        #expect(try h.list(fd) == ["sub", "link"])
        let file = try h.open("/tmp/d/sub/../../plain", LinuxOpen.create | LinuxOpen.readWrite)
        #expect(errnoOf { () throws(Errno) in try h.process.sysGetdents64(SyscallArgs(UInt64(file), buf, 512)) } == .ENOTDIR)
    }

    @Test func accessAndStatfs() throws {
        let h = try Harness()
        _ = try h.open("/tmp/x", LinuxOpen.create | LinuxOpen.writeOnly, 0o644)
        #expect(try h.process.sysAccess(SyscallArgs(h.path("/tmp/x"), 6)) == 0)
        #expect(errnoOf { () throws(Errno) in try h.process.sysAccess(SyscallArgs(h.path("/tmp/x"), 1)) } == .EACCES)
        #expect(try h.process.sysAccess(SyscallArgs(h.path("/tmp"), 1)) == 0)
        #expect(errnoOf { () throws(Errno) in try h.process.sysAccess(SyscallArgs(h.path("/tmp/x"), 8)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysFaccessat(SyscallArgs(UInt64(bitPattern: -100), h.path("/no"), 0)) } == .ENOENT)
        #expect(errnoOf { () throws(Errno) in try h.process.sysFaccessat2(SyscallArgs(UInt64(bitPattern: -100), h.path("/tmp"), 0, 1)) } == .EINVAL)
        let buf = h.memory.alloc(120)
        _ = try h.process.sysStatfs(SyscallArgs(h.path("/tmp"), buf))
        #expect(h.memory.u64(buf) == 0x0102_1994)
        #expect(h.memory.u64(buf + 64) == 255)
        _ = try h.process.sysStatfs(SyscallArgs(h.path("/proc/self"), buf))
        #expect(h.memory.u64(buf) == 0x9fa0)
    }
}

@Suite struct GetdentsFaultTests {
    @Test func faultDoesNotConsumeEntries() throws {
        let h = try Harness()
        let fd = try h.open("/", LinuxOpen.directory)
        #expect(errnoOf { () throws(Errno) in try h.process.sysGetdents64(SyscallArgs(UInt64(fd), 0x100, 512)) } == .EFAULT)
        #expect(try h.list(fd) == [".", "..", "tmp", "dev", "proc"])
    }
}
