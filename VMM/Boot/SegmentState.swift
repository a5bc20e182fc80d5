/// A segment register as the vCPU must hold it (the hidden descriptor cache), in plain
/// Swift values. `Machine` converts it to `kvm_segment`; Boot stays free of KVM types.
public struct SegmentState: Equatable, Sendable {
    public var selector: UInt16
    public var base: UInt64
    public var limit: UInt32
    /// Descriptor type nibble (SDM Vol. 3A §3.4.5.1): 0xb code exec/read/accessed,
    /// 0x3 data read/write/accessed, 0xb for a TR also means "busy 64-bit TSS".
    public var type: UInt8
    public var present: Bool
    public var dpl: UInt8
    /// D/B: default operand size 32 (data/stack segments).
    public var db: Bool
    /// S: code/data (true) or system (false) descriptor.
    public var s: Bool
    /// L: 64-bit code segment.
    public var l: Bool
    /// G: limit counted in 4 KiB units.
    public var g: Bool
    public var avl: Bool

    public init(selector: UInt16, base: UInt64, limit: UInt32, type: UInt8, present: Bool,
                dpl: UInt8, db: Bool, s: Bool, l: Bool, g: Bool, avl: Bool) {
        self.selector = selector; self.base = base; self.limit = limit; self.type = type
        self.present = present; self.dpl = dpl; self.db = db; self.s = s; self.l = l
        self.g = g; self.avl = avl
    }
}

/// Everything segment-related the VMM loads into the vCPU before the first KVM_RUN.
public struct BootSegments: Equatable, Sendable {
    public var cs: SegmentState
    /// Used for DS, ES, FS, GS and SS alike.
    public var data: SegmentState
    public var tr: SegmentState
    /// GDTR: the boot GDT's *linear* address (`directMapBase + bootGDT`: paging is on at
    /// entry and there is no identity map) and its limit.
    public var gdtBase: UInt64
    public var gdtLimit: UInt16

    public var ds: SegmentState { data }
    public var es: SegmentState { data }
    public var fs: SegmentState { data }
    public var gs: SegmentState { data }
    public var ss: SegmentState { data }
}
