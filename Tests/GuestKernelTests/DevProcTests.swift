@testable import GuestKernel
import GuestABI
import Testing

@Suite struct DevProcTests {
    @Test func deviceNodes() throws {
        let h = try Harness()
        let expected: [(String, UInt64)] = [("null", 0x103), ("zero", 0x105), ("full", 0x107), ("random", 0x108),
                                            ("urandom", 0x109), ("console", 0x501), ("tty", 0x500)]
        for (name, rdev) in expected {
            let st = try h.stat("/dev/\(name)")
            #expect(h.memory.u32(st + 24) & 0o170000 == 0o020000, "\(name)")
            #expect(h.memory.u64(st + 40) == rdev, "\(name)")
        }
        let null = try h.open("/dev/null", LinuxOpen.readWrite)
        #expect(try h.write(null, "gone") == 4)
        #expect(try h.read(null, 10) == [])
        #expect(try h.process.sysLseek(SyscallArgs(UInt64(null), 100, 0)) == 0)
        let zero = try h.open("/dev/zero", LinuxOpen.readWrite)
        #expect(try h.read(zero, 5) == [0, 0, 0, 0, 0])
        let full = try h.open("/dev/full", LinuxOpen.readWrite)
        #expect(errnoOf { () throws(Errno) in try h.write(full, "x") } == .ENOSPC)
        #expect(try h.read(full, 3) == [0, 0, 0])
        let random = try h.open("/dev/urandom", 0)
        #expect(try h.read(random, 3) == [0xA5, 0xA6, 0xA7])
        let console = try h.open("/dev/console", LinuxOpen.writeOnly)
        _ = try h.write(console, "c")
        #expect(h.services.stdout == Array("c".utf8))
    }

    @Test func standardLinks() throws {
        let h = try Harness()
        #expect(try h.readlink("/dev/stdout") == "/proc/self/fd/1")
        #expect(try h.readlink("/dev/fd") == "/proc/self/fd")
        // /dev/stderr reaches the process's fd 2: stream 2.
        let fd = try h.open("/dev/stderr", LinuxOpen.writeOnly)
        _ = try h.write(fd, "to stderr")
        #expect(h.services.stderr == Array("to stderr".utf8))
        #expect(h.services.stdout == [])
        // Through a reopened regular file too.
        let f = try h.open("/tmp/file", LinuxOpen.create | LinuxOpen.readWrite)
        _ = try h.write(f, "content")
        #expect(try h.contents("/dev/fd/\(f)") == "content")
    }

    @Test func procSelf() throws {
        let h = try Harness()
        #expect(try h.readlink("/proc/self") == "1")
        #expect(try h.readlink("/proc/self/exe") == "/bin/app")
        #expect(try h.readlink("/proc/1/exe") == "/bin/app")
        #expect(errnoOf { () throws(Errno) in try h.stat("/proc/2") } == .ENOENT)
        let f = try h.open("/tmp/../tmp/./x", LinuxOpen.create | LinuxOpen.readWrite)
        #expect(try h.readlink("/proc/self/fd/\(f)") == "/tmp/x")
        #expect(try h.readlink("/proc/self/fd/0") == "/dev/console")
        #expect(errnoOf { () throws(Errno) in try h.readlink("/proc/self/fd/9") } == .ENOENT)
        let dir = try h.open("/proc/self/fd", LinuxOpen.directory)
        #expect(try h.list(dir) == [".", "..", "0", "1", "2", "3", "4"])
        let root = try h.open("/proc", LinuxOpen.directory)
        #expect(try h.list(root) == [".", "..", "1", "self", "thread-self", "meminfo", "cpuinfo", "mounts"])
        // area: proctask: one thread (the leader) without the kernel's thread list.
        #expect(try h.readlink("/proc/thread-self") == "1/task/1")
        #expect(try h.list(try h.open("/proc/self/task", LinuxOpen.directory)) == [".", "..", "1"])
        #expect(try h.contents("/proc/self/task/1/stat").hasPrefix("1 ("))
        #expect(errnoOf { () throws(Errno) in try h.stat("/proc/self/task/2") } == .ENOENT)
        #expect(try h.contents("/proc/meminfo").hasPrefix("MemTotal:"))
        #expect(try h.contents("/proc/mounts").contains("/proc proc"))
        #expect(errnoOf { () throws(Errno) in try h.open("/proc/meminfo", LinuxOpen.writeOnly) } == .EACCES)
        #expect(errnoOf { () throws(Errno) in try h.open("/proc/new", LinuxOpen.create | LinuxOpen.writeOnly) } == .EACCES)
        // A relative exe path from the process works as a link target.
        #expect(try h.mode("/proc/self", follow: false) == 0o120777)
        #expect(try h.mode("/proc/self") == 0o040555)
    }

    @Test func closeOnExecAndDuplicate() throws {
        let h = try Harness()
        let a = try h.open("/tmp/a", LinuxOpen.create | LinuxOpen.readWrite | LinuxOpen.closeOnExec)
        let b = try h.open("/tmp/b", LinuxOpen.create | LinuxOpen.readWrite)
        let copy = h.process.files.duplicate()
        h.process.files.closeAllOnExec()
        #expect(h.process.files.openDescriptors == [0, 1, 2, b])
        #expect(copy.openDescriptors == [0, 1, 2, a, b])
        #expect(try copy.get(b) === h.process.files.get(b))
    }
}
