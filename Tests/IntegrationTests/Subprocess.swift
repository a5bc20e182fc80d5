// Runs a child process with stdin from /dev/null, both output streams captured
// through pipes, and a wall-clock limit after which the child is killed.
import Foundation

/// Collects one pipe's bytes on a background queue. Both pipes must be drained
/// while the child runs: a 1 MiB write to stdout would otherwise fill the pipe
/// and block the child forever.
private final class PipeDrain: @unchecked Sendable {
    // Written once by the reader block and read after `group.wait()`, which orders
    // the two accesses; no lock needed.
    private var bytes: [UInt8] = []
    private let group = DispatchGroup()

    init(_ handle: FileHandle) {
        group.enter()
        DispatchQueue.global().async {
            self.bytes = [UInt8](handle.readDataToEndOfFile())
            self.group.leave()
        }
    }

    /// The collected bytes once the writer side has closed (or after `timeout`).
    func finish(timeout: TimeInterval) -> [UInt8] {
        _ = group.wait(timeout: .now() + timeout)
        return bytes
    }
}

/// Runs `argv` (argv[0] is the executable path). Returns nil when it ran longer
/// than `timeout` seconds (it is then killed with SIGKILL) or could not start.
func execute(
    _ argv: [String], timeout: TimeInterval, environment: [String: String]? = nil,
    workingDirectory: String? = nil
) -> RunResult? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: argv[0])
    process.arguments = Array(argv.dropFirst())
    if let environment { process.environment = environment }
    if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
    let stdoutPipe = Pipe()
    let stderrPipe = Pipe()
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    process.standardOutput = stdoutPipe
    process.standardError = stderrPipe

    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    do {
        try process.run()
    } catch {
        return RunResult(status: -1, stdout: [], stderr: Array("could not start \(argv[0]): \(error)".utf8))
    }
    // Close our copies of the write ends so EOF arrives when the child exits.
    try? stdoutPipe.fileHandleForWriting.close()
    try? stderrPipe.fileHandleForWriting.close()
    let out = PipeDrain(stdoutPipe.fileHandleForReading)
    let err = PipeDrain(stderrPipe.fileHandleForReading)

    if exited.wait(timeout: .now() + timeout) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        exited.wait()
        _ = out.finish(timeout: 5)
        _ = err.finish(timeout: 5)
        return nil
    }
    let stdout = out.finish(timeout: 30)
    let stderr = err.finish(timeout: 30)
    // Report a signal death the way a shell does, so tests see 128+N.
    let status =
        process.terminationReason == .uncaughtSignal
        ? 128 + process.terminationStatus : process.terminationStatus
    return RunResult(status: status, stdout: stdout, stderr: stderr)
}

/// A scratch directory on the host, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftlet-it-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `name` inside the directory and returns the full path.
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let full = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// `count` bytes from the host's /dev/urandom.
func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 8)
    while bytes.count < count {
        withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) }
    }
    return Array(bytes.prefix(count))
}

/// The host's `sha256sum` of a file (hex digest), or nil if it failed.
func hostSHA256(_ path: String) -> String? {
    guard let result = execute(["/usr/bin/sha256sum", path], timeout: 60), result.status == 0 else {
        return nil
    }
    return result.stdoutText.split(separator: " ").first.map(String.init)
}

/// True on a host whose /dev/kvm comes from the PVM module (facts/pvm.md §3.11).
var hostIsPVM: Bool { FileManager.default.fileExists(atPath: "/sys/module/kvm_pvm") }

/// Where two byte strings first differ, or nil if they are equal. Used instead of
/// `#expect(a == b)` for large outputs, whose failure diff is quadratic.
func firstDifference(_ got: [UInt8], _ want: [UInt8]) -> String? {
    if got == want { return nil }
    let common = min(got.count, want.count)
    let index = (0..<common).first { got[$0] != want[$0] } ?? common
    func byte(_ bytes: [UInt8]) -> String { index < bytes.count ? "\(bytes[index])" : "end" }
    return "got \(got.count) bytes, want \(want.count); first difference at offset \(index): got \(byte(got)), want \(byte(want))"
}
