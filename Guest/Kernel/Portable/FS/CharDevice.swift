#if canImport(GuestABI)
import GuestABI
#endif

/// The character devices of /dev (Documentation/admin-guide/devices.txt numbers).
public enum CharDevice: Equatable {
    case null, zero, full, random, urandom
    /// /dev/console: reads host stream 0, writes host stream 1.
    case console
    /// /dev/tty: the controlling terminal; exists only if the host has a terminal.
    case tty
    /// A standard descriptor as installed at start: reads stream 0 or writes 1/2.
    case hostStream(Int)
    /// /dev/vdX: a virtio-blk disk (a block device; Drivers/VirtioBlockFile.swift).
    case virtioBlock(Int)

    public var isBlock: Bool { if case .virtioBlock = self { return true }; return false }

    public var major: UInt32 {
        switch self {
        case .null, .zero, .full, .random, .urandom: return 1
        case .console, .tty, .hostStream: return 5
        case .virtioBlock: return 254      // virtblk's dynamic major on a typical system
        }
    }

    public var minor: UInt32 {
        switch self {
        case .null: return 3
        case .zero: return 5
        case .full: return 7
        case .random: return 8
        case .urandom: return 9
        case .console, .hostStream: return 1
        case .tty: return 0
        case .virtioBlock(let i): return UInt32(truncatingIfNeeded: i) * 16   // 16 minors per disk
        }
    }

    /// st_rdev as glibc's makedev encodes it.
    public var rdev: UInt64 { LinuxDeviceNumber.encode(major: major, minor: minor) }
}

public enum LinuxDeviceNumber {
    public static func encode(major: UInt32, minor: UInt32) -> UInt64 {
        let ma = UInt64(major), mi = UInt64(minor)
        return ((ma & 0xfffff000) << 32) | ((ma & 0xfff) << 8) | ((mi & 0xffffff00) << 12) | (mi & 0xff)
    }
}

/// An open character device.
final class DeviceFile: FileObject {
    let device: CharDevice
    let services: any KernelServices
    let terminal: TerminalState

    init(_ device: CharDevice, services: any KernelServices, terminal: TerminalState) {
        self.device = device
        self.services = services
        self.terminal = terminal
    }

    var fileTypeBits: UInt32 { LinuxFileType.characterDevice }
    var procLinkTarget: [UInt8] { VFSBytes.ascii("/dev/console") }

    /// The host stream whose terminal-ness this device reports (nil: never a tty).
    var ttyStream: Int? {
        switch device {
        case .hostStream(let n): return n
        case .console, .tty: return services.ttyMask & 1 != 0 ? 0 : (services.ttyMask & 2 != 0 ? 1 : 2)
        default: return nil
        }
    }

    var isTerminal: Bool {
        guard let s = ttyStream else { return false }
        return services.ttyMask & (1 << UInt32(s)) != 0
    }

    func read(_ file: OpenFile, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        switch device {
        case .null: return 0
        case .zero, .full:
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            return buffer.count
        case .random, .urandom:
            services.fillRandom(buffer)
            return buffer.count
        case .console, .tty, .hostStream(0):
            return try services.consoleRead(stream: 0, buffer)
        case .hostStream, .virtioBlock:
            throw .EBADF
        }
    }

    func write(_ file: OpenFile, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        switch device {
        case .null, .zero, .random, .urandom: return buffer.count
        case .full: throw .ENOSPC
        case .console, .tty: return try services.consoleWrite(stream: 1, buffer)
        case .hostStream(let n): return try services.consoleWrite(stream: n == 2 ? 2 : 1, buffer)
        case .virtioBlock: throw .EBADF
        }
    }

    /// area: audit: like drivers/char/mem.c, the sinks never touch the buffer.
    var discardsWrites: Bool {
        switch device {
        case .null, .zero, .random, .urandom: return true
        default: return false
        }
    }

    /// With virtio consoles, the standard streams move the program's own pages.
    var userIO: (any UserIOFile)? {
        guard let console = DriverRegistry.console else { return nil }
        switch device {
        case .hostStream(let n): return console.stream(n)
        case .console, .tty: return console.stream(1)
        default: return nil
        }
    }

    func ioctl(_ file: OpenFile, request: UInt32, argument: UInt64, process: Process) throws(Errno) -> UInt64 {
        guard isTerminal else { throw .ENOTTY }
        return try terminal.ioctl(request: request, argument: argument, process: process, services: services)
    }
}
