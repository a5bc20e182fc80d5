#if canImport(Glibc)
import Glibc
#endif

/// `--plot DIR`: PNG charts drawn by gnuplot from data files written next to them
/// (the .dat and .gp files stay, so a chart can be re-drawn or restyled by hand).
struct Plotter {
    let directory: String
    let gnuplot: String

    /// Fails before any benchmark runs when gnuplot is missing.
    static func prepare(_ directory: String) throws(BenchError) -> Plotter {
        guard let gnuplot = QEMU.searchPath("gnuplot") else {
            throw BenchError("--plot needs gnuplot, which is not installed (apt-get install gnuplot-nox)")
        }
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw BenchError("--plot: cannot create \(directory): \(errnoText())")
        }
        return Plotter(directory: directory, gnuplot: gnuplot)
    }

    static let terminal = "set terminal pngcairo size 1000,600 noenhanced font 'sans,10'\n"

    /// Writes NAME.dat and NAME.gp, runs gnuplot, returns the PNG path.
    @discardableResult
    func draw(_ name: String, data: String, script: String) throws(BenchError) -> String {
        let dat = directory + "/" + name + ".dat"
        let gp = directory + "/" + name + ".gp"
        let png = directory + "/" + name + ".png"
        try writeTextFile(dat, data)
        try writeTextFile(gp, Self.terminal + "set output '\(png)'\nset datafile missing '?'\n" +
                          script.replacingPlaceholder("DATA", with: "'\(dat)'"))
        let r = try Subprocess.run([gnuplot, gp], stdout: .discard, stderr: .capture)
        guard r.status == 0 else { throw BenchError("gnuplot \(gp) failed:\n\(r.stderrText)") }
        return png
    }

    func plot(_ result: BootResult) throws(BenchError) -> [String] {
        // Waterfall: each traced phase as a bar from its start to its end (medians).
        var data = ""
        var start: Double = 0
        for p in result.phases where p.name != BootResult.totalLabel {
            guard let s = p.summary else { continue }
            let d = Double(s.median) / 1000
            data += "\"\(p.name)\" \(start) \(d)\n"
            start += d
        }
        let waterfall = try draw("boot-waterfall", data: data, script: """
            set title 'swiftlet run: boot phases (median of \(result.runs) runs, us)'
            set xlabel 'microseconds since exec'
            set yrange [-0.7:*] reverse
            set ytics nomirror
            set grid xtics
            set key off
            plot DATA using ($2+$3/2):0:2:($2+$3):($0-0.35):($0+0.35):ytic(1) with boxxyerror fill solid 0.6 lc rgb '#3366aa'
            """)
        // CDF of exec -> exit per column, log x (native is µs, QEMU seconds).
        var cdf = ""
        var plots: [String] = []
        // gnuplot numbers data blocks from 0 in file order; columns without samples
        // write no block, so count blocks rather than columns.
        for c in result.columns where !c.samples.isEmpty {
            let i = plots.count
            let sorted = c.samples.sorted()
            for (k, v) in sorted.enumerated() {
                cdf += "\(Double(v) / 1000) \(Double(k + 1) / Double(sorted.count))\n"
            }
            cdf += "\n\n"
            plots.append("DATA index \(i) using 1:2 with steps lw 2 title '\(c.name)'")
        }
        let cdfPNG = try draw("boot-cdf", data: cdf, script: """
            set title 'exec -> exit latency CDF'
            set xlabel 'microseconds (log scale)'
            set ylabel 'fraction of runs'
            set logscale x
            set yrange [0:1.05]
            set grid
            set key bottom right
            plot \(plots.joined(separator: ", "))
            """)
        return [waterfall, cdfPNG]
    }

    func plot(_ result: SyscallResult) throws(BenchError) -> [String] {
        let cols = result.columns.filter { $0.output != nil }
        var data = "call " + cols.map(\.name).joined(separator: " ") + "\n"
        for call in result.calls {
            data += call
            for c in cols {
                let (s, _) = result.cell(c, call)
                data += " " + (s.map { String(Double($0.median) / 1000) } ?? "?")
            }
            data += "\n"
        }
        let plots = cols.indices.map { i in
            "DATA using \(i + 2):xtic(1) title columnheader(\(i + 2))"
        }
        return [try draw("syscall-bars", data: data, script: """
            set title 'syscall latency, median ns per call (log scale; missing bar = not implemented)'
            set ylabel 'ns per call'
            set logscale y
            set style data histogram
            set style histogram cluster gap 1
            set style fill solid 0.7 border -1
            set xtics rotate by -35
            set grid ytics
            set key top left
            plot \(plots.joined(separator: ", "))
            """)]
    }

    func plot(_ result: DensityResult) throws(BenchError) -> [String] {
        var data = "K starts_per_s rss_mib host_mib\n"
        for l in result.levels {
            let rate = DensityResult.median(l.startRateMilli).map { String(Double($0) / 1000) } ?? "?"
            let rss = DensityResult.median(l.rssKiB).map { String(Double($0) / 1024) } ?? "?"
            let host = DensityResult.median(l.hostKiBPerVM).map { String(Double($0) / 1024) } ?? "?"
            data += "\(l.concurrent) \(rate) \(rss) \(host)\n"
        }
        return [try draw("density", data: data, script: """
            set title 'microVM density: start rate and host memory per idle microVM'
            set xlabel 'concurrent microVMs (K)'
            set logscale x 2
            set ylabel 'starts per second'
            set y2label 'MiB per microVM'
            set ytics nomirror
            set y2tics
            set yrange [0:*]
            set y2range [0:*]
            set grid
            set key top right
            plot DATA using 1:2 with linespoints lw 2 title 'starts/s', \\
                 DATA using 1:3 axes x1y2 with linespoints lw 2 title 'RSS per swiftlet (MiB)', \\
                 DATA using 1:4 axes x1y2 with linespoints lw 2 title 'MemAvailable drop per VM (MiB)'
            """)]
    }
}

extension String {
    func replacingPlaceholder(_ placeholder: String, with value: String) -> String {
        split(separator: placeholder, omittingEmptySubsequences: false).joined(separator: value)
    }
}
