import GuestMemory

/// What a device model implements; the transport (`VirtioMMIOTransport`) does the
/// rest. Devices are pure (DESIGN.md §4.3): they touch guest memory through the
/// protocol and the host through their own backend protocol, and report what happened.
public protocol VirtioDevice: AnyObject {
    /// §5 device type.
    var deviceID: UInt32 { get }
    /// Device-specific feature bits (the transport adds `VirtioFeatures.transport`).
    var deviceFeatures: VirtioFeatures { get }
    /// QueueNumMax of each queue; the count is the number of queues.
    var queueMaxSizes: [UInt16] { get }
    /// The device configuration space (§4.2.2 offset 0x100 onwards).
    var configSpace: [UInt8] { get }
    /// A driver write into the configuration space (most devices ignore it).
    func writeConfig(offset: Int, bytes: [UInt8])
    /// DRIVER_OK: the device goes live with these features.
    func activate(features: VirtioFeatures)
    /// Reset (§2.4): drop every in-flight request and forget the features.
    func reset()
    /// Process `queue` until it is empty or the device must wait for its backend.
    /// Malformed requests are completed with the device's error status; ring-level
    /// violations are thrown and become NEEDS_RESET.
    func process(queueIndex: Int, queue: inout SplitQueue, memory: any GuestMemoryAccess) throws(VirtqueueError) -> QueueOutcome
}

/// What one `process` call did.
public struct QueueOutcome: Equatable, Sendable {
    /// Used entries were added (the transport decides on the interrupt).
    public var usedAdded = 0
    /// Requests completed with an error status (malformed or failed on the backend).
    public var requestErrors = 0
    public init(usedAdded: Int = 0, requestErrors: Int = 0) {
        self.usedAdded = usedAdded; self.requestErrors = requestErrors
    }
}

extension VirtioDevice {
    public func writeConfig(offset: Int, bytes: [UInt8]) {}
}
