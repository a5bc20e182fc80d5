/// What `swiftlet` was asked to do, decoded from its arguments by `CommandLineParser`.
public enum Command: Equatable, Sendable {
    case run(RunOptions)
    /// `swiftlet bench …`: the arguments after "bench", parsed by the Bench module.
    case bench([String])
    case help
    case version
}

/// How the guest kernel runs (DESIGN.md §2).
public enum GuestPlatformMode: String, Equatable, Sendable, CaseIterable {
    /// PVM-native on PVM hosts, the ordinary ring-0 kernel everywhere else.
    case auto
    /// Force the PVM guest ABI (fails on hosts without PVM).
    case pvm
    /// Force the ordinary ring-0 kernel (instruction-emulated on PVM hosts).
    case emulated
}

/// One `--add HOST[:GUEST]`.
public struct AddSpec: Equatable, Sendable {
    /// Host path as the user typed it (relative paths are relative to the cwd).
    public var host: String
    /// Absolute path inside the guest; nil means "the host path made absolute".
    public var guest: String?
    public init(host: String, guest: String? = nil) { self.host = host; self.guest = guest }
}

/// One `KEY=VALUE` of the program's environment.
public struct EnvironmentVariable: Equatable, Sendable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
    /// The `KEY=VALUE` string that goes into the guest's envp.
    public var entry: String { key + "=" + value }
}

/// Options of `swiftlet run`, with every default already applied.
public struct RunOptions: Equatable, Sendable {
    public static let defaultMemory: UInt64 = 128 << 20
    public static let defaultWatchdog: Duration = .seconds(10)

    /// Guest RAM in bytes (range-checked later against `BootLayout.minRAM/maxRAM`).
    public var memory: UInt64 = RunOptions.defaultMemory
    /// Guest kernel ELF; nil means the kernel built together with swiftlet.
    public var kernelPath: String?
    public var kernelLog = false
    /// Carry the program's stdin/stdout/stderr over virtio-console instead of host calls.
    public var virtioConsole = false
    public var traceBoot = false
    public var adds: [AddSpec] = []
    /// `--disk` images in order (/dev/vda first); `--disk-direct` already applied.
    public var disks: [DiskSpec] = []
    /// `--disk-direct` was given (also applies to later `--disk`s).
    public var diskDirect = false
    /// The program's final environment: defaults, then `--env` overrides (in order).
    public var environment: [EnvironmentVariable] = []
    public var platform: GuestPlatformMode = .auto
    /// `--pvm-return`: how the PVM-native kernel returns to user mode (DTName.pvmReturn):
    /// 0 sysret (default), 1 iret (experiment), 2 hybrid (probe). nil: the
    /// `SWIFTLET_PVM_RETURN` environment variable decides, else 0.
    public var pvmReturn: UInt32? = nil
    public static let pvmReturnModes = ["sysret", "iret", "hybrid"]
    /// Wall-clock limit for the whole run; nil means none.
    public var timeout: Duration?
    /// Stall limit for a vCPU that makes no progress; `.zero` disables the watchdog.
    public var watchdog: Duration = RunOptions.defaultWatchdog
    public var selfTest = false
    public var testHang = false
    /// PROGRAM exactly as typed (a host path).
    public var program: String = ""
    /// Everything after PROGRAM, untouched.
    public var arguments: [String] = []

    public init() {}

    /// The program's argv: argv[0] is PROGRAM as the user typed it, as a shell or
    /// `docker run` would pass it.
    public var argv: [String] { [program] + arguments }

    /// envp strings (`KEY=VALUE`) in order.
    public var envp: [String] { environment.map(\.entry) }
}
