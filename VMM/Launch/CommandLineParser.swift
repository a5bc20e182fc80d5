import GuestABI

/// Hand-written parser for `swiftlet`'s arguments.
///
/// Not swift-argument-parser: that links FoundationEssentials, and its load time would
/// be paid on every microVM boot (DESIGN.md §1, "Start-up").
///
/// Grammar (docker-run style): options come before PROGRAM; the first argument that is
/// not an option (or the one after `--`) is PROGRAM, and everything after it is the
/// program's argv, even when it looks like an option. Value options accept
/// `--opt VALUE` and `--opt=VALUE`; short ones also `-m VALUE`, `-mVALUE`, `-m=VALUE`.
public enum CommandLineParser {
    /// - Parameters:
    ///   - arguments: the process arguments *without* argv[0].
    ///   - hostEnvironment: host variable lookup, for TERM and bare `--env K`.
    public static func parse(
        _ arguments: [String],
        hostEnvironment: (String) -> String? = ProgramEnvironment.hostVariable
    ) throws(CLIError) -> Command {
        guard let first = arguments.first else { throw .missingCommand }
        switch first {
        case "--help", "-h", "help": return .help
        case "--version": return .version
        case "run": break
        case "bench": return .bench(Array(arguments.dropFirst()))
        default:
            if first.hasPrefix("-") { throw .unknownOption(first) }
            throw .unknownCommand(first)
        }
        return try parseRun(arguments.dropFirst(), hostEnvironment: hostEnvironment)
    }

    private static func parseRun(
        _ args: ArraySlice<String>, hostEnvironment: (String) -> String?
    ) throws(CLIError) -> Command {
        var options = RunOptions()
        var env = ProgramEnvironment.defaults(hostEnvironment: hostEnvironment)
        var i = args.startIndex
        while i < args.endIndex {
            let arg = args[i]
            if arg == "--" { i += 1; break }
            if arg == "--help" || arg == "-h" { return .help }
            // "-" alone is not an option; it is not a useful PROGRAM either, but report it
            // as an unknown option rather than try to run a file named "-".
            guard arg.hasPrefix("-") else { break }
            let (name, inline) = split(arg)
            guard let option = RunOption(name: name) else { throw .unknownOption(name) }
            i += 1
            guard option.takesValue else {
                if inline != nil { throw .unexpectedValue(option: option.longName) }
                apply(flag: option, to: &options)
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else {
                guard i < args.endIndex else { throw .missingValue(option: option.longName) }
                value = args[i]
                i += 1
            }
            try apply(option, value: value, to: &options, env: &env, hostEnvironment: hostEnvironment)
        }
        guard i < args.endIndex else { throw .missingProgram }
        options.program = args[i]
        options.arguments = Array(args[(i + 1)...])
        guard !options.program.isEmpty else { throw .missingProgram }
        options.environment = env
        return .run(options)
    }

    /// Splits `--name=value`, `-xvalue` and `-x=value` into name and inline value.
    private static func split(_ arg: String) -> (name: String, value: String?) {
        if arg.hasPrefix("--") {
            guard let eq = arg.firstIndex(of: "=") else { return (arg, nil) }
            return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
        }
        // Short option: "-" plus one character, the rest (if any) is the value.
        guard arg.count > 2 else { return (arg, nil) }
        let nameEnd = arg.index(arg.startIndex, offsetBy: 2)
        var rest = arg[nameEnd...]
        if rest.hasPrefix("=") { rest = rest.dropFirst() }
        return (String(arg[..<nameEnd]), String(rest))
    }

    private static func apply(flag: RunOption, to options: inout RunOptions) {
        switch flag {
        case .kernelLog: options.kernelLog = true
        case .virtioConsole: options.virtioConsole = true
        case .traceBoot: options.traceBoot = true
        case .selfTest: options.selfTest = true
        case .testHang: options.testHang = true
        case .diskDirect:
            options.diskDirect = true
            for i in options.disks.indices { options.disks[i].direct = true }
        default: preconditionFailure("\(flag) takes a value")
        }
    }

    private static func apply(
        _ option: RunOption, value: String, to options: inout RunOptions,
        env: inout [EnvironmentVariable], hostEnvironment: (String) -> String?
    ) throws(CLIError) {
        let name = option.longName
        switch option {
        case .memory:
            do throws(SizeParseFailure) {
                options.memory = try parseSizeChecked(value)
            } catch .overflow {
                throw .sizeOverflow(option: name, value: value)
            } catch {
                throw .invalidSize(option: name, value: value)
            }
            if options.memory == 0 { throw .invalidSize(option: name, value: value) }
            try checkMemory(options.memory, value: value)
        case .kernel:
            guard !value.isEmpty else { throw .missingValue(option: name) }
            options.kernelPath = value
        case .add:
            options.adds.append(try parseAdd(value))
        case .disk:
            var disk = try DiskSpec.parse(value)
            if options.diskDirect { disk.direct = true }
            options.disks.append(disk)
        case .env:
            if let variable = try ProgramEnvironment.parse(value, hostEnvironment: hostEnvironment) {
                ProgramEnvironment.set(variable, in: &env)
            }
        case .platform:
            guard let mode = GuestPlatformMode(rawValue: value) else { throw .invalidPlatform(value) }
            options.platform = mode
        case .pvmReturn:
            guard let how = RunOptions.pvmReturnModes.firstIndex(of: value) else { throw .invalidPVMReturn(value) }
            options.pvmReturn = UInt32(how)
        case .timeout:
            let d = try parseSeconds(value, option: name)
            guard d > .zero else { throw .invalidNumber(option: name, value: value) }
            options.timeout = d
        case .watchdog:
            options.watchdog = try parseSeconds(value, option: name)
        case .kernelLog, .traceBoot, .selfTest, .testHang, .diskDirect, .virtioConsole:
            preconditionFailure("\(option) is a flag")
        }
    }

    /// Guest RAM is one page-granular slot that must hold the kernel and end below the
    /// MMIO hole (`BootLayout`), so impossible sizes fail here, before any VM exists.
    static func checkMemory(_ bytes: UInt64, value: String) throws(CLIError) {
        if bytes < BootLayout.minRAM {
            throw .memoryOutOfRange(value: value, reason: "is below the minimum of \(BootLayout.minRAM >> 20)M")
        }
        if bytes > BootLayout.maxRAM {
            throw .memoryOutOfRange(value: value, reason: "is above the maximum of \(BootLayout.maxRAM >> 20)M")
        }
        if bytes % 4096 != 0 {
            throw .memoryOutOfRange(value: value, reason: "is not a multiple of 4K")
        }
    }

    /// `HOST[:GUEST]`, split at the first ':'. GUEST, when given, must be absolute: a
    /// relative guest path has no working directory to be relative to.
    static func parseAdd(_ spec: String) throws(CLIError) -> AddSpec {
        guard let colon = spec.firstIndex(of: ":") else {
            guard !spec.isEmpty else { throw .invalidAdd(spec) }
            return AddSpec(host: spec)
        }
        let host = String(spec[..<colon])
        let guest = String(spec[spec.index(after: colon)...])
        guard !host.isEmpty, guest.hasPrefix("/") else { throw .invalidAdd(spec) }
        return AddSpec(host: host, guest: guest)
    }

    /// Non-negative decimal seconds, fractions allowed, at most ~31 years (so that
    /// converting to nanoseconds later cannot overflow).
    static func parseSeconds(_ text: String, option: String) throws(CLIError) -> Duration {
        guard let first = text.unicodeScalars.first, ("0"..."9").contains(first) || first == ".",
              let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= 1e9
        else { throw .invalidNumber(option: option, value: text) }
        let whole = seconds.rounded(.down)
        let nanos = ((seconds - whole) * 1e9).rounded()
        return .seconds(Int64(whole)) + .nanoseconds(Int64(nanos))
    }
}

/// The options of `swiftlet run`, by spelling.
enum RunOption: CaseIterable {
    case memory, kernel, kernelLog, traceBoot, add, env, platform, pvmReturn, timeout, watchdog, selfTest, testHang, disk, diskDirect, virtioConsole

    init?(name: String) {
        switch name {
        case "-m": self = .memory
        case "-e": self = .env
        default:
            guard let o = RunOption.allCases.first(where: { $0.longName == name }) else { return nil }
            self = o
        }
    }

    var longName: String {
        switch self {
        case .memory: "--memory"
        case .kernel: "--kernel"
        case .kernelLog: "--kernel-log"
        case .traceBoot: "--trace-boot"
        case .add: "--add"
        case .env: "--env"
        case .platform: "--platform"
        case .pvmReturn: "--pvm-return"
        case .timeout: "--timeout"
        case .watchdog: "--watchdog"
        case .selfTest: "--self-test"
        case .testHang: "--test-hang"
        case .disk: "--disk"
        case .diskDirect: "--disk-direct"
        case .virtioConsole: "--virtio-console"
        }
    }

    var takesValue: Bool {
        switch self {
        case .kernelLog, .traceBoot, .selfTest, .testHang, .diskDirect, .virtioConsole: false
        default: true
        }
    }
}
