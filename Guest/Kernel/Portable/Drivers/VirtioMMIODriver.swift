#if canImport(GuestABI)
import GuestABI
#endif

/// Why a virtio device could not be brought up.
public enum VirtioDriverError: Error, Equatable {
    case notVirtio
    case unsupportedVersion(UInt32)
    case wrongDevice(UInt32)
    /// The device refused FEATURES_OK (§3.1.1 step 6).
    case featuresRefused
    case queueUnavailable(UInt16)
    case outOfMemory
}

/// The driver side of one virtio-mmio device (virtio 1.2 §4.2.3): the initialisation
/// sequence of §3.1.1, queue setup, notifications and interrupt acknowledgement.
public final class VirtioMMIODriver {
    public let registers: any MMIORegisters
    public let memory: any DMAMemory
    public private(set) var features: UInt64 = 0
    public private(set) var queues: [DriverVirtqueue] = []
    public let deviceID: UInt32
    typealias R = VirtioMMIOOffset

    /// Checks the magic value and version, then resets the device and sets ACKNOWLEDGE
    /// and DRIVER (§3.1.1 steps 1–3).
    ///
    /// Every register access is a VM exit (~50 µs under PVM), so set-up avoids the
    /// avoidable ones: see `setUpQueue`.
    public init(registers: any MMIORegisters, memory: any DMAMemory, expecting type: UInt32) throws(VirtioDriverError) {
        self.registers = registers
        self.memory = memory
        deviceID = try Self.probe(registers)
        guard deviceID == type else { throw .wrongDevice(deviceID) }
        registers.write32(R.status, 0)
        registers.write32(R.status, VirtioStatusBit.acknowledge)
        registers.write32(R.status, VirtioStatusBit.acknowledge | VirtioStatusBit.driver)
    }

    /// The device type behind `registers` (MagicValue and Version checked first).
    /// Remembers the last answer per register block, so discovery and `init` share
    /// the three reads.
    public static func probe(_ registers: any MMIORegisters) throws(VirtioDriverError) -> UInt32 {
        if let p = lastProbe, p.0 === registers { return p.1 }
        guard registers.read32(R.magicValue) == R.magic else { throw .notVirtio }
        let version = registers.read32(R.version)
        guard version == 2 else { throw .unsupportedVersion(version) }
        let id = registers.read32(R.deviceID)
        lastProbe = (registers, id)
        return id
    }
    nonisolated(unsafe) static var lastProbe: (AnyObject, UInt32)? = nil

    /// Steps 4–6: reads the offered features, accepts VERSION_1 plus whichever of
    /// `wanted` are offered, and checks that FEATURES_OK stuck. Returns the features.
    @discardableResult
    public func negotiate(wanted: UInt64) throws(VirtioDriverError) -> UInt64 {
        registers.write32(R.deviceFeaturesSel, 0)
        var offered = UInt64(registers.read32(R.deviceFeatures))
        registers.write32(R.deviceFeaturesSel, 1)
        offered |= UInt64(registers.read32(R.deviceFeatures)) << 32
        guard offered & VirtioFeatureBit.version1 != 0 else { throw .featuresRefused }
        let accepted = offered & (wanted | VirtioFeatureBit.version1)
        registers.write32(R.driverFeaturesSel, 0)
        registers.write32(R.driverFeatures, UInt32(truncatingIfNeeded: accepted))
        registers.write32(R.driverFeaturesSel, 1)
        registers.write32(R.driverFeatures, UInt32(truncatingIfNeeded: accepted >> 32))
        let s = VirtioStatusBit.acknowledge | VirtioStatusBit.driver | VirtioStatusBit.featuresOK
        registers.write32(R.status, s)
        guard registers.read32(R.status) & VirtioStatusBit.featuresOK != 0 else {
            registers.write32(R.status, s | VirtioStatusBit.failed)
            throw .featuresRefused
        }
        features = accepted
        return accepted
    }

    /// Step 7 for queue `index`: size min(QueueNumMax, `maxSize`), rings allocated
    /// and their addresses written, then QueueReady (§4.2.3.2).
    @discardableResult
    public func setUpQueue(_ index: UInt16, maxSize: UInt16 = 256) throws(VirtioDriverError) -> DriverVirtqueue {
        registers.write32(R.queueSel, UInt32(index))
        // QueueReady needs no check: the reset in `init` cleared it (§4.2.3.1.1 asks
        // drivers to check it only for a queue they did not reset).
        let deviceMax = registers.read32(R.queueNumMax)
        guard deviceMax > 0 else { throw .queueUnavailable(index) }
        var size = UInt16(truncatingIfNeeded: min(deviceMax, UInt32(maxSize)))
        // Largest power of two not above the limit (QueueNumMax need not be one).
        while size & (size - 1) != 0 { size &= size - 1 }
        guard let q = DriverVirtqueue(index: index, size: size, memory: memory,
                                      eventIndex: features & VirtioFeatureBit.eventIndex != 0) else {
            throw .outOfMemory
        }
        registers.write32(R.queueNum, UInt32(size))
        writePair(R.queueDescLow, q.descriptorTable)
        writePair(R.queueDriverLow, q.availableRing)
        writePair(R.queueDeviceLow, q.usedRing)
        registers.write32(R.queueReady, 1)
        while queues.count <= Int(index) { queues.append(q) }
        queues[Int(index)] = q
        return q
    }

    /// Step 8: the device is live.
    public func driverOK() {
        registers.write32(R.status, VirtioStatusBit.acknowledge | VirtioStatusBit.driver
                          | VirtioStatusBit.featuresOK | VirtioStatusBit.driverOK)
    }

    /// Tells the device about new buffers on `queue`, unless EVENT_IDX says it does
    /// not want to hear (the notification is the expensive part: an ioeventfd exit).
    /// Returns whether it notified.
    @discardableResult
    public func kick(_ queue: DriverVirtqueue) -> Bool {
        guard queue.shouldNotify() else { return false }
        registers.write32(R.queueNotify, UInt32(queue.index))
        return true
    }

    /// Reads and acknowledges InterruptStatus (§4.2.3.4).
    @discardableResult
    public func acknowledgeInterrupt() -> UInt32 {
        let s = registers.read32(R.interruptStatus)
        if s != 0 { registers.write32(R.interruptACK, s) }
        return s
    }

    /// NEEDS_RESET: the device stopped processing (a driver bug); requests fail.
    public var needsReset: Bool { registers.read32(R.status) & VirtioStatusBit.needsReset != 0 }

    public func configByte(_ offset: UInt32) -> UInt8 { registers.read8(R.config + offset) }
    public func config32(_ offset: UInt32) -> UInt32 { registers.read32(R.config + offset) }
    public func config64(_ offset: UInt32) -> UInt64 {
        UInt64(config32(offset)) | UInt64(config32(offset + 4)) << 32
    }

    /// The high half only when nonzero: reset zeroes the address registers, and guest
    /// RAM below 4 GiB (the usual case) saves an exit per address.
    private func writePair(_ low: UInt32, _ value: UInt64) {
        registers.write32(low, UInt32(truncatingIfNeeded: value))
        if value >> 32 != 0 { registers.write32(low + 4, UInt32(truncatingIfNeeded: value >> 32)) }
    }
}
