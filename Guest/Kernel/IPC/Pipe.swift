import KernelASM

/// A pipe (pipe(7)): a 64 KiB ring shared by a read end and a write end. Reads block
/// while it is empty and writers exist; writes of at most PIPE_BUF (4096) bytes are
/// atomic; writing with no reader raises SIGPIPE and fails with EPIPE.
final class Pipe {
    static let defaultCapacity = 65536
    /// /proc/sys/fs/pipe-max-size.
    static let maxCapacity = 1 << 20
    /// Ring size in bytes (F_SETPIPE_SZ changes it).
    var capacity = Pipe.defaultCapacity
    static let atomicLimit = 4096
    nonisolated(unsafe) static var nextId: UInt64 = 1

    let id: UInt64
    var buffer: [UInt8]
    var head = 0, count = 0
    var readers = 0, writers = 0
    let readWait = WaitQueue()
    let writeWait = WaitQueue()
    /// Readiness counters for epoll's edge-triggered mode (poll area): the read end's
    /// moves when data arrives or the last writer goes, the write end's when space
    /// frees up or the last reader goes.
    var readGeneration: UInt64 = 0, writeGeneration: UInt64 = 0

    /// Wakes pollers after the read side's readiness changed.
    func readableChanged() { readGeneration &+= 1; PollHub.notify() }
    /// Wakes pollers after the write side's readiness changed.
    func writableChanged() { writeGeneration &+= 1; PollHub.notify() }

    init() {
        id = Pipe.nextId
        Pipe.nextId += 1
        buffer = [UInt8](repeating: 0, count: Pipe.defaultCapacity)
    }

    /// F_SETPIPE_SZ (fcntl(2)): a page multiple rounded up to a power of two, at most
    /// pipe-max-size (EPERM above it, as for an unprivileged caller's limit), never below
    /// the bytes already queued (EBUSY).
    func resize(_ requested: Int) throws(Errno) -> Int {
        guard requested <= Pipe.maxCapacity else { throw .EPERM }
        var size = 4096
        while size < requested { size <<= 1 }
        guard size >= count else { throw .EBUSY }
        var fresh = [UInt8](repeating: 0, count: size)
        for i in 0..<count { fresh[i] = buffer[(head + i) % capacity] }
        buffer = fresh
        head = 0
        capacity = size
        writableChanged()
        return size
    }

    func read(into out: UnsafeMutableRawBufferPointer, nonBlocking: Bool) throws(Errno) -> Int {
        while count == 0 {
            if writers == 0 { return 0 }
            if nonBlocking { throw .EAGAIN }
            if !readWait.wait() { throw Errno(Signals.restartSys) }
        }
        let n = min(out.count, count)
        for i in 0..<n { out[i] = buffer[(head + i) % capacity] }
        head = (head + n) % capacity
        count -= n
        writeWait.wakeAll()
        writableChanged()
        return n
    }

    func write(from data: UnsafeRawBufferPointer, nonBlocking: Bool) throws(Errno) -> Int {
        var done = 0
        while done < data.count {
            if readers == 0 {
                Signals.send(Signals.SIGPIPE, toTask: Scheduler.current)
                if done > 0 { return done }
                throw .EPIPE
            }
            let space = capacity - count
            let remaining = data.count - done
            // Small writes go in whole or not at all (PIPE_BUF atomicity).
            let need = remaining <= Pipe.atomicLimit ? remaining : 1
            if space < need {
                if nonBlocking { if done > 0 { return done }; throw .EAGAIN }
                if !writeWait.wait() {
                    if done > 0 { return done }
                    throw Errno(Signals.restartSys)
                }
                continue
            }
            let n = min(space, remaining)
            let tail = (head + count) % capacity
            for i in 0..<n { buffer[(tail + i) % capacity] = data[done + i] }
            count += n
            done += n
            readWait.wakeAll()
            readableChanged()
        }
        return done
    }
}

/// One end of a pipe, as an open file's object.
final class PipeEnd: FileObject {
    let pipe: Pipe
    let isWriter: Bool

    init(pipe: Pipe, isWriter: Bool) {
        self.pipe = pipe
        self.isWriter = isWriter
        if isWriter { pipe.writers += 1 } else { pipe.readers += 1 }
    }

    func read(_ file: OpenFile, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard !isWriter else { throw .EBADF }
        return try pipe.read(into: buffer, nonBlocking: file.isNonBlocking)
    }

    func write(_ file: OpenFile, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        guard isWriter else { throw .EBADF }
        return try pipe.write(from: buffer, nonBlocking: file.isNonBlocking)
    }

    /// FIONREAD (0x541b): bytes available to read.
    func ioctl(_ file: OpenFile, request: UInt32, argument: UInt64, process: Process) throws(Errno) -> UInt64 {
        guard request == 0x541b else { throw .ENOTTY }
        try process.user.store(Int32(pipe.count), at: argument)
        return 0
    }

    /// Read end: readable with data or no writers (POLLHUP then). Write end: writable
    /// with PIPE_BUF bytes of space, POLLERR with no readers (pipe(7), fs/pipe.c).
    func pollEvents(_ file: OpenFile) -> UInt32 {
        if isWriter {
            var mask: UInt32 = pipe.capacity - pipe.count >= Pipe.atomicLimit ? PollBits.writable : 0
            if pipe.readers == 0 { mask |= PollBits.err }
            return mask
        }
        var mask: UInt32 = pipe.count > 0 ? PollBits.readable : 0
        if pipe.writers == 0 { mask |= PollBits.hup }
        return mask
    }

    var pollGeneration: UInt64 { isWriter ? pipe.writeGeneration : pipe.readGeneration }

    func pipeSize(set requested: Int?) throws(Errno) -> Int {
        guard let requested else { return pipe.capacity }
        return try pipe.resize(requested)
    }

    var fileTypeBits: UInt32 { LinuxFileType.fifo }
    var procLinkTarget: [UInt8] { Array("pipe:[\(pipe.id)]".utf8) }

    func release() {
        if isWriter {
            pipe.writers -= 1
            if pipe.writers == 0 { pipe.readWait.wakeAll(); pipe.readableChanged() }
        } else {
            pipe.readers -= 1
            if pipe.readers == 0 { pipe.writeWait.wakeAll(); pipe.writableChanged() }
        }
    }
}

extension Process {
    func sysPipe(_ a: SyscallArgs) throws(Errno) -> UInt64 { try sysPipe2(SyscallArgs(a.a0, 0)) }

    /// pipe2(2): O_CLOEXEC, O_NONBLOCK (O_DIRECT packet mode is not supported: EINVAL).
    func sysPipe2(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = UInt32(truncatingIfNeeded: a.a1)
        guard flags & ~(LinuxOpen.closeOnExec | LinuxOpen.nonBlock) == 0 else { throw .EINVAL }
        if Frames.belowLowWater { throw .ENFILE }                // area: shm: keep the heap's reserve
        let pipe = Pipe()
        let nb = flags & LinuxOpen.nonBlock
        let r = OpenFile(inode: nil, object: PipeEnd(pipe: pipe, isWriter: false), statusFlags: LinuxOpen.readOnly | nb, path: [])
        let w = OpenFile(inode: nil, object: PipeEnd(pipe: pipe, isWriter: true), statusFlags: LinuxOpen.writeOnly | nb, path: [])
        let cloexec = flags & LinuxOpen.closeOnExec != 0
        let rfd = try files.install(r, closeOnExec: cloexec)
        let wfd: Int32
        do throws(Errno) { wfd = try files.install(w, closeOnExec: cloexec) } catch {
            try? files.close(rfd)
            w.object?.release()
            throw error
        }
        do throws(Errno) {
            try user.store(rfd, at: a.a0)
            try user.store(wfd, at: a.a0 &+ 4)
        } catch {
            try? files.close(rfd); try? files.close(wfd)
            throw error
        }
        return 0
    }
}
