#if canImport(Glibc)
import Glibc
#endif
import CKVM
import Synchronization
import Virtio

/// The event loop thread of DESIGN.md §1: epoll over every queue's ioeventfd, the
/// console's input fd and a control eventfd. It processes queues (the device models
/// do the backend I/O: preadv/pwritev/readv/writev straight into guest RAM) and
/// raises interrupts through each device's irqfd. The vCPU thread never does queue work.
///
/// Input fds are armed EPOLLONESHOT and only while the device is live and has receive
/// buffers: readable stdin with nowhere to put it must not spin the loop. A regular
/// file cannot be polled (epoll says EPERM); it is read whenever the driver posts
/// buffers, which never blocks.
public final class IOThread: @unchecked Sendable {
    private enum Token {
        static func notify(slot: Int, queue: Int) -> UInt64 { 1 << 48 | UInt64(slot) << 16 | UInt64(queue) }
        static func input(slot: Int) -> UInt64 { 2 << 48 | UInt64(slot) << 16 }
        static let stop: UInt64 = 3 << 48
        static let changed: UInt64 = 4 << 48
    }

    public let bus: VirtioMMIOBus
    private let epfd: Int32
    private let stopFD: EventFD
    private var thread: pthread_t = 0
    private var running = false
    /// Per slot: is its input fd currently in the epoll set (armed), or unpollable.
    private var inputArmed: [Bool]
    private var inputRegistered: [Bool]
    private var inputUnpollable: [Bool]
    /// Wake-ups handled, for tests and benchmarks.
    public let wakeups = Atomic<Int>(0)

    public init(bus: VirtioMMIOBus) throws(MachineError) {
        self.bus = bus
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw .invalidConfig("epoll_create1 failed: errno \(errno)") }
        stopFD = try EventFD()
        let n = bus.slots.count
        inputArmed = Array(repeating: false, count: n)
        inputRegistered = Array(repeating: false, count: n)
        inputUnpollable = Array(repeating: false, count: n)
        try add(stopFD.raw, token: Token.stop)
        try add(bus.changed.raw, token: Token.changed)
        for case let slot? in bus.slots {
            for (q, fd) in slot.notify.enumerated() { try add(fd.raw, token: Token.notify(slot: slot.index, queue: q)) }
        }
    }

    deinit {
        stop()
        close(epfd)
    }

    private func add(_ fd: Int32, token: UInt64) throws(MachineError) {
        var ev = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: token))
        guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 else {
            throw .invalidConfig("epoll_ctl failed: errno \(errno)")
        }
    }

    public func start() throws(MachineError) {
        guard !running else { return }
        let context = Unmanaged.passRetained(self).toOpaque()
        let r = pthread_create(&thread, nil, { raw in
            // SAFETY: `raw` is the retained IOThread passed below; released here.
            let me = Unmanaged<IOThread>.fromOpaque(raw!).takeRetainedValue()
            me.loop()
            return nil
        }, context)
        guard r == 0 else {
            Unmanaged<IOThread>.fromOpaque(context).release()
            throw .thread(errno: r)
        }
        running = true
    }

    /// Stops and joins the thread, after one last pass over every queue so that output
    /// the guest already queued is written before we return.
    public func stop() {
        guard running else { return }
        stopFD.signal()
        pthread_join(thread, nil)
        running = false
    }

    private func loop() {
        var events = [epoll_event](repeating: epoll_event(), count: 32)
        rearmInputs()
        while true {
            let n = events.withUnsafeMutableBufferPointer { epoll_wait(epfd, $0.baseAddress, Int32($0.count), -1) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            for i in 0..<Int(n) {
                wakeups.add(1, ordering: .relaxed)
                let token = events[i].data.u64
                switch token >> 48 {
                case 1:
                    let slotIndex = Int((token >> 16) & 0xffff), queue = Int(token & 0xffff)
                    guard let slot = bus.slots[slotIndex] else { continue }
                    slot.notify[queue].drain()
                    slot.process(queue: queue)
                    if slot.inputFD != nil && queue == slot.inputQueue { rearmInput(slot) }
                case 2:
                    let slotIndex = Int((token >> 16) & 0xffff)
                    guard let slot = bus.slots[slotIndex] else { continue }
                    inputArmed[slotIndex] = false
                    slot.process(queue: slot.inputQueue)
                    rearmInput(slot)
                case 3:
                    stopFD.drain()
                    finalPass()
                    return
                default:
                    bus.changed.drain()
                    rearmInputs()
                }
            }
        }
    }

    /// Writes whatever the guest queued for output before the machine goes away.
    private func finalPass() {
        for case let slot? in bus.slots {
            for q in slot.notify.indices where !(slot.inputFD != nil && q == slot.inputQueue) {
                slot.process(queue: q)
            }
        }
    }

    private func rearmInputs() {
        for case let slot? in bus.slots where slot.inputFD != nil { rearmInput(slot) }
    }

    /// Arms the input fd (oneshot) iff the device is live and has receive buffers.
    private func rearmInput(_ slot: VirtioMMIOBus.Slot) {
        guard let fd = slot.inputFD, !inputUnpollable[slot.index], !inputArmed[slot.index] else { return }
        let wanted = slot.withTransport { t -> Bool in
            guard t.isLive, slot.inputOpen() else { return false }
            return ((try? t.queues[slot.inputQueue].pendingCount(memory: t.memory)) ?? 0) > 0
        }
        guard wanted else { return }
        var ev = epoll_event(events: EPOLLIN.rawValue | EPOLLONESHOT.rawValue,
                             data: epoll_data_t(u64: Token.input(slot: slot.index)))
        let op = inputRegistered[slot.index] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD
        if epoll_ctl(epfd, op, fd, &ev) == 0 {
            inputRegistered[slot.index] = true
            inputArmed[slot.index] = true
        } else if errno == EPERM {
            // A regular file: always readable, read when the driver posts buffers.
            inputUnpollable[slot.index] = true
            slot.process(queue: slot.inputQueue)
        }
    }
}
