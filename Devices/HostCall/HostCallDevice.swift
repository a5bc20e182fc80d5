import GuestABI
import GuestMemory

/// The host-call port device (`Guest/ABI/HostCall.swift`): one `out` to
/// `HostCallPort.request` hands the VMM a request address; this model executes it.
///
/// Pure (DESIGN.md §4.3): guest memory only through `GuestMemoryAccess`, the host's
/// stdio only through `HostStreams`, and the outcome as a `HostCallAction` for
/// `Machine` to act on. A malformed request gets `-EINVAL` (or `-EFAULT` for a bad
/// range) in its result field and bumps `malformedRequests`; nothing the guest writes
/// can crash the host.
public final class HostCallDevice {
    /// Longest exit reason kept (bytes); longer text is cut.
    public static let maxExitReason = 4 << 10
    /// Longest panic message kept (bytes).
    public static let maxPanicMessage = 64 << 10
    /// Trace records kept; later ones are counted in `droppedTraceRecords`.
    public static let maxTraceRecords = 64

    private let memory: any GuestMemoryAccess
    private let streams: any HostStreams

    /// Requests refused as malformed (for metrics and rate-limited logging).
    public private(set) var malformedRequests: UInt64 = 0
    /// Why the last malformed request was refused.
    public private(set) var lastMalformedReason: String?
    /// Boot milestones received so far, in arrival order.
    public private(set) var traceRecords: [HostCallTraceRecord] = []
    public private(set) var droppedTraceRecords: UInt64 = 0

    public init(memory: any GuestMemoryAccess, streams: any HostStreams) {
        self.memory = memory
        self.streams = streams
    }

    /// Executes the request at guest-physical `requestAddress`.
    public func handle(requestAddress: UInt64) -> HostCallAction {
        let address = GuestAddress(requestAddress)
        guard let raw = try? memory.readBytes(at: address, count: Int(HostCallRequest.size)) else {
            // No header means no result field to report into either.
            noteMalformed("request header at \(address) outside guest memory")
            return .continue
        }
        let header = HostCallHeader(raw)
        let call: DecodedHostCall
        do {
            call = try HostCallDecoder.decode(header, requestAddress: address, memory: memory)
        } catch {
            noteMalformed(error.reason)
            setResult(-Int64(error.errno.rawValue), at: address)
            // The program's end and a panic must still stop the VM even if the text
            // that came with them is unreadable.
            switch HostCallOp(rawValue: header.op) {
            case .exit?: return exitAction(status: header.arg0, signal: header.arg1, reason: nil)
            case .panic?: return .panic("guest kernel panic (message unreadable: \(error.reason))")
            default: return .continue
            }
        }

        switch call.op {
        case .write:
            setResult(Int64(write(call)), at: address)
            return .continue
        case .read:
            setResult(Int64(read(call)), at: address)
            return .continue
        case .trace:
            setResult(trace(call), at: address)
            return .continue
        case .exit:
            setResult(0, at: address)
            let text = HostCallDecoder.gather(call.segments, cap: Self.maxExitReason, memory: memory)
            let reason = text.flatMap { $0.isEmpty ? nil : String(decoding: $0, as: UTF8.self) }
            return exitAction(status: call.arg0, signal: call.arg1, reason: reason)
        case .panic:
            setResult(0, at: address)
            let text = HostCallDecoder.gather(call.segments, cap: Self.maxPanicMessage, memory: memory) ?? []
            return .panic(String(decoding: text, as: UTF8.self))
        }
    }

    // MARK: - Operations

    private func write(_ call: DecodedHostCall) -> Int {
        guard call.arg0 == 1 || call.arg0 == 2 else { return -Int(Errno.EBADF.rawValue) }
        guard call.totalLength > 0 else { return 0 }
        // Zero copy: the iovecs point into guest RAM for the duration of the closure.
        let stream = Int32(call.arg0)
        do {
            return try memory.withIOVecs(call.segments) { streams.writev(stream: stream, $0) }
        } catch {
            return -Int(Errno.EFAULT.rawValue)
        }
    }

    private func read(_ call: DecodedHostCall) -> Int {
        guard call.arg0 == 0 else { return -Int(Errno.EBADF.rawValue) }
        guard call.totalLength > 0 else { return 0 }
        do {
            return try memory.withIOVecs(call.segments) { streams.readv(stream: 0, $0) }
        } catch {
            return -Int(Errno.EFAULT.rawValue)
        }
    }

    /// Each segment is an array of 16-byte `TraceRecord`s. Returns the number accepted
    /// or -EINVAL when a segment is not a whole number of records.
    private func trace(_ call: DecodedHostCall) -> Int64 {
        let size = TraceRecord.size
        for (_, length) in call.segments where length % size != 0 {
            noteMalformed("trace segment length \(length) is not a multiple of \(size)")
            return -Int64(Errno.EINVAL.rawValue)
        }
        var accepted: Int64 = 0
        for (address, length) in call.segments {
            let records = length / size
            let room = UInt64(Self.maxTraceRecords - traceRecords.count)
            let take = min(records, room)
            droppedTraceRecords += records - take
            guard take > 0 else { continue }
            guard let bytes = try? memory.readBytes(at: address, count: Int(take * size)) else {
                return -Int64(Errno.EFAULT.rawValue)
            }
            for i in 0..<Int(take) {
                let base = i * Int(size)
                let point = UInt32(truncatingIfNeeded: HostCallHeader.le(bytes, base, 4))
                traceRecords.append(HostCallTraceRecord(point: point, tsc: HostCallHeader.le(bytes, base + 8, 8)))
            }
            accepted += Int64(take)
        }
        return accepted
    }

    /// `status` must be 0–255 and `signal` 0–64 (Linux's _NSIG); anything else means
    /// the guest kernel is broken, which is swiftlet's failure, not the program's.
    private func exitAction(status: UInt64, signal: UInt64, reason: String?) -> HostCallAction {
        guard status <= 255, signal <= 64 else {
            noteMalformed("exit with status \(status), signal \(signal)")
            return .panic("guest kernel reported an invalid exit (status \(status), signal \(signal))")
        }
        return .exit(status: Int32(status), signal: Int32(signal), reason: reason)
    }

    // MARK: - Helpers

    private func setResult(_ value: Int64, at request: GuestAddress) {
        // The header was read from here, so the store is in range; `try?` only because
        // the memory protocol is fallible in general.
        guard let field = request.adding(HostCallRequest.resultOffset) else { return }
        try? memory.store(value, at: field)
    }

    private func noteMalformed(_ reason: String) {
        malformedRequests &+= 1
        lastMalformedReason = reason
    }
}
