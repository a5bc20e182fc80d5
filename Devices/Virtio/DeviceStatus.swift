/// The device status field (virtio 1.2 §2.1). The driver only ever adds bits; writing
/// zero resets the device.
public struct DeviceStatus: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let acknowledge = DeviceStatus(rawValue: 1)
    public static let driver = DeviceStatus(rawValue: 2)
    public static let driverOK = DeviceStatus(rawValue: 4)
    public static let featuresOK = DeviceStatus(rawValue: 8)
    public static let needsReset = DeviceStatus(rawValue: 64)
    public static let failed = DeviceStatus(rawValue: 128)

    public var description: String { "0x" + String(rawValue, radix: 16) }
}

/// The status state machine as one transition function (DESIGN.md §4.9). The driver's
/// write is checked against §3.1.1's order: ACKNOWLEDGE → DRIVER → FEATURES_OK →
/// DRIVER_OK, never clearing a bit except by writing 0.
public enum StatusTransition: Equatable, Sendable {
    /// Write of 0: full device reset (§2.4).
    case reset
    /// Accepted; `newStatus` is what reads back.
    case accept(DeviceStatus)
    /// FEATURES_OK requested: the transport must check the negotiated features.
    case negotiateFeatures(DeviceStatus)
    /// DRIVER_OK requested: the device goes live.
    case activate(DeviceStatus)
    /// Out of order or clears bits: ignored and counted.
    case reject

    public static func evaluate(current: DeviceStatus, written raw: UInt32) -> StatusTransition {
        if raw == 0 { return .reset }
        let new = DeviceStatus(rawValue: raw)
        // The device owns NEEDS_RESET; a driver echoing it back is harmless.
        let driverBits = new.subtracting(.needsReset)
        let known: DeviceStatus = [.acknowledge, .driver, .featuresOK, .driverOK, .failed]
        guard known.isSuperset(of: driverBits) else { return .reject }
        // Bits only accumulate.
        guard driverBits.isSuperset(of: current.subtracting(.needsReset)) else { return .reject }
        if driverBits.contains(.failed) { return .accept(driverBits.union(current.intersection(.needsReset))) }
        // Each stage requires the previous ones.
        if driverBits.contains(.driver) && !driverBits.contains(.acknowledge) { return .reject }
        if driverBits.contains(.featuresOK) && !driverBits.contains(.driver) { return .reject }
        if driverBits.contains(.driverOK) && !driverBits.contains(.featuresOK) { return .reject }
        let result = driverBits.union(current.intersection(.needsReset))
        if driverBits.contains(.driverOK) && !current.contains(.driverOK) {
            // FEATURES_OK must have been accepted earlier, not in the same write.
            guard current.contains(.featuresOK) else { return .reject }
            return .activate(result)
        }
        if driverBits.contains(.featuresOK) && !current.contains(.featuresOK) { return .negotiateFeatures(result) }
        return .accept(result)
    }
}
