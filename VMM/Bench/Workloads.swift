#if canImport(Glibc)
import Glibc
#endif

/// The static programs the benchmarks run (images/bench/*.c) and the swiftlet binary
/// that runs them.
struct Workloads {
    let directory: String
    let swiftlet: String

    var tiny: String { directory + "/tiny" }
    var sleeper: String { directory + "/sleeper" }
    var syscalls: String { directory + "/syscalls" }
    /// The static hello world that `syscalls` execs (execve_hello).
    var hello: String { directory + "/hello" }

    /// `--workloads DIR`, else images/bench/out in the source tree that holds this
    /// binary (found by walking up from /proc/self/exe), rebuilt by its build.sh
    /// when out of date.
    static func locate(_ options: BenchOptions) throws(BenchError) -> Workloads {
        let exe = selfExecutable()
        if let dir = options.workloads {
            let w = Workloads(directory: dir, swiftlet: exe)
            try w.check()
            return w
        }
        var dir = parent(exe)
        while dir != "/" && !dir.isEmpty {
            let script = dir + "/images/bench/build.sh"
            if access(script, R_OK) == 0 {
                let r = try Subprocess.run(["bash", script], stdout: .capture, stderr: .capture)
                guard r.status == 0 else {
                    throw BenchError("images/bench/build.sh failed:\n" + r.stderrText)
                }
                let w = Workloads(directory: dir + "/images/bench/out", swiftlet: exe)
                try w.check()
                return w
            }
            dir = parent(dir)
        }
        throw BenchError("cannot find images/bench/build.sh above \(exe); pass --workloads DIR")
    }

    func check() throws(BenchError) {
        for p in [tiny, sleeper, syscalls, hello] where access(p, X_OK) != 0 {
            throw BenchError("workload \(p) is missing or not executable")
        }
    }

    /// The running binary: subprocesses of the same build, whatever argv[0] says.
    static func selfExecutable() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 { return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }
}
