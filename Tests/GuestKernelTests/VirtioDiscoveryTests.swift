@testable import GuestKernel
import GuestABI
import Testing

/// virtio-mmio discovery from the device tree, as the VMM lays it out.
struct VirtioDiscoveryTests {
    func tree() -> DeviceTree? {
        var f = TestFDT()
        f.begin("")
        f.prop("#address-cells", be32(2))
        f.begin("chosen"); f.prop("bootargs", Array("x\0".utf8)); f.end()
        f.begin("ioapic@fec00000")
        f.prop("compatible", Array("intel,ce4100-ioapic\0".utf8))
        f.prop("reg", be32(0) + be32(0xfec0_0000) + be32(0) + be32(0x1000))
        f.end()
        for (i, gsi) in [(0, 5), (1, 6), (2, 7)] {
            let base = 0xd000_0000 + UInt32(i) * 0x1000
            f.begin("virtio_mmio@" + String(base, radix: 16))
            f.prop("compatible", Array("virtio,mmio\0".utf8))
            f.prop("reg", be32(0) + be32(base) + be32(0) + be32(0x1000))
            f.prop("interrupts", be32(UInt32(gsi)))
            f.prop("interrupt-parent", be32(1))
            f.end()
        }
        // A node with the string only as a prefix of another entry must not match.
        f.begin("other@1"); f.prop("compatible", Array("virtio,mmio-foo\0vendor,x\0".utf8)); f.prop("reg", be32(0) + be32(1) + be32(0) + be32(1)); f.end()
        // A matching node without reg is skipped.
        f.begin("broken"); f.prop("compatible", Array("virtio,mmio\0".utf8)); f.end()
        f.end()
        return DeviceTree(f.blob())
    }

    @Test func findsVirtioNodesInSlotOrder() throws {
        let t = try #require(tree())
        let d = t.devices(compatible: "virtio,mmio")
        #expect(d.map(\.base) == [0xd000_0000, 0xd000_1000, 0xd000_2000])
        #expect(d.map(\.size) == [0x1000, 0x1000, 0x1000])
        #expect(d.map(\.interrupt) == [5, 6, 7])
        #expect(d.first?.name == Array("virtio_mmio@d0000000".utf8))
        let io = t.devices(compatible: "intel,ce4100-ioapic")
        #expect(io.count == 1 && io.first?.base == 0xfec0_0000 && io.first?.interrupt == nil)
    }

    @Test func truncatedTreesDoNotCrash() throws {
        let t = try #require(tree())
        var b = t.blob
        for cut in stride(from: 48, to: b.count, by: 7) {
            b = Array(t.blob[0..<cut])
            if let partial = DeviceTree(b) { _ = partial.devices(compatible: "virtio,mmio") }
            var c = t.blob
            c[cut] ^= 0xff
            if let flipped = DeviceTree(c) { _ = flipped.devices(compatible: "virtio,mmio") }
        }
    }
}
