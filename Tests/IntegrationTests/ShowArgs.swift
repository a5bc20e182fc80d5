// Parses the output of images/showargs.c ("key=value" lines; see that file).

struct ShowArgsOutput {
    var argv: [String] = []
    var env: [String] = []
    /// Everything else (auxv values and derived checks), by key.
    var values: [String: String] = [:]

    init(_ text: String) {
        for line in RunResult.lines(text) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals])
            let value = String(line[line.index(after: equals)...])
            if key.hasPrefix("argv[") {
                argv.append(value)
            } else if key.hasPrefix("env[") {
                env.append(value)
            } else {
                values[key] = value
            }
        }
    }

    subscript(key: String) -> String? { values[key] }
}

/// The guest's default environment (the CLI contract), without TERM.
let defaultGuestEnvironment = [
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME=/",
]
