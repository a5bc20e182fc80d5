@testable import GuestKernel
import GuestABI
import Testing

@Suite struct CpioTests {
    func sample() -> CpioBuilder {
        var c = CpioBuilder()
        c.dir(".")
        c.dir("./bin", mode: 0o700)
        c.file("./bin/hello", "hello world\n", mode: 0o755)
        c.file("etc/deep/nested/conf", "x=1")   // parents missing: created
        c.symlink("bin/sh", "hello")
        c.symlink("abs", "/etc/deep")
        c.file("/empty", "")
        c.trailer()
        return c
    }

    @Test func unpacksFilesDirectoriesAndSymlinks() throws {
        let h = try Harness(archive: sample())
        #expect(try h.contents("/bin/hello") == "hello world\n")
        #expect(try h.mode("/bin") == 0o040700)
        #expect(try h.mode("/bin/hello") == 0o100755)
        #expect(try h.contents("/etc/deep/nested/conf") == "x=1")
        #expect(try h.mode("/etc/deep") == 0o040755)
        #expect(try h.readlink("/bin/sh") == "hello")
        #expect(try h.contents("/bin/sh") == "hello world\n")
        #expect(try h.contents("/abs/nested/conf") == "x=1")
        #expect(try h.size("/empty") == 0)
        // mtime comes from the header.
        #expect(h.memory.u64(try h.stat("/bin/hello") + 88) == 1_600_000_000)
        // The special directories still exist.
        #expect(try h.mode("/tmp") == 0o041777)
    }

    @Test func zeroCopyThenCopyOnWrite() throws {
        var c = CpioBuilder()
        c.file("data", "ABCDEFGH")
        c.trailer()
        let archive = c.permanent()
        let fs = try makeRootFileSystem(services: FakeServices(), initramfs: archive)
        let inode = fs.root.entries.first { $0.name == Array("data".utf8) }!.inode
        // The content is the archive's own bytes.
        #expect(inode.borrowed?.baseAddress == archive.baseAddress! + 116)  // 110-byte header + "data\0", padded to 4
        var out = [UInt8](repeating: 0, count: 4)
        let n = try out.withUnsafeMutableBytes { (b) throws(Errno) in try inode.read(at: 2, into: b) }
        #expect(n == 4 && out == Array("CDEF".utf8))
        try inode.write(at: 0, count: 1) { $0[0] = 0x7a }
        #expect(inode.borrowed == nil)
        #expect(inode.data == Array("zBCDEFGH".utf8))
        // The archive is untouched.
        #expect(archive[116] == 0x41)
    }

    @Test func hardLinksShareTheInode() throws {
        var c = CpioBuilder()
        c.entry("a", mode: 0o100644, ino: 7, nlink: 2)
        c.entry("b", mode: 0o100644, data: Array("shared".utf8), ino: 7, nlink: 2)
        c.trailer()
        let h = try Harness(archive: c)
        #expect(try h.contents("/a") == "shared")
        #expect(h.memory.u64(try h.stat("/b") + 16) == 2)
        #expect(h.memory.u64(try h.stat("/a") + 8) == h.memory.u64(try h.stat("/b") + 8))
    }

    func rejects(_ bytes: [UInt8]) -> Errno? {
        var c = CpioBuilder()
        c.bytes = bytes
        return errnoOf { () throws(Errno) in try makeRootFileSystem(services: FakeServices(), initramfs: c.permanent()) }
    }

    @Test func malformedArchivesAreEINVAL() {
        var good = CpioBuilder()
        good.file("f", "data")
        good.trailer()
        #expect(rejects(good.bytes) == nil)
        // Bad magic.
        var bad = good.bytes; bad[5] = 0x37
        #expect(rejects(bad) == .EINVAL)
        // Non-hex digit in a field.
        bad = good.bytes; bad[20] = 0x47
        #expect(rejects(bad) == .EINVAL)
        // Truncated header, truncated data, missing trailer, empty archive.
        #expect(rejects(Array(good.bytes[0..<50])) == .EINVAL)
        #expect(rejects(Array(good.bytes[0..<(110 + 4 + 2)])) == .EINVAL)
        #expect(rejects(Array(good.bytes[0..<120])) == .EINVAL)
        #expect(rejects([]) == .EINVAL)
        // File size beyond the buffer.
        var c = CpioBuilder(); c.entry("f", mode: 0o100644, data: [1, 2], fileSize: 0xFFFF_FFF0); c.trailer()
        #expect(rejects(c.bytes) == .EINVAL)
        // Name size 0, name not NUL-terminated, huge name size.
        c = CpioBuilder(); c.entry("f", mode: 0o100644, nameSize: 0); c.trailer()
        #expect(rejects(c.bytes) == .EINVAL)
        c = CpioBuilder(); c.entry("fg", mode: 0o100644, nameSize: 2); c.trailer()
        #expect(rejects(c.bytes) == .EINVAL)
        c = CpioBuilder(); c.entry("f", mode: 0o100644, nameSize: 0x7FFF_FFFF); c.trailer()
        #expect(rejects(c.bytes) == .EINVAL)
        // ".." components and a file used as a directory.
        c = CpioBuilder(); c.file("../escape", "x"); c.trailer()
        #expect(rejects(c.bytes) == .EINVAL)
        c = CpioBuilder(); c.file("f", "x"); c.file("f/g", "y"); c.trailer()
        #expect(rejects(c.bytes) == .EINVAL)
    }

    @Test func stopsAtTrailerIgnoringPadding() throws {
        var c = CpioBuilder()
        c.file("f", "1")
        c.trailer()
        c.bytes += [UInt8](repeating: 0, count: 512)
        let h = try Harness(archive: c)
        #expect(try h.contents("/f") == "1")
    }
}
