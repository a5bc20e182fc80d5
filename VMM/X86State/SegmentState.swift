/// A segment register's hidden state (the descriptor cache; struct kvm_segment), in plain
/// Swift values. Boot computes it from its GDT and KVM loads it into the vCPU; this module
/// is shared so that neither depends on the other.
public struct SegmentState: Equatable, Sendable {
    public var base: UInt64
    public var limit: UInt32
    public var selector: UInt16
    /// Descriptor type nibble (SDM Vol. 3A §3.4.5.1): 0xb code exec/read/accessed,
    /// 0x3 data read/write/accessed, 0xb for a TR (s = 0) also means "busy 64-bit TSS".
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
    public var unusable: Bool

    public init(base: UInt64 = 0, limit: UInt32 = 0, selector: UInt16 = 0, type: UInt8 = 0, present: Bool = false,
                dpl: UInt8 = 0, db: Bool = false, s: Bool = false, l: Bool = false, g: Bool = false,
                avl: Bool = false, unusable: Bool = false) {
        self.base = base; self.limit = limit; self.selector = selector; self.type = type
        self.present = present; self.dpl = dpl; self.db = db; self.s = s; self.l = l; self.g = g
        self.avl = avl; self.unusable = unusable
    }
}

/// GDTR/IDTR (struct kvm_dtable).
public struct DescriptorTable: Equatable, Sendable {
    public var base: UInt64
    public var limit: UInt16
    public init(base: UInt64, limit: UInt16) { self.base = base; self.limit = limit }
}

/// The segment and descriptor-table state of the 64-bit entry: what Boot's GDT implies
/// and what `Machine.start` loads.
public struct BootSegments: Equatable, Sendable {
    /// CS: 64-bit kernel code.
    public var code: SegmentState
    /// DS, ES, FS, GS and SS alike: kernel data.
    public var data: SegmentState
    /// TR: the 64-bit TSS.
    public var tss: SegmentState
    /// GDTR. Paging is on at entry with no identity map, so the base is a linear address.
    public var gdt: DescriptorTable

    public init(code: SegmentState, data: SegmentState, tss: SegmentState, gdt: DescriptorTable) {
        self.code = code; self.data = data; self.tss = tss; self.gdt = gdt
    }
}
