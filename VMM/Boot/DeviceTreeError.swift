/// Why the device tree could not be built.
public enum DeviceTreeError: Error, Equatable, Sendable {
    /// The tree does not fit in `limit` bytes (`BootLayout.fdtMaxSize`).
    case tooLarge(limit: UInt64)
    /// A string property (or an element of a string list) contains a NUL byte, which
    /// would silently split it for the guest.
    case stringContainsNUL(property: String)
    /// `random` must be exactly `BootConfig.randomSize` bytes.
    case badRandomLength(Int)
    /// The initrd range is reversed.
    case badInitrdRange(start: UInt64, end: UInt64)
    /// libfdt reported an error other than running out of space.
    case libfdt(code: Int32, message: String)

    public func describeProblem() -> String {
        switch self {
        case .tooLarge(let limit):
            return "device tree larger than \(limit) bytes (too many or too long arguments/environment)"
        case .stringContainsNUL(let p): return "boot property \(p) contains a NUL byte"
        case .badRandomLength(let n): return "boot random seed is \(n) bytes, expected \(BootConfig.randomSize)"
        case .badInitrdRange(let s, let e):
            return "initrd range 0x\(String(s, radix: 16))..0x\(String(e, radix: 16)) is reversed"
        case .libfdt(let code, let message): return "libfdt error \(code): \(message)"
        }
    }
}
