import KernelASM

/// The guest side of the Swiftlet host-call port (Guest/ABI/HostCall.swift): one
/// request page, filled and handed to the VMM with a single 32-bit OUT.
enum HostCalls {
    /// Physical address of the request page (header + segment list).
    nonisolated(unsafe) static var requestPage: UInt64 = 0
    /// Physical address of a bounce page for kernel-built payloads.
    nonisolated(unsafe) static var bouncePage: UInt64 = 0

    static func initialize() {
        requestPage = Frames.allocate() ?? 0
        bouncePage = Frames.allocate() ?? 0
    }

    /// Issues a request whose segments are guest-physical ranges. Returns `result`.
    static func call(_ op: HostCallOp, arg0: UInt64 = 0, arg1: UInt64 = 0,
                     segments: UnsafeBufferPointer<HostCallSegment>) -> Int64 {
        let base = Phys.virt(requestPage)
        let maxSegments = Int((4096 - HostCallRequest.size) / HostCallSegment.size)
        let count = min(segments.count, maxSegments)
        k_store64(base, UInt64(op.rawValue) | (UInt64(count) << 32))
        k_store64(base + 8, arg0)
        k_store64(base + 16, arg1)
        k_store64(base + 24, 0)
        for i in 0..<count {
            let s = base + HostCallRequest.size + UInt64(i) * HostCallSegment.size
            k_store64(s, segments[i].gpa)
            k_store64(s + 8, segments[i].length)
        }
        k_outl(HostCallPort.request, UInt32(truncatingIfNeeded: requestPage))
        return Int64(bitPattern: k_load64(base + 24))
    }

    /// Sends kernel bytes (any kernel virtual address inside the direct map).
    static func send(_ op: HostCallOp, arg0: UInt64 = 0, arg1: UInt64 = 0, bytes: UnsafeRawBufferPointer) -> Int64 {
        guard let p = bytes.baseAddress, bytes.count > 0 else {
            return withUnsafeTemporaryAllocation(of: HostCallSegment.self, capacity: 1) { segs in
                call(op, arg0: arg0, arg1: arg1, segments: UnsafeBufferPointer(rebasing: segs[0..<0]))
            }
        }
        // Physically contiguous because the heap and the frames are both plain ranges
        // of the direct map.
        let seg = HostCallSegment(gpa: Phys.phys(UInt64(UInt(bitPattern: p))), length: UInt64(bytes.count))
        return withUnsafeTemporaryAllocation(of: HostCallSegment.self, capacity: 1) { segs in
            segs[0] = seg
            return call(op, arg0: arg0, arg1: arg1, segments: UnsafeBufferPointer(segs))
        }
    }

    static func send(_ op: HostCallOp, arg0: UInt64 = 0, arg1: UInt64 = 0, text: String) -> Int64 {
        var s = text
        return s.withUTF8 { u in send(op, arg0: arg0, arg1: arg1, bytes: UnsafeRawBufferPointer(u)) }
    }
}

/// The kernel log. Every line goes to the in-memory ring (`KernelLogRing`), which the
/// VMM reads after a failure; with `--kernel-log` it also goes out on the 16550 at
/// 0x3f8 as it is written. Measured under PVM: a 70-byte `rep outsb` costs 3–20 ms,
/// because every byte is an exit to the VMM, so the serial copy is opt-in.
enum KernelLog {
    nonisolated(unsafe) static var toSerial = true

    static func write(_ text: String) {
        var s = text
        s.withUTF8 { u in
            guard let p = u.baseAddress else { return }
            appendToRing(UnsafeRawBufferPointer(start: p, count: u.count))
            if toSerial { k_outsb(HostCallPort.serial, p, UInt64(u.count)) }
        }
    }

    static func appendToRing(_ bytes: UnsafeRawBufferPointer) {
        let header = Phys.virt(BootLayout.logRing)
        let cap = KernelLogRing.capacity
        var written = k_load64(header)
        for b in bytes {
            Phys.pointer(BootLayout.logRing + KernelLogRing.dataOffset + written % cap).storeBytes(of: b, as: UInt8.self)
            written &+= 1
        }
        k_store64(header, written)
    }

    static func line(_ text: String) {
        write(text + "\n")
    }
}
