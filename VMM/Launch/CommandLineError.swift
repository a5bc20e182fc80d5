/// A usage error. Every case makes `swiftlet` exit with `ExitCode.swiftletFailed` (125)
/// after printing `message` as one line.
public enum CLIError: Error, Equatable, Sendable {
    case missingCommand
    case unknownCommand(String)
    case unknownOption(String)
    case missingValue(option: String)
    /// A flag was given a value (`--kernel-log=yes`).
    case unexpectedValue(option: String)
    case invalidSize(option: String, value: String)
    case sizeOverflow(option: String, value: String)
    /// A well-formed `--memory` the machine cannot have (too small, too large, not
    /// page-granular).
    case memoryOutOfRange(value: String, reason: String)
    case invalidNumber(option: String, value: String)
    case invalidPlatform(String)
    /// `--pvm-return` other than sysret or iret.
    case invalidPVMReturn(String)
    case invalidAdd(String)
    /// `--disk` value that is not `PATH[:ro][:direct]`.
    case invalidDisk(String)
    case invalidEnv(String)
    case missingProgram

    public var exitCode: ExitCode { .swiftletFailed }

    /// One line naming the problem, without the "swiftlet: " prefix.
    public var message: String {
        switch self {
        case .missingCommand:
            return "missing command (try 'swiftlet run PROGRAM' or 'swiftlet --help')"
        case .unknownCommand(let c):
            return "unknown command '\(c)' (try 'swiftlet --help')"
        case .unknownOption(let o):
            return "unknown option '\(o)'"
        case .missingValue(let o):
            return "\(o): missing value"
        case .unexpectedValue(let o):
            return "\(o): option takes no value"
        case .invalidSize(let o, let v):
            return "\(o): invalid size '\(v)'"
        case .sizeOverflow(let o, let v):
            return "\(o): size '\(v)' is too large"
        case .memoryOutOfRange(let v, let reason):
            return "--memory: '\(v)' \(reason)"
        case .invalidNumber(let o, let v):
            return "\(o): invalid number '\(v)'"
        case .invalidPlatform(let v):
            return "--platform: invalid value '\(v)' (expected auto, pvm or emulated)"
        case .invalidPVMReturn(let v):
            return "--pvm-return: invalid value '\(v)' (expected sysret, iret or hybrid)"
        case .invalidDisk(let v):
            return "--disk: '\(v)' is not PATH[:ro][:direct]"
        case .invalidAdd(let v):
            return "--add: invalid spec '\(v)' (expected HOST[:GUEST] with an absolute GUEST)"
        case .invalidEnv(let v):
            return "--env: invalid variable '\(v)' (expected KEY=VALUE or KEY)"
        case .missingProgram:
            return "run: missing PROGRAM"
        }
    }
}
