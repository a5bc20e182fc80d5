import KernelASM

/// The kernel's first Swift code. entry.S has already chosen the platform path (and,
/// under PVM, switched to native mode), set up a stack and recorded the entry TSC.
@_cdecl("kmain")
func kmain(_ fdtPhysical: UInt64, _ platformWord: UInt64) {
    Platform.detect()
    Platform.detectFeatures()
    FPU.detect()
    // A provisional heap right after the image, enough to parse the device tree; the
    // frame allocator moves the limit once it knows the size of RAM.
    let kernelEnd = k_addr_kernel_end()
    k_heap_init(kernelEnd, kernelEnd + (4 << 20))

    let fdtBytes = UnsafeRawBufferPointer(start: Phys.pointer(fdtPhysical), count: Int(BootLayout.fdtMaxSize))
    guard let tree = DeviceTree(Array(fdtBytes)) else { kernelPanic("no valid device tree at \(hex(fdtPhysical))") }
    let ramSize = tree.property("/memory", "reg").map { r -> UInt64 in
        r.count >= 16 ? UInt64(DeviceTree.be32(r, 8)) << 32 | UInt64(DeviceTree.be32(r, 12)) : 0
    } ?? 0
    guard ramSize >= BootLayout.minRAM else { kernelPanic("memory size \(ramSize) is too small") }
    let initrdStart = tree.u64("/chosen", DTName.initrdStart) ?? 0
    let initrdEnd = tree.u64("/chosen", DTName.initrdEnd) ?? 0
    // Frames grow down from below the initramfs (which the VMM put at the top of RAM
    // and which stays mapped forever: tmpfs files point into it).
    let frameTop = initrdStart > 0 && initrdStart < ramSize ? initrdStart & ~0xfff : ramSize
    Frames.initialize(top: frameTop, bottom: Phys.phys(kernelEnd))
    Platform.pteUserAll = (tree.u32("/chosen", DTName.pteUserAll) ?? 0) != 0
    KernelLog.toSerial = (tree.u32("/chosen", DTName.kernelLog) ?? 0) != 0
    Platform.setFastReturn(tree.u32("/chosen", DTName.pvmReturn) ?? 0)   // area: PVM fast return

    CPU.setUp()
    LocalAPIC.start()
    HostCalls.initialize()
    let services = GuestServices(tree: tree)
    Drivers.initialize(tree: tree, ttyMask: services.ttyMask)
    Kernel.services = services
    ClockEvents.start()                                     // area: hrtimer: the first tick
    Kernel.traceEnabled = (tree.u32("/chosen", DTName.trace) ?? 0) != 0
    Kernel.tracePoint(.kernelEntry, tsc: boot_entry_tsc)

    KernelLog.line("swiftlet kernel: platform: \(Platform.name), memory \(ramSize >> 20) MiB, tsc \(services.tscKHz) kHz")

    if (tree.u32("/chosen", DTName.selfTest) ?? 0) != 0 { SelfTest.run(services) }
    if (tree.u32("/chosen", DTName.testHang) ?? 0) != 0 {
        KernelLog.line("test hook: hanging in the kernel")
        k_hang()
    }

    // The root file system from the initramfs.
    var initramfs: UnsafeRawBufferPointer? = nil
    if initrdEnd > initrdStart && initrdEnd <= ramSize {
        initramfs = UnsafeRawBufferPointer(start: Phys.pointer(initrdStart), count: Int(initrdEnd - initrdStart))
    }
    let fs: FSContext
    do throws(Errno) { fs = try makeRootFileSystem(services: services, initramfs: initramfs) } catch {
        kernelPanic("cannot unpack the initramfs: errno \(error.rawValue)")
    }

    // PID 1: the user's program, in its own address space.
    guard let root = AddressSpaces.create() else { kernelPanic("out of memory for the first address space") }
    AddressSpaces.activate(root)
    let map = MemoryMap(mmapBase: Exec.stackTop - Exec.stackSize - (1 << 30))
    let space = UserSpace(map: map, root: root)
    ResourceLimits.maxTasks = max(64, Frames.total / 128)   // area: limits: threads-max, 1 per 512 KiB
    Process.findProcess = { pid in ProcessTable.find(pid)?.process }
    ProcFS.kernelHeapBytes = { k_heap_used() }
    let process = Process(pid: 1, user: space, services: services, files: FileTable(), fs: fs)
    process.memory = map
    process.startMonotonic = services.monotonicNanoseconds()
    Process.cpuClock = { Timers.cpuClock(thread: $0) }        // area: timers
    Process.cpuClockById = { Timers.cpuClock(id: $0) }
    ProcFS.kernelStat = { ProcessTable.procStat($0) }                 // area: jobctl2: zombies too
    ProcFS.processes = { ProcessTable.entries.map { $0.process } }
    ProcFS.kernelThreads = { ProcessTable.procThreads($0) }            // area: proctask
    ProcFS.currentTid = { Scheduler.current.tid }
    let entry = ProcessEntry(process: process, space: space, parent: nil)
    let task = Task(tid: 1, process: process, space: space)
    task.entry = entry
    entry.tasks.append(task)
    ProcessTable.entries.append(entry)
    Scheduler.current = task
    installStandardStreams(process)

    let path: [UInt8] = Array((tree.property("/chosen", DTName.initPath) ?? []).prefix { $0 != 0 })
    let argv = tree.stringList("/chosen", DTName.argv)
    let envp = tree.stringList("/chosen", DTName.envp)
    var random = [UInt8](repeating: 0, count: 16)
    random.withUnsafeMutableBytes { services.fillRandom($0) }
    let start: Exec.Entry
    do throws(Errno) {
        start = try Exec.load(process, space: space, path: path, argv: argv, envp: envp, random: random)
    } catch {
        // The VMM checked the ELF already, so this is memory exhaustion or a bad image.
        let what = error == .ENOMEM ? "not enough memory to load the program" : "cannot execute the program (errno \(error.rawValue))"
        Kernel.terminate(status: error == .ENOMEM ? 125 : 126, signal: 0, reason: "exec: " + what)
    }
    Kernel.tracePoint(.kernelInitDone)

    // Leave for user mode from the task's own kernel stack: syscalls and traps from
    // user mode land on it from now on.
    kernel_stack_top = task.stackTop
    CPU.tss?.storeBytes(of: task.stackTop, toByteOffset: 4, as: UInt64.self)
    let frame = task.frame
    frame.initialize(to: TrapFrame(r15: 0, r14: 0, r13: 0, r12: 0, r11: 0, r10: 0, r9: 0, r8: 0,
                                   rbp: 0, rdi: 0, rsi: 0, rdx: 0, rcx: 0, rbx: 0, rax: 0,
                                   vector: TrapFrame.syscallVector, error: 0,
                                   rip: start.rip, cs: UInt64(Selector.userCode), rflags: 0x202,
                                   rsp: start.rsp, ss: UInt64(Selector.userData)))
    returnToUser(frame)
    Kernel.tracePoint(.programEntry)
    enter_user(frame)
}
