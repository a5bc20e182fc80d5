// The fuzz harness over the virtio transport, the split queue and the device request
// parsing, with arbitrary guest memory contents. Shared by the libFuzzer target
// (Tests/Fuzz/FuzzVirtio.swift) and the corpus replay unit test.
//
// Input layout (all little-endian; missing bytes read as zero):
//   [0]      bit 0: 0 = virtio-blk, 1 = virtio-console; bit 1: read-only disk /
//            terminal console; bit 2: no EVENT_IDX; bit 3: no INDIRECT_DESC;
//            bit 7: replay register writes from the control block first
//   [1..2]   QueueNum
//   [3..4]   descriptor table GPA   [5..6] avail ring GPA   [7..8] used ring GPA
//   [9]      processing rounds (1…4)     [10] queue to process
//   [11..42] control block: 4 register writes (u8 offset/4, u32 value) + spare
//   [43…]    guest memory image from GPA 0 (64 KiB of RAM); for the console, the same
//            bytes are also its stdin
import GuestABI
import Block
import Console
import GuestMemory
import Virtio

/// The fuzz input interpreter (layout above).
public enum VirtioFuzzHarness {
    static let ramSize: UInt64 = 64 << 10
    static let headerSize = 43

    @inline(__always) static func byte(_ d: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt8 { i < d.count ? d[i] : 0 }
    @inline(__always) static func u16(_ d: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt16 { UInt16(byte(d, i)) | UInt16(byte(d, i + 1)) << 8 }
    @inline(__always) static func u32(_ d: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 { UInt32(u16(d, i)) | UInt32(u16(d, i + 2)) << 16 }

    /// One fuzz input: set a device up from the control bytes and process its queues.
    public static func run(_ d: UnsafeBufferPointer<UInt8>) {
        let flags = byte(d, 0)
        guard let memory = try? GuestRAM(size: ramSize) else { return }
        let image = d.count > headerSize ? Array(d[headerSize..<min(d.count, headerSize + Int(ramSize))]) : []
        try? memory.writeBytes(image, at: GuestAddress(0))

        let device: any VirtioDevice
        if flags & 1 == 0 {
            let disk = MemoryBlockBackend(size: 32 << 10, fill: 0xa5)
            guard let blk = try? BlockDevice(backend: disk, readOnly: flags & 2 != 0) else { return }
            device = blk
        } else {
            let input: [MemoryConsoleBackend.Input] = [.data(Array(image.prefix(300))), .eof, .data([1, 2, 3])]
            device = ConsoleDevice(backend: MemoryConsoleBackend(input: input, terminal: flags & 2 != 0), hasInput: true)
        }
        let t = VirtioMMIOTransport(device: device, memory: memory)
        typealias R = VirtioMMIORegister
        func w(_ r: UInt32, _ v: UInt32) { t.write(offset: r, width: 4, value: v) }

        if flags & 0x80 != 0 {
            for k in 0..<4 {
                let at = 11 + 5 * k
                t.write(offset: UInt32(byte(d, at)) * 4, width: 4, value: u32(d, at + 1))
            }
        }
        var features: VirtioFeatures = .transport
        if flags & 4 != 0 { features.remove(.eventIndex) }
        if flags & 8 != 0 { features.remove(.indirectDescriptors) }
        w(R.status, 0); w(R.status, 1); w(R.status, 3)
        w(R.driverFeaturesSel, 0); w(R.driverFeatures, UInt32(truncatingIfNeeded: features.rawValue))
        w(R.driverFeaturesSel, 1); w(R.driverFeatures, UInt32(truncatingIfNeeded: features.rawValue >> 32))
        w(R.status, 11)
        for q in 0..<t.queues.count {
            w(R.queueSel, UInt32(q))
            w(R.queueNum, UInt32(u16(d, 1)))
            w(R.queueDescLow, UInt32(u16(d, 3)))
            w(R.queueDriverLow, UInt32(u16(d, 5)))
            w(R.queueDeviceLow, UInt32(u16(d, 7)))
            w(R.queueReady, 1)
        }
        w(R.status, 15)
        let rounds = Int(byte(d, 9) % 4) + 1
        let queue = Int(byte(d, 10)) % max(t.queues.count, 1)
        for _ in 0..<rounds {
            _ = t.processQueue(queue)
            _ = t.processQueue(t.queues.count - 1 - queue)
        }
        // Whatever happened, the device is either live or asking for a reset, and a reset
        // always brings it back to a clean state.
        precondition(t.isLive || t.status.contains(.needsReset) || !t.status.contains(.driverOK))
        w(R.status, 0)
        precondition(t.status == [] && t.queues.allSatisfy { !$0.ready })
    }
}
