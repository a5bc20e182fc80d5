import CKVM

public enum IODirection: Sendable, Equatable {
    case `in`, out
}

/// Why KVM_RUN returned, decoded from kvm_run (Documentation/virt/kvm/api.rst §5).
public enum VCPUExit: Sendable, Equatable {
    /// Port I/O. The data (`size * count` bytes; count > 1 for string I/O such as
    /// `rep outsb`) lives at `dataOffset` inside kvm_run: see `VCPU.ioData`.
    case io(port: UInt16, direction: IODirection, size: UInt8, count: UInt32, dataOffset: UInt64)
    /// MMIO to an address with no memslot. For reads, fill the result with
    /// `VCPU.setMMIOReadData` before the next run.
    case mmio(address: UInt64, isWrite: Bool, length: UInt32, data: UInt64)
    /// HLT (only without an in-kernel irqchip).
    case hlt
    /// Triple fault or other shutdown.
    case shutdown
    /// KVM could not handle the exit (suberror 1 = emulation failure).
    case internalError(suberror: UInt32)
    /// VM entry failed; `reason` is the hardware entry failure reason.
    case failEntry(reason: UInt64)
    /// KVM_RUN returned EINTR/EAGAIN: a signal or immediate_exit (the watchdog kick).
    case interrupted
    /// KVM_EXIT_SYSTEM_EVENT (reset, shutdown, crash) with its type.
    case systemEvent(type: UInt32)
    case unknown(reason: UInt32)

    /// Decodes kvm_run after a successful KVM_RUN.
    static func decode(_ run: UnsafeMutablePointer<kvm_run>) -> VCPUExit {
        // SAFETY: `run` is the vCPU's live kvm_run mapping; only union members that match
        // exit_reason are read.
        let reason = Int32(bitPattern: run.pointee.exit_reason)
        switch reason {
        case KVM_EXIT_IO:
            let io = run.pointee.io
            return .io(port: io.port, direction: io.direction == UInt8(KVM_EXIT_IO_OUT) ? .out : .in,
                       size: io.size, count: io.count, dataOffset: io.data_offset)
        case KVM_EXIT_MMIO:
            let m = run.pointee.mmio
            let data = withUnsafeBytes(of: m.data) { $0.loadUnaligned(as: UInt64.self) }
            return .mmio(address: m.phys_addr, isWrite: m.is_write != 0, length: m.len, data: UInt64(littleEndian: data))
        case KVM_EXIT_HLT:
            return .hlt
        case KVM_EXIT_SHUTDOWN:
            return .shutdown
        case KVM_EXIT_INTERNAL_ERROR:
            return .internalError(suberror: run.pointee.internal.suberror)
        case KVM_EXIT_FAIL_ENTRY:
            return .failEntry(reason: run.pointee.fail_entry.hardware_entry_failure_reason)
        case KVM_EXIT_INTR:
            return .interrupted
        case KVM_EXIT_SYSTEM_EVENT:
            return .systemEvent(type: run.pointee.system_event.type)
        default:
            return .unknown(reason: UInt32(bitPattern: reason))
        }
    }
}
