/// `swiftlet`'s exit status, chosen so that a caller can tell swiftlet's own failures
/// from the program's (the same convention as `docker run` and POSIX shells):
///
/// | code    | meaning                                                                 |
/// |---------|-------------------------------------------------------------------------|
/// | 0–124   | the program's own exit status, passed through unchanged                 |
/// | 125     | swiftlet itself failed: usage error, bad option, /dev/kvm problem, memory too small or too large, guest kernel panic, watchdog or timeout |
/// | 126     | the program cannot be executed: not ELF, wrong architecture, dynamically linked, not a regular file, no permission |
/// | 127     | the program was not found                                               |
/// | 128+N   | the program was killed by signal N                                      |
///
/// A program may itself exit with 125–127; that ambiguity is inherent in the convention
/// and the same as under a shell or `docker run`.
public enum ExitCode: Int32, Sendable {
    case swiftletFailed = 125
    case cannotExecute = 126
    case programNotFound = 127

    /// The status `swiftlet` exits with once the program has finished.
    /// - Parameters:
    ///   - status: the program's `exit` status; only its low 8 bits are meaningful, as
    ///     with `waitpid`'s `WEXITSTATUS`.
    ///   - signal: the signal that killed the program, or 0.
    public static func forProgram(status: Int32, signal: Int32) -> Int32 {
        if signal > 0 && signal < 128 { return 128 + signal }
        return status & 0xff
    }
}
