import KernelASM

/// Brings up the virtio-mmio devices the VMM described in the device tree and routes
/// their interrupts (Devices/Virtio/README.md: slot order, console 0 = stdin/stdout,
/// console 1 = stderr, then the disks).
enum Drivers {
    /// (vector, handler) for each device interrupt line.
    nonisolated(unsafe) static var interruptHandlers: [(UInt64, () -> Void)] = []
    nonisolated(unsafe) static var interruptCount: UInt64 = 0

    static func initialize(tree: DeviceTree, ttyMask: UInt32) {
        let devices = tree.devices(compatible: "virtio,mmio")
        guard !devices.isEmpty else { return }
        if let ioapic = tree.devices(compatible: "intel,ce4100-ioapic").first { IOAPIC.configure(physical: ioapic.base) }
        IOAPIC.maskLegacyPIC()
        let memory = KernelDMA()
        let waiter = InterruptWaiter()
        DriverRegistry.userPages = KernelUserPages()
        var consoles: [VirtioConsolePort] = []
        for d in devices {
            guard let gsi = d.interrupt, gsi < 24, d.size >= 0x200 else {
                KernelLog.line("virtio: skipping \(hex(d.base)): no usable interrupt")
                continue
            }
            let registers = KernelMMIO(physical: d.base)
            let type: UInt32
            do throws(VirtioDriverError) { type = try VirtioMMIODriver.probe(registers) } catch {
                KernelLog.line("virtio: no virtio-mmio device at \(hex(d.base))")
                continue
            }
            let vector = IOAPIC.vectorBase + UInt64(gsi)
            do throws(VirtioDriverError) {
                switch type {
                case VirtioDeviceType.console:
                    let port = try VirtioConsolePort(registers: registers, memory: memory, waiter: waiter, hasInput: consoles.isEmpty)
                    consoles.append(port)
                    interruptHandlers.append((vector, { port.handleInterrupt() }))
                case VirtioDeviceType.block:
                    let diskWaiter = TaskWaiter()
                    let disk = try VirtioBlockDriver(registers: registers, memory: memory, waiter: diskWaiter)
                    DriverRegistry.disks.append(disk)
                    interruptHandlers.append((vector, { disk.handleInterrupt(); diskWaiter.deviceInterrupted() }))
                    KernelLog.line("virtio-blk: /dev/vd\(String(UnicodeScalar(UInt8(96 + DriverRegistry.disks.count)))) \(disk.capacity >> 20) MiB\(disk.readOnly ? " read-only" : ""), \(disk.maxDataSegments) segments")
                default:
                    KernelLog.line("virtio: device type \(type) at \(hex(d.base)) has no driver")
                    continue
                }
            } catch {
                KernelLog.line("virtio: device at \(hex(d.base)) failed to initialise")
                continue
            }
            IOAPIC.route(gsi: gsi, vector: vector)
        }
        if let stdio = consoles.first {
            DriverRegistry.console = VirtioConsoleDriver(stdio: stdio, stderr: consoles.count > 1 ? consoles[1] : nil,
                                                         inputIsTerminal: ttyMask & 1 != 0)
        }
    }

    /// Traps.handleInterrupt: true if `vector` belongs to a device (EOI is the caller's).
    static func dispatch(_ vector: UInt64) -> Bool {
        var handled = false
        for (v, handler) in interruptHandlers where v == vector {
            handler()
            handled = true
        }
        if handled { interruptCount &+= 1 }
        return handled
    }
}

/// The blocking request path's sleep: with one task, halt until the next interrupt
/// (the device's, or the timer tick as a backstop), then mask interrupts again.
final class InterruptWaiter: DriverWaiting {
    /// How long to poll the used ring before halting. A halt and the wake-up by the
    /// device's interrupt cost two trips through the hypervisor; the device's I/O
    /// thread often answers sooner than that. 0 disables polling.
    nonisolated(unsafe) static var pollNanoseconds: UInt64 = 30_000

    func pollBriefly(_ ready: () -> Bool) -> Bool {
        guard Self.pollNanoseconds > 0, let services = Kernel.services else { return false }
        let limit = Self.pollNanoseconds &* services.tscKHz / 1_000_000
        let start = k_rdtsc()
        while k_rdtsc() &- start < limit {
            if ready() { return true }
            k_pause()
        }
        return false
    }

    func waitForInterrupt() {
        Platform.heartbeat()
        Platform.idle()
        Platform.disableInterrupts()
    }
}

// --- area: diskyield ---
/// A disk's waiter: once tasks run, a task waiting for its request blocks on a wait
/// queue that the device's interrupt wakes, and other tasks run meanwhile. Before
/// the scheduler has a task (early boot) it halts like `InterruptWaiter`.
final class TaskWaiter: DriverWaiting {
    /// Tasks waiting for the used ring to advance.
    let completions = WaitQueue()
    /// Tasks waiting for the device to be free (`VirtioBlockDriver.acquire`).
    let turn = WaitQueue()
    let halting = InterruptWaiter()
    /// A lost interrupt must not hang the task: it re-checks the ring this often.
    static let backstopNanoseconds: UInt64 = 50_000_000
    nonisolated(unsafe) static var blocks: UInt64 = 0

    /// Polling only pays when nothing else could use the CPU: with another task ready
    /// to run, give it the CPU at once.
    func pollBriefly(_ ready: () -> Bool) -> Bool {
        if Scheduler.current != nil && Scheduler.runQueue.contains(where: { $0.state == .runnable }) { return false }
        return halting.pollBriefly(ready)
    }

    func waitForInterrupt() {
        guard Scheduler.current != nil, let s = Kernel.services else { halting.waitForInterrupt(); return }
        Self.blocks &+= 1
        // A signal ends the wait early; the caller re-checks the ring and waits again
        // (the request's buffers are in use until the device completes it).
        _ = completions.wait(deadline: s.monotonicNanoseconds() &+ Self.backstopNanoseconds)
    }

    func waitForTurn() {
        guard Scheduler.current != nil else { halting.waitForInterrupt(); return }
        _ = turn.wait()
    }

    func turnAvailable() { _ = turn.wakeOne() }

    var abandoned: Bool { Scheduler.current?.killed ?? false }

    /// From the device's interrupt handler: wake the waiters, and run them soon
    /// (wakeup preemption, as for a sleeper's deadline).
    func deviceInterrupted() {
        guard !completions.waiters.isEmpty else { return }
        let woken = completions.waiters
        completions.wakeAll()
        for t in woken where t.state == .runnable {
            if let i = Scheduler.runQueue.firstIndex(where: { $0 === t }), i > 0 {
                Scheduler.runQueue.insert(Scheduler.runQueue.remove(at: i), at: 0)
            }
        }
        if !Scheduler.idling, let c = Scheduler.current, c.state == .runnable { Scheduler.needResched = true }
    }
}
extension Drivers {
    /// Before a process's address space is freed: a request in flight may be DMAing
    /// into its pages (a thread ended while it waited for the disk). Halt until every
    /// disk's outstanding request completes (bounded: a dead device does not hang us).
    static func quiesceDisks() {
        for disk in DriverRegistry.disks where disk.busy {
            let q = disk.requests.queue
            var halts = 0
            while q.freeCount < Int(q.size) && !q.hasUsed && !disk.requests.broken && halts < 1000 {
                Platform.idle()
                Platform.disableInterrupts()
                halts += 1
            }
        }
    }
}
// --- end diskyield ---

/// Program pages for zero-copy descriptors, through the live page tables.
final class KernelUserPages: UserPageResolver {
    func physical(_ virtual: UInt64, write: Bool) -> UInt64? {
        Kernel.space?.resolve(virtual, write: write)
    }
}

