/// Why the workload (PROGRAM plus `--add`s) could not be packed into the initramfs.
public enum WorkloadError: Error, Equatable, Sendable {
    /// PROGRAM does not exist (exit 127, like a shell's "command not found").
    case programNotFound(String)
    /// PROGRAM is a directory, device, FIFO… (exit 126).
    case programNotRegularFile(String)
    /// PROGRAM exists but cannot be opened or read (exit 126).
    case programNotReadable(String, HostErrno)
    /// PROGRAM is readable but cannot run: no execute bit, not ELF, wrong machine,
    /// dynamically linked (exit 126).
    case programNotExecutable(String, reason: String)
    /// An `--add` HOST does not exist (exit 125).
    case addMissing(String)
    /// An `--add` HOST (or a file under it) could not be read (exit 125).
    case addUnreadable(String, HostErrno)
    /// An `--add` HOST is neither a file nor a directory (exit 125).
    case addUnsupportedType(String)
    /// The archive refused an entry, e.g. two sources for one guest path (exit 125).
    case archive(CpioError)
    /// getcwd failed, so a relative `--add` has no absolute guest path (exit 125).
    case noCurrentDirectory

    public var exitCode: ExitCode {
        switch self {
        case .programNotFound: .programNotFound
        case .programNotRegularFile, .programNotReadable, .programNotExecutable: .cannotExecute
        case .addMissing, .addUnreadable, .addUnsupportedType, .archive, .noCurrentDirectory: .swiftletFailed
        }
    }

    /// One line, without the "swiftlet: " prefix.
    public var message: String {
        switch self {
        case .programNotFound(let p): "\(p): no such file or directory"
        case .programNotRegularFile(let p): "\(p): not a regular file"
        case .programNotReadable(let p, let e): "\(p): cannot read: \(HostFiles.describe(e))"
        case .programNotExecutable(let p, let reason): "\(p): cannot execute: \(reason)"
        case .addMissing(let p): "--add: no such file or directory: \(p)"
        case .addUnreadable(let p, let e): "--add: cannot read \(p): \(HostFiles.describe(e))"
        case .addUnsupportedType(let p): "--add: not a regular file, directory or symlink: \(p)"
        case .archive(let e): e.message
        case .noCurrentDirectory: "--add: cannot determine the current directory"
        }
    }
}
