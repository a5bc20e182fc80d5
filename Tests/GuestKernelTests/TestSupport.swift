@testable import GuestKernel
import GuestABI
import Testing

/// A flat user address space [base, base + size); anything else is EFAULT.
final class FakeUserMemory: UserMemory {
    let base: UInt64 = 0x40_0000
    var bytes: [UInt8]
    private var next: UInt64

    init(size: Int = 1 << 20) {
        bytes = [UInt8](repeating: 0, count: size)
        next = base
    }

    private func range(_ address: UInt64, _ count: Int) throws(Errno) -> Range<Int> {
        guard address >= base else { throw .EFAULT }
        let start = address - base
        let (end, o) = start.addingReportingOverflow(UInt64(count))
        guard !o, end <= UInt64(bytes.count) else { throw .EFAULT }
        return Int(start)..<Int(end)
    }

    func copyIn(_ buffer: UnsafeMutableRawBufferPointer, from address: UInt64) throws(Errno) {
        let r = try range(address, buffer.count)
        bytes.withUnsafeBytes { src in buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[r])) }
    }

    func copyOut(_ source: UnsafeRawBufferPointer, to address: UInt64) throws(Errno) {
        let r = try range(address, source.count)
        bytes.withUnsafeMutableBytes { dst in
            UnsafeMutableRawBufferPointer(rebasing: dst[r]).copyMemory(from: source)
        }
    }

    /// Reserves `count` zeroed bytes (16-aligned) and returns their user address.
    func alloc(_ count: Int) -> UInt64 {
        let a = next
        next += UInt64((count + 15) & ~15)
        precondition(next <= base + UInt64(bytes.count))
        return a
    }

    func put(_ data: [UInt8]) -> UInt64 {
        let a = alloc(data.count)
        let o = Int(a - base)
        bytes.replaceSubrange(o..<(o + data.count), with: data)
        return a
    }

    func cString(_ s: String) -> UInt64 { put(Array(s.utf8) + [0]) }

    func read(_ address: UInt64, _ count: Int) -> [UInt8] {
        let o = Int(address - base)
        return Array(bytes[o..<(o + count)])
    }

    func u64(_ address: UInt64) -> UInt64 {
        read(address, 8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    func u32(_ address: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: u64le(read(address, 4))) }
    func u16(_ address: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: u64le(read(address, 2))) }

    private func u64le(_ b: [UInt8]) -> UInt64 { b.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
}

/// Captures console output; fixed clock and "random" bytes.
final class FakeServices: KernelServices {
    var stdout: [UInt8] = []
    var stderr: [UInt8] = []
    var stdin: [UInt8] = []
    var ttyMask: UInt32 = 0
    var windowRows: UInt16 = 0
    var windowColumns: UInt16 = 0
    var now: UInt64 = 1_700_000_000_123_456_789
    var logs: [String] = []

    func consoleWrite(stream: Int, _ bytes: UnsafeRawBufferPointer) throws(Errno) -> Int {
        if stream == 1 { stdout += bytes } else if stream == 2 { stderr += bytes } else { throw .EBADF }
        return bytes.count
    }

    func consoleRead(stream: Int, _ buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        let n = min(buffer.count, stdin.count)
        for i in 0..<n { buffer[i] = stdin[i] }
        stdin.removeFirst(n)
        return n
    }

    func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        for i in 0..<buffer.count { buffer[i] = UInt8(truncatingIfNeeded: 0xA5 &+ i) }
    }

    func realtimeNanoseconds() -> UInt64 { now }
    func monotonicNanoseconds() -> UInt64 { 42 }
    func log(_ message: String) { logs.append(message) }
}

/// Builds cpio newc archives.
struct CpioBuilder {
    var bytes: [UInt8] = []

    static func hex8(_ v: UInt32) -> [UInt8] {
        let s = Array(String(v, radix: 16, uppercase: true).utf8)
        return [UInt8](repeating: 0x30, count: 8 - s.count) + s
    }

    mutating func pad() { while bytes.count % 4 != 0 { bytes.append(0) } }

    mutating func entry(_ name: String, mode: UInt32, data: [UInt8] = [], ino: UInt32 = 1, nlink: UInt32 = 1,
                        mtime: UInt32 = 1_600_000_000, nameSize: UInt32? = nil, fileSize: UInt32? = nil) {
        let nameBytes = Array(name.utf8) + [0]
        let fields: [UInt32] = [ino, mode, 0, 0, nlink, mtime, fileSize ?? UInt32(data.count), 0, 0, 0, 0,
                                nameSize ?? UInt32(nameBytes.count), 0]
        bytes += Array("070701".utf8)
        for f in fields { bytes += Self.hex8(f) }
        bytes += nameBytes
        pad()
        bytes += data
        pad()
    }

    mutating func file(_ name: String, _ text: String, mode: UInt32 = 0o644) {
        entry(name, mode: 0o100000 | mode, data: Array(text.utf8))
    }
    mutating func dir(_ name: String, mode: UInt32 = 0o755) { entry(name, mode: 0o040000 | mode) }
    mutating func symlink(_ name: String, _ target: String) { entry(name, mode: 0o120777, data: Array(target.utf8)) }
    mutating func trailer() { entry("TRAILER!!!", mode: 0) }

    /// Copies the archive to memory that is never freed (the kernel's initramfs rule).
    func permanent() -> UnsafeRawBufferPointer {
        let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        p.copyBytes(from: bytes)
        return UnsafeRawBufferPointer(rebasing: p[0..<bytes.count])
    }
}

/// One process over a fresh root file system.
final class Harness {
    let memory = FakeUserMemory()
    let services = FakeServices()
    let process: Process

    init(archive: CpioBuilder? = nil, ttyMask: UInt32 = 0) throws {
        services.ttyMask = ttyMask
        let fs = try makeRootFileSystem(services: services, initramfs: archive?.permanent())
        process = Process(pid: 1, user: memory, services: services, files: FileTable(), fs: fs)
        process.exePath = Array("/bin/app".utf8)
        installStandardStreams(process)
    }

    func path(_ s: String) -> UInt64 { memory.cString(s) }

    @discardableResult
    func open(_ p: String, _ flags: UInt32, _ mode: UInt32 = 0o644) throws(Errno) -> Int32 {
        Int32(try process.sysOpen(SyscallArgs(path(p), UInt64(flags), UInt64(mode))))
    }

    func write(_ fd: Int32, _ data: [UInt8]) throws(Errno) -> Int {
        Int(try process.sysWrite(SyscallArgs(UInt64(fd), memory.put(data), UInt64(data.count))))
    }

    func write(_ fd: Int32, _ s: String) throws(Errno) -> Int { try write(fd, Array(s.utf8)) }

    func read(_ fd: Int32, _ count: Int) throws(Errno) -> [UInt8] {
        let buf = memory.alloc(count)
        let n = Int(try process.sysRead(SyscallArgs(UInt64(fd), buf, UInt64(count))))
        return memory.read(buf, n)
    }

    func readString(_ fd: Int32, _ count: Int = 4096) throws(Errno) -> String {
        String(decoding: try read(fd, count), as: UTF8.self)
    }

    /// Reads the whole file at `p`.
    func contents(_ p: String) throws(Errno) -> String {
        let fd = try open(p, LinuxOpen.readOnly)
        defer { _ = try? process.sysClose(SyscallArgs(UInt64(fd))) }
        return try readString(fd, 65536)
    }

    func stat(_ p: String, follow: Bool = true) throws(Errno) -> UInt64 {
        let buf = memory.alloc(144)
        if follow { _ = try process.sysStat(SyscallArgs(path(p), buf)) } else { _ = try process.sysLstat(SyscallArgs(path(p), buf)) }
        return buf
    }

    func mode(_ p: String, follow: Bool = true) throws(Errno) -> UInt32 { memory.u32(try stat(p, follow: follow) + 24) }
    func size(_ p: String) throws(Errno) -> UInt64 { memory.u64(try stat(p) + 48) }

    func readlink(_ p: String) throws(Errno) -> String {
        let buf = memory.alloc(256)
        let n = Int(try process.sysReadlink(SyscallArgs(path(p), buf, 256)))
        return String(decoding: memory.read(buf, n), as: UTF8.self)
    }

    func exists(_ p: String) -> Bool { (try? stat(p, follow: false)) != nil }

    /// Names from getdents64 on an open directory fd.
    func list(_ fd: Int32, bufferSize: Int = 4096) throws(Errno) -> [String] {
        var names: [String] = []
        let buf = memory.alloc(bufferSize)
        while true {
            let n = Int(try process.sysGetdents64(SyscallArgs(UInt64(fd), buf, UInt64(bufferSize))))
            if n == 0 { return names }
            var off = 0
            while off < n {
                let reclen = Int(memory.u16(buf + UInt64(off) + 16))
                let nameBytes = memory.read(buf + UInt64(off) + 19, reclen - 19)
                names.append(String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self))
                off += reclen
            }
        }
    }
}

extension Errno: CustomStringConvertible {
    public var description: String { "errno \(rawValue)" }
}

/// Runs `body` and returns the errno it threw (nil on success).
func errnoOf<T>(_ body: () throws(Errno) -> T) -> Errno? {
    do { _ = try body(); return nil } catch { return error }
}
