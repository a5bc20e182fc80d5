#if canImport(Glibc)
import Glibc
#endif

/// Just enough of a 16550 UART for a kernel log: transmit only, always ready.
/// Registers are offsets from the base port (0x3f8): 0 THR/RBR (DLL when LCR.DLAB),
/// 1 IER (DLM), 2 IIR/FCR, 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR.
public final class Serial16550 {
    public static let portCount: UInt16 = 8
    /// LSR bits THRE (0x20) and TEMT (0x40): the transmitter is always empty.
    static let lsrIdle: UInt8 = 0x60
    /// Longest line kept before it is emitted without a newline.
    static let maxLine = 4096

    /// Copy complete lines to stderr as they arrive.
    public let echo: Bool
    private var lcr: UInt8 = 0
    private var scratch: UInt8 = 0
    private var line: [UInt8] = []
    private var history: ByteRing
    /// Bytes the guest transmitted (a counter for benchmarks).
    public private(set) var bytesTransmitted: Int = 0

    public init(echo: Bool, historyBytes: Int = 64 << 10) {
        self.echo = echo
        self.history = ByteRing(capacity: historyBytes)
    }

    /// A guest OUT of `value` to base + `offset`.
    public func write(offset: UInt16, value: UInt8) {
        switch offset {
        case 0 where lcr & 0x80 == 0:
            transmit(value)
        case 3:
            lcr = value
        case 7:
            scratch = value
        default:
            break // divisor latch, IER, FCR, MCR: nothing to model
        }
    }

    /// A guest IN from base + `offset`.
    public func read(offset: UInt16) -> UInt8 {
        switch offset {
        case 3: return lcr
        case 5: return Self.lsrIdle
        case 7: return scratch
        default: return 0 // no receive data, no interrupts, no modem lines
        }
    }

    private func transmit(_ byte: UInt8) {
        bytesTransmitted += 1
        line.append(byte)
        if byte == 0x0a || line.count >= Self.maxLine { emitLine() }
    }

    private func emitLine() {
        guard !line.isEmpty else { return }
        history.append(line)
        if echo { writeAll(2, line) }
        line.removeAll(keepingCapacity: true)
    }

    /// Emits a pending partial line (at the end of a run).
    public func flush() { emitLine() }

    /// Everything kept (the last 64 KiB) plus the pending partial line.
    public var output: String {
        String(decoding: history.contents + line, as: UTF8.self)
    }

    /// The last `count` lines, for failure reports.
    public func lastLines(_ count: Int) -> String {
        var lines = (history.contents + line).split(separator: 0x0a, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.suffix(count).map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    }
}

/// write(2) until done; the log is best-effort, so errors just stop it.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buf in
        var off = 0
        while off < buf.count {
            let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            off += n
        }
    }
}

/// Fixed-capacity byte history that drops its oldest bytes.
struct ByteRing {
    private var storage: [UInt8]
    private var start = 0
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        storage = [UInt8](repeating: 0, count: capacity)
    }

    mutating func append(_ bytes: [UInt8]) {
        guard capacity > 0 else { return }
        for b in bytes.suffix(capacity) {
            storage[(start + count) % capacity] = b
            if count < capacity { count += 1 } else { start = (start + 1) % capacity }
        }
    }

    var contents: [UInt8] {
        (0..<count).map { storage[(start + $0) % capacity] }
    }
}
