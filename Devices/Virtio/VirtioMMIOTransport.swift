import GuestABI
import GuestMemory

/// The virtio-mmio register file (virtio 1.2 §4.2.2, version 2) of one device as a pure
/// state machine. The VMM calls `read`/`write` for MMIO exits (on the vCPU thread) and
/// `processQueue` for notifications (on the I/O thread); it must serialise them (one
/// lock per device). Nothing the guest writes can make this trap: bad accesses are
/// counted and ignored, ring violations set NEEDS_RESET and raise a config interrupt.
public final class VirtioMMIOTransport {
    public let device: any VirtioDevice
    public let memory: any GuestMemoryAccess
    public private(set) var queues: [SplitQueue]
    public private(set) var status = DeviceStatus()
    public private(set) var driverFeatures = VirtioFeatures()
    public private(set) var interruptStatus = VirtioInterrupt()
    public private(set) var configGeneration: UInt32 = 0
    public private(set) var counters = VirtioCounters()
    /// Per queue: the last `processQueue` ran out of budget with work left; the VMM
    /// must call it again (after serving other devices).
    public private(set) var hasBacklog: [Bool]
    private var queueInReset: [Bool]
    private var deviceFeaturesSel: UInt32 = 0
    private var driverFeaturesSel: UInt32 = 0
    private var queueSel: UInt32 = 0

    /// Where rate-limited diagnostics go (stderr in the VMM; nothing by default).
    public var logSink: ((String) -> Void)?
    /// Monotonic nanoseconds for the rate limiter.
    public var clock: () -> UInt64 = { 0 }
    private var limiter = RateLimiter()
    public let name: String

    public init(device: any VirtioDevice, memory: any GuestMemoryAccess, name: String = "virtio") {
        self.device = device
        self.memory = memory
        self.name = name
        self.queues = device.queueMaxSizes.map { SplitQueue(maxSize: $0) }
        self.hasBacklog = device.queueMaxSizes.map { _ in false }
        self.queueInReset = self.hasBacklog
    }

    /// Everything the device offers.
    public var offeredFeatures: VirtioFeatures { device.deviceFeatures.union(.transport) }
    public var isLive: Bool { status.contains(.driverOK) && !status.contains(.needsReset) && !status.contains(.failed) }

    // MARK: Register access

    /// A driver read of `width` bytes at `offset` within the device's slot.
    public func read(offset: UInt32, width: Int) -> UInt32 {
        if offset >= VirtioMMIORegister.config { return readConfig(offset: Int(offset - VirtioMMIORegister.config), width: width) }
        guard width == 4, offset % 4 == 0 else { return badAccess("read of \(width) bytes at 0x\(String(offset, radix: 16))", 0) }
        typealias R = VirtioMMIORegister
        switch offset {
        case R.magicValue: return R.magic
        case R.version: return R.versionModern
        case R.deviceID: return device.deviceID
        case R.vendorID: return R.vendor
        case R.deviceFeatures:
            switch deviceFeaturesSel {
            case 0: return UInt32(truncatingIfNeeded: offeredFeatures.rawValue)
            case 1: return UInt32(truncatingIfNeeded: offeredFeatures.rawValue >> 32)
            default: return 0
            }
        case R.queueNumMax: return selectedQueue.map { UInt32($0.maxSize) } ?? 0
        case R.queueNum: return selectedQueue.map { UInt32($0.size) } ?? 0
        case R.queueReady: return selectedQueue.map { $0.ready ? 1 : 0 } ?? 0
        case R.interruptStatus: return interruptStatus.rawValue
        case R.status: return status.rawValue
        case R.queueDescLow: return low(selectedQueue?.descriptorTable)
        case R.queueDescHigh: return high(selectedQueue?.descriptorTable)
        case R.queueDriverLow: return low(selectedQueue?.availableRing)
        case R.queueDriverHigh: return high(selectedQueue?.availableRing)
        case R.queueDeviceLow: return low(selectedQueue?.usedRing)
        case R.queueDeviceHigh: return high(selectedQueue?.usedRing)
        case R.shmLenLow, R.shmLenHigh: return 0xffff_ffff // no shared memory regions
        // §2.6.1: reads 1 from the (immediate) reset until the queue is enabled again.
        case R.queueReset: return Int(queueSel) < queues.count && queueInReset[Int(queueSel)] ? 1 : 0
        case R.configGeneration: return configGeneration
        default: return badAccess("read of unknown register 0x\(String(offset, radix: 16))", 0)
        }
    }

    /// What a register write asks the VMM to do.
    public enum WriteEffect: Equatable, Sendable {
        case none
        /// QueueNotify: process this queue (when not wired to an ioeventfd).
        case notify(queue: Int)
        /// Raise the device's interrupt line.
        case interrupt
        /// The device went live (DRIVER_OK): start watching its backend.
        case activated
        /// Reset: stop watching its backend.
        case reset
    }

    /// A driver write of `width` bytes at `offset`.
    @discardableResult
    public func write(offset: UInt32, width: Int, value: UInt32) -> WriteEffect {
        if offset >= VirtioMMIORegister.config {
            writeConfig(offset: Int(offset - VirtioMMIORegister.config), width: width, value: value)
            return .none
        }
        guard width == 4, offset % 4 == 0 else { return badAccess("write of \(width) bytes at 0x\(String(offset, radix: 16))", .none) }
        typealias R = VirtioMMIORegister
        switch offset {
        case R.deviceFeaturesSel: deviceFeaturesSel = value
        case R.driverFeaturesSel: driverFeaturesSel = value
        case R.driverFeatures:
            // §3.1.1: features are written between DRIVER and FEATURES_OK.
            guard status.contains(.driver), !status.contains(.featuresOK) else {
                return badAccess("DriverFeatures written in status \(status)", .none)
            }
            switch driverFeaturesSel {
            case 0: driverFeatures = VirtioFeatures(rawValue: (driverFeatures.rawValue & ~0xffff_ffff) | UInt64(value))
            case 1: driverFeatures = VirtioFeatures(rawValue: (driverFeatures.rawValue & 0xffff_ffff) | UInt64(value) << 32)
            default: if value != 0 { return badAccess("DriverFeatures bank \(driverFeaturesSel)", .none) }
            }
        case R.queueSel: queueSel = value
        case R.queueNum:
            // Out-of-range sizes become 0, which validation rejects at QueueReady.
            return withConfigurableQueue { q in q.size = value <= 0xffff ? UInt16(value) : 0 }
        case R.queueDescLow, R.queueDescHigh, R.queueDriverLow, R.queueDriverHigh, R.queueDeviceLow, R.queueDeviceHigh:
            return withConfigurableQueue { q in
                switch offset {
                case R.queueDescLow: q.descriptorTable = setLow(q.descriptorTable, value)
                case R.queueDescHigh: q.descriptorTable = setHigh(q.descriptorTable, value)
                case R.queueDriverLow: q.availableRing = setLow(q.availableRing, value)
                case R.queueDriverHigh: q.availableRing = setHigh(q.availableRing, value)
                case R.queueDeviceLow: q.usedRing = setLow(q.usedRing, value)
                default: q.usedRing = setHigh(q.usedRing, value)
                }
            }
        case R.queueReady: return writeQueueReady(value)
        case R.queueNotify:
            guard value < UInt32(queues.count) else { return badAccess("notify of queue \(value)", .none) }
            return .notify(queue: Int(value))
        case R.interruptACK:
            interruptStatus.subtract(VirtioInterrupt(rawValue: value))
        case R.status: return writeStatus(value)
        case R.queueReset:
            guard value == 1, driverFeatures.contains(.ringReset), Int(queueSel) < queues.count else {
                return badAccess("QueueReset \(value)", .none)
            }
            queues[Int(queueSel)].reset()
            queueInReset[Int(queueSel)] = true
        case R.shmSel: break
        default: return badAccess("write of unknown register 0x\(String(offset, radix: 16))", .none)
        }
        return .none
    }

    // MARK: Queue processing

    /// Processes `index` (after a notification or backend readiness). Returns true if the
    /// VMM must raise the interrupt line. A ring violation sets NEEDS_RESET.
    public func processQueue(_ index: Int) -> Bool {
        guard isLive, index >= 0, index < queues.count, queues[index].ready else { return false }
        var outcome = QueueOutcome()
        queues[index].budget = 2 * Int(queues[index].size)
        defer { if queues.indices.contains(index) { hasBacklog[index] = queues[index].budget <= 0; queues[index].budget = .max } }
        do throws(VirtqueueError) {
            // Drain, re-arm (EVENT_IDX), and drain again if the driver raced us.
            repeat {
                let o = try device.process(queueIndex: index, queue: &queues[index], memory: memory)
                outcome.usedAdded += o.usedAdded
                outcome.requestErrors += o.requestErrors
                // A device waiting for its backend (no input yet) leaves chains pending.
                if o.usedAdded == 0, try queues[index].pendingCount(memory: memory) > 0 { break }
                if queues[index].budget <= 0 { break }
            } while try queues[index].armNotification(memory: memory)
            counters.requestsCompleted += outcome.usedAdded
            counters.requestErrors += outcome.requestErrors
            if outcome.requestErrors > 0 { log("\(outcome.requestErrors) request(s) failed on queue \(index)") }
            guard outcome.usedAdded > 0 else { return false }
            if try queues[index].needsInterrupt(memory: memory) {
                counters.interruptsRaised += 1
                interruptStatus.insert(.usedBuffer)
                return true
            }
            counters.interruptsSuppressed += 1
            return false
        } catch {
            return protocolViolation("queue \(index): \(error)")
        }
    }

    /// Sets NEEDS_RESET and the config-change interrupt (§2.1.2). Returns true: the VMM
    /// must raise the line.
    @discardableResult
    public func protocolViolation(_ why: String) -> Bool {
        counters.protocolViolations += 1
        log("protocol violation, device needs reset: " + why)
        guard !status.contains(.needsReset) else { return false }
        status.insert(.needsReset)
        interruptStatus.insert(.configChange)
        counters.interruptsRaised += 1
        return true
    }

    // MARK: Private

    private var selectedQueue: SplitQueue? {
        Int(queueSel) < queues.count ? queues[Int(queueSel)] : nil
    }

    /// Queue registers may change only while the queue is not ready (§4.2.3.2).
    private func withConfigurableQueue(_ body: (inout SplitQueue) -> Void) -> WriteEffect {
        guard Int(queueSel) < queues.count else { return badAccess("queue \(queueSel) does not exist", .none) }
        guard !queues[Int(queueSel)].ready else { return badAccess("queue \(queueSel) reconfigured while ready", .none) }
        body(&queues[Int(queueSel)])
        return .none
    }

    private func writeQueueReady(_ value: UInt32) -> WriteEffect {
        guard Int(queueSel) < queues.count else { return badAccess("QueueReady for queue \(queueSel)", .none) }
        let i = Int(queueSel)
        if value == 0 {
            queues[i].ready = false
            return .none
        }
        guard value == 1, status.contains(.featuresOK) else { return badAccess("QueueReady \(value) in status \(status)", .none) }
        do throws(VirtqueueError) {
            try queues[i].validate(memory: memory)
        } catch {
            return protocolViolation("queue \(i): \(error)") ? .interrupt : .none
        }
        queues[i].eventIndex = driverFeatures.contains(.eventIndex)
        queues[i].indirect = driverFeatures.contains(.indirectDescriptors)
        queues[i].ready = true
        queueInReset[i] = false
        return .none
    }

    private func writeStatus(_ value: UInt32) -> WriteEffect {
        switch StatusTransition.evaluate(current: status, written: value) {
        case .reset:
            resetDevice()
            return .reset
        case .accept(let s):
            status = s
        case .negotiateFeatures(let s):
            // §3.1.1 step 5: refuse (FEATURES_OK stays clear) unless the driver took a
            // subset of what we offered, including VERSION_1.
            if driverFeatures.isSubset(of: offeredFeatures) && driverFeatures.contains(.version1) {
                status = s
            } else {
                status = s.subtracting(.featuresOK)
                counters.badRegisterAccesses += 1
                log("feature negotiation failed: driver wants \(driverFeatures), offered \(offeredFeatures)")
            }
        case .activate(let s):
            status = s
            device.activate(features: driverFeatures)
            return .activated
        case .reject:
            return badAccess("status write \(value) in status \(status)", .none)
        }
        return .none
    }

    private func resetDevice() {
        device.reset()
        for i in queues.indices { queues[i].reset(); queueInReset[i] = false; hasBacklog[i] = false }
        status = []
        driverFeatures = []
        interruptStatus = []
        deviceFeaturesSel = 0
        driverFeaturesSel = 0
        queueSel = 0
        configGeneration &+= 1
        counters.resets += 1
    }

    private func readConfig(offset: Int, width: Int) -> UInt32 {
        let space = device.configSpace
        guard [1, 2, 4].contains(width), offset >= 0, offset + width <= space.count else {
            return badAccess("config read of \(width) bytes at \(offset)", 0)
        }
        var v: UInt32 = 0
        for i in 0..<width { v |= UInt32(space[offset + i]) << (8 * UInt32(i)) }
        return v
    }

    private func writeConfig(offset: Int, width: Int, value: UInt32) {
        let space = device.configSpace
        guard [1, 2, 4].contains(width), offset >= 0, offset + width <= space.count else {
            _ = badAccess("config write of \(width) bytes at \(offset)", 0)
            return
        }
        device.writeConfig(offset: offset, bytes: (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) })
    }

    private func badAccess<T>(_ what: String, _ result: T) -> T {
        counters.badRegisterAccesses += 1
        log(what)
        return result
    }

    private func log(_ message: String) {
        guard let logSink else { return }
        if limiter.allow(now: clock()) { logSink("\(name): \(message)") }
    }

    private func low(_ a: GuestAddress?) -> UInt32 { UInt32(truncatingIfNeeded: a?.raw ?? 0) }
    private func high(_ a: GuestAddress?) -> UInt32 { UInt32(truncatingIfNeeded: (a?.raw ?? 0) >> 32) }
    private func setLow(_ a: GuestAddress, _ v: UInt32) -> GuestAddress { GuestAddress((a.raw & ~0xffff_ffff) | UInt64(v)) }
    private func setHigh(_ a: GuestAddress, _ v: UInt32) -> GuestAddress { GuestAddress((a.raw & 0xffff_ffff) | UInt64(v) << 32) }
}
