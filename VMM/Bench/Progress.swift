#if canImport(Glibc)
import Glibc
#endif

/// "boot 12/50" on stderr while a benchmark runs: rewritten in place on a terminal,
/// one line per tenth otherwise (logs and tests stay short).
struct Progress {
    let label: String
    let total: Int
    let interactive = isatty(2) != 0
    private var lastTenth = -1

    init(_ label: String, total: Int) {
        self.label = label
        self.total = Swift.max(total, 1)
    }

    mutating func step(_ done: Int, _ detail: String = "") {
        if interactive {
            writeToStderr("\r\u{1B}[Kswiftlet bench: \(label) \(done)/\(total) \(detail)")
            return
        }
        let tenth = done * 10 / total
        if tenth != lastTenth {
            lastTenth = tenth
            writeToStderr("swiftlet bench: \(label) \(done)/\(total) \(detail)\n")
        }
    }

    func finish() {
        if interactive { writeToStderr("\r\u{1B}[K") }
    }
}
