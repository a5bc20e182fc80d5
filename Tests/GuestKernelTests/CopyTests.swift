@testable import GuestKernel
import GuestABI
import Testing

@Suite struct CopyTests {
    @Test func sendfileToConsoleAndFile() throws {
        let h = try Harness()
        let src = try h.open("/tmp/src", LinuxOpen.create | LinuxOpen.readWrite)
        _ = try h.write(src, "0123456789")
        _ = try h.process.sysLseek(SyscallArgs(UInt64(src), 2, 0))
        #expect(try h.process.sysSendfile(SyscallArgs(1, UInt64(src), 0, 3)) == 3)
        #expect(h.services.stdout == Array("234".utf8))
        #expect(try h.process.sysLseek(SyscallArgs(UInt64(src), 0, 1)) == 5)
        // With an offset pointer: the file offset stays, the pointer advances.
        let off = h.memory.put([8, 0, 0, 0, 0, 0, 0, 0])
        #expect(try h.process.sysSendfile(SyscallArgs(1, UInt64(src), off, 100)) == 2)
        #expect(h.memory.u64(off) == 10)
        #expect(try h.process.sysLseek(SyscallArgs(UInt64(src), 0, 1)) == 5)
        #expect(errnoOf { () throws(Errno) in try h.process.sysSendfile(SyscallArgs(1, 0, 0, 1)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysSendfile(SyscallArgs(0, UInt64(src), 0, 1)) } == .EBADF)
    }

    @Test func copyFileRange() throws {
        let h = try Harness()
        let a = try h.open("/tmp/a", LinuxOpen.create | LinuxOpen.readWrite)
        _ = try h.write(a, "abcdef")
        let b = try h.open("/tmp/b", LinuxOpen.create | LinuxOpen.readWrite)
        let inOff = h.memory.put([1, 0, 0, 0, 0, 0, 0, 0])
        #expect(try h.process.sysCopyFileRange(SyscallArgs(UInt64(a), inOff, UInt64(b), 0, 3, 0)) == 3)
        #expect(try h.contents("/tmp/b") == "bcd")
        #expect(h.memory.u64(inOff) == 4)
        #expect(errnoOf { () throws(Errno) in try h.process.sysCopyFileRange(SyscallArgs(UInt64(a), 0, UInt64(b), 0, 3, 1)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysCopyFileRange(SyscallArgs(UInt64(a), 0, UInt64(a), 0, 3, 0)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysCopyFileRange(SyscallArgs(UInt64(a), 0, 1, 0, 3, 0)) } == .EINVAL)
    }

    @Test func createThroughDanglingSymlink() throws {
        let h = try Harness()
        _ = try h.process.sysSymlink(SyscallArgs(h.path("target"), h.path("/tmp/link")))
        let fd = try h.open("/tmp/link", LinuxOpen.create | LinuxOpen.writeOnly)
        _ = try h.write(fd, "t")
        #expect(try h.contents("/tmp/target") == "t")
        #expect(errnoOf { () throws(Errno) in try h.open("/tmp/link", LinuxOpen.create | LinuxOpen.exclusive | LinuxOpen.writeOnly) } == .EEXIST)
    }

    @Test func faultingWriteDoesNotGrowTheFile() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/f", LinuxOpen.create | LinuxOpen.readWrite)
        _ = try h.write(fd, "ab")
        let end = h.memory.base + UInt64(h.memory.bytes.count)
        // Nothing readable: EFAULT, and the file does not grow.
        #expect(errnoOf { () throws(Errno) in try h.process.sysWrite(SyscallArgs(UInt64(fd), end, 10)) } == .EFAULT)
        #expect(try h.size("/tmp/f") == 2)
        // area: audit: the readable part is written (Linux's partial write), no more.
        #expect(try h.process.sysWrite(SyscallArgs(UInt64(fd), end - 2, 10)) == 2)
        #expect(try h.size("/tmp/f") == 4)
    }
}
