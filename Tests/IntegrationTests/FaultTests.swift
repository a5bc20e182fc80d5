// A fault in the program (#PF, #UD, #DE) kills it with the matching signal:
// `swiftlet` exits 128+N, as a shell reports it, and names the signal on stderr.
import Testing

extension Integration {
    @Suite struct Faults {
        @Test(
            "a faulting program exits 128+signal and names the signal",
            arguments: [
                ("nullderef", Int32(139), "SIGSEGV"),
                ("ud2", Int32(132), "SIGILL"),
                ("divzero", Int32(136), "SIGFPE"),
            ])
        func fault(_ name: String, _ status: Int32, _ signal: String) {
            guard let r = Swiftlet.runImage(name) else { return }
            #expect(r.status == status, "\(r)")
            #expect(r.stdout.isEmpty, "\(r)")
            #expect(r.stderrLines.contains { $0.hasPrefix("swiftlet: ") && $0.contains(signal) }, "\(r)")
        }
    }
}
