import KVM
import GuestMemory

/// Failures setting up or starting a machine (guest misbehaviour while running is a
/// `RunOutcome`, not an error).
public enum MachineError: Error, Sendable, CustomStringConvertible {
    case kvm(KVMError)
    case memory(GuestMemoryError)
    /// A configuration value we refuse (with the reason).
    case invalidConfig(String)
    /// pthread_create/eventfd for the watchdog failed.
    case thread(errno: Int32)

    public var message: String {
        switch self {
        case .kvm(let e): return e.message
        case .memory(.outOfBounds(let a, let l)):
            return "guest memory access out of bounds: 0x\(String(a, radix: 16)) + \(l)"
        case .memory(.allocationFailed(let size, let e)):
            return "cannot allocate \(size) bytes of guest RAM (errno \(e))"
        case .invalidConfig(let why): return "invalid machine configuration: \(why)"
        case .thread(let e): return "cannot start the vCPU watchdog thread (errno \(e))"
        }
    }

    public var description: String { message }
}

/// Runs a KVM call and wraps its error, so `Machine` code can use typed throws throughout.
@inline(__always)
func kvm<T>(_ body: () throws(KVMError) -> T) throws(MachineError) -> T {
    do { return try body() } catch { throw .kvm(error) }
}

@inline(__always)
func guestMemory<T>(_ body: () throws(GuestMemoryError) -> T) throws(MachineError) -> T {
    do { return try body() } catch { throw .memory(error) }
}
