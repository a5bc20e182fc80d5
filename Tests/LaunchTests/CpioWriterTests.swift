@testable import Launch
import Testing

@Suite struct CpioWriterTests {
    private func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func byteExactFileAndTrailer() throws {
        var w = CpioWriter(mtime: 0x5F00_0000)
        try w.addFile("/hello", mode: 0o644, bytes: ascii("hi"))
        let out = w.finish()
        let fileHeader = "070701" + "00000001" + "000081A4" + "00000000" + "00000000" + "00000001"
            + "5F000000" + "00000002" + "00000000" + "00000000" + "00000000" + "00000000"
            + "00000006" + "00000000"
        let trailerHeader = "070701" + "00000000" + "00000000" + "00000000" + "00000000" + "00000001"
            + "5F000000" + "00000000" + "00000000" + "00000000" + "00000000" + "00000000"
            + "0000000B" + "00000000"
        var expected = ascii(fileHeader) + ascii("hello") + [0]   // 116 bytes: aligned
        expected += ascii("hi") + [0, 0]                          // data padded to 4
        expected += ascii(trailerHeader) + ascii("TRAILER!!!") + [0] + [0, 0, 0]  // 121 → 124
        #expect(out == expected)
        #expect(out.count % 4 == 0)
    }

    @Test func headerAndNameArePaddedForEveryNameLength() throws {
        var w = CpioWriter()
        // Names of length 1...8 cover every residue of 110 + namesize mod 4.
        for n in 1...8 { try w.addFile("/" + String(repeating: "f", count: n), mode: 0o600, bytes: Array(repeating: UInt8(n), count: n)) }
        let entries = try readCpio(w.finish())
        #expect(entries.map(\.name) == (1...8).map { String(repeating: "f", count: $0) })
        #expect(entries.map(\.data) == (1...8).map { Array(repeating: UInt8($0), count: $0) })
    }

    @Test func parentsFirstOnceWithMonotonicInodes() throws {
        var w = CpioWriter(mtime: 7)
        try w.addFile("/usr/lib/a.txt", mode: 0o640, bytes: ascii("A"))
        try w.addFile("usr//lib/b.txt", mode: 0o4755, bytes: [])
        try w.addDirectory("/usr/share", mode: 0o700)
        try w.addDirectory("/usr")           // already there: no second entry
        try w.addSymlink("/usr/bin/sh", target: "../lib/a.txt")
        let entries = try readCpio(w.finish())
        #expect(entries.map(\.name) == ["usr", "usr/lib", "usr/lib/a.txt", "usr/lib/b.txt", "usr/share", "usr/bin", "usr/bin/sh"])
        #expect(entries.map(\.inode) == Array(1...7))
        #expect(entries.map(\.mode) == [0o40755, 0o40755, 0o100640, 0o104755, 0o40700, 0o40755, 0o120777])
        #expect(entries.map(\.nlink) == [2, 2, 1, 1, 2, 2, 1])
        #expect(entries.allSatisfy { $0.mtime == 7 })
        #expect(entries[6].data == ascii("../lib/a.txt"))
        #expect(entries[2].data == ascii("A"))
    }

    @Test func typeBitsInModeArgumentAreIgnored() throws {
        var w = CpioWriter()
        try w.addFile("x", mode: 0o040777, bytes: [])
        #expect(try readCpio(w.finish())[0].mode == 0o100777)
    }

    @Test func emptyArchiveIsJustTheTrailer() throws {
        var w = CpioWriter()
        let out = w.finish()
        #expect(out.count == 124)
        #expect(try readCpio(out).isEmpty)
    }

    @Test func rejectsBadPathsAndConflicts() throws {
        var w = CpioWriter()
        for bad in ["", "/", "//", "a/../b", "./a", "a/."] {
            #expect(throws: CpioError.invalidPath(bad)) { try w.addFile(bad, bytes: []) }
        }
        try w.addFile("/etc/passwd", bytes: [])
        #expect(throws: CpioError.pathConflict("/etc/passwd")) { try w.addFile("/etc/passwd", bytes: []) }
        #expect(throws: CpioError.pathConflict("etc/passwd")) { try w.addDirectory("etc/passwd") }
        #expect(throws: CpioError.pathConflict("/etc/passwd")) { try w.addFile("/etc/passwd/x", bytes: []) }
        #expect(throws: CpioError.invalidPath("")) { try w.addSymlink("/l", target: "") }
        #expect(w.contains("etc") && w.contains("/etc/passwd") && !w.contains("/l"))
    }
}
