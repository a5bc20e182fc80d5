#if canImport(GuestABI)
import GuestABI
#endif

/// The host terminal as seen by the program: one termios shared by every console file
/// (TCSETS is remembered so a following TCGETS returns it; the host terminal itself is
/// not changed).
public final class TerminalState {
    /// struct termios (asm-generic/termbits.h): 4 × u32 flags, c_line, c_cc[19] = 36 bytes.
    var termios: [UInt8]

    public init() {
        var t = [UInt8](repeating: 0, count: 36)
        func put(_ v: UInt32, _ at: Int) {
            for i in 0..<4 { t[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
        }
        put(0x0500, 0)   // c_iflag: ICRNL | IXON
        put(0x0005, 4)   // c_oflag: OPOST | ONLCR
        put(0x00bf, 8)   // c_cflag: B38400 | CS8 | CREAD
        put(0x8a3b, 12)  // c_lflag: ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
        // c_cc (starts at 17): VINTR ^C, VQUIT ^\, VERASE DEL, VKILL ^U, VEOF ^D, VTIME 0,
        // VMIN 1, VSWTC 0, VSTART ^Q, VSTOP ^S, VSUSP ^Z, VEOL 0, VREPRINT ^R,
        // VDISCARD ^O, VWERASE ^W, VLNEXT ^V, VEOL2 0.
        let cc: [UInt8] = [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0]
        for (i, c) in cc.enumerated() { t[17 + i] = c }
        termios = t
    }

    /// Terminal ioctls for a file known to be a terminal.
    func ioctl(request: UInt32, argument: UInt64, process: Process, services: any KernelServices) throws(Errno) -> UInt64 {
        switch request {
        case LinuxIoctl.TCGETS:
            try process.user.copyOut(termios, to: argument)
            return 0
        case LinuxIoctl.TCSETS, LinuxIoctl.TCSETSW, LinuxIoctl.TCSETSF:
            termios = try process.user.copyIn(count: 36, from: argument)
            return 0
        case LinuxIoctl.TIOCGWINSZ:
            var ws = [UInt8](repeating: 0, count: 8)
            ws[0] = UInt8(truncatingIfNeeded: services.windowRows)
            ws[1] = UInt8(truncatingIfNeeded: services.windowRows >> 8)
            ws[2] = UInt8(truncatingIfNeeded: services.windowColumns)
            ws[3] = UInt8(truncatingIfNeeded: services.windowColumns >> 8)
            try process.user.copyOut(ws, to: argument)
            return 0
        case LinuxIoctl.TIOCSWINSZ:
            _ = try process.user.copyIn(count: 8, from: argument)
            return 0
        case LinuxIoctl.TIOCGPGRP:
            try process.fileStoreInt32(process.pid, at: argument)
            return 0
        case LinuxIoctl.TIOCSPGRP:
            _ = try process.fileLoadInt32(at: argument)
            return 0
        default:
            throw .ENOTTY
        }
    }
}
