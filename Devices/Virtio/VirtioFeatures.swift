/// Feature bits (virtio 1.2 §6 reserved bits, device-specific bits in §5.x). 64 bits,
/// exchanged 32 at a time through the *FeaturesSel registers.
public struct VirtioFeatures: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(bit: Int) { self.rawValue = 1 << UInt64(bit) }

    /// §6: descriptors may point at indirect tables.
    public static let indirectDescriptors = VirtioFeatures(bit: 28)
    /// §6: used_event / avail_event suppress notifications and interrupts.
    public static let eventIndex = VirtioFeatures(bit: 29)
    /// §6: a modern (1.x) driver. Mandatory here: legacy is not offered.
    public static let version1 = VirtioFeatures(bit: 32)
    /// §6: queues can be reset one at a time (QueueReset register).
    public static let ringReset = VirtioFeatures(bit: 40)

    /// What the transport offers on top of every device's own bits.
    public static let transport: VirtioFeatures = [.version1, .indirectDescriptors, .eventIndex, .ringReset]

    public var description: String { "0x" + String(rawValue, radix: 16) }
}
