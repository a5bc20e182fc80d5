#if canImport(Glibc)
import Glibc
#endif

/// The program's environment. Like `docker run`, the guest does not inherit the host
/// environment: it gets a small fixed default plus what `--env` says.
public enum ProgramEnvironment {
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Reads one host variable (the default for `hostEnvironment` parameters).
    public static func hostVariable(_ key: String) -> String? {
        guard let p = getenv(key) else { return nil }
        return String(cString: p)
    }

    /// PATH, HOME=/ and TERM copied from the host when set, so full-screen programs
    /// still know the terminal they draw on.
    public static func defaults(hostEnvironment: (String) -> String?) -> [EnvironmentVariable] {
        var env = [
            EnvironmentVariable(key: "PATH", value: defaultPath),
            EnvironmentVariable(key: "HOME", value: "/"),
        ]
        if let term = hostEnvironment("TERM") { env.append(EnvironmentVariable(key: "TERM", value: term)) }
        return env
    }

    /// Sets `variable`, replacing an existing entry with the same key in place (so the
    /// order stays stable) or appending it.
    public static func set(_ variable: EnvironmentVariable, in env: inout [EnvironmentVariable]) {
        if let i = env.firstIndex(where: { $0.key == variable.key }) {
            env[i].value = variable.value
        } else {
            env.append(variable)
        }
    }

    /// Decodes one `--env` argument: `K=V` sets K; a bare `K` copies K from the host and
    /// is ignored when the host does not have it (as `docker run -e K` does).
    static func parse(_ spec: String, hostEnvironment: (String) -> String?) throws(CLIError) -> EnvironmentVariable? {
        if let eq = spec.firstIndex(of: "=") {
            let key = String(spec[..<eq])
            guard isValidKey(key) else { throw .invalidEnv(spec) }
            return EnvironmentVariable(key: key, value: String(spec[spec.index(after: eq)...]))
        }
        guard isValidKey(spec) else { throw .invalidEnv(spec) }
        return hostEnvironment(spec).map { EnvironmentVariable(key: spec, value: $0) }
    }

    /// POSIX only forbids '=' and NUL in names; an empty name is never meaningful.
    private static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && !key.utf8.contains(0)
    }
}
