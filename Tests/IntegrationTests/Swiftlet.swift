// Harness for the integration tests: finds the `swiftlet` binary and the test
// programs in images/out, and runs `swiftlet run …` as a subprocess with a
// time limit. Every test boots a real microVM, so the whole tree is serialized
// (the CI machine has 2 cores and each VM wants one).
import Foundation
import Testing

/// Root of all integration suites. `.serialized` applies to every nested suite.
@Suite(.serialized) enum Integration {}

/// What one `swiftlet` invocation produced.
struct RunResult: CustomStringConvertible {
    var status: Int32
    var stdout: [UInt8]
    var stderr: [UInt8]

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    /// stderr split into lines, without the empty piece after a final newline.
    var stderrLines: [String] { Self.lines(stderrText) }
    var stdoutLines: [String] { Self.lines(stdoutText) }

    static func lines(_ text: String) -> [String] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    /// For failure messages: status plus the start of both streams.
    var description: String {
        func clip(_ s: String) -> String { s.count > 4000 ? String(s.prefix(4000)) + "…(\(s.count) chars)" : s }
        return "exit status \(status)\n--- stdout ---\n\(clip(stdoutText))\n--- stderr ---\n\(clip(stderrText))"
    }
}

enum Swiftlet {
    /// The package root: this file is <root>/Tests/IntegrationTests/Swiftlet.swift.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$SWIFTLET_BIN`, else .build/debug/swiftlet, else .build/release/swiftlet.
    static let binary: String? = {
        if let path = ProcessInfo.processInfo.environment["SWIFTLET_BIN"], !path.isEmpty {
            return path
        }
        for configuration in ["debug", "release"] {
            let path = packageRoot.appendingPathComponent(".build/\(configuration)/swiftlet").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    /// images/out, after running images/build.sh once per test process. The script
    /// is idempotent and quick when nothing changed, so running it always also keeps
    /// the programs in step with their sources. `nil` when the build failed.
    static let imagesDirectory: Result<String, HarnessFailure> = {
        let script = packageRoot.appendingPathComponent("images/build.sh").path
        let result = execute(["/bin/bash", script], timeout: 300)
        guard let result, result.status == 0 else {
            return .failure(HarnessFailure(message: "images/build.sh failed: \(result.map { "\($0)" } ?? "timed out")"))
        }
        return .success(packageRoot.appendingPathComponent("images/out").path)
    }()

    /// The host path of a program built by images/build.sh, or nil after recording why.
    static func image(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        switch imagesDirectory {
        case .failure(let failure):
            Issue.record(Comment(rawValue: failure.message), sourceLocation: sourceLocation)
            return nil
        case .success(let directory):
            let path = directory + "/" + name
            guard FileManager.default.isExecutableFile(atPath: path) else {
                Issue.record("images/out/\(name) was not built", sourceLocation: sourceLocation)
                return nil
            }
            return path
        }
    }

    /// Debian's busybox-static (package busybox-static), or nil after recording why.
    static func busybox(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let path = "/bin/busybox"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("\(path) missing: install busybox-static (bash .ci/setup)", sourceLocation: sourceLocation)
            return nil
        }
        return path
    }

    /// Runs `swiftlet ARGUMENTS…` (for example `["run", program, "a"]`) with stdin
    /// from /dev/null. `term` becomes the host's TERM (nil: TERM is unset, so the
    /// guest's default environment is exactly PATH and HOME). Returns nil, after
    /// recording an issue, when the binary is missing or the run exceeds `timeout`.
    static func run(
        _ arguments: [String],
        timeout: TimeInterval = 60,
        term: String? = nil,
        workingDirectory: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> RunResult? {
        guard let binary else {
            Issue.record(
                "swiftlet binary not found: set SWIFTLET_BIN or run `swift build` (looked in .build/debug and .build/release)",
                sourceLocation: sourceLocation)
            return nil
        }
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = term
        let result = execute(
            [binary] + arguments, timeout: timeout, environment: environment,
            workingDirectory: workingDirectory)
        if result == nil {
            Issue.record(
                "swiftlet \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s; killed",
                sourceLocation: sourceLocation)
        }
        return result
    }

    /// `run(["run"] + options + [program] + programArguments)`.
    static func run(
        options: [String] = [], _ program: String, _ programArguments: [String] = [],
        timeout: TimeInterval = 60, term: String? = nil, workingDirectory: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> RunResult? {
        run(["run"] + options + [program] + programArguments, timeout: timeout, term: term,
            workingDirectory: workingDirectory, sourceLocation: sourceLocation)
    }
}

struct HarnessFailure: Error {
    var message: String
}

extension Swiftlet {
    /// Runs a self-checking C program from images/out — it prints `ok NAME` or
    /// `FAIL NAME: …` per check, then `N failures`, and exits with N — and expects no
    /// failure, exit status 0 and every check in `required`. Returns the names of the
    /// checks that passed (nil if the program could not run at all).
    @discardableResult
    static func runSelfChecking(
        _ name: String, _ arguments: [String] = [], timeout: TimeInterval = 60, required: [String] = [],
        options: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Set<String>? {
        guard let program = image(name, sourceLocation: sourceLocation),
              let r = run(options: options, program, arguments, timeout: timeout, sourceLocation: sourceLocation) else { return nil }
        let failures = r.stdoutLines.filter { $0.hasPrefix("FAIL") }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))\n\(r)", sourceLocation: sourceLocation)
        #expect(r.status == 0, "\(r)", sourceLocation: sourceLocation)
        #expect(r.stdoutLines.last == "0 failures", "\(r)", sourceLocation: sourceLocation)
        let passed = Set(r.stdoutLines.filter { $0.hasPrefix("ok ") }.map { String($0.dropFirst(3)) })
        let missing = required.filter { !passed.contains($0) }
        #expect(missing.isEmpty, "missing: \(missing)\n\(r)", sourceLocation: sourceLocation)
        return passed
    }
}
