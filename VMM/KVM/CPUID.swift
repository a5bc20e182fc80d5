import CKVM

/// One CPUID leaf as KVM describes it (struct kvm_cpuid_entry2 without padding).
public struct CPUIDEntry: Equatable, Sendable {
    public var function: UInt32
    public var index: UInt32
    public var flags: UInt32
    public var eax: UInt32
    public var ebx: UInt32
    public var ecx: UInt32
    public var edx: UInt32

    public init(function: UInt32, index: UInt32, flags: UInt32 = 0, eax: UInt32, ebx: UInt32, ecx: UInt32, edx: UInt32) {
        self.function = function; self.index = index; self.flags = flags
        self.eax = eax; self.ebx = ebx; self.ecx = ecx; self.edx = edx
    }
}

/// The CPUID table from KVM_GET_SUPPORTED_CPUID, handed to KVM_SET_CPUID2 as is.
public struct CPUIDTable: Sendable {
    public var entries: [CPUIDEntry]

    public init(entries: [CPUIDEntry]) { self.entries = entries }

    /// The leaf `function`/`index` (index is ignored for leaves that are not indexed).
    public func leaf(_ function: UInt32, _ index: UInt32 = 0) -> CPUIDEntry? {
        entries.first { $0.function == function && ($0.index == index || $0.flags & UInt32(KVM_CPUID_FLAG_SIGNIFCANT_INDEX) == 0) }
    }

    /// CPUID.1:ECX.XSAVE (bit 26): XCR0 and CR4.OSXSAVE are usable.
    public var hasXSAVE: Bool { (leaf(1)?.ecx ?? 0) & (1 << 26) != 0 }

    /// CPUID.(EAX=0xD,ECX=0):EDX:EAX: the XCR0 bits the host lets the guest enable.
    public var supportedXCR0: UInt64 {
        guard let d = leaf(0xd, 0) else { return 0 }
        return UInt64(d.edx) << 32 | UInt64(d.eax)
    }
}

/// A kvm_cpuid2 header followed by `capacity` kvm_cpuid_entry2 slots. The flexible
/// array member does not import into Swift, so the layout is built by hand.
struct CPUIDBuffer {
    static let headerSize = MemoryLayout<kvm_cpuid2>.size
    static let stride = MemoryLayout<kvm_cpuid_entry2>.stride
    private var bytes: [UInt8]
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        bytes = [UInt8](repeating: 0, count: Self.headerSize + capacity * Self.stride)
        setCount(capacity)
    }

    init(entries: [CPUIDEntry]) {
        self.init(capacity: entries.count)
        bytes.withUnsafeMutableBytes { raw in
            for (i, e) in entries.enumerated() {
                var k = kvm_cpuid_entry2()
                k.function = e.function; k.index = e.index; k.flags = e.flags
                k.eax = e.eax; k.ebx = e.ebx; k.ecx = e.ecx; k.edx = e.edx
                // SAFETY: slot i lies inside the buffer (capacity == entries.count).
                raw.storeBytes(of: k, toByteOffset: Self.headerSize + i * Self.stride, as: kvm_cpuid_entry2.self)
            }
        }
    }

    private mutating func setCount(_ n: Int) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(n), toByteOffset: 0, as: UInt32.self) }
    }

    /// Calls `body` with a pointer to the kvm_cpuid2 header (the ioctl argument).
    mutating func withHeader(_ body: (UnsafeMutableRawPointer) -> Int32) -> Int32 {
        // SAFETY: the pointer is used only for the duration of the ioctl inside `body`.
        bytes.withUnsafeMutableBytes { body($0.baseAddress!) }
    }

    /// Entries as the kernel left them (nent may have shrunk).
    var entries: [CPUIDEntry] {
        bytes.withUnsafeBytes { raw in
            let n = min(Int(raw.load(fromByteOffset: 0, as: UInt32.self)), capacity)
            return (0..<n).map { i in
                // SAFETY: i < capacity, so the slot is inside the buffer.
                let k = raw.loadUnaligned(fromByteOffset: Self.headerSize + i * Self.stride, as: kvm_cpuid_entry2.self)
                return CPUIDEntry(function: k.function, index: k.index, flags: k.flags,
                                  eax: k.eax, ebx: k.ebx, ecx: k.ecx, edx: k.edx)
            }
        }
    }
}

/// A kvm_msrs header followed by kvm_msr_entry slots (same flexible-array problem).
struct MSRBuffer {
    static let headerSize = MemoryLayout<kvm_msrs>.size
    static let stride = MemoryLayout<kvm_msr_entry>.stride
    private var bytes: [UInt8]
    let count: Int

    init(_ msrs: [(index: UInt32, value: UInt64)]) {
        count = msrs.count
        bytes = [UInt8](repeating: 0, count: Self.headerSize + msrs.count * Self.stride)
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(msrs.count), toByteOffset: 0, as: UInt32.self)
            for (i, m) in msrs.enumerated() {
                var e = kvm_msr_entry()
                e.index = m.index
                e.data = m.value
                // SAFETY: slot i < count lies inside the buffer.
                raw.storeBytes(of: e, toByteOffset: Self.headerSize + i * Self.stride, as: kvm_msr_entry.self)
            }
        }
    }

    mutating func withHeader(_ body: (UnsafeMutableRawPointer) -> Int32) -> Int32 {
        // SAFETY: the pointer is used only for the duration of the ioctl inside `body`.
        bytes.withUnsafeMutableBytes { body($0.baseAddress!) }
    }

    func value(at i: Int) -> UInt64 {
        precondition(i < count)
        return bytes.withUnsafeBytes {
            $0.loadUnaligned(fromByteOffset: Self.headerSize + i * Self.stride, as: kvm_msr_entry.self).data
        }
    }
}
