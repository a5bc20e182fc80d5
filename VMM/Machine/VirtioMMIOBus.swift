#if canImport(Glibc)
import Glibc
#endif
import GuestABI
import GuestMemory
import KVM
import Synchronization
import Virtio

/// The virtio-mmio window at `BootLayout.mmioBase`: one 4 KiB slot per device, device i
/// at `mmioBase + i * 0x1000` on IOAPIC input `firstGSI + i`.
///
/// Hot path, with no exit to userspace: a QueueNotify write hits a KVM ioeventfd
/// (datamatch = queue index) that wakes the I/O thread; the I/O thread processes the
/// queue and pulses the device's irqfd. The setup registers (feature negotiation,
/// queue addresses, status) do exit, and are handled here on the vCPU thread under the
/// slot's lock, which the I/O thread also takes.
///
/// Interrupts are **edge-triggered**: an irqfd without resample asserts and deasserts
/// the GSI in one step (as `KVM_IRQ_LINE` 1 then 0), so the guest must program its
/// IOAPIC redirection entries edge-triggered, active-high. The guest reads
/// InterruptStatus, acknowledges with InterruptACK, and re-checks its used rings
/// after the ACK so that an edge during processing is never lost.
public final class VirtioMMIOBus: @unchecked Sendable {
    public static let firstGSI: UInt32 = 5
    /// IOAPIC inputs 5…23.
    public static let maxSlots = 19

    public final class Slot: @unchecked Sendable {
        public let index: Int
        public let base: UInt64
        public let gsi: UInt32
        public let name: String
        /// Only touched with `lock` held.
        public let transport: VirtioMMIOTransport
        let lock = Mutex<Void>(())
        /// One per queue, wired to QueueNotify with datamatch = queue index.
        public let notify: [EventFD]
        /// Wired to `gsi` through KVM_IRQFD.
        public let irq: EventFD
        /// Host fd whose readability feeds queue `inputQueue` (console stdin).
        public let inputFD: Int32?
        public let inputQueue: Int
        /// False once the input is over for good (EOF on a pipe); read under the lock.
        let inputOpen: () -> Bool

        init(index: Int, base: UInt64, gsi: UInt32, name: String, transport: VirtioMMIOTransport,
             notify: [EventFD], irq: EventFD, inputFD: Int32?, inputQueue: Int, inputOpen: @escaping () -> Bool) {
            self.index = index; self.base = base; self.gsi = gsi; self.name = name
            self.transport = transport; self.notify = notify; self.irq = irq
            self.inputFD = inputFD; self.inputQueue = inputQueue; self.inputOpen = inputOpen
        }

        /// Runs `body` on the transport under the slot lock.
        public func withTransport<R>(_ body: (VirtioMMIOTransport) -> R) -> R {
            lock.withLock { _ in body(transport) }
        }

        /// Processes a queue and pulses the interrupt if the device asks.
        @discardableResult
        public func process(queue: Int) -> Bool {
            let (raise, backlog) = withTransport { t in (t.processQueue(queue), t.hasBacklog[queue]) }
            if raise { irq.signal() }
            // Out of budget: come back through epoll, after the other devices' events.
            if backlog { notify[queue].signal() }
            return raise
        }
    }

    public let memory: any GuestMemoryAccess
    public private(set) var slots: [Slot?] = []
    /// Exits that reached us (setup registers, or notifies when no ioeventfd is wired).
    public let exits = Atomic<Int>(0)
    /// Rung when a device is activated or reset, so the I/O thread re-reads its sources.
    public let changed: EventFD
    private let vm: VirtualMachine?

    /// - Parameter vm: the VM to wire ioeventfd/irqfd into; nil for tests without KVM
    ///   (notifications then arrive as exits and interrupts are just eventfd signals).
    public init(memory: any GuestMemoryAccess, vm: VirtualMachine?) throws(MachineError) {
        self.memory = memory
        self.vm = vm
        self.changed = try EventFD()
    }

    public static func base(ofSlot i: Int) -> UInt64 { BootLayout.mmioBase + UInt64(i) * VirtioMMIORegister.slotSize }

    /// Puts `device` in slot `index` (slots may be left empty), wiring its notify
    /// addresses and interrupt line into KVM.
    @discardableResult
    public func attach(_ device: any VirtioDevice, slot index: Int, name: String, inputFD: Int32? = nil,
                       inputQueue: Int = 0, inputOpen: @escaping () -> Bool = { true }) throws(MachineError) -> Slot {
        guard index >= 0, index < Self.maxSlots else { throw .invalidConfig("virtio slot \(index) out of range") }
        while slots.count <= index { slots.append(nil) }
        guard slots[index] == nil else { throw .invalidConfig("virtio slot \(index) used twice") }
        let base = Self.base(ofSlot: index)
        let gsi = Self.firstGSI + UInt32(index)
        let transport = VirtioMMIOTransport(device: device, memory: memory, name: name)
        transport.logSink = { line in
            let text = "swiftlet: \(line)\n"
            _ = text.withCString { write(2, $0, strlen($0)) }
        }
        transport.clock = { MonotonicClock.micros() &* 1000 }
        var notify: [EventFD] = []
        for _ in device.queueMaxSizes { notify.append(try EventFD()) }
        let irq = try EventFD()
        if let vm {
            try kvm { () throws(KVMError) in
                for (q, fd) in notify.enumerated() {
                    try vm.registerIOEventFD(fd.raw, address: base + UInt64(VirtioMMIORegister.queueNotify), length: 4,
                                             pio: false, datamatch: UInt64(q))
                }
                try vm.registerIRQFD(irq.raw, gsi: gsi)
            }
        }
        let slot = Slot(index: index, base: base, gsi: gsi, name: name, transport: transport, notify: notify, irq: irq,
                        inputFD: inputFD, inputQueue: inputQueue, inputOpen: inputOpen)
        slots[index] = slot
        return slot
    }

    /// The devices for the device tree.
    public var nodes: [(base: UInt64, size: UInt64, gsi: UInt32)] {
        slots.compactMap { $0.map { ($0.base, VirtioMMIORegister.slotSize, $0.gsi) } }
    }

    /// An MMIO exit. Returns nil if `address` is outside every slot (the caller decides),
    /// else the value for a read (0 for writes).
    public func handle(address: UInt64, isWrite: Bool, length: UInt32, data: UInt64) -> UInt64? {
        guard address >= BootLayout.mmioBase else { return nil }
        let offset = address - BootLayout.mmioBase
        let index = Int(offset / VirtioMMIORegister.slotSize)
        guard index < slots.count, let slot = slots[index] else {
            return address < Self.base(ofSlot: Self.maxSlots) ? 0 : nil
        }
        exits.add(1, ordering: .relaxed)
        let reg = UInt32(offset % VirtioMMIORegister.slotSize)
        let width = Int(length)
        guard isWrite else {
            return UInt64(slot.withTransport { $0.read(offset: reg, width: width) })
        }
        let effect = slot.withTransport { $0.write(offset: reg, width: width, value: UInt32(truncatingIfNeeded: data)) }
        switch effect {
        case .none: break
        case .notify(let q):
            // Only without an ioeventfd: hand the work to the I/O thread all the same.
            slot.notify[q].signal()
        case .interrupt: slot.irq.signal()
        case .activated, .reset: changed.signal()
        }
        return 0
    }
}
