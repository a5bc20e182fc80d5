// virtio-blk end to end (issue 4): a real guest reads and writes /dev/vda backed by a
// host file through the virtio-mmio transport, ioeventfd, irqfd and the IOAPIC.
import Foundation
import Testing

extension Integration {
    @Suite struct VirtioDisk {
        @Test("sha256sum of a 64 MiB disk in the guest equals the host's")
        func sha256OfWholeDisk() throws {
            guard let busybox = Swiftlet.busybox() else { return }
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let image = try dir.file("disk.img", fastRandomBytes(64 << 20))
            guard let expected = hostSHA256(image) else { Issue.record("host sha256sum failed"); return }
            guard let r = Swiftlet.run(options: ["--disk", image], busybox, ["sha256sum", "/dev/vda"], timeout: 120) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "\(expected)  /dev/vda\n", "\(r)")
        }

        @Test("a pattern written and fsynced in the guest is exactly in the host file")
        func writePatternFsyncExit() throws {
            guard let tool = Swiftlet.image("vdtool") else { return }
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let original = fastRandomBytes(4 << 20)
            let image = try dir.file("disk.img", original)
            guard let r = Swiftlet.run(options: ["--disk", image], tool, ["pattern", "/dev/vda"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "ok\n", "\(r)")
            var expected = original
            for i in 0..<(1 << 20) {
                expected[4096 + i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7 &+ (i >> 12))
            }
            let after = try [UInt8](Data(contentsOf: URL(fileURLWithPath: image)))
            let same = after == expected      // (no 4 MiB dump on failure)
            #expect(same, "the host file differs from the pattern the guest wrote")
        }

        @Test("a read-only disk refuses writers with EROFS and still reads")
        func readOnlyDisk() throws {
            guard let tool = Swiftlet.image("vdtool") else { return }
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let content = fastRandomBytes(1 << 20)
            let image = try dir.file("disk.img", content)
            guard let r = Swiftlet.run(options: ["--disk", image + ":ro"], tool, ["rotest", "/dev/vda"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["open O_RDWR: EROFS", "read 1"], "\(r)")
            let after = try [UInt8](Data(contentsOf: URL(fileURLWithPath: image)))
            #expect(after == content)
        }

        @Test("size, sector size and O_DIRECT reads (misaligned ones are EINVAL)")
        func sizeAndDirectIO() throws {
            guard let tool = Swiftlet.image("vdtool") else { return }
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let image = try dir.file("disk.img", fastRandomBytes(3 << 20))
            guard let r = Swiftlet.run(options: ["--disk", image], tool, ["check", "/dev/vda"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines == ["size 3145728 3145728 sector 512", "direct same", "misaligned EINVAL"], "\(r)")
        }

        // --- area: diskyield ---
        /// The disk image is read through O_DIRECT on the host (`:direct`): from the host's
        /// page cache a 64 KiB request often completes during the notification's own exit,
        /// leaving nothing to wait for.
        @Test("a task waiting for the disk lets another task run; the data is intact",
              arguments: ["", "contend", "exit"])
        func waitingForTheDiskYields(mode: String) throws {
            guard let tool = Swiftlet.image("diskyield") else { return }
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let content = fastRandomBytes(16 << 20)
            let image = try dir.file("disk.img", content)
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            content.withUnsafeBytes { raw in
                for i in 0..<(raw.count / 8) {
                    hash ^= raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                    hash = hash &* 0x100_0000_01b3
                }
            }
            let hex = String(hash, radix: 16)
            guard let r = Swiftlet.run(options: ["--disk", image + ":direct"], tool,
                                       ["/dev/vda", hex] + (mode.isEmpty ? [] : [mode]), timeout: 120) else { return }
            #expect(r.status == 0, "\(r)")
            // contend: two more readers at once; exit: children ended by exit_group
            // while their threads wait for the disk, then the normal checks.
            let first: [String] = mode == "contend" ? ["ok concurrent direct reader", "ok concurrent buffered reader"]
                : mode == "exit" ? ["ok children ended mid-read"] : []
            let expected = first + ["ok hash", "ok counter ran during reads"]
            #expect(r.stdoutLines == expected, "\(r)")
        }
        // --- end diskyield ---

        @Test("two disks are /dev/vda and /dev/vdb")
        func twoDisks() throws {
            guard let busybox = Swiftlet.busybox() else { return }
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let a = try dir.file("a.img", [UInt8](repeating: 0x61, count: 512))
            let b = try dir.file("b.img", [UInt8](repeating: 0x62, count: 1024))
            guard let r = Swiftlet.run(options: ["--disk", a, "--disk", b], busybox, ["cat", "/dev/vda", "/dev/vdb"]) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout == [UInt8](repeating: 0x61, count: 512) + [UInt8](repeating: 0x62, count: 1024), "\(r)")
        }
    }
}

/// `count` bytes from /dev/urandom in one read (randomBytes draws byte by byte, which
/// takes minutes for 64 MiB in a debug build).
func fastRandomBytes(_ count: Int) -> [UInt8] {
    guard let h = FileHandle(forReadingAtPath: "/dev/urandom") else { return [UInt8](repeating: 0x5a, count: count) }
    defer { try? h.close() }
    var out: [UInt8] = []
    while out.count < count, let d = try? h.read(upToCount: count - out.count), !d.isEmpty { out += d }
    return out
}
