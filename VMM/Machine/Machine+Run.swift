#if canImport(Glibc)
import Glibc
#endif
import GuestABI
import KVM

extension Machine {
    /// Runs vCPU 0 on the calling thread until the handler stops it, the guest dies, the
    /// watchdog sees no progress for `watchdogSeconds`, or `timeoutSeconds` pass.
    /// Serial ports are handled here; every other port goes to `ioHandler`. MMIO exits in
    /// the virtio window go to `virtio` (register setup; queue notifications normally
    /// never exit, they hit the bus's ioeventfds).
    public func run<Stop>(virtio: VirtioMMIOBus? = nil, ioHandler: (PortAccess) -> PortResult<Stop>) -> RunOutcome<Stop> {
        let watchdog: WatchdogThread
        do throws(MachineError) {
            try WatchdogThread.prepareCallingThread()
            watchdog = try WatchdogThread(kicker: vcpu.kicker, target: pthread_self(),
                                          periodMicros: config.effectiveKickMicros)
            try watchdog.start()
        } catch {
            return .hostFailure(error.message)
        }
        defer {
            watchdog.stop()
            vcpu.immediateExit = false
            serial.flush()
        }

        var progress = ProgressMonitor(start: MonotonicClock.micros(), rip: (try? vcpu.getRegisters())?.rip,
                                       heartbeat: heartbeat,
                                       stallMicros: UInt64(config.watchdogSeconds * 1_000_000),
                                       timeoutMicros: config.timeoutSeconds.map { UInt64($0 * 1_000_000) })
        while true {
            let exit: VCPUExit
            watchdog.inGuest.store(true, ordering: .sequentiallyConsistent)
            do throws(KVMError) {
                exit = try vcpu.run()
                watchdog.inGuest.store(false, ordering: .sequentiallyConsistent)
            } catch {
                return .hostFailure(error.message)
            }
            switch exit {
            case .io(let port, let direction, let size, let count, let offset):
                exitCounts.io += 1
                if let stop = handlePortIO(port: port, direction: direction, size: size, count: count,
                                           offset: offset, ioHandler: ioHandler) {
                    return .stopped(stop)
                }
                // An exit is proof of life, and time the handler spent (waiting for
                // stdin, say) must not count as a stalled guest.
                progress.noteActivity(now: MonotonicClock.micros())
            case .mmio(let address, let isWrite, let length, let data):
                // The virtio window goes to the bus; elsewhere writes are dropped and
                // reads see zeros.
                exitCounts.mmio += 1
                let value = virtio?.handle(address: address, isWrite: isWrite, length: length, data: data) ?? 0
                if !isWrite { vcpu.setMMIOReadData(value) }
                progress.noteActivity(now: MonotonicClock.micros())
            case .interrupted:
                exitCounts.interrupted += 1
                vcpu.immediateExit = false
                let rip = (try? vcpu.getRegisters())?.rip
                switch progress.sample(now: MonotonicClock.micros(), rip: rip, heartbeat: heartbeat) {
                case .ok: break
                case .stalled: return .watchdog(failureReport("watchdog: no progress for \(config.watchdogSeconds) s"))
                case .timedOut: return .timeout(failureReport("timeout after \(config.timeoutSeconds ?? 0) s"))
                }
            case .hlt:
                exitCounts.other += 1
                return .halted
            case .shutdown:
                exitCounts.other += 1
                return .tripleFault(failureReport("triple fault (KVM_EXIT_SHUTDOWN)"))
            case .internalError(let sub):
                exitCounts.other += 1
                return .internalError(sub, failureReport("KVM internal error, suberror \(sub)"))
            case .failEntry(let reason):
                exitCounts.other += 1
                return .failEntry(reason, failureReport("VM entry failed, reason 0x\(String(reason, radix: 16))"))
            case .systemEvent(let type):
                exitCounts.other += 1
                return .systemEvent(type, failureReport("system event \(type)"))
            case .unknown(let reason):
                exitCounts.other += 1
                return .hostFailure(failureReport("unexpected KVM exit reason \(reason)"))
            }
        }
    }

    /// One KVM_EXIT_IO, possibly a string instruction of `count` elements of `size` bytes.
    /// Returns the handler's stop value, if it asked to stop.
    private func handlePortIO<Stop>(port: UInt16, direction: IODirection, size: UInt8, count: UInt32,
                                    offset: UInt64, ioHandler: (PortAccess) -> PortResult<Stop>) -> Stop? {
        let width = Int(size)
        let (total, overflow) = width.multipliedReportingOverflow(by: Int(count))
        guard [1, 2, 4].contains(width), count > 0, !overflow,
              var data = direction == .out ? vcpu.ioData(offset: offset, count: total) : [UInt8](repeating: 0xff, count: total)
        else {
            exitCounts.unknownPort += 1
            return nil
        }
        let serialBase = HostCallPort.serial
        let isSerial = port >= serialBase && port - serialBase < Serial16550.portCount
        if isSerial { exitCounts.serial += 1 }
        var stop: Stop? = nil
        for i in 0..<Int(count) {
            let at = i * width
            if isSerial {
                // The UART has byte registers; wider accesses use the low byte.
                if direction == .out {
                    serial.write(offset: port - serialBase, value: data[at])
                } else {
                    data[at] = serial.read(offset: port - serialBase)
                    for j in 1..<width { data[at + j] = 0 }
                }
                continue
            }
            var value: UInt64 = 0
            if direction == .out {
                for j in 0..<width { value |= UInt64(data[at + j]) << (8 * j) }
            }
            switch ioHandler(PortAccess(port: port, direction: direction, size: size, value: value)) {
            case .continue:
                break
            case .value(let v):
                if direction == .in { for j in 0..<width { data[at + j] = UInt8(truncatingIfNeeded: v >> (8 * j)) } }
            case .unhandled:
                exitCounts.unknownPort += 1
            case .stop(let s):
                stop = s
            }
            if stop != nil { break }
        }
        if direction == .in { vcpu.setIOData(data, offset: offset) }
        return stop
    }
}

/// The watchdog's bookkeeping: the last time RIP or the heartbeat changed.
struct ProgressMonitor {
    enum Verdict { case ok, stalled, timedOut }

    let start: UInt64
    var lastRIP: UInt64?
    var lastHeartbeat: UInt64
    var lastProgress: UInt64
    let stallMicros: UInt64
    let timeoutMicros: UInt64?

    init(start: UInt64, rip: UInt64?, heartbeat: UInt64, stallMicros: UInt64, timeoutMicros: UInt64?) {
        self.start = start
        self.lastRIP = rip
        self.lastHeartbeat = heartbeat
        self.lastProgress = start
        self.stallMicros = stallMicros
        self.timeoutMicros = timeoutMicros
    }

    /// The guest exited to us: it is not stuck in the host.
    mutating func noteActivity(now: UInt64) { lastProgress = now }

    mutating func sample(now: UInt64, rip: UInt64?, heartbeat: UInt64) -> Verdict {
        if let t = timeoutMicros, now &- start >= t { return .timedOut }
        if rip != lastRIP || heartbeat != lastHeartbeat {
            lastRIP = rip
            lastHeartbeat = heartbeat
            lastProgress = now
            return .ok
        }
        return now &- lastProgress >= stallMicros ? .stalled : .ok
    }
}
