/// One virtio-mmio device as the device tree describes it.
public struct VirtioMMIONode: Equatable, Sendable {
    /// Guest-physical base of the device's 4 KiB register slot.
    public var base: UInt64
    public var size: UInt64
    /// IOAPIC input (GSI); edge-triggered, active-high.
    public var gsi: UInt32
    public init(base: UInt64, size: UInt64 = 0x1000, gsi: UInt32) { self.base = base; self.size = size; self.gsi = gsi }
}

/// The virtio part of the device tree: the IOAPIC as interrupt controller, then one
/// `virtio_mmio@<base>` node per device, in slot (address) order:
///
/// ```
/// ioapic@fec00000 { compatible = "intel,ce4100-ioapic"; reg = <0 0xfec00000 0 0x1000>;
///                   interrupt-controller; #interrupt-cells = <1>; phandle = <1>; }
/// virtio_mmio@d0000000 { compatible = "virtio,mmio"; reg = <0 0xd0000000 0 0x1000>;
///                        interrupts = <5>; interrupt-parent = <1>; }
/// ```
/// Encodings are kept simple for the guest's parser: `reg` is two (address, size)
/// pairs of 32-bit cells, `interrupts` is the bare GSI.
enum DeviceTreeVirtio {
    static let ioapicBase: UInt64 = 0xfec0_0000
    static let ioapicPhandle: UInt32 = 1

    static func write(_ nodes: [VirtioMMIONode], _ w: inout FDTWriter) throws(DeviceTreeError) {
        guard !nodes.isEmpty else { return }
        try w.beginNode("ioapic@" + hex(ioapicBase))
        try w.property("compatible", strings: ["intel,ce4100-ioapic"])
        try w.property("reg", cells: cells(ioapicBase, 0x1000))
        try w.property("interrupt-controller", bytes: [])
        try w.property("#interrupt-cells", u32: 1)
        try w.property("phandle", u32: ioapicPhandle)
        try w.endNode()
        for n in nodes {
            try w.beginNode("virtio_mmio@" + hex(n.base))
            try w.property("compatible", strings: ["virtio,mmio"])
            try w.property("reg", cells: cells(n.base, n.size))
            try w.property("interrupts", u32: n.gsi)
            try w.property("interrupt-parent", u32: ioapicPhandle)
            try w.endNode()
        }
    }

    static func cells(_ base: UInt64, _ size: UInt64) -> [UInt32] {
        [UInt32(truncatingIfNeeded: base >> 32), UInt32(truncatingIfNeeded: base),
         UInt32(truncatingIfNeeded: size >> 32), UInt32(truncatingIfNeeded: size)]
    }

    static func hex(_ v: UInt64) -> String { String(v, radix: 16) }
}
