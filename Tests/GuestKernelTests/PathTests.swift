@testable import GuestKernel
import GuestABI
import Testing

@Suite struct PathTests {
    func harness() throws -> Harness {
        var c = CpioBuilder()
        c.dir("a"); c.dir("a/b"); c.file("a/b/f", "F")
        c.symlink("a/up", ".."); c.symlink("a/tof", "b/f"); c.symlink("loop1", "loop2"); c.symlink("loop2", "loop1")
        c.symlink("dangling", "/nonexistent"); c.symlink("empty-ish", "a/b/")
        c.trailer()
        return try Harness(archive: c)
    }

    @Test func dotsAndRelativePaths() throws {
        let h = try harness()
        #expect(try h.contents("/a/./b/../b/f") == "F")
        #expect(try h.contents("/../../a/b/f") == "F")          // .. at root stays at root
        #expect(try h.contents("a/up/a/tof") == "F")
        _ = try h.process.sysChdir(SyscallArgs(h.path("/a/b")))
        #expect(try h.contents("f") == "F")
        #expect(try h.contents("../../a/b/f") == "F")
        #expect(try h.contents("//a//b//f") == "F")
    }

    @Test func errors() throws {
        let h = try harness()
        #expect(errnoOf { () throws(Errno) in try h.stat("") } == .ENOENT)
        #expect(errnoOf { () throws(Errno) in try h.stat("/nope") } == .ENOENT)
        #expect(errnoOf { () throws(Errno) in try h.stat("/a/b/f/x") } == .ENOTDIR)
        #expect(errnoOf { () throws(Errno) in try h.stat("/a/b/f/") } == .ENOTDIR)
        #expect(errnoOf { () throws(Errno) in try h.stat("/a/tof/") } == .ENOTDIR)
        #expect(errnoOf { () throws(Errno) in try h.stat("/loop1") } == .ELOOP)
        #expect(errnoOf { () throws(Errno) in try h.stat("/dangling") } == .ENOENT)
        #expect(try h.mode("/dangling", follow: false) == 0o120777)
        #expect(try h.mode("/loop1", follow: false) == 0o120777)
        let long = String(repeating: "x", count: 256)
        #expect(errnoOf { () throws(Errno) in try h.stat("/a/\(long)") } == .ENAMETOOLONG)
        #expect(errnoOf { () throws(Errno) in try h.stat("/\(String(repeating: "y", count: 255))") } == .ENOENT)
        #expect(try h.mode("/a/b/") == 0o040755)
        // A path with no NUL within PATH_MAX.
        let unterminated = h.memory.put([UInt8](repeating: 0x61, count: 5000))
        #expect(errnoOf { () throws(Errno) in try h.process.sysStat(SyscallArgs(unterminated, h.memory.alloc(144))) } == .ENAMETOOLONG)
        // Unmapped path pointer.
        #expect(errnoOf { () throws(Errno) in try h.process.sysStat(SyscallArgs(0x10, h.memory.alloc(144))) } == .EFAULT)
    }

    @Test func fortyHopsAllowedFortyOneNot() throws {
        let h = try Harness()
        // /l0 -> /target, /lN -> /l(N-1): resolving /lN takes N+1 hops.
        _ = try h.open("/target", LinuxOpen.create | LinuxOpen.writeOnly)
        _ = try h.process.sysSymlink(SyscallArgs(h.path("/target"), h.path("/l0")))
        for i in 1...40 { _ = try h.process.sysSymlink(SyscallArgs(h.path("/l\(i - 1)"), h.path("/l\(i)"))) }
        #expect(errnoOf { () throws(Errno) in try h.stat("/l39") } == nil)
        #expect(errnoOf { () throws(Errno) in try h.stat("/l40") } == .ELOOP)
    }

    @Test func noFollowFlags() throws {
        let h = try harness()
        #expect(errnoOf { () throws(Errno) in try h.open("/a/tof", LinuxOpen.noFollow) } == .ELOOP)
        #expect(errnoOf { () throws(Errno) in try h.open("/a/b/f", LinuxOpen.noFollow) } == nil)
        let buf = h.memory.alloc(144)
        _ = try h.process.sysNewfstatat(SyscallArgs(UInt64(bitPattern: -100), h.path("a/tof"), buf, UInt64(LinuxAt.symlinkNoFollow)))
        #expect(h.memory.u32(buf + 24) == 0o120777)
        _ = try h.process.sysNewfstatat(SyscallArgs(UInt64(bitPattern: -100), h.path("a/tof"), buf, 0))
        #expect(h.memory.u32(buf + 24) == 0o100644)
        #expect(errnoOf { () throws(Errno) in try h.process.sysNewfstatat(SyscallArgs(UInt64(bitPattern: -100), h.path("a"), buf, 0x8000)) } == .EINVAL)
    }

    @Test func lookupFileForTheLoader() throws {
        let h = try harness()
        let inode = try lookupFile(h.process, path: Array("/a/tof".utf8))
        #expect(inode.isRegularFile && inode.size == 1)
        #expect(!(try lookupFile(h.process, path: Array("/a".utf8))).isRegularFile)
        #expect(errnoOf { () throws(Errno) in try lookupFile(h.process, path: Array("/zz".utf8)) } == .ENOENT)
    }

    @Test func dirfdRelative() throws {
        let h = try harness()
        let dfd = try h.open("/a/b", LinuxOpen.directory)
        let fd = Int32(try h.process.sysOpenat(SyscallArgs(UInt64(dfd), h.path("f"), 0)))
        #expect(try h.readString(fd) == "F")
        let ffd = try h.open("/a/b/f", 0)
        #expect(errnoOf { () throws(Errno) in try h.process.sysOpenat(SyscallArgs(UInt64(ffd), h.path("f"), 0)) } == .ENOTDIR)
        #expect(errnoOf { () throws(Errno) in try h.process.sysOpenat(SyscallArgs(99, h.path("f"), 0)) } == .EBADF)
        // Absolute paths ignore dirfd, even a bad one.
        #expect(errnoOf { () throws(Errno) in try h.process.sysOpenat(SyscallArgs(99, h.path("/a/b/f"), 0)) } == nil)
    }
}
