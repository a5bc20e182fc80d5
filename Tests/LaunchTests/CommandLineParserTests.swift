@testable import Launch
import Testing

private let hostEnv = ["TERM": "xterm-256color", "USER": "alice", "EMPTY": ""]
private func parse(_ args: [String], env: [String: String] = hostEnv) throws(CLIError) -> Command {
    try CommandLineParser.parse(args, hostEnvironment: { env[$0] })
}
private func run(_ args: [String], env: [String: String] = hostEnv) throws -> RunOptions {
    guard case .run(let o) = try parse(args, env: env) else {
        Issue.record("expected a run command"); return RunOptions()
    }
    return o
}

@Suite struct CommandLineParserTests {
    @Test func helpAndVersion() throws {
        for args in [["--help"], ["-h"], ["help"], ["run", "--help"], ["run", "-m", "1G", "-h"]] {
            #expect(try parse(args) == .help)
        }
        #expect(try parse(["--version"]) == .version)
        #expect(CommandLineUsage.helpText.contains("--memory"))
    }

    /// The PVM fast-return experiment (BENCHMARKS.md "PVM fast return"): index into
    /// `RunOptions.pvmReturnModes`, nil = environment or default.
    @Test func pvmReturn() throws {
        #expect(try run(["run", "p"]).pvmReturn == nil)
        #expect(try run(["run", "--pvm-return", "sysret", "p"]).pvmReturn == 0)
        #expect(try run(["run", "--pvm-return=iret", "p"]).pvmReturn == 1)
        #expect(try run(["run", "--pvm-return", "hybrid", "p"]).pvmReturn == 2)
    }

    @Test func defaults() throws {
        let o = try run(["run", "./hello"])
        #expect(o.memory == 128 << 20)
        #expect(o.kernelPath == nil)
        #expect(!o.kernelLog && !o.traceBoot && !o.selfTest && !o.testHang)
        #expect(o.adds.isEmpty)
        #expect(o.platform == .auto)
        #expect(o.timeout == nil)
        #expect(o.watchdog == .seconds(10))
        #expect(o.program == "./hello")
        #expect(o.arguments == [])
        #expect(o.argv == ["./hello"])
        #expect(o.envp == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/", "TERM=xterm-256color"])
    }

    @Test func termOmittedWhenHostHasNone() throws {
        let o = try run(["run", "p"], env: [:])
        #expect(o.envp == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/"])
    }

    @Test func everyOptionSeparateValueForm() throws {
        let o = try run([
            "run", "--memory", "256M", "--kernel", "/k.elf", "--kernel-log", "--trace-boot",
            "--add", "data", "--add", "/etc/hosts:/etc/hosts2", "--env", "A=1", "--platform", "pvm",
            "--timeout", "2.5", "--watchdog", "0", "--self-test", "--test-hang", "prog", "x",
        ])
        #expect(o.memory == 256 << 20)
        #expect(o.kernelPath == "/k.elf")
        #expect(o.kernelLog && o.traceBoot && o.selfTest && o.testHang)
        #expect(o.adds == [AddSpec(host: "data"), AddSpec(host: "/etc/hosts", guest: "/etc/hosts2")])
        #expect(o.envp.last == "A=1")
        #expect(o.platform == .pvm)
        #expect(o.timeout == .milliseconds(2500))
        #expect(o.watchdog == .zero)
        #expect(o.argv == ["prog", "x"])
    }

    @Test func equalsAndShortForms() throws {
        let o = try run([
            "run", "--memory=1G", "--kernel=/k", "--add=a:/b", "--env=B=x=y", "--platform=emulated",
            "--timeout=3", "--watchdog=0.25", "-e", "C=3", "-eD=4", "-e=E=5", "p",
        ])
        #expect(o.memory == 1 << 30)
        #expect(o.kernelPath == "/k")
        #expect(o.adds == [AddSpec(host: "a", guest: "/b")])
        #expect(Array(o.envp.suffix(4)) == ["B=x=y", "C=3", "D=4", "E=5"])
        #expect(o.platform == .emulated)
        #expect(o.timeout == .seconds(3))
        #expect(o.watchdog == .milliseconds(250))
        #expect(try run(["run", "-m", "64M", "p"]).memory == 64 << 20)
        #expect(try run(["run", "-m64M", "p"]).memory == 64 << 20)
        #expect(try run(["run", "-m=64M", "p"]).memory == 64 << 20)
        #expect(try run(["run", "-m", "16M", "p"]).memory == 16 << 20)      // minimum
        #expect(try run(["run", "-m", "3GiB", "p"]).memory == 3 << 30)      // maximum
        #expect(try run(["run", "-m", "0x1000000", "p"]).memory == 16 << 20)
    }

    @Test func argumentsAfterProgramAreUntouched() throws {
        let o = try run(["run", "-m", "1G", "prog", "--memory", "5", "-h", "--", "--help", "-e", "X=1"])
        #expect(o.program == "prog")
        #expect(o.arguments == ["--memory", "5", "-h", "--", "--help", "-e", "X=1"])
        #expect(o.memory == 1 << 30)
        #expect(!o.envp.contains("X=1"))
    }

    @Test func doubleDashEndsOptions() throws {
        let o = try run(["run", "--kernel-log", "--", "--weird-name", "--trace-boot"])
        #expect(o.program == "--weird-name")
        #expect(o.arguments == ["--trace-boot"])
        #expect(o.kernelLog && !o.traceBoot)
    }

    @Test func envOverridesDefaultsInPlaceAndKeepsOrder() throws {
        let o = try run(["run", "-e", "Z=1", "--env", "HOME=/root", "-e", "A=2", "-e", "Z=3", "-e", "PATH=/bin", "p"])
        #expect(o.envp == ["PATH=/bin", "HOME=/root", "TERM=xterm-256color", "Z=3", "A=2"])
    }

    @Test func bareEnvCopiesFromHostOrIsIgnored() throws {
        let o = try run(["run", "-e", "USER", "-e", "NOPE", "-e", "EMPTY", "-e", "V=", "p"])
        #expect(Array(o.envp.suffix(3)) == ["USER=alice", "EMPTY=", "V="])
        #expect(!o.envp.contains { $0.hasPrefix("NOPE") })
    }

    @Test func realHostEnvironmentIsTheDefault() throws {
        guard case .run(let o) = try CommandLineParser.parse(["run", "-e", "PATH", "p"]) else {
            Issue.record("expected run"); return
        }
        #expect(o.envp.first == "PATH=" + (ProgramEnvironment.hostVariable("PATH") ?? ProgramEnvironment.defaultPath))
    }

    @Test(arguments: [
        ([String](), CLIError.missingCommand, "missing command (try 'swiftlet run PROGRAM' or 'swiftlet --help')"),
        (["start"], .unknownCommand("start"), "unknown command 'start' (try 'swiftlet --help')"),
        (["--bogus"], .unknownOption("--bogus"), "unknown option '--bogus'"),
        (["run", "--bogus", "p"], .unknownOption("--bogus"), "unknown option '--bogus'"),
        (["run", "--bogus=1", "p"], .unknownOption("--bogus"), "unknown option '--bogus'"),
        (["run", "-x", "p"], .unknownOption("-x"), "unknown option '-x'"),
        (["run", "-", "p"], .unknownOption("-"), "unknown option '-'"),
        (["run", "--memory"], .missingValue(option: "--memory"), "--memory: missing value"),
        (["run", "-m"], .missingValue(option: "--memory"), "--memory: missing value"),
        (["run", "--kernel=", "p"], .missingValue(option: "--kernel"), "--kernel: missing value"),
        (["run", "--kernel-log=yes", "p"], .unexpectedValue(option: "--kernel-log"), "--kernel-log: option takes no value"),
        (["run", "--memory", "abc", "p"], .invalidSize(option: "--memory", value: "abc"), "--memory: invalid size 'abc'"),
        (["run", "-m", "0", "p"], .invalidSize(option: "--memory", value: "0"), "--memory: invalid size '0'"),
        (["run", "--memory=99999999999G", "p"], .sizeOverflow(option: "--memory", value: "99999999999G"), "--memory: size '99999999999G' is too large"),
        (["run", "-m", "8M", "p"], .memoryOutOfRange(value: "8M", reason: "is below the minimum of 16M"), "--memory: '8M' is below the minimum of 16M"),
        (["run", "-m", "4G", "p"], .memoryOutOfRange(value: "4G", reason: "is above the maximum of 3072M"), "--memory: '4G' is above the maximum of 3072M"),
        (["run", "-m", "16777217", "p"], .memoryOutOfRange(value: "16777217", reason: "is not a multiple of 4K"), "--memory: '16777217' is not a multiple of 4K"),
        (["run", "--timeout", "soon", "p"], .invalidNumber(option: "--timeout", value: "soon"), "--timeout: invalid number 'soon'"),
        (["run", "--timeout", "0", "p"], .invalidNumber(option: "--timeout", value: "0"), "--timeout: invalid number '0'"),
        (["run", "--timeout", "-1", "p"], .invalidNumber(option: "--timeout", value: "-1"), "--timeout: invalid number '-1'"),
        (["run", "--watchdog", "nan", "p"], .invalidNumber(option: "--watchdog", value: "nan"), "--watchdog: invalid number 'nan'"),
        (["run", "--watchdog", "inf", "p"], .invalidNumber(option: "--watchdog", value: "inf"), "--watchdog: invalid number 'inf'"),
        (["run", "--watchdog", "1e99", "p"], .invalidNumber(option: "--watchdog", value: "1e99"), "--watchdog: invalid number '1e99'"),
        (["run", "--platform", "kvm", "p"], .invalidPlatform("kvm"), "--platform: invalid value 'kvm' (expected auto, pvm or emulated)"),
        (["run", "--pvm-return", "fast", "p"], .invalidPVMReturn("fast"), "--pvm-return: invalid value 'fast' (expected sysret, iret or hybrid)"),
        (["run", "--add", "", "p"], .invalidAdd(""), "--add: invalid spec '' (expected HOST[:GUEST] with an absolute GUEST)"),
        (["run", "--add", "a:rel", "p"], .invalidAdd("a:rel"), "--add: invalid spec 'a:rel' (expected HOST[:GUEST] with an absolute GUEST)"),
        (["run", "--add", ":/x", "p"], .invalidAdd(":/x"), "--add: invalid spec ':/x' (expected HOST[:GUEST] with an absolute GUEST)"),
        (["run", "--add", "a:", "p"], .invalidAdd("a:"), "--add: invalid spec 'a:' (expected HOST[:GUEST] with an absolute GUEST)"),
        (["run", "-e", "=x", "p"], .invalidEnv("=x"), "--env: invalid variable '=x' (expected KEY=VALUE or KEY)"),
        (["run", "--env", "", "p"], .invalidEnv(""), "--env: invalid variable '' (expected KEY=VALUE or KEY)"),
        (["run"], .missingProgram, "run: missing PROGRAM"),
        (["run", "-m", "1G"], .missingProgram, "run: missing PROGRAM"),
        (["run", "--"], .missingProgram, "run: missing PROGRAM"),
        (["run", "--", ""], .missingProgram, "run: missing PROGRAM"),
    ] as [([String], CLIError, String)])
    func errors(args: [String], expected: CLIError, message: String) {
        #expect(throws: expected) { try parse(args) }
        #expect(expected.message == message)
        #expect(expected.exitCode == .swiftletFailed)
        #expect(expected.exitCode.rawValue == 125)
    }
}
