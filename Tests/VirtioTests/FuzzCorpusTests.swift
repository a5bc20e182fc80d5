import Testing
import VirtioTesting
#if canImport(Glibc)
import Glibc
#endif

/// Replays every committed fuzz seed (Tests/Fuzz/corpus) through the fuzz harness: a
/// crash the fuzzer finds is committed there and stays a regression test.
@Suite struct FuzzCorpusTests {
    static let corpus: String = {
        var path = #filePath
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }   // Tests/
        return path + "/Fuzz/corpus"
    }()

    @Test func replayCommittedCorpus() throws {
        let dir = try #require(opendir(Self.corpus), "no corpus at \(Self.corpus)")
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard !name.hasPrefix(".") else { continue }
            let fd = open(Self.corpus + "/" + name, O_RDONLY)
            guard fd >= 0 else { continue }
            var bytes = [UInt8](repeating: 0, count: 8192)
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            close(fd)
            bytes.withUnsafeBufferPointer { VirtioFuzzHarness.run(UnsafeBufferPointer(rebasing: $0[0..<max(n, 0)])) }
            count += 1
        }
        #expect(count >= 30)
    }
}
