import KernelASM

/// eventfd(2): a 64-bit counter. read takes it (or 1 in EFD_SEMAPHORE mode) and
/// blocks at 0; write adds and blocks while the sum would pass 2^64-2.
final class EventFD: FileObject {
    static let semaphoreFlag: UInt32 = 1
    static let maximum: UInt64 = 0xffff_ffff_ffff_fffe
    var counter: UInt64
    let semaphore: Bool
    var generation: UInt64 = 0
    let readWait = WaitQueue(), writeWait = WaitQueue()

    init(initial: UInt64, semaphore: Bool) {
        counter = initial
        self.semaphore = semaphore
    }

    func changed() { generation &+= 1; PollHub.notify() }

    func read(_ file: OpenFile, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard buffer.count >= 8 else { throw .EINVAL }
        while counter == 0 {
            if file.isNonBlocking { throw .EAGAIN }
            if !readWait.wait() { throw Errno(Signals.restartSys) }
        }
        let value = semaphore ? 1 : counter
        counter -= value
        for k in 0..<8 { buffer[k] = UInt8(truncatingIfNeeded: value >> UInt64(8 * k)) }
        writeWait.wakeAll()
        changed()
        return 8
    }

    func write(_ file: OpenFile, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        guard buffer.count >= 8 else { throw .EINVAL }
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(buffer[k]) << UInt64(8 * k) }
        guard value != UInt64.max else { throw .EINVAL }
        while EventFD.maximum - counter < value {
            if file.isNonBlocking { throw .EAGAIN }
            if !writeWait.wait() { throw Errno(Signals.restartSys) }
        }
        counter += value
        if value > 0 {
            readWait.wakeAll()
            changed()
        }
        return 8
    }

    func pollEvents(_ file: OpenFile) -> UInt32 {
        var mask: UInt32 = counter > 0 ? PollBits.readable : 0
        if counter < EventFD.maximum { mask |= PollBits.writable }
        return mask
    }

    var pollGeneration: UInt64 { generation }
    var fileTypeBits: UInt32 { 0 }
    var procLinkTarget: [UInt8] { Array("anon_inode:[eventfd]".utf8) }
}

extension Process {
    func sysEventfd(_ a: SyscallArgs) throws(Errno) -> UInt64 { try sysEventfd2(SyscallArgs(a.a0, 0)) }

    /// eventfd2(2): EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC.
    func sysEventfd2(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = UInt32(truncatingIfNeeded: a.a1)
        guard a.a1 >> 32 == 0,
              flags & ~(EventFD.semaphoreFlag | LinuxOpen.nonBlock | LinuxOpen.closeOnExec) == 0 else { throw .EINVAL }
        let object = EventFD(initial: UInt64(UInt32(truncatingIfNeeded: a.a0)), semaphore: flags & EventFD.semaphoreFlag != 0)
        let file = OpenFile(inode: nil, object: object, statusFlags: LinuxOpen.readWrite | (flags & LinuxOpen.nonBlock), path: [])
        return UInt64(try files.install(file, closeOnExec: flags & LinuxOpen.closeOnExec != 0))
    }
}
