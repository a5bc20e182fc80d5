import Boot
import CKVM
import GuestABI
import GuestMemory
import HostCall
import KVM
import Machine
import X86State
#if canImport(Glibc)
import Glibc
#endif

/// `swiftlet run`: assemble the workload, build the VM, boot the kernel, relay the
/// program's I/O and exit status. Returns swiftlet's exit status (see `ExitCode`).
public enum Runner {
    /// Why the run loop stopped on a host call.
    enum Stop { case exit(status: Int32, signal: Int32, reason: String?), panic(String) }

    public static func run(_ options: RunOptions, defaultKernel: String, processStart: UInt64) -> Int32 {
        var trace = BootTrace(enabled: options.traceBoot, processStart: processStart)

        // The program and the initramfs.
        let workload: Workload
        do throws(WorkloadError) {
            workload = try Workload.assemble(program: options.program, arguments: options.arguments, adds: options.adds)
        } catch {
            return fail(error.message, error.exitCode)
        }

        // The kernel image.
        let kernelPath = options.kernelPath ?? defaultKernel
        guard case .success(let kernelBytes) = HostFiles.readFile(kernelPath) else {
            return fail("cannot read the guest kernel: \(kernelPath)")
        }
        let code = boot(options, workload: consume workload, kernelPath: kernelPath, kernelBytes: consume kernelBytes,
                        trace: &trace)
        // (boot has forked the teardown helper before dropping the Machine.)
        trace.mark("vm-torn-down")      // the Machine (fds, guest RAM) is gone by now
        trace.print()
        return code
    }

    static func fail(_ message: String, _ code: ExitCode = .swiftletFailed) -> Int32 {
        writeStderr("swiftlet: " + message + "\n")
        return code.rawValue
    }

    /// Takes the workload and the kernel image: once copied into guest RAM they are
    /// released, not held for the whole run (the initramfs is the size of the program,
    /// ~1.9 MiB for busybox; the kernel ~0.6 MiB; BENCHMARKS.md "VMM overhead").
    static func boot(_ options: RunOptions, workload: consuming Workload, kernelPath: String, kernelBytes: consuming [UInt8],
                     trace: inout BootTrace) -> Int32 {

        // The VM.
        let timeout: Double? = options.timeout.map { seconds($0) }
        let config = MachineConfig(memorySize: options.memory, hugePages: true,
                                   watchdogSeconds: max(seconds(options.watchdog), 0.01),
                                   timeoutSeconds: timeout, kernelLog: options.kernelLog)
        let machine: Machine
        do throws(MachineError) { machine = try Machine(config: config) } catch {
            return fail(error.message)
        }
        trace.mark("kvm-ready")
        trace.calibrate(machine: machine)

        // virtio devices (issue 4): disks when asked for; the consoles per
        // `virtioConsoleWanted` (BENCHMARKS.md "virtio" has the boot-time measurement).
        var virtio: VirtioDeviceSet? = nil
        let consoles = options.virtioConsole || virtioConsoleWanted()
        if !options.disks.isEmpty || consoles {
            do throws(MachineError) {
                virtio = try VirtioDeviceSet(machine: machine, console: consoles, disks: options.disks.map {
                    VirtioDiskConfig(path: $0.path, readOnly: $0.readOnly, direct: $0.direct)
                })
            } catch {
                return fail(error.message)
            }
        }

        let host = machine.hostPlatform
        let platform: BootPlatform
        switch options.platform {
        case .auto: platform = host.bootPlatform
        case .pvm:
            guard host == .pvm else { return fail("--platform pvm: this host's /dev/kvm is not PVM (it is \(host))") }
            platform = .pvm
        case .emulated: platform = .ring0
        }

        // Guest memory: kernel image, boot tables, initramfs at the top of RAM, FDT.
        let memory = machine.memory
        let loaded: LoadedKernel
        do throws(KernelLoadError) { loaded = try KernelImage.load(kernelBytes, into: memory) } catch {
            return fail("guest kernel \(kernelPath): \(error.describeProblem())")
        }
        let initrdSize = UInt64(workload.initramfs.count)
        let initrdStart = (memory.size &- initrdSize) & ~0xfff
        // The kernel needs its image, a heap and room for the program's pages below it.
        let minimumGap: UInt64 = 12 << 20
        guard initrdSize < memory.size, initrdStart > loaded.physicalEnd, initrdStart - loaded.physicalEnd >= minimumGap else {
            let need = (loaded.physicalEnd + minimumGap + initrdSize + (1 << 20) - 1) >> 20
            return fail("--memory \(options.memory >> 20)M is too small for the kernel and a \(initrdSize >> 10) KiB program image (need at least \(need)M)")
        }
        let tssVirtual = BootLayout.directMapBase + 0x9000
        let segments: BootSegments
        do throws(GuestMemoryError) {
            try memory.writeBytes(workload.initramfs, at: GuestAddress(initrdStart))
            try BootPageTables.write(into: memory, userBitEverywhere: host == .pvm)
            segments = try BootGDT.write(into: memory, tssBase: tssVirtual, tssLimit: 0x67)
        } catch {
            return fail("cannot set up guest memory: \(error)")
        }
        let initPath = workload.initPath
        _ = consume workload
        _ = consume kernelBytes
        #if canImport(Glibc)
        // Reading and packing them left ~1 MiB of freed chunks resident inside the brk
        // heap (measured with busybox); hand those pages back before the long run.
        _ = malloc_trim(0)
        #endif

        var random = [UInt8](repeating: 0, count: BootConfig.randomSize)
        let urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard urandom >= 0, random.withUnsafeMutableBytes({ read(urandom, $0.baseAddress, $0.count) }) == random.count else {
            return fail("cannot read /dev/urandom for the guest's random seed")
        }
        close(urandom)
        var ws = winsize()
        let haveWinsize = ioctl(1, UInt(TIOCGWINSZ), &ws) == 0 || ioctl(0, UInt(TIOCGWINSZ), &ws) == 0
        var ttyMask: UInt32 = 0
        for fd: Int32 in 0...2 where isatty(fd) == 1 { ttyMask |= 1 << UInt32(fd) }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var boot = BootConfig(
            memorySize: memory.size, initrdStart: initrdStart, initrdEnd: initrdStart + initrdSize,
            platform: platform, pteUserAll: host == .pvm, tscKHz: UInt32(clamping: machine.tscKHz ?? 0),
            realtimeNanoseconds: UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec),
            trace: options.traceBoot, ttyMask: ttyMask,
            windowRows: haveWinsize ? ws.ws_row : 0, windowColumns: haveWinsize ? ws.ws_col : 0,
            initPath: initPath, argv: options.argv, envp: options.envp, random: random,
            selfTest: options.selfTest, testHang: options.testHang)
        boot.kernelLog = options.kernelLog
        boot.pvmReturn = options.pvmReturn ?? getenv("SWIFTLET_PVM_RETURN").flatMap {
            RunOptions.pvmReturnModes.firstIndex(of: String(cString: $0)).map { UInt32($0) }
        } ?? 0
        boot.virtioDevices = virtio?.deviceTreeNodes ?? []
        do {
            let fdt = try DeviceTreeBuilder.build(boot)
            try memory.writeBytes(fdt, at: GuestAddress(BootLayout.fdt))
        } catch let error as DeviceTreeError {
            return fail("cannot build the device tree: \(error.describeProblem())")
        } catch {
            return fail("cannot write the device tree: \(error)")
        }
        do throws(MachineError) {
            try machine.start(entry: loaded.entry, rdi: BootLayout.fdt, rsi: platform.rawValue,
                              segments: segments)
        } catch {
            return fail(error.message)
        }
        trace.mark("memory-ready")
        if options.traceBoot {
            writeStderr("swiftlet: host /dev/kvm: \(host), guest kernel mode: \(platform == .pvm ? "pvm-native" : "ring0")\n")
        }

        // Run. Only the host-call port is ours; the serial port is handled by Machine.
        signal(SIGPIPE, SIG_IGN)
        do throws(MachineError) { try virtio?.start() } catch { return fail(error.message) }
        defer { virtio?.stop() }
        let device = HostCallDevice(memory: memory, streams: FileDescriptorStreams())
        let outcome = machine.run(virtio: virtio?.bus) { (access: PortAccess) -> PortResult<Stop> in
            guard access.port == HostCallPort.request else { return .unhandled }
            guard access.direction == .out, access.size == 4 else { return .continue }
            switch device.handle(requestAddress: access.value) {
            case .continue: return .continue
            case .exit(let status, let signal, let reason): return .stop(.exit(status: status, signal: signal, reason: reason))
            case .panic(let message): return .stop(.panic(message))
            }
        }
        trace.addGuest(device.traceRecords)
        if options.traceBoot {
            let c = machine.exitCounts
            writeStderr("swiftlet: exits: total \(c.total) io \(c.io) (serial \(c.serial)) mmio \(c.mmio) kicks \(c.interrupted) other \(c.other)\n")
        }
        /// The guest's own log ring, for failure reports (read after the vCPU stopped).
        func guestLog() -> String {
            guard !options.kernelLog,
                  let ring = try? memory.readBytes(at: GuestAddress(BootLayout.logRing), count: Int(BootLayout.logRingSize)) else { return "" }
            let tail = KernelLogRing.tail(ring, limit: 4096)
            return tail.isEmpty ? "" : "\nkernel log (last \(tail.count) bytes):\n" + String(decoding: tail, as: UTF8.self)
        }

        Teardown.detachVMDestruction()
        let code: Int32
        switch outcome {
        case .stopped(.exit(let status, let signal, let reason)):
            if let reason, !reason.isEmpty { writeStderr("swiftlet: " + reason + "\n") }
            code = ExitCode.forProgram(status: status, signal: signal)
        case .stopped(.panic(let message)):
            code = fail("guest kernel panic: " + message + guestLog())
        case .watchdog(let report):
            code = fail("the guest made no progress for \(config.watchdogSeconds) s (watchdog); stopped it\n" + report)
        case .timeout(let report):
            code = fail("the run exceeded --timeout \(timeout ?? 0) s; stopped it\n" + report)
        case .tripleFault(let report):
            code = fail("the guest kernel crashed (triple fault)\n" + report + guestLog())
        case .internalError(let sub, let report):
            code = fail("KVM could not run the guest (internal error \(sub))\n" + report + guestLog())
        case .failEntry(let reason, let report):
            code = fail("KVM refused to enter the guest (reason \(reason))\n" + report)
        case .halted:
            code = fail("the guest kernel halted without reporting an exit status")
        default:
            code = fail("the VM stopped unexpectedly: \(outcome.kind)")
        }
        return code
    }

    /// The program's stdio over virtio-console instead of host calls. Off by default:
    /// measured, the two consoles add ~2–3 ms of set-up exits in the guest and ~7 ms
    /// of VMM set-up (min) to a ~20 ms boot (BENCHMARKS.md "virtio").
    /// SWIFTLET_VIRTIO_CONSOLE=1/0 overrides the default.
    static func virtioConsoleWanted() -> Bool {
        if let v = getenv("SWIFTLET_VIRTIO_CONSOLE") { return v.pointee == UInt8(ascii: "1") }
        return virtioConsoleDefault
    }
    static let virtioConsoleDefault = false

    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
