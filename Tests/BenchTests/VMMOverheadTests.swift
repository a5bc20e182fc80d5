import Testing
@testable import Bench

/// `VMMOverhead` splits a swiftlet process's smaps into guest RAM and everything else.
@Suite struct VMMOverheadTests {
    /// A trimmed /proc/PID/smaps of `swiftlet run sleeper` (128 MiB guest), with the
    /// fields the parser reads and some it skips.
    static let smaps = """
        5617d0600000-5617d0606000 r--p 00000000 fd:01 1234                       /work/.build/release/swiftlet
        Size:                 24 kB
        Rss:                  24 kB
        Pss:                  24 kB
        Private_Clean:        20 kB
        Private_Dirty:         4 kB
        VmFlags: rd mr mw me sd
        5617d0606000-5617d060d000 rw-p 00000000 00:00 0 
        Size:                 28 kB
        Rss:                  16 kB
        Pss:                  16 kB
        Private_Dirty:        16 kB
        7ff15f200000-7ff167200000 rw-p 00000000 00:00 0 
        Size:             131072 kB
        Rss:                6144 kB
        Pss:                6144 kB
        Private_Dirty:      6144 kB
        AnonHugePages:      6144 kB
        THPeligible:    1
        VmFlags: rd wr mr mw me ac sd hg dd
        7ff167314000-7ff1673a1000 rw-p 00000000 00:00 0 
        Size:                564 kB
        Rss:                 564 kB
        Pss:                 564 kB
        Private_Dirty:       564 kB
        7ff168200000-7ff168800000 r-xp 00000000 fd:01 99     /opt/swift/usr/lib/swift/linux/lib Core.so
        Size:               6144 kB
        Rss:                4304 kB
        Pss:                 738 kB
        Shared_Clean:       4120 kB
        Private_Clean:         0 kB
        Private_Dirty:       184 kB
        7fff57030000-7fff57051000 rw-p 00000000 00:00 0                          [stack]
        Size:                132 kB
        Rss:                  24 kB
        Pss:                  24 kB
        Private_Dirty:        24 kB
        7ff1682dc000-7ff1682de000 rw-s 00000000 00:0f 77                         anon_inode:kvm-vcpu:0
        Rss:                   8 kB
        Pss:                   8 kB
        Private_Dirty:         4 kB

        """

    @Test func guestRAMAgainstEverythingElse() throws {
        let o = try #require(VMMOverhead(smaps: Self.smaps, guestBytes: 128 << 20))
        #expect(o.guestKiB == 6144)
        #expect(o.fileKiB == 24 + 4304)                  // binary + library (a name with a space)
        #expect(o.anonKiB == 16 + 564 + 24 + 8)          // bss, a malloc'd buffer, stack, kvm_run
        #expect(o.totalKiB == 4328 + 612)
        #expect(o.privateKiB == 24 + 16 + 564 + 184 + 24 + 4)
        #expect(o.pssKiB == 24 + 16 + 564 + 738 + 24 + 8)
    }

    @Test func guestMappingMustBeFoundExactlyOnce() {
        // No anonymous mapping of the guest's size.
        #expect(VMMOverhead(smaps: Self.smaps, guestBytes: 64 << 20) == nil)
        // A file mapping of that size does not count.
        #expect(VMMOverhead(smaps: Self.smaps, guestBytes: 6144 << 10) == nil)
        // Two candidates: ambiguous.
        let twice = Self.smaps + "7ff200000000-7ff208000000 rw-p 00000000 00:00 0 \nRss: 0 kB\n"
        #expect(VMMOverhead(smaps: twice, guestBytes: 128 << 20) == nil)
        #expect(VMMOverhead(smaps: "", guestBytes: 128 << 20) == nil)
    }
}
