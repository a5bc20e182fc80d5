#if canImport(GuestABI)
import GuestABI
#endif

/// One virtio-console device (virtio 1.2 §5.3) without MULTIPORT: receiveq 0,
/// transmitq 1.
public final class VirtioConsolePort {
    public let device: VirtioMMIODriver
    public let receive: VirtioRequestQueue?
    public let transmit: VirtioRequestQueue
    /// A page for kernel-built output and input (host-call replacements).
    let bouncePage: UInt64

    public init(registers: any MMIORegisters, memory: any DMAMemory, waiter: any DriverWaiting, hasInput: Bool) throws(VirtioDriverError) {
        let d = try VirtioMMIODriver(registers: registers, memory: memory, expecting: VirtioDeviceType.console)
        try d.negotiate(wanted: VirtioFeatureBit.eventIndex)
        let rx = hasInput ? try d.setUpQueue(0) : nil
        let tx = try d.setUpQueue(1)
        guard let page = memory.allocatePages(1) else { throw .outOfMemory }
        d.driverOK()
        device = d
        receive = rx.map { VirtioRequestQueue(driver: d, queue: $0, waiter: waiter) }
        transmit = VirtioRequestQueue(driver: d, queue: tx, waiter: waiter)
        bouncePage = page
    }

    public func handleInterrupt() {
        var qs = [transmit]
        if let receive { qs.append(receive) }
        VirtioInterruptHandling.acknowledge(device, qs)
    }
}

/// The program's standard streams over virtio consoles: port 0 carries stdin and
/// stdout, port 1 stderr (Devices/Virtio/README.md). Writes complete before they
/// return, so output is in order and nothing is lost at exit; a zero-length receive
/// is EOF, latched unless the input is a terminal.
public final class VirtioConsoleDriver {
    public let stdio: VirtioConsolePort
    public let stderr: VirtioConsolePort?
    public let inputIsTerminal: Bool
    public private(set) var inputEnded = false
    public private(set) var bytesWritten: UInt64 = 0

    public init(stdio: VirtioConsolePort, stderr: VirtioConsolePort?, inputIsTerminal: Bool) {
        self.stdio = stdio
        self.stderr = stderr
        self.inputIsTerminal = inputIsTerminal
    }

    func port(forStream stream: Int) -> VirtioConsolePort {
        stream == 2 ? (stderr ?? stdio) : stdio
    }

    /// Sends `segments` (device-readable) on `stream` and waits until the host wrote them.
    public func write(stream: Int, _ segments: [DMASegment]) throws(Errno) {
        guard !segments.isEmpty else { return }
        _ = try port(forStream: stream).transmit.perform(segments)
        for s in segments { bytesWritten &+= UInt64(s.length) }
    }

    /// Receives into `segments` (device-writable). 0 is end of input.
    public func read(_ segments: [DMASegment]) throws(Errno) -> Int {
        if inputEnded { return 0 }
        guard let rx = stdio.receive else { return 0 }
        let n = try rx.perform(segments)
        if n == 0 && !inputIsTerminal { inputEnded = true }
        var total: UInt64 = 0
        for s in segments { total += UInt64(s.length) }
        return Int(Swift.min(UInt64(n), total))
    }

    /// Kernel bytes (GuestServices.consoleWrite), a page at a time through the bounce page.
    public func writeKernel(stream: Int, _ bytes: UnsafeRawBufferPointer) throws(Errno) -> Int {
        let p = port(forStream: stream)
        var done = 0
        while done < bytes.count {
            let n = Swift.min(4096, bytes.count - done)
            p.device.memory.copy(to: p.bouncePage, from: UnsafeRawBufferPointer(rebasing: bytes[done..<(done + n)]))
            try write(stream: stream, [DMASegment(physical: p.bouncePage, length: UInt32(n), deviceWrites: false)])
            done += n
        }
        return done
    }

    /// Kernel buffer reads (GuestServices.consoleRead).
    public func readKernel(_ buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard !buffer.isEmpty else { return 0 }
        let n = Swift.min(4096, buffer.count)
        let got = try read([DMASegment(physical: stdio.bouncePage, length: UInt32(n), deviceWrites: true)])
        stdio.device.memory.copy(from: stdio.bouncePage, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<got]))
        return got
    }

    private var streams: [VirtioConsoleStream] = []

    /// The file-layer view writing to `output` (1: stdout, 2: stderr).
    public func stream(_ output: Int) -> VirtioConsoleStream {
        if streams.isEmpty {
            streams = [VirtioConsoleStream(console: self, stream: 1), VirtioConsoleStream(console: self, stream: 2)]
        }
        return streams[output == 2 ? 1 : 0]
    }

    public func handleInterrupt() {
        stdio.handleInterrupt()
        stderr?.handleInterrupt()
    }
}

/// The zero-copy path for fds 0/1/2: the program's own pages go into descriptors.
/// Reads come from stdin; writes go to `stream` (1 or 2).
public final class VirtioConsoleStream: UserIOFile {
    public let console: VirtioConsoleDriver
    public let stream: Int
    /// Segments per chain: a 64 KiB chunk of scattered pages needs 17.
    static let maxSegments = 64

    public init(console: VirtioConsoleDriver, stream: Int) {
        self.console = console
        self.stream = stream
    }

    public func readUser(_ file: OpenFile, to address: UInt64, count: Int, at position: UInt64?, process: Process) throws(Errno) -> Int {
        guard count > 0 else { return 0 }
        guard let resolver = DriverRegistry.userPages else { throw .EIO }
        let (segments, _) = try UserPages.segments(address, count: Swift.min(count, 1 << 20), deviceWrites: true,
                                                   maxSegments: Self.maxSegments, resolver: resolver)
        return try console.read(segments)
    }

    public func writeUser(_ file: OpenFile, from address: UInt64, count: Int, at position: UInt64?, process: Process) throws(Errno) -> Int {
        guard let resolver = DriverRegistry.userPages else { throw .EIO }
        var done = 0
        while done < count {
            let segments: [DMASegment], n: Int
            do throws(Errno) {
                (segments, n) = try UserPages.segments(address &+ UInt64(done), count: count - done, deviceWrites: false,
                                                       maxSegments: Self.maxSegments, resolver: resolver)
                try console.write(stream: stream, segments)
            } catch {
                if done > 0 { return done }
                throw error
            }
            done += n
        }
        return done
    }
}
