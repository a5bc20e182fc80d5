import Testing
import CFDT
import GuestABI
import Glibc
@testable import Boot

@Suite struct DeviceTreeBuilderTests {
    static let config = BootConfig(
        memorySize: 0x1_2000_0000, initrdStart: 0x100_0000, initrdEnd: 0x1_0000_1234,
        platform: .pvm, pteUserAll: true, tscKHz: 2_995_200, realtimeNanoseconds: 0x1788_1234_5678_9abc,
        trace: true, ttyMask: 0b101, windowRows: 50, windowColumns: 132, initPath: "/bin/hello",
        argv: ["/bin/hello", "two words", "héllo ✓", ""], envp: ["HOME=/", "TERM=xterm"],
        random: (0..<32).map { UInt8($0 * 7) }, selfTest: false, testHang: true, bootargs: "quiet")

    /// Reads a property back through libfdt, as an independent decoder.
    func prop(_ tree: [UInt8], _ path: String, _ name: String) -> [UInt8]? {
        tree.withUnsafeBytes { b -> [UInt8]? in
            let node = fdt_path_offset(b.baseAddress, path)
            guard node >= 0 else { return nil }
            var len: Int32 = 0
            guard let p = fdt_getprop(b.baseAddress, node, name, &len), len >= 0 else { return nil }
            return Array(UnsafeRawBufferPointer(start: p, count: Int(len)))
        }
    }

    func be(_ v: UInt64, cells: Int) -> [UInt8] {
        (0..<(cells * 4)).reversed().map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) }
    }

    @Test func headerAndRoot() throws {
        let tree = try DeviceTreeBuilder.build(Self.config)
        #expect(tree.withUnsafeBytes { fdt_check_header($0.baseAddress) } == 0)
        #expect(tree.withUnsafeBytes { Int(cfdt_totalsize($0.baseAddress)) } == tree.count)
        #expect(tree[0..<4] == [0xd0, 0x0d, 0xfe, 0xed])
        #expect(prop(tree, "/", "#address-cells") == [0, 0, 0, 2])
        #expect(prop(tree, "/", "#size-cells") == [0, 0, 0, 2])
        #expect(prop(tree, "/", "compatible") == Array("swiftlet,microvm\0".utf8))
        #expect(prop(tree, "/memory@0", "device_type") == Array("memory\0".utf8))
        #expect(prop(tree, "/memory@0", "reg") == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x20, 0, 0, 0])
    }

    @Test func chosenProperties() throws {
        let tree = try DeviceTreeBuilder.build(Self.config)
        let c = "/chosen"
        #expect(prop(tree, c, DTName.initrdStart) == be(0x100_0000, cells: 2))
        #expect(prop(tree, c, DTName.initrdEnd) == [0, 0, 0, 1, 0, 0, 0x12, 0x34])
        #expect(prop(tree, c, DTName.realtimeNs) == [0x17, 0x88, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc])
        #expect(prop(tree, c, DTName.platform) == [0, 0, 0, 1])
        #expect(prop(tree, c, DTName.pteUserAll) == [0, 0, 0, 1])
        #expect(prop(tree, c, DTName.tscKHz) == be(2_995_200, cells: 1))
        #expect(prop(tree, c, DTName.trace) == [0, 0, 0, 1])
        #expect(prop(tree, c, DTName.ttyMask) == [0, 0, 0, 5])
        #expect(prop(tree, c, DTName.winsize) == [0, 0, 0, 50, 0, 0, 0, 132])
        #expect(prop(tree, c, DTName.selfTest) == [0, 0, 0, 0])
        #expect(prop(tree, c, DTName.testHang) == [0, 0, 0, 1])
        #expect(prop(tree, c, DTName.initPath) == Array("/bin/hello\0".utf8))
        #expect(prop(tree, c, DTName.bootargs) == Array("quiet\0".utf8))
        #expect(prop(tree, c, DTName.random) == Self.config.random)
        let argv: [UInt8] = Array("/bin/hello\0two words\0".utf8) + Array("héllo ✓".utf8) + [0, 0]
        #expect(prop(tree, c, DTName.argv) == argv)
        #expect(prop(tree, c, DTName.envp) == Array("HOME=/\0TERM=xterm\0".utf8))
    }

    @Test func emptyListsAreEmptyProperties() throws {
        let tree = try DeviceTreeBuilder.build(BootConfig(memorySize: 16 << 20))
        #expect(prop(tree, "/chosen", DTName.argv) == [])
        #expect(prop(tree, "/chosen", DTName.platform) == [0, 0, 0, 0])
        #expect(prop(tree, "/memory@0", "reg") == be(16 << 20, cells: 4))
    }

    @Test func rejectsBadInput() {
        var c = Self.config
        c.argv = ["ok", "bad\0arg"]
        #expect(throws: DeviceTreeError.stringContainsNUL(property: DTName.argv)) { try DeviceTreeBuilder.build(c) }
        c = Self.config; c.envp = ["A=\0"]
        #expect(throws: DeviceTreeError.stringContainsNUL(property: DTName.envp)) { try DeviceTreeBuilder.build(c) }
        c = Self.config; c.initPath = "/bin\0x"
        #expect(throws: DeviceTreeError.stringContainsNUL(property: DTName.initPath)) { try DeviceTreeBuilder.build(c) }
        c = Self.config; c.random = [1, 2, 3]
        #expect(throws: DeviceTreeError.badRandomLength(3)) { try DeviceTreeBuilder.build(c) }
        c = Self.config; c.initrdEnd = 0
        #expect(throws: DeviceTreeError.badInitrdRange(start: 0x100_0000, end: 0)) { try DeviceTreeBuilder.build(c) }
    }

    @Test func sizeLimit() throws {
        var c = Self.config
        c.envp = [String(repeating: "x", count: Int(BootLayout.fdtMaxSize))]
        #expect(throws: DeviceTreeError.tooLarge(limit: BootLayout.fdtMaxSize)) { try DeviceTreeBuilder.build(c) }
        // Just under the limit still builds.
        c.envp = [String(repeating: "x", count: Int(BootLayout.fdtMaxSize) - 1024)]
        let tree = try DeviceTreeBuilder.build(c)
        #expect(UInt64(tree.count) <= BootLayout.fdtMaxSize)
        #expect(throws: DeviceTreeError.tooLarge(limit: 256)) { try DeviceTreeBuilder.build(Self.config, limit: 256) }
        #expect(throws: DeviceTreeError.tooLarge(limit: 0)) { try DeviceTreeBuilder.build(Self.config, limit: 0) }
    }

    @Test(.enabled(if: access("/usr/bin/dtc", X_OK) == 0))
    func dtcAcceptsTree() throws {
        let tree = try DeviceTreeBuilder.build(Self.config)
        let path = "/tmp/swiftlet-boottest-\(getpid()).dtb"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        let written = tree.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        defer { unlink(path) }
        #expect(written == tree.count)
        // dtc is an independent decoder; a non-zero status means it rejected the blob.
        let status = system("/usr/bin/dtc -I dtb -O dts \(path) > \(path).dts 2>/dev/null")
        defer { unlink(path + ".dts") }
        #expect(status == 0)
        let dts = try #require(readText(path + ".dts"))
        // dtc prints argv as bytes (it has an empty element and UTF-8), envp as strings.
        #expect(dts.contains("swiftlet,envp = \"HOME=/\\0TERM=xterm\";"))
        #expect(dts.contains("swiftlet,argv = [2f 62 69 6e 2f 68 65 6c 6c 6f 00 74 77 6f"))
        #expect(dts.contains("swiftlet,realtime-ns = <0x17881234 0x56789abc>;"))
        #expect(dts.contains("reg = <0x00 0x00 0x01 0x20000000>;"))
        #expect(dts.contains("compatible = \"swiftlet,microvm\";"))
    }

    func readText(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
