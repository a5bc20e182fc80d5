import GuestABI
import GuestMemory
import KVM

/// One microVM: a KVM VM with one memslot of guest RAM, the in-kernel irqchip and one
/// vCPU, plus the serial port. `start` sets the 64-bit entry state; `run` drives the
/// vCPU on the calling thread until something stops it.
public final class Machine {
    public let config: MachineConfig
    public let system: KVMSystem
    public let vm: VirtualMachine
    public let vcpu: VCPU
    /// Guest RAM, slot 0 at GPA 0.
    public let memory: GuestRAM
    /// The table given to KVM_SET_CPUID2 (KVM_GET_SUPPORTED_CPUID as is).
    public let cpuid: CPUIDTable
    public let hostPlatform: HostPlatform
    /// Guest TSC frequency (kHz), nil if unknown.
    public let tscKHz: UInt64?
    /// How long platform detection took (it runs on every start-up).
    public let platformDetectionMicros: UInt64
    /// The kernel log UART.
    public let serial: Serial16550
    /// Exits by kind, accumulated over all runs.
    public internal(set) var exitCounts = ExitCounts()

    /// Guest-physical address of the heartbeat word the guest kernel bumps on every
    /// syscall, trap and timer tick; the watchdog treats a change as progress.
    public static let heartbeatAddress = GuestAddress(BootLayout.pvPage + 0x100)

    public init(config: MachineConfig) throws(MachineError) {
        try config.validate()
        self.config = config
        let system = try kvm { () throws(KVMError) in try KVMSystem() }
        let vm = try kvm { () throws(KVMError) in try system.createVM() }
        let memory = try guestMemory { () throws(GuestMemoryError) in
            try GuestRAM(size: config.memorySize, hugePages: config.hugePages)
        }
        let (vcpu, cpuid) = try kvm { () throws(KVMError) in
            try vm.setSystemAddresses()
            // Order matters for start-up time: the memslot goes in *before* the irqchip.
            // Measured on the PVM host: after KVM_CREATE_IRQCHIP the first
            // KVM_SET_USER_MEMORY_REGION takes 6–14 ms; before it, 50–100 µs.
            try vm.setUserMemoryRegion(slot: 0, guestAddress: 0, size: memory.size,
                                       hostAddress: memory.hostAddressForKVM)
            // Before any vCPU exists (KVM requirement).
            try vm.createIRQChip()
            let vcpu = try vm.createVCPU(id: 0)
            let cpuid = try system.supportedCPUID(maxEntries: 256)
            try vcpu.setCPUID(cpuid)
            return (vcpu, cpuid)
        }
        let info = HostPlatform.detect(vcpu: vcpu)
        self.system = system
        self.vm = vm
        self.vcpu = vcpu
        self.memory = memory
        self.cpuid = cpuid
        self.hostPlatform = info.platform
        self.tscKHz = info.tscKHz
        self.platformDetectionMicros = info.detectionMicros
        self.serial = Serial16550(echo: config.kernelLog)
    }

    /// The guest heartbeat word (0 if RAM is too small to hold it).
    public var heartbeat: UInt64 {
        (try? memory.load(UInt64.self, at: Self.heartbeatAddress)) ?? 0
    }
}
