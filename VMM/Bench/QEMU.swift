#if canImport(Glibc)
import Glibc
#endif
import Launch
import Machine

/// The comparison the issue asks for: QEMU `-M microvm` booting Debian's cloud kernel
/// with an initramfs whose /init is the same static program. Optional: without
/// qemu-system-x86_64 or a /boot/vmlinuz-* the columns say "qemu: not installed".
struct QEMU {
    let binary: String
    let kernel: String
    /// Host TSC rate, passed as `tsc_early_khz`: microvm has no PIT/HPET reference in
    /// TCG runs, and without it the kernel's timer check can hang (seen here).
    let tscKHz: UInt64

    enum Accel: String, CaseIterable { case kvm, tcg }

    /// nil and a reason when QEMU or a kernel is missing.
    static func find() -> (QEMU?, String) {
        guard let binary = searchPath("qemu-system-x86_64") else {
            return (nil, "qemu: not installed (apt-get install qemu-system-x86 linux-image-cloud-amd64)")
        }
        guard let kernel = newestKernel() else {
            return (nil, "qemu: no /boot/vmlinuz-* kernel (apt-get install linux-image-cloud-amd64)")
        }
        return (QEMU(binary: binary, kernel: kernel, tscKHz: measureTSCkHz()), "qemu: \(binary), kernel \(kernel)")
    }

    /// A cpio initramfs holding `program` as /init, plus `extras` (host path, guest path)
    /// as executables.
    func initramfs(program: String, extras: [(host: String, guest: String)] = [], into directory: String) throws(BenchError) -> String {
        guard let bytes = readFileBytes(program) else { throw BenchError("cannot read \(program)") }
        var files = [("/init", bytes)]
        for e in extras {
            guard let b = readFileBytes(e.host) else { throw BenchError("cannot read \(e.host)") }
            files.append((e.guest, b))
        }
        var cpio = CpioWriter()
        do throws(CpioError) {
            for (path, b) in files { try cpio.addFile(path, mode: 0o755, bytes: b) }
        } catch {
            throw BenchError("initramfs: \(error)")
        }
        let name = program.split(separator: "/").last.map(String.init) ?? "init"
        let path = directory + "/qemu-initramfs-\(name).cpio"
        try writeBytes(path, cpio.finish())
        return path
    }

    /// Boots once; the guest's serial console is the result's stdout. `initArgs` reach
    /// /init through the kernel command line (after "--").
    func boot(accel: Accel, initramfs: String, initArgs: [String], timeoutSeconds: Int) throws(BenchError) -> Subprocess.Result {
        var append = "console=ttyS0 quiet panic=-1 no_timer_check reboot=t tsc_early_khz=\(tscKHz)"
        if !initArgs.isEmpty { append += " -- " + initArgs.joined(separator: " ") }
        var argv = [binary, "-M", "microvm", "-accel", accel.rawValue, "-m", "256M",
                    "-kernel", kernel, "-initrd", initramfs, "-append", append,
                    "-nographic", "-nodefaults", "-no-reboot", "-serial", "stdio"]
        // `-cpu host` makes QEMU 7.2 abort on PVM (MSR 0x10a write refused); `max` gives
        // TCG an invariant TSC.
        if accel == .tcg { argv += ["-cpu", "max"] }
        return try Subprocess.run(argv, stdout: .capture, stderr: .capture, timeoutSeconds: timeoutSeconds)
    }

    static func searchPath(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = dir + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The lexically greatest /boot/vmlinuz-*, preferring the cloud flavour.
    static func newestKernel() -> String? {
        guard let d = opendir("/boot") else { return nil }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("vmlinuz-") { names.append(name) }
        }
        let cloud = names.filter { $0.contains("cloud") }
        guard let best = (cloud.isEmpty ? names : cloud).sorted().last else { return nil }
        return "/boot/" + best
    }

    static func measureTSCkHz() -> UInt64 {
        let t0 = Clock.nanos(), c0 = MonotonicClock.tsc()
        var t1 = t0, c1 = c0
        while t1 &- t0 < 10_000_000 { t1 = Clock.nanos(); c1 = MonotonicClock.tsc() }
        return UInt64(Double(c1 &- c0) * 1e6 / Double(t1 &- t0))
    }
}
