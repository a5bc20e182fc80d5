#if canImport(Glibc)
import Glibc
#endif
import Block
import Boot
import Console
import Virtio

/// One `--disk PATH[:ro][:direct]`.
public struct VirtioDiskConfig: Equatable, Sendable {
    public var path: String
    public var readOnly: Bool
    public var direct: Bool
    public init(path: String, readOnly: Bool = false, direct: Bool = false) {
        self.path = path; self.readOnly = readOnly; self.direct = direct
    }
}

/// The fixed slot layout of the virtio window (what the guest driver can rely on):
///
/// | slot | address      | GSI | device                                         |
/// |------|--------------|-----|------------------------------------------------|
/// | 0    | 0xd000_0000  | 5   | console: receiveq = stdin, transmitq = stdout  |
/// | 1    | 0xd000_1000  | 6   | console: transmitq = stderr (receiveq unused)  |
/// | 2+i  | 0xd000_2000+ | 7+i | virtio-blk for the i-th `--disk` (/dev/vd[a+i])|
///
/// A slot with no device is absent from the device tree and reads as zeros.
public enum VirtioSlot {
    public static let consoleStdio = 0
    public static let consoleStderr = 1
    public static let firstDisk = 2
    public static let maxDisks = VirtioMMIOBus.maxSlots - firstDisk
}

/// Builds the virtio devices of one machine, wires them into KVM and runs their I/O
/// thread.
public final class VirtioDeviceSet {
    public let bus: VirtioMMIOBus
    public let ioThread: IOThread
    public let disks: [BlockDevice]
    public let consoles: [ConsoleDevice]

    /// - Parameters:
    ///   - console: create the two console devices on host fds 0, 1 and 2.
    public init(machine: Machine, console: Bool, disks diskConfigs: [VirtioDiskConfig]) throws(MachineError) {
        guard diskConfigs.count <= VirtioSlot.maxDisks else {
            throw .invalidConfig("at most \(VirtioSlot.maxDisks) --disk options")
        }
        let bus = try VirtioMMIOBus(memory: machine.memory, vm: machine.vm)
        var consoles: [ConsoleDevice] = []
        if console {
            let stdio = ConsoleDevice(backend: VirtioConsoleStdio(outputFD: 1, inputFD: 0), hasInput: true)
            try bus.attach(stdio, slot: VirtioSlot.consoleStdio, name: "console0", inputFD: 0,
                           inputQueue: ConsoleDevice.receiveQueue, inputOpen: { !stdio.inputEnded })
            let stderr = ConsoleDevice(backend: VirtioConsoleStdio(outputFD: 2, inputFD: nil), hasInput: false)
            try bus.attach(stderr, slot: VirtioSlot.consoleStderr, name: "console1")
            consoles = [stdio, stderr]
        }
        var disks: [BlockDevice] = []
        for (i, d) in diskConfigs.enumerated() {
            let file: VirtioBlockFile
            do throws(VirtioBlockFile.OpenError) {
                file = try VirtioBlockFile(path: d.path, readOnly: d.readOnly, direct: d.direct)
            } catch {
                throw .invalidConfig(error.description)
            }
            let device: BlockDevice
            do throws(BlockDeviceError) {
                device = try BlockDevice(backend: file, readOnly: d.readOnly, serial: "swiftlet-vd" + String(UnicodeScalar(UInt8(97 + i))))
            } catch {
                throw .invalidConfig("--disk \(d.path): \(error)")
            }
            try bus.attach(device, slot: VirtioSlot.firstDisk + i, name: "vd" + String(UnicodeScalar(UInt8(97 + i))))
            disks.append(device)
        }
        self.bus = bus
        self.consoles = consoles
        self.disks = disks
        self.ioThread = try IOThread(bus: bus)
    }

    public func start() throws(MachineError) { try ioThread.start() }
    /// Joins the I/O thread after writing out any queued output.
    public func stop() { ioThread.stop() }

    /// The device tree nodes, in slot order.
    public var deviceTreeNodes: [VirtioMMIONode] {
        bus.nodes.map { VirtioMMIONode(base: $0.base, size: $0.size, gsi: $0.gsi) }
    }
}
