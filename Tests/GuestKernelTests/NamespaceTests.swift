@testable import GuestKernel
import GuestABI
import Testing

@Suite struct NamespaceTests {
    let cwd = UInt64(bitPattern: -100)

    @Test func mkdirRmdir() throws {
        let h = try Harness()
        _ = try h.process.sysMkdir(SyscallArgs(h.path("/tmp/d"), 0o777))
        #expect(try h.mode("/tmp/d") == 0o040755)
        #expect(h.memory.u64(try h.stat("/tmp") + 16) == 3)
        #expect(errnoOf { () throws(Errno) in try h.process.sysMkdir(SyscallArgs(h.path("/tmp/d"), 0o777)) } == .EEXIST)
        #expect(errnoOf { () throws(Errno) in try h.process.sysMkdir(SyscallArgs(h.path("/tmp/d/"), 0o777)) } == .EEXIST)
        #expect(errnoOf { () throws(Errno) in try h.process.sysMkdir(SyscallArgs(h.path("/"), 0o777)) } == .EEXIST)
        #expect(errnoOf { () throws(Errno) in try h.process.sysMkdir(SyscallArgs(h.path("/tmp/x/y"), 0o777)) } == .ENOENT)
        _ = try h.process.sysMkdirat(SyscallArgs(cwd, h.path("tmp/d/e/"), 0o700))
        #expect(errnoOf { () throws(Errno) in try h.process.sysRmdir(SyscallArgs(h.path("/tmp/d"))) } == .ENOTEMPTY)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRmdir(SyscallArgs(h.path("/tmp/d/e/."))) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRmdir(SyscallArgs(h.path("/tmp/d/e/.."))) } == .ENOTEMPTY)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRmdir(SyscallArgs(h.path("/"))) } == .EBUSY)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRmdir(SyscallArgs(h.path("/proc"))) } == .EBUSY)
        _ = try h.open("/tmp/f", LinuxOpen.create | LinuxOpen.writeOnly)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRmdir(SyscallArgs(h.path("/tmp/f"))) } == .ENOTDIR)
        _ = try h.process.sysUnlinkat(SyscallArgs(cwd, h.path("/tmp/d/e"), UInt64(LinuxAt.removeDirectory)))
        _ = try h.process.sysRmdir(SyscallArgs(h.path("/tmp/d/")))
        #expect(!h.exists("/tmp/d"))
        #expect(h.memory.u64(try h.stat("/tmp") + 16) == 2)
        // umask applies to mkdir.
        #expect(try h.process.sysUmask(SyscallArgs(0o077)) == 0o022)
        _ = try h.process.sysMkdir(SyscallArgs(h.path("/tmp/m"), 0o1777))
        #expect(try h.mode("/tmp/m") == 0o041700)
    }

    @Test func unlinkSemantics() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/f", LinuxOpen.create | LinuxOpen.readWrite)
        _ = try h.write(fd, "still here")
        #expect(errnoOf { () throws(Errno) in try h.process.sysUnlink(SyscallArgs(h.path("/tmp"))) } == .EISDIR)
        #expect(errnoOf { () throws(Errno) in try h.process.sysUnlink(SyscallArgs(h.path("/tmp/f/"))) } == .ENOTDIR)
        #expect(errnoOf { () throws(Errno) in try h.process.sysUnlink(SyscallArgs(h.path("/tmp/nope"))) } == .ENOENT)
        #expect(errnoOf { () throws(Errno) in try h.process.sysUnlinkat(SyscallArgs(cwd, h.path("/tmp/f"), 1)) } == .EINVAL)
        _ = try h.process.sysUnlink(SyscallArgs(h.path("/tmp/f")))
        #expect(!h.exists("/tmp/f"))
        // The open file lives on.
        _ = try h.process.sysLseek(SyscallArgs(UInt64(fd), 0, 0))
        #expect(try h.readString(fd) == "still here")
        let buf = h.memory.alloc(144)
        _ = try h.process.sysFstat(SyscallArgs(UInt64(fd), buf))
        #expect(h.memory.u64(buf + 16) == 0)
        // unlink removes a symlink, not its target.
        _ = try h.open("/tmp/t", LinuxOpen.create | LinuxOpen.readWrite)
        _ = try h.process.sysSymlink(SyscallArgs(h.path("/tmp/t"), h.path("/tmp/l")))
        _ = try h.process.sysUnlink(SyscallArgs(h.path("/tmp/l")))
        #expect(h.exists("/tmp/t") && !h.exists("/tmp/l"))
    }

    @Test func renameSemantics() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/a", LinuxOpen.create | LinuxOpen.readWrite)
        _ = try h.write(fd, "A")
        _ = try h.process.sysRename(SyscallArgs(h.path("/tmp/a"), h.path("/tmp/b")))
        #expect(!h.exists("/tmp/a"))
        #expect(try h.contents("/tmp/b") == "A")
        // Over an existing file: replaced.
        let c = try h.open("/tmp/c", LinuxOpen.create | LinuxOpen.readWrite)
        _ = try h.write(c, "C")
        _ = try h.process.sysRename(SyscallArgs(h.path("/tmp/c"), h.path("/tmp/b")))
        #expect(try h.contents("/tmp/b") == "C")
        // Directories.
        _ = try h.process.sysMkdir(SyscallArgs(h.path("/tmp/d1"), 0o755))
        _ = try h.process.sysMkdir(SyscallArgs(h.path("/tmp/d2"), 0o755))
        _ = try h.process.sysMkdir(SyscallArgs(h.path("/tmp/d2/sub"), 0o755))
        #expect(errnoOf { () throws(Errno) in try h.process.sysRename(SyscallArgs(h.path("/tmp/d1"), h.path("/tmp/d2"))) } == .ENOTEMPTY)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRename(SyscallArgs(h.path("/tmp/d1"), h.path("/tmp/b"))) } == .ENOTDIR)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRename(SyscallArgs(h.path("/tmp/b"), h.path("/tmp/d1"))) } == .EISDIR)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRename(SyscallArgs(h.path("/tmp/d2"), h.path("/tmp/d2/sub/x"))) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRename(SyscallArgs(h.path("/tmp/zz"), h.path("/tmp/y"))) } == .ENOENT)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRename(SyscallArgs(h.path("/tmp/b/"), h.path("/tmp/y"))) } == .ENOTDIR)
        _ = try h.process.sysRename(SyscallArgs(h.path("/tmp/d2/sub"), h.path("/tmp/d1/moved")))
        #expect(try h.mode("/tmp/d1/moved") == 0o040755)
        #expect(try h.memory.u64(h.stat("/tmp/d1") + 16) == 3)
        #expect(try h.memory.u64(h.stat("/tmp/d2") + 16) == 2)
        _ = try h.process.sysChdir(SyscallArgs(h.path("/tmp/d1/moved")))
        #expect(try h.mode("..") == 0o040755)
        _ = try h.process.sysRename(SyscallArgs(h.path("/tmp/d1"), h.path("/tmp/d2")))  // over an empty dir
        let buf = h.memory.alloc(64)
        #expect(try h.process.sysGetcwd(SyscallArgs(buf, 64)) == 14)
        #expect(h.memory.read(buf, 14) == Array("/tmp/d2/moved".utf8) + [0])
        // renameat2 flags.
        _ = try h.open("/tmp/e", LinuxOpen.create | LinuxOpen.readWrite)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRenameat2(SyscallArgs(cwd, h.path("/tmp/e"), cwd, h.path("/tmp/b"), 1)) } == .EEXIST)
        #expect(errnoOf { () throws(Errno) in try h.process.sysRenameat2(SyscallArgs(cwd, h.path("/tmp/e"), cwd, h.path("/tmp/b"), 4)) } == .EINVAL)
        _ = try h.process.sysRenameat2(SyscallArgs(cwd, h.path("/tmp/e"), cwd, h.path("/tmp/b"), 2))
        #expect(try h.contents("/tmp/e") == "C")
        #expect(try h.size("/tmp/b") == 0)
        // Renaming a file onto itself (or a hard link of itself) does nothing.
        _ = try h.process.sysRenameat(SyscallArgs(cwd, h.path("/tmp/e"), cwd, h.path("/tmp/e")))
        #expect(h.exists("/tmp/e"))
    }

    @Test func hardAndSymbolicLinks() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/f", LinuxOpen.create | LinuxOpen.readWrite)
        _ = try h.write(fd, "data")
        _ = try h.process.sysLink(SyscallArgs(h.path("/tmp/f"), h.path("/tmp/g")))
        #expect(h.memory.u64(try h.stat("/tmp/g") + 16) == 2)
        #expect(try h.contents("/tmp/g") == "data")
        #expect(errnoOf { () throws(Errno) in try h.process.sysLink(SyscallArgs(h.path("/tmp/f"), h.path("/tmp/g"))) } == .EEXIST)
        #expect(errnoOf { () throws(Errno) in try h.process.sysLink(SyscallArgs(h.path("/tmp"), h.path("/tmp/h"))) } == .EPERM)
        #expect(errnoOf { () throws(Errno) in try h.process.sysLinkat(SyscallArgs(cwd, h.path("/tmp/f"), cwd, h.path("/tmp/h"), 1)) } == .EINVAL)
        _ = try h.process.sysSymlink(SyscallArgs(h.path("f"), h.path("/tmp/s")))
        #expect(try h.readlink("/tmp/s") == "f")
        #expect(errnoOf { () throws(Errno) in try h.process.sysSymlink(SyscallArgs(h.path(""), h.path("/tmp/s2"))) } == .ENOENT)
        #expect(errnoOf { () throws(Errno) in try h.process.sysSymlink(SyscallArgs(h.path("x"), h.path("/tmp/s"))) } == .EEXIST)
        #expect(errnoOf { () throws(Errno) in try h.readlink("/tmp/f") } == .EINVAL)
        // readlink truncates without a NUL; size 0 is EINVAL.
        let buf = h.memory.alloc(8)
        _ = try h.process.sysSymlink(SyscallArgs(h.path("/a/long/target"), h.path("/tmp/long")))
        #expect(try h.process.sysReadlink(SyscallArgs(h.path("/tmp/long"), buf, 4)) == 4)
        #expect(h.memory.read(buf, 5) == Array("/a/l".utf8) + [0])
        #expect(errnoOf { () throws(Errno) in try h.process.sysReadlink(SyscallArgs(h.path("/tmp/long"), buf, 0)) } == .EINVAL)
        // linkat with AT_SYMLINK_FOLLOW links the target; without it the link itself.
        _ = try h.process.sysLinkat(SyscallArgs(cwd, h.path("/tmp/s"), cwd, h.path("/tmp/hs"), UInt64(LinuxAt.symlinkFollow)))
        #expect(try h.mode("/tmp/hs", follow: false) == 0o100644)
        _ = try h.process.sysLinkat(SyscallArgs(cwd, h.path("/tmp/s"), cwd, h.path("/tmp/hl"), 0))
        #expect(try h.mode("/tmp/hl", follow: false) == 0o120777)
    }

    @Test func cwdAndAttributes() throws {
        let h = try Harness()
        let buf = h.memory.alloc(64)
        #expect(try h.process.sysGetcwd(SyscallArgs(buf, 64)) == 2)
        #expect(errnoOf { () throws(Errno) in try h.process.sysGetcwd(SyscallArgs(buf, 1)) } == .ERANGE)
        #expect(errnoOf { () throws(Errno) in try h.process.sysChdir(SyscallArgs(h.path("/dev/null"))) } == .ENOTDIR)
        let d = try h.open("/proc", LinuxOpen.directory)
        _ = try h.process.sysFchdir(SyscallArgs(UInt64(d)))
        #expect(try h.process.sysGetcwd(SyscallArgs(buf, 64)) == 6)
        #expect(errnoOf { () throws(Errno) in try h.process.sysFchdir(SyscallArgs(1)) } == .ENOTDIR)
        // A removed cwd: getcwd is ENOENT.
        _ = try h.process.sysMkdir(SyscallArgs(h.path("/tmp/gone"), 0o755))
        _ = try h.process.sysChdir(SyscallArgs(h.path("/tmp/gone")))
        _ = try h.process.sysRmdir(SyscallArgs(h.path("/tmp/gone")))
        #expect(errnoOf { () throws(Errno) in try h.process.sysGetcwd(SyscallArgs(buf, 64)) } == .ENOENT)
        #expect(errnoOf { () throws(Errno) in try h.open("x", LinuxOpen.create | LinuxOpen.writeOnly) } == .ENOENT)
        _ = try h.process.sysChdir(SyscallArgs(h.path("/")))
        // chmod / chown / utimensat.
        let fd = try h.open("/tmp/f", LinuxOpen.create | LinuxOpen.readWrite, 0o755)
        _ = try h.process.sysChmod(SyscallArgs(h.path("/tmp/f"), 0o4711))
        #expect(try h.mode("/tmp/f") == 0o104711)
        _ = try h.process.sysFchown(SyscallArgs(UInt64(fd), 1000, UInt64(UInt32.max)))
        let st = try h.stat("/tmp/f")
        #expect(h.memory.u32(st + 28) == 1000 && h.memory.u32(st + 32) == 0)
        #expect(h.memory.u32(st + 24) == 0o100711)   // set-user-ID cleared
        _ = try h.process.sysFchmodat(SyscallArgs(cwd, h.path("/tmp/f"), 0o600))
        #expect(try h.mode("/tmp/f") == 0o100600)
        let times = h.memory.put([UInt8](repeating: 0, count: 32))
        h.memory.bytes.replaceSubrange(Int(times - h.memory.base)..<Int(times - h.memory.base + 8), with: [100, 0, 0, 0, 0, 0, 0, 0])
        h.memory.bytes.replaceSubrange(Int(times - h.memory.base + 24)..<Int(times - h.memory.base + 32), with: [0xfe, 0xff, 0xff, 0x3f, 0, 0, 0, 0])
        _ = try h.process.sysUtimensat(SyscallArgs(cwd, h.path("/tmp/f"), times, 0))
        let st2 = try h.stat("/tmp/f")
        #expect(h.memory.u64(st2 + 72) == 100)                   // atime set
        #expect(h.memory.u64(st2 + 88) == 1_700_000_000)         // mtime omitted
        h.memory.bytes[Int(times - h.memory.base + 8)] = 0xff
        h.memory.bytes[Int(times - h.memory.base + 15)] = 0x7f
        #expect(errnoOf { () throws(Errno) in try h.process.sysUtimensat(SyscallArgs(cwd, h.path("/tmp/f"), times, 0)) } == .EINVAL)
        #expect(try h.process.sysUtimensat(SyscallArgs(UInt64(fd), 0, 0, 0)) == 0)
        #expect(try h.process.sysFsync(SyscallArgs(UInt64(fd))) == 0)
        #expect(errnoOf { () throws(Errno) in try h.process.sysFsync(SyscallArgs(1)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysFdatasync(SyscallArgs(55)) } == .EBADF)
    }
}
