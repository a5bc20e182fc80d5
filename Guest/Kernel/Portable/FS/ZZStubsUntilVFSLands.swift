// TEMPORARY: stands in for the VFS branch until it is merged. Delete on merge.
#if canImport(GuestABI)
import GuestABI
#endif
public final class Inode {
    public var data: UnsafeRawBufferPointer
    public init(data: UnsafeRawBufferPointer) { self.data = data }
    public var size: UInt64 { UInt64(data.count) }
    public var isRegularFile: Bool { true }
    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard offset < size else { return 0 }
        let n = min(buffer.count, Int(size - offset))
        buffer.baseAddress!.copyMemory(from: data.baseAddress! + Int(offset), byteCount: n)
        return n
    }
}
nonisolated(unsafe) var stubInitramfs: UnsafeRawBufferPointer? = nil
public func makeRootFileSystem(services: any KernelServices, initramfs: UnsafeRawBufferPointer?) throws(Errno) -> FSContext {
    stubInitramfs = initramfs
    return FSContext()
}
/// Finds the first regular file in the cpio archive (stub: ignores the path).
public func lookupFile(_ process: Process, path: [UInt8]) throws(Errno) -> Inode {
    guard let a = stubInitramfs, let base = a.baseAddress else { throw .ENOENT }
    var o = 0
    func hex(_ at: Int) -> Int { var v = 0; for i in 0..<8 { let c = a[at + i]; v = v * 16 + Int(c <= 57 ? c - 48 : (c | 0x20) - 87) }; return v }
    while o + 110 <= a.count {
        let mode = hex(o + 14), fsize = hex(o + 54), nsize = hex(o + 94)
        let dataOff = (o + 110 + nsize + 3) & ~3
        if mode & 0o170000 == 0o100000 { return Inode(data: UnsafeRawBufferPointer(start: base + dataOff, count: fsize)) }
        o = (dataOff + fsize + 3) & ~3
    }
    throw .ENOENT
}
public func installStandardStreams(_ process: Process) {}
extension Process {
    public func sysWrite(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        guard a.a0 == 1 || a.a0 == 2 else { throw .EBADF }
        var bytes = try user.copyIn(count: Int(min(a.a2, 1 << 20)), from: a.a1)
        let n = bytes.count
        return try bytes.withUnsafeMutableBufferPointer { (b) throws(Errno) -> UInt64 in
            UInt64(try services.consoleWrite(stream: Int(a.a0), UnsafeRawBufferPointer(start: b.baseAddress, count: n)))
        }
    }
}
extension Process {
    public func mmapFile(fd: Int32) throws(Errno) -> Inode { throw .EBADF }
}

extension Process {
    public func sysRead(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysReadv(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysWritev(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysPread64(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysPwrite64(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysPreadv(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysPwritev(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysOpen(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysOpenat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysCreat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysClose(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysLseek(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFstat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysStat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysLstat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysNewfstatat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysStatx(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysGetdents64(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysAccess(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFaccessat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFaccessat2(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysGetcwd(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysChdir(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFchdir(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysMkdir(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysMkdirat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysRmdir(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysUnlink(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysUnlinkat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysRename(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysRenameat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysRenameat2(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysReadlink(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysReadlinkat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysSymlink(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysSymlinkat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysLink(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysLinkat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysDup(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysDup2(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysDup3(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFcntl(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysIoctl(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysUmask(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFsync(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFdatasync(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysTruncate(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFtruncate(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysChmod(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFchmod(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFchmodat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysChown(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFchown(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysLchown(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFchownat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysUtimensat(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysStatfs(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
    public func sysFstatfs(_ a: SyscallArgs) throws(Errno) -> UInt64 { throw .ENOSYS }
}
