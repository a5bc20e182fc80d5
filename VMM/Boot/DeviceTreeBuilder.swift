import GuestABI

/// Builds the flattened device tree the guest kernel reads at boot (Devicetree
/// Specification v0.4, §3 base device node types, §5 flattened format). The guest's
/// own parser reads `/memory@0` and `/chosen`; the layout of each property is fixed
/// by `DTName`'s documentation.
public enum DeviceTreeBuilder {
    public static let compatible = "swiftlet,microvm"
    public static let model = "Swiftlet microVM"

    public static func build(_ config: BootConfig, limit: UInt64 = BootLayout.fdtMaxSize) throws(DeviceTreeError) -> [UInt8] {
        guard config.random.count == BootConfig.randomSize else { throw .badRandomLength(config.random.count) }
        guard config.initrdStart <= config.initrdEnd else {
            throw .badInitrdRange(start: config.initrdStart, end: config.initrdEnd)
        }
        var w = try FDTWriter(capacity: limit)
        try w.beginNode("")
        try w.property("#address-cells", u32: 2)
        try w.property("#size-cells", u32: 2)
        try w.property("compatible", strings: [compatible])
        try w.property("model", strings: [model])

        try w.beginNode(DTName.memory + "@0")
        try w.property("device_type", strings: ["memory"])
        try w.property("reg", cells: [0, 0, UInt32(truncatingIfNeeded: config.memorySize >> 32),
                                      UInt32(truncatingIfNeeded: config.memorySize)])
        try w.endNode()

        try w.beginNode(DTName.chosen)
        try writeChosen(config, &w)
        try w.endNode()

        try DeviceTreeVirtio.write(config.virtioDevices, &w)

        try w.endNode()
        return try w.finish()
    }

    private static func writeChosen(_ c: BootConfig, _ w: inout FDTWriter) throws(DeviceTreeError) {
        func flag(_ b: Bool) -> UInt32 { b ? 1 : 0 }
        try w.property(DTName.bootargs, strings: [c.bootargs])
        try w.property(DTName.initrdStart, u64: c.initrdStart)
        try w.property(DTName.initrdEnd, u64: c.initrdEnd)
        try w.property(DTName.platform, u32: UInt32(truncatingIfNeeded: c.platform.rawValue))
        try w.property(DTName.pteUserAll, u32: flag(c.pteUserAll))
        try w.property(DTName.tscKHz, u32: c.tscKHz)
        try w.property(DTName.realtimeNs, u64: c.realtimeNanoseconds)
        try w.property(DTName.trace, u32: flag(c.trace))
        try w.property(DTName.ttyMask, u32: c.ttyMask)
        try w.property(DTName.winsize, cells: [UInt32(c.windowRows), UInt32(c.windowColumns)])
        try w.property(DTName.initPath, strings: [c.initPath])
        try w.property(DTName.argv, strings: c.argv)
        try w.property(DTName.envp, strings: c.envp)
        try w.property(DTName.random, bytes: c.random)
        try w.property(DTName.selfTest, u32: flag(c.selfTest))
        try w.property(DTName.kernelLog, u32: flag(c.kernelLog))
        if c.pvmReturn != 0 { try w.property(DTName.pvmReturn, u32: c.pvmReturn) }
        try w.property(DTName.testHang, u32: flag(c.testHang))
    }
}
