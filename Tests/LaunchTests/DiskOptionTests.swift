@testable import Launch
import Testing

@Suite struct DiskOptionTests {
    func run(_ args: [String]) throws -> RunOptions {
        guard case .run(let o) = try CommandLineParser.parse(args, hostEnvironment: { _ in nil }) else {
            Issue.record("expected a run command"); return RunOptions()
        }
        return o
    }

    @Test func repeatableWithSuffixes() throws {
        let o = try run(["run", "--disk", "a.img", "--disk=b.img:ro", "--disk", "c:d.img:direct:ro", "prog"])
        #expect(o.disks == [DiskSpec(path: "a.img"), DiskSpec(path: "b.img", readOnly: true),
                            DiskSpec(path: "c:d.img", readOnly: true, direct: true)])
    }

    @Test func diskDirectAppliesToAll() throws {
        let o = try run(["run", "--disk", "a.img", "--disk-direct", "--disk", "b.img:ro", "prog"])
        #expect(o.disks.allSatisfy { $0.direct } && o.disks.count == 2)
    }

    @Test func emptyPathIsRefused() {
        #expect(throws: CLIError.invalidDisk(":ro")) { _ = try run(["run", "--disk", ":ro", "prog"]) }
        #expect(throws: CLIError.missingValue(option: "--disk")) { _ = try run(["run", "--disk"]) }
        #expect(CommandLineUsage.helpText.contains("--disk PATH"))
    }
}
