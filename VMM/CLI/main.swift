import Bench
import Launch
import Machine
#if canImport(Glibc)
import Glibc
#endif

// swiftlet: argument parsing and dispatch only (DESIGN.md §3). Foundation stays off
// this path: process start-up is part of every microVM boot.
let processStart = MonotonicClock.micros()
let arguments = Array(CommandLine.arguments.dropFirst())
do throws(CLIError) {
    switch try CommandLineParser.parse(arguments) {
    case .help:
        print(CommandLineUsage.helpText, terminator: "")
    case .version:
        print(CommandLineUsage.versionText, terminator: "")
    case .run(let options):
        exit(Runner.run(options, defaultKernel: builtGuestKernelPath, processStart: processStart))
    case .bench(let benchArguments):
        exit(Bench.main(benchArguments))
    }
} catch {
    var message = "swiftlet: " + error.message + "\n"
    message.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(error.exitCode.rawValue)
}
