import GuestMemory
import HostCall

/// Lays out a host-call request in guest memory the way the guest kernel does.
struct RequestBuilder {
    let memory: GuestRAM
    var address: UInt64 = 0x1000

    /// Writes the 32-byte header, then `segments` (gpa, length) right after it.
    func write(op: UInt32, arg0: UInt64 = 0, arg1: UInt64 = 0, segments: [(UInt64, UInt64)], count: UInt32? = nil) throws {
        var bytes: [UInt8] = []
        func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        le(op); le(count ?? UInt32(segments.count)); le(arg0); le(arg1); le(Int64(0x7777))
        for (gpa, len) in segments { le(gpa); le(len) }
        try memory.writeBytes(bytes, at: GuestAddress(address))
    }

    func result() throws -> Int64 {
        try memory.load(Int64.self, at: GuestAddress(address + 24))
    }
}

func makeDevice(size: UInt64 = 1 << 20) throws -> (HostCallDevice, GuestRAM, CapturingStreams, RequestBuilder) {
    let ram = try GuestRAM(size: size)
    let streams = CapturingStreams()
    return (HostCallDevice(memory: ram, streams: streams), ram, streams, RequestBuilder(memory: ram))
}

enum Op {
    static let write: UInt32 = 1, exit: UInt32 = 2, panic: UInt32 = 3, trace: UInt32 = 4, read: UInt32 = 5
}
