import Foundation
@testable import Launch
import Testing

/// A minimal static x86_64 ELF header (one PT_LOAD, or PT_INTERP when `dynamic`).
func fakeELF(dynamic: Bool = false, machine: UInt16 = 62) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: 64 + 56)
    b[0...3] = [0x7f, 0x45, 0x4c, 0x46]
    b[4] = 2; b[5] = 1; b[6] = 1
    b[16] = 2                                     // ET_EXEC
    b[18] = UInt8(machine & 0xff); b[19] = UInt8(machine >> 8)
    b[32] = 64                                    // e_phoff
    b[54] = 56                                    // e_phentsize
    b[56] = 1                                     // e_phnum
    b[64] = dynamic ? 3 : 1                       // p_type
    if dynamic {                                  // PT_INTERP names "/lib/ld.so" at offset 120
        b[64 + 8] = 120                           // p_offset
        b[64 + 32] = 11; b[64 + 40] = 11          // p_filesz, p_memsz
        return b + Array("/lib/ld.so".utf8) + [0]
    }
    return b + Array("payload".utf8)
}

final class TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "swiftlet-wl-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func file(_ rel: String, _ bytes: [UInt8], mode: Int = 0o644) throws -> String {
        let p = path + "/" + rel
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: p, contents: Data(bytes), attributes: [.posixPermissions: mode]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return p
    }
}

@Suite struct WorkloadTests {
    @Test func programGoesToBinWithArgv0AsTyped() throws {
        let dir = try TempDir()
        let prog = try dir.file("tools/hello", fakeELF(), mode: 0o700)
        let w = try Workload.assemble(program: prog, arguments: ["a", "--b"], mtime: 9)
        #expect(w.initPath == "/bin/hello")
        #expect(w.argv == [prog, "a", "--b"])
        let entries = try readCpio(w.initramfs)
        #expect(entries.map(\.name) == ["bin", "bin/hello"])
        #expect(entries[1].mode == 0o100755)
        #expect(entries[1].data == fakeELF())
        #expect(entries[1].mtime == 9)
    }

    @Test func relativeProgramPath() throws {
        let dir = try TempDir()
        try dir.file("p", fakeELF(), mode: 0o755)
        let saved = FileManager.default.currentDirectoryPath
        defer { _ = FileManager.default.changeCurrentDirectoryPath(saved) }
        try #require(FileManager.default.changeCurrentDirectoryPath(dir.path))
        let w = try Workload.assemble(program: "./p")
        #expect(w.initPath == "/bin/p")
        #expect(w.argv == ["./p"])
    }

    @Test func addsFilesDirectoriesAndSymlinks() throws {
        let dir = try TempDir()
        let prog = try dir.file("prog", fakeELF(), mode: 0o755)
        try dir.file("data/a.txt", Array("A".utf8), mode: 0o600)
        try dir.file("data/sub/b.bin", [0, 1, 2], mode: 0o751)
        try FileManager.default.createDirectory(atPath: dir.path + "/data/empty", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/data/link", withDestinationPath: "sub/b.bin")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/data/dirlink", withDestinationPath: "/")
        let single = try dir.file("single.conf", Array("x=1\n".utf8), mode: 0o640)

        let w = try Workload.assemble(program: prog, adds: [
            AddSpec(host: dir.path + "/data", guest: "/srv/data"),
            AddSpec(host: single),
        ])
        let entries = try readCpio(w.initramfs)
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
        let guestSingle = String(single.dropFirst())   // default GUEST = absolute host path
        #expect(entries.map(\.name).starts(with: ["bin", "bin/prog", "srv", "srv/data"]))
        #expect(byName["srv/data/a.txt"]?.data == Array("A".utf8))
        #expect(byName["srv/data/a.txt"]?.mode == 0o100600)
        #expect(byName["srv/data/sub/b.bin"]?.data == [0, 1, 2])
        #expect(byName["srv/data/sub/b.bin"]?.mode == 0o100751)
        #expect(byName["srv/data/empty"]?.mode == 0o40755)
        #expect(byName["srv/data/link"]?.mode == 0o120777)
        #expect(byName["srv/data/link"]?.data == Array("sub/b.bin".utf8))
        #expect(byName["srv/data/dirlink"]?.data == Array("/".utf8))   // kept, not followed
        #expect(byName[guestSingle]?.data == Array("x=1\n".utf8))
        #expect(byName[guestSingle]?.mode == 0o100640)
        // Every parent precedes its children.
        for (i, e) in entries.enumerated() where e.name.contains("/") {
            let parent = String(e.name[..<e.name.lastIndex(of: "/")!])
            #expect(entries[..<i].contains { $0.name == parent }, "parent of \(e.name) missing")
        }
    }

    @Test func relativeAddDefaultsToAbsoluteGuestPath() throws {
        let dir = try TempDir()
        let prog = try dir.file("prog", fakeELF(), mode: 0o755)
        try dir.file("cfg/x", [1])
        let w = try Workload.assemble(program: prog, adds: [AddSpec(host: "./cfg/../cfg")], currentDirectory: dir.path + "/")
        let names = try readCpio(w.initramfs).map(\.name)
        #expect(names.contains(String(dir.path.dropFirst()) + "/cfg/x"))
    }

    @Test func absolutePathIsLexical() {
        #expect(absolutePath("a/./b/../c", currentDirectory: "/w") == "/w/a/c")
        #expect(absolutePath("/x//y/", currentDirectory: "/w") == "/x/y")
        #expect(absolutePath("../../..", currentDirectory: "/w") == "/")
    }

    @Test func missingAddIs125() throws {
        let dir = try TempDir()
        let prog = try dir.file("prog", fakeELF(), mode: 0o755)
        let missing = dir.path + "/nope"
        #expect(throws: WorkloadError.addMissing(missing)) {
            try Workload.assemble(program: prog, adds: [AddSpec(host: missing)])
        }
        #expect(WorkloadError.addMissing("X").message == "--add: no such file or directory: X")
        #expect(WorkloadError.addMissing("X").exitCode.rawValue == 125)
    }

    @Test func addOverProgramPathConflicts() throws {
        let dir = try TempDir()
        let prog = try dir.file("prog", fakeELF(), mode: 0o755)
        #expect(throws: WorkloadError.archive(.pathConflict("/bin/prog"))) {
            try Workload.assemble(program: prog, adds: [AddSpec(host: prog, guest: "/bin/prog")])
        }
    }

    @Test func missingProgramIs127() throws {
        let dir = try TempDir()
        for p in [dir.path + "/absent", dir.path + "/absent/deeper"] {
            #expect(throws: WorkloadError.programNotFound(p)) { try Workload.assemble(program: p) }
        }
        #expect(WorkloadError.programNotFound("x").exitCode.rawValue == 127)
        #expect(WorkloadError.programNotFound("x").message == "x: no such file or directory")
    }

    @Test func programThatCannotRunIs126() throws {
        let dir = try TempDir()
        #expect(throws: WorkloadError.programNotRegularFile(dir.path)) { try Workload.assemble(program: dir.path) }

        let noExec = try dir.file("noexec", fakeELF(), mode: 0o644)
        let script = try dir.file("script.sh", Array("#!/bin/sh\necho hi\n".utf8), mode: 0o755)
        let dynamic = try dir.file("dyn", fakeELF(dynamic: true), mode: 0o755)
        let arm = try dir.file("arm", fakeELF(machine: 183), mode: 0o755)
        let short = try dir.file("short", Array(fakeELF()[0..<20]), mode: 0o755)
        let cases: [(String, String)] = [
            (noExec, "permission denied (no execute bit)"),
            (script, "not an ELF file"),
            (dynamic, "dynamically linked programs are not supported yet"),
            (arm, "ELF for machine 183 (not x86_64)"),
            (short, "not an ELF file"),
        ]
        for (path, reason) in cases {
            let expected = WorkloadError.programNotExecutable(path, reason: reason)
            #expect(throws: expected) { try Workload.assemble(program: path) }
            #expect(expected.exitCode.rawValue == 126)
        }
        // The ELF check can be turned off (for a future dynamic-loader path).
        #expect(try Workload.assemble(program: dynamic, requireStaticELF: false).initPath == "/bin/dyn")
        #expect(WorkloadError.programNotRegularFile("d").exitCode.rawValue == 126)
    }

    @Test func unreadableProgramIs126() throws {
        guard getuid() != 0 else { return }   // root reads anything
        let dir = try TempDir()
        let p = try dir.file("secret", fakeELF(), mode: 0o111)
        #expect(throws: WorkloadError.programNotReadable(p, HostErrno(EACCES))) { try Workload.assemble(program: p) }
    }
}
