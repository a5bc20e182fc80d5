#if canImport(GuestABI)
import GuestABI
#endif

/// A device node found by `compatible` (devicetree spec v0.4 §2.3.1), with the first
/// `reg` range and interrupt as the virtio-mmio binding gives them.
public struct DeviceTreeDevice: Equatable {
    public var name: [UInt8]
    public var base: UInt64
    public var size: UInt64
    /// The first cell of `interrupts` (a GSI for our IOAPIC: #interrupt-cells = 1).
    public var interrupt: UInt32?
}

extension DeviceTree {
    /// Every node (at any depth) whose `compatible` list contains `compatible`, in tree
    /// order. `reg` is read as two-cell address and size (#address-cells =
    /// #size-cells = 2 at the root, as the VMM builds it); nodes without a full `reg`
    /// are skipped.
    public func devices(compatible: String) -> [DeviceTreeDevice] {
        let wanted = Array(compatible.utf8)
        var found: [DeviceTreeDevice] = []
        // Properties of the node being walked (only the ones we need).
        var names: [[UInt8]] = []
        var compat: [[UInt8]] = []
        var reg: [[UInt8]] = []
        var irq: [[UInt8]] = []
        var o = structOffset
        let end = structOffset + structSize
        func finish() {
            guard let c = compat.last, let r = reg.last, let n = names.last, r.count >= 16 else { return }
            var matches = false
            for entry in c.split(separator: 0) where Array(entry) == wanted { matches = true }
            guard matches else { return }
            let base = UInt64(DeviceTree.be32(r, 0)) << 32 | UInt64(DeviceTree.be32(r, 4))
            let size = UInt64(DeviceTree.be32(r, 8)) << 32 | UInt64(DeviceTree.be32(r, 12))
            let i = irq.last.flatMap { $0.count >= 4 ? DeviceTree.be32($0, 0) : nil }
            found.append(DeviceTreeDevice(name: n, base: base, size: size, interrupt: i))
        }
        while o + 4 <= end {
            guard let tok = Token(rawValue: DeviceTree.be32(blob, o)) else { break }
            o += 4
            switch tok {
            case .beginNode:
                guard let n = cString(o, limit: end) else { return found }
                o += (n.count + 4) & ~3
                names.append(n); compat.append([]); reg.append([]); irq.append([])
            case .endNode:
                guard !names.isEmpty else { return found }
                finish()
                names.removeLast(); compat.removeLast(); reg.removeLast(); irq.removeLast()
            case .prop:
                let len = Int(DeviceTree.be32(blob, o)), nameOff = Int(DeviceTree.be32(blob, o + 4))
                o += 8
                guard len >= 0, o + len <= end, !names.isEmpty else { return found }
                if nameOff < stringsSize, let pn = cString(stringsOffset + nameOff, limit: stringsOffset + stringsSize) {
                    let value = Array(blob[o..<(o + len)])
                    if pn == Array("compatible".utf8) { compat[compat.count - 1] = value }
                    else if pn == Array("reg".utf8) { reg[reg.count - 1] = value }
                    else if pn == Array("interrupts".utf8) { irq[irq.count - 1] = value }
                }
                o += (len + 3) & ~3
            case .nop:
                continue
            case .end:
                return found
            }
        }
        return found
    }
}
