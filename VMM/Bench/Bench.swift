/// `swiftlet bench boot|syscall|density`: the entry point `main.swift` dispatches to.
/// Nothing here runs (or is initialised) on the `swiftlet run` path.
public enum Bench {
    /// Runs one benchmark and returns the process exit status (0, or 125 on failure).
    public static func main(_ arguments: [String]) -> Int32 {
        if arguments.first == "--help" || arguments.first == "-h" {
            print(BenchOptionParser.usage, terminator: "")
            return 0
        }
        do throws(BenchError) {
            let options = try BenchOptionParser.parse(arguments)
            let plotter = try options.plotDirectory.map { dir throws(BenchError) in try Plotter.prepare(dir) }
            let host = HostDescription.detect()
            let workloads = try Workloads.locate(options)
            let text: String, json: JSONValue
            var charts: [String] = []
            switch options.kind {
            case .boot:
                let r = try BootBench.run(options, host: host, workloads: workloads)
                text = r.renderText(); json = r.json()
                if let plotter { charts = try plotter.plot(r) }
            case .syscall:
                let r = try SyscallBench.run(options, host: host, workloads: workloads)
                text = r.renderText(); json = r.json()
                if let plotter { charts = try plotter.plot(r) }
            case .density:
                let r = try DensityBench.run(options, host: host, workloads: workloads)
                text = r.renderText(); json = r.json()
                if let plotter { charts = try plotter.plot(r) }
            }
            print(options.json ? json.render() : text, terminator: "")
            for c in charts { writeToStderr("swiftlet bench: wrote \(c)\n") }
            return 0
        } catch {
            writeToStderr("swiftlet: " + error.message + "\n")
            return 125
        }
    }
}
