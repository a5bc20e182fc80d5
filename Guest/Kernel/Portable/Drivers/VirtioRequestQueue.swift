#if canImport(GuestABI)
import GuestABI
#endif

/// A blocking request path over one queue: add a chain, notify if the device wants
/// it, then sleep until the interrupt and harvest the used ring — never spin on a
/// register (every MMIO read is a VM exit).
public final class VirtioRequestQueue {
    public let driver: VirtioMMIODriver
    public let queue: DriverVirtqueue
    public let waiter: any DriverWaiting
    /// Requests and notifications, for BENCHMARKS.md.
    public private(set) var requests: UInt64 = 0
    public private(set) var notifications: UInt64 = 0
    public private(set) var sleeps: UInt64 = 0
    public private(set) var polls: UInt64 = 0

    public init(driver: VirtioMMIODriver, queue: DriverVirtqueue, waiter: any DriverWaiting) {
        self.driver = driver
        self.queue = queue
        self.waiter = waiter
    }

    /// Submits `segments` as one chain and waits for its completion. Returns the number
    /// of bytes the device wrote. EIO if the device needs a reset (it will never answer).
    public func perform(_ segments: [DMASegment]) throws(Errno) -> UInt32 {
        guard segments.count <= Int(queue.size) else { throw .EINVAL }
        var head: UInt16? = queue.add(segments)
        while head == nil {
            // Not enough free descriptors: earlier chains must complete first.
            try waitForProgress()
            _ = harvest(nil)
            head = queue.add(segments)
        }
        requests &+= 1
        if driver.kick(queue) { notifications &+= 1 }
        while true {
            if let length = harvest(head) { return length }
            try waitForProgress()
        }
    }

    /// Posts a chain without waiting (receive buffers). Returns its head.
    public func post(_ segments: [DMASegment]) -> UInt16? {
        guard let head = queue.add(segments) else { return nil }
        if driver.kick(queue) { notifications &+= 1 }
        return head
    }

    /// Drains the used ring; returns the length for `head` if it completed.
    public func harvest(_ head: UInt16?) -> UInt32? {
        var found: UInt32? = nil
        while let (h, length) = queue.nextUsed() {
            if h == head { found = length }
        }
        return found
    }

    /// Sleeps until the device makes progress on this queue.
    public func waitForProgress() throws(Errno) {
        if queue.hasUsed { return }
        if broken { throw .EIO }
        let q = queue
        if waiter.pollBriefly({ q.hasUsed }) { polls &+= 1; return }
        sleeps &+= 1
        fruitlessSleeps &+= 1
        // Any interrupt (the timer's too) ends a sleep; after many without progress,
        // ask the device whether it gave up (one register read).
        if fruitlessSleeps % Self.sleepsBeforeStatusCheck == 0 && driver.needsReset {
            broken = true
            throw .EIO
        }
        waiter.waitForInterrupt()
        if queue.hasUsed { fruitlessSleeps = 0 }
    }

    static let sleepsBeforeStatusCheck: UInt64 = 32
    private var fruitlessSleeps: UInt64 = 0

    /// Set when the device reported NEEDS_RESET.
    public var broken = false
}

/// Interrupt handling shared by the drivers. §4.2.3.4 reads InterruptStatus and
/// writes InterruptACK on every interrupt: two MMIO exits to the VMM per interrupt,
/// which measured as the only exits left on the data path. Our lines are edge
/// triggered (an irqfd pulse per used-buffer notification, whatever InterruptStatus
/// holds), so nothing needs the acknowledgement: the handler only lets the waiter
/// re-check the used ring (memory). NEEDS_RESET is found by `checkDevice` instead,
/// when a waiter has slept repeatedly without progress.
public enum VirtioInterruptHandling {
    /// Acknowledge on every interrupt, as the spec describes (costs two exits).
    nonisolated(unsafe) public static var acknowledges = false

    public static func acknowledge(_ driver: VirtioMMIODriver, _ queues: [VirtioRequestQueue]) {
        guard acknowledges else { return }
        let status = driver.acknowledgeInterrupt()
        if status & 2 != 0 && driver.needsReset {
            for q in queues { q.broken = true }
        }
    }
}
