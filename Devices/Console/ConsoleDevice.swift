#if canImport(Glibc)
import Glibc
#endif
import GuestMemory
import Virtio

/// virtio-console (virtio 1.2 §5.3), one port, no MULTIPORT.
///
/// Swiftlet uses **two single-port devices** rather than one MULTIPORT device: slot 0
/// carries stdin (receiveq) and stdout (transmitq), slot 1 carries stderr (its
/// receiveq is never fed). Why: MULTIPORT needs the control queues and their handshake
/// (DEVICE_READY, PORT_ADD, PORT_READY, CONSOLE_PORT, PORT_OPEN…) on both sides, which
/// is a second state machine for no gain here; two devices keep stdout and stderr on
/// separate queues (so separate host fds, each flushed in order) with an interrupt line
/// each, and the guest driver stays a plain two-queue loop. Extra devices cost a few
/// dozen setup exits each, once per boot.
///
/// **EOF** reaches the guest as a receive buffer completed with used length 0. Exactly
/// one such buffer is completed per host EOF; afterwards the device stops taking
/// receive buffers, unless the input is a terminal (then a later ^D or more input can
/// follow, as read(2) on a tty allows). The guest driver turns a zero-length receive
/// into read() returning 0 and latches it for non-terminals.
public final class ConsoleDevice: VirtioDevice {
    public static let receiveQueue = 0
    public static let transmitQueue = 1
    public static let queueSize: UInt16 = 256
    /// VIRTIO_CONSOLE_F_SIZE: cols/rows in the config space are valid.
    public static let featureSize = VirtioFeatures(bit: 0)

    public let backend: any ConsoleBackend
    /// Whether this port's receiveq is fed from the backend's input (stdin).
    public let hasInput: Bool
    /// A zero-length EOF buffer was completed and input is over (non-terminal).
    public private(set) var inputEnded = false
    public private(set) var bytesWritten: UInt64 = 0
    public private(set) var bytesRead: UInt64 = 0
    public private(set) var droppedWrites = 0

    public init(backend: any ConsoleBackend, hasInput: Bool) {
        self.backend = backend
        self.hasInput = hasInput
    }

    public var deviceID: UInt32 { VirtioDeviceID.console }
    public var deviceFeatures: VirtioFeatures { backend.windowSize == nil ? [] : Self.featureSize }
    public var queueMaxSizes: [UInt16] { [Self.queueSize, Self.queueSize] }

    /// struct virtio_console_config { le16 cols; le16 rows; le32 max_nr_ports; le32 emerg_wr; }
    public var configSpace: [UInt8] {
        let (rows, cols) = backend.windowSize ?? (0, 0)
        return [UInt8(cols & 0xff), UInt8(cols >> 8), UInt8(rows & 0xff), UInt8(rows >> 8),
                1, 0, 0, 0, 0, 0, 0, 0]
    }

    /// emerg_wr (offset 8): one character written straight to the output.
    public func writeConfig(offset: Int, bytes: [UInt8]) {
        guard offset == 8, let c = bytes.first else { return }
        var byte = c
        withUnsafeMutableBytes(of: &byte) { p in
            _ = backend.write([iovec(iov_base: p.baseAddress, iov_len: 1)])
        }
    }

    public func activate(features: VirtioFeatures) {}
    public func reset() { inputEnded = false }

    public func process(queueIndex: Int, queue: inout SplitQueue, memory: any GuestMemoryAccess) throws(VirtqueueError) -> QueueOutcome {
        switch queueIndex {
        case Self.transmitQueue: return try transmit(&queue, memory)
        case Self.receiveQueue: return try receive(&queue, memory)
        default: return QueueOutcome()
        }
    }

    /// transmitq: each chain's readable bytes go out with one writev, in ring order.
    private func transmit(_ queue: inout SplitQueue, _ memory: any GuestMemoryAccess) throws(VirtqueueError) -> QueueOutcome {
        var outcome = QueueOutcome()
        while let chain = try queue.pop(memory: memory) {
            guard chain.writable.isEmpty else { throw .wrongDirection }
            if !chain.readable.isEmpty {
                let ranges = chain.readable.map { ($0.address, UInt64($0.length)) }
                let ok = (try? memory.withIOVecs(ranges) { backend.write($0) }) ?? false
                if ok { bytesWritten &+= UInt64(chain.readableLength) } else { droppedWrites += 1; outcome.requestErrors += 1 }
            }
            try queue.pushUsed(head: chain.head, length: 0, memory: memory)
            outcome.usedAdded += 1
        }
        return outcome
    }

    /// receiveq: host input is read (readv) straight into the guest's buffers.
    private func receive(_ queue: inout SplitQueue, _ memory: any GuestMemoryAccess) throws(VirtqueueError) -> QueueOutcome {
        var outcome = QueueOutcome()
        guard hasInput else { return outcome }
        while !inputEnded, let chain = try queue.pop(memory: memory) {
            guard chain.readable.isEmpty, !chain.writable.isEmpty else { throw .wrongDirection }
            let ranges = chain.writable.map { ($0.address, UInt64($0.length)) }
            let result = (try? memory.withIOVecs(ranges) { backend.read(into: $0) }) ?? .wouldBlock
            switch result {
            case .bytes(let n):
                let length = UInt32(clamping: min(n, Int(chain.writableLength)))
                bytesRead &+= UInt64(length)
                try queue.pushUsed(head: chain.head, length: length, memory: memory)
                outcome.usedAdded += 1
            case .wouldBlock:
                queue.unpop()
                return outcome
            case .endOfFile:
                try queue.pushUsed(head: chain.head, length: 0, memory: memory)
                outcome.usedAdded += 1
                if !backend.inputIsTerminal { inputEnded = true }
                return outcome
            }
        }
        return outcome
    }
}
