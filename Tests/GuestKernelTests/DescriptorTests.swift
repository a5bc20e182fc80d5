@testable import GuestKernel
import GuestABI
import Testing

@Suite struct DescriptorTests {
    @Test func standardStreams() throws {
        let h = try Harness()
        #expect(h.process.files.openDescriptors == [0, 1, 2])
        let buf = h.memory.alloc(144)
        _ = try h.process.sysFstat(SyscallArgs(1, buf))
        #expect(h.memory.u32(buf + 24) & 0o170000 == 0o020000)
        #expect(h.memory.u64(buf + 40) == (5 << 8 | 1))
        #expect(try h.process.sysFcntl(SyscallArgs(0, UInt64(LinuxFcntl.getFL))) & 3 == 0)
        #expect(try h.process.sysFcntl(SyscallArgs(2, UInt64(LinuxFcntl.getFL))) & 3 == 1)
    }

    @Test func dupFamily() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/f", LinuxOpen.create | LinuxOpen.readWrite)
        _ = try h.write(fd, "abcdef")
        let d = Int32(try h.process.sysDup(SyscallArgs(UInt64(fd))))
        #expect(d == 4)
        // Shared offset.
        _ = try h.process.sysLseek(SyscallArgs(UInt64(fd), 2, 0))
        #expect(try h.readString(d, 2) == "cd")
        #expect(try h.process.sysLseek(SyscallArgs(UInt64(fd), 0, 1)) == 4)
        // dup2 over an open fd, onto itself, from a bad fd.
        #expect(try h.process.sysDup2(SyscallArgs(UInt64(fd), 1)) == 1)
        _ = try h.write(1, "X")
        #expect(h.services.stdout == [])
        #expect(try h.contents("/tmp/f") == "abcdXf")
        #expect(try h.process.sysDup2(SyscallArgs(UInt64(fd), UInt64(fd))) == UInt64(fd))
        #expect(errnoOf { () throws(Errno) in try h.process.sysDup2(SyscallArgs(50, 51)) } == .EBADF)
        #expect(errnoOf { () throws(Errno) in try h.process.sysDup2(SyscallArgs(50, 50)) } == .EBADF)
        #expect(errnoOf { () throws(Errno) in try h.process.sysDup2(SyscallArgs(UInt64(fd), 1024)) } == .EBADF)
        #expect(try h.process.sysDup2(SyscallArgs(UInt64(fd), 1023)) == 1023)
        // dup3.
        #expect(errnoOf { () throws(Errno) in try h.process.sysDup3(SyscallArgs(UInt64(fd), UInt64(fd), 0)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysDup3(SyscallArgs(UInt64(fd), 9, 1)) } == .EINVAL)
        #expect(try h.process.sysDup3(SyscallArgs(UInt64(fd), 9, UInt64(LinuxOpen.closeOnExec))) == 9)
        #expect(try h.process.sysFcntl(SyscallArgs(9, UInt64(LinuxFcntl.getFD))) == 1)
        #expect(try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.getFD))) == 0)
        // close.
        _ = try h.process.sysClose(SyscallArgs(9))
        #expect(errnoOf { () throws(Errno) in try h.process.sysClose(SyscallArgs(9)) } == .EBADF)
        #expect(errnoOf { () throws(Errno) in try h.process.sysClose(SyscallArgs(UInt64(bitPattern: -1))) } == .EBADF)
    }

    @Test func fcntl() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/f", LinuxOpen.create | LinuxOpen.readWrite | LinuxOpen.closeOnExec)
        #expect(try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.getFD))) == 1)
        _ = try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.setFD), 0))
        #expect(try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.getFD))) == 0)
        #expect(try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.dupFD), 10)) == 10)
        #expect(try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.dupFD), 10)) == 11)
        #expect(try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.dupFDCloseOnExec), 0)) == 4)
        #expect(try h.process.sysFcntl(SyscallArgs(4, UInt64(LinuxFcntl.getFD))) == 1)
        #expect(errnoOf { () throws(Errno) in try h.process.sysFcntl(SyscallArgs(UInt64(fd), 0, 1024)) } == .EINVAL)
        let fl = try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.getFL)))
        #expect(fl & 3 == 2 && fl & UInt64(LinuxOpen.append | LinuxOpen.nonBlock) == 0)
        // F_SETFL changes O_APPEND/O_NONBLOCK only, never the access mode.
        _ = try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.setFL), UInt64(LinuxOpen.append | LinuxOpen.nonBlock)))
        let fl2 = try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.getFL)))
        #expect(fl2 & UInt64(LinuxOpen.append | LinuxOpen.nonBlock) == UInt64(LinuxOpen.append | LinuxOpen.nonBlock))
        #expect(fl2 & 3 == 2)
        // Shared by dups (status flags live in the open file description).
        #expect(try h.process.sysFcntl(SyscallArgs(10, UInt64(LinuxFcntl.getFL))) == fl2)
        #expect(errnoOf { () throws(Errno) in try h.process.sysFcntl(SyscallArgs(UInt64(fd), 999)) } == .EINVAL)
        #expect(errnoOf { () throws(Errno) in try h.process.sysFcntl(SyscallArgs(99, 1)) } == .EBADF)
    }

    @Test func emfileAtTheLimit() throws {
        let h = try Harness()
        for _ in 3..<1024 { _ = try h.process.sysDup(SyscallArgs(0)) }
        #expect(errnoOf { () throws(Errno) in try h.process.sysDup(SyscallArgs(0)) } == .EMFILE)
        #expect(errnoOf { () throws(Errno) in try h.open("/dev/null", 0) } == .EMFILE)
        _ = try h.process.sysClose(SyscallArgs(500))
        #expect(try h.process.sysDup(SyscallArgs(0)) == 500)
    }

    @Test func ioctlTerminalVersusNot() throws {
        let notTTY = try Harness()
        let buf = notTTY.memory.alloc(64)
        #expect(errnoOf { () throws(Errno) in try notTTY.process.sysIoctl(SyscallArgs(1, UInt64(LinuxIoctl.TCGETS), buf)) } == .ENOTTY)
        #expect(errnoOf { () throws(Errno) in try notTTY.process.sysIoctl(SyscallArgs(1, UInt64(LinuxIoctl.TIOCGWINSZ), buf)) } == .ENOTTY)
        #expect(errnoOf { () throws(Errno) in try notTTY.open("/dev/tty", LinuxOpen.readWrite) } == .ENXIO)

        let tty = try Harness(ttyMask: 0b010)   // only stdout is a terminal
        tty.services.windowRows = 40; tty.services.windowColumns = 132
        let t = tty.memory.alloc(64)
        #expect(try tty.process.sysIoctl(SyscallArgs(1, UInt64(LinuxIoctl.TCGETS), t)) == 0)
        #expect(tty.memory.u32(t + 12) & 0x2 != 0)     // ICANON
        #expect(tty.memory.read(t + 17, 1) == [3])     // VINTR = ^C
        #expect(errnoOf { () throws(Errno) in try tty.process.sysIoctl(SyscallArgs(0, UInt64(LinuxIoctl.TCGETS), t)) } == .ENOTTY)
        #expect(errnoOf { () throws(Errno) in try tty.process.sysIoctl(SyscallArgs(2, UInt64(LinuxIoctl.TCGETS), t)) } == .ENOTTY)
        #expect(try tty.process.sysIoctl(SyscallArgs(1, UInt64(LinuxIoctl.TIOCGWINSZ), t)) == 0)
        #expect(tty.memory.u16(t) == 40 && tty.memory.u16(t + 2) == 132)
        #expect(errnoOf { () throws(Errno) in try tty.process.sysIoctl(SyscallArgs(1, UInt64(LinuxIoctl.TCGETS), 8)) } == .EFAULT)
        // TCSETS is remembered.
        tty.memory.bytes[Int(t - tty.memory.base) + 12] = 0
        _ = try tty.process.sysIoctl(SyscallArgs(1, UInt64(LinuxIoctl.TCSETS), t))
        let t2 = tty.memory.alloc(64)
        _ = try tty.process.sysIoctl(SyscallArgs(1, UInt64(LinuxIoctl.TCGETS), t2))
        #expect(tty.memory.u32(t2 + 12) & 0xff == 0)
        // /dev/tty exists when something is a terminal.
        let fd = try tty.open("/dev/tty", LinuxOpen.readWrite)
        #expect(try tty.process.sysIoctl(SyscallArgs(UInt64(fd), UInt64(LinuxIoctl.TCGETS), t)) == 0)
        _ = try tty.write(fd, "via tty")
        #expect(tty.services.stdout == Array("via tty".utf8))
    }

    @Test func genericIoctls() throws {
        let h = try Harness()
        let fd = try h.open("/tmp/f", LinuxOpen.create | LinuxOpen.readWrite)
        let arg = h.memory.put([1, 0, 0, 0])
        _ = try h.process.sysIoctl(SyscallArgs(UInt64(fd), UInt64(LinuxIoctl.FIONBIO), arg))
        #expect(try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.getFL))) & UInt64(LinuxOpen.nonBlock) != 0)
        _ = try h.process.sysIoctl(SyscallArgs(UInt64(fd), UInt64(LinuxIoctl.FIOCLEX)))
        #expect(try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.getFD))) == 1)
        _ = try h.process.sysIoctl(SyscallArgs(UInt64(fd), UInt64(LinuxIoctl.FIONCLEX)))
        #expect(try h.process.sysFcntl(SyscallArgs(UInt64(fd), UInt64(LinuxFcntl.getFD))) == 0)
        #expect(errnoOf { () throws(Errno) in try h.process.sysIoctl(SyscallArgs(UInt64(fd), UInt64(LinuxIoctl.BLKGETSIZE64), arg)) } == .ENOTTY)
        #expect(errnoOf { () throws(Errno) in try h.process.sysIoctl(SyscallArgs(UInt64(fd), UInt64(LinuxIoctl.TCGETS), arg)) } == .ENOTTY)
        #expect(errnoOf { () throws(Errno) in try h.process.sysIoctl(SyscallArgs(77, UInt64(LinuxIoctl.TCGETS), arg)) } == .EBADF)
    }
}
