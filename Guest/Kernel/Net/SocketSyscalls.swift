/// socket, socketpair, bind, listen, accept, connect, shutdown, getsockname,
/// getpeername (socket(2) family). Only AF_UNIX exists; networking comes with
/// virtio-net.
enum LinuxSocket {
    static let afUnix: UInt64 = 1, afInet: UInt64 = 2, afInet6: UInt64 = 10
    static let nonBlock: UInt32 = 0o4000, closeOnExec: UInt32 = 0o2000000
    /// offsetof(struct sockaddr_un, sun_path) and sizeof(struct sockaddr_un).
    static let pathOffset = 2, addressSize = 110
}

extension Process {
    /// The socket behind `fd`: EBADF, or ENOTSOCK for any other file.
    func socketFile(_ fd: UInt64) throws(Errno) -> (OpenFile, UnixSocket) {
        let file = try files.get(fd.asInt32)
        guard let s = UnixSocket.find(file.object) else { throw .ENOTSOCK }
        return (file, s)
    }

    /// The socket type from socket(2)'s `type`, with SOCK_NONBLOCK/SOCK_CLOEXEC split off.
    func socketType(_ domain: UInt64, _ type: UInt64, _ proto: UInt64) throws(Errno) -> (UnixSocket.Kind, UInt32) {
        let t = UInt32(truncatingIfNeeded: type)
        let flags = t & (LinuxSocket.nonBlock | LinuxSocket.closeOnExec)
        let base = t & ~flags
        guard base >= 1 && base <= 10, type <= UInt64(UInt32.max) else { throw .EINVAL }
        let d = Int32(truncatingIfNeeded: domain)
        guard d >= 0 && d < 46 else { throw .EAFNOSUPPORT }
        guard domain == LinuxSocket.afUnix else { throw .EAFNOSUPPORT }
        let p = Int32(truncatingIfNeeded: proto)
        guard p == 0 || p == 1 else { throw .EPROTONOSUPPORT }
        switch base {
        case 1: return (.stream, flags)
        case 2, 3: return (.datagram, flags)      // unix_create turns SOCK_RAW into SOCK_DGRAM
        case 5: return (.seqpacket, flags)
        default: throw .ESOCKTNOSUPPORT
        }
    }

    func socketInstall(_ s: UnixSocket, flags: UInt32) throws(Errno) -> Int32 {
        let file = OpenFile(inode: nil, object: s, statusFlags: LinuxOpen.readWrite | (flags & LinuxSocket.nonBlock), path: [])
        do throws(Errno) {
            return try files.install(file, closeOnExec: flags & LinuxSocket.closeOnExec != 0)
        } catch {
            s.release()
            throw error
        }
    }

    /// socket(2): AF_UNIX only; every other family is EAFNOSUPPORT for now.
    func sysSocket(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (kind, flags) = try socketType(a.a0, a.a1, a.a2)
        let s = UnixSocket(kind: kind)
        s.ownerPid = pid
        return UInt64(try socketInstall(s, flags: flags))
    }

    /// socketpair(2). Linux answers EOPNOTSUPP for AF_INET/AF_INET6 (no pairs there).
    func sysSocketpair(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        if a.a0 == LinuxSocket.afInet || a.a0 == LinuxSocket.afInet6 { throw .EOPNOTSUPP }
        let (kind, flags) = try socketType(a.a0, a.a1, a.a2)
        let (x, y) = UnixSocket.pair(kind, pid: pid)
        let fx: Int32
        do throws(Errno) { fx = try socketInstall(x, flags: flags) } catch { y.release(); throw error }
        let fy: Int32
        do throws(Errno) { fy = try socketInstall(y, flags: flags) } catch { try? files.close(fx); throw error }
        do throws(Errno) {
            try user.store(fx, at: a.a3)
            try user.store(fy, at: a.a3 &+ 4)
        } catch {
            try? files.close(fx); try? files.close(fy)
            throw error
        }
        return 0
    }

    /// A sockaddr_un from the program: the name (nil for autobind, a bare sun_family).
    func socketName(_ address: UInt64, _ length: UInt64) throws(Errno) -> [UInt8]? {
        guard length >= UInt64(LinuxSocket.pathOffset), length <= UInt64(LinuxSocket.addressSize) else { throw .EINVAL }
        let raw = try user.copyIn(count: Int(length), from: address)
        guard raw[0] == 1 && raw[1] == 0 else { throw .EINVAL }
        if raw.count == LinuxSocket.pathOffset { return nil }
        var name = [UInt8](raw[LinuxSocket.pathOffset...])
        if name[0] == 0 { return name }                       // abstract: every byte counts
        if let nul = name.firstIndex(of: 0) { name = [UInt8](name[..<nul]) }
        // Filesystem names are kept by absolute path (see UnixNames).
        return fileAbsolutePath(name, start: fs.cwd)
    }

    /// Writes `bytes` as a socket address through (addr, addrlen*), truncating to the
    /// caller's length and reporting the full one (move_addr_to_user).
    func socketStoreAddress(_ bytes: [UInt8], to address: UInt64, lengthAt lengthAddress: UInt64) throws(Errno) {
        guard address != 0, lengthAddress != 0 else { return }
        let room: Int32 = try user.load(at: lengthAddress)
        guard room >= 0 else { throw .EINVAL }
        let n = min(Int(room), bytes.count)
        if n > 0 { try user.copyOut([UInt8](bytes[0..<n]), to: address) }
        try user.store(Int32(bytes.count), at: lengthAddress)
    }

    func sysBind(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (_, s) = try socketFile(a.a0)
        let name = try socketName(a.a1, a.a2)
        guard s.name == nil else { throw .EINVAL }
        guard let name else { try UnixNames.autobind(s); return 0 }
        if name.first != 0 {
            // A filesystem name needs an existing parent and a free final component.
            let parent = try fileResolveParent(LinuxAt.currentDirectory, name)
            guard !parent.name.isEmpty else { throw .EADDRINUSE }
            if (try? fileResolve(LinuxAt.currentDirectory, name, follow: false)) != nil { throw .EADDRINUSE }
        }
        try UnixNames.bind(s, name)
        return 0
    }

    func sysListen(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (_, s) = try socketFile(a.a0)
        guard s.kind != .datagram else { throw .EOPNOTSUPP }
        guard s.state != .connected, s.name != nil else { throw .EINVAL }
        let backlog = Int(a.a1.asInt32)
        s.backlog = max(0, min(backlog, 4096))
        s.state = .listening
        return 0
    }

    func sysConnect(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (file, s) = try socketFile(a.a0)
        guard let name = try socketName(a.a1, a.a2) else { throw .EINVAL }
        guard let target = UnixNames.lookup(name), !target.released else {
            throw name.first == 0 ? .ECONNREFUSED : .ENOENT
        }
        guard target.kind == s.kind else { throw .EPROTOTYPE }
        if s.kind == .datagram {
            // A default destination only; the target is not connected back.
            s.peer = target
            s.peerClosed = false
            s.state = .connected
            return 0
        }
        switch s.state {
        case .connected: throw .EISCONN
        case .listening: throw .EINVAL
        case .unconnected: break
        }
        while true {
            guard target.state == .listening, !target.released else { throw .ECONNREFUSED }
            if target.pending.count <= target.backlog { break }
            if file.isNonBlocking { throw .EAGAIN }
            if !target.spaceWait.wait() { throw Errno(Signals.restartSys) }
        }
        let server = UnixSocket(kind: s.kind)
        server.name = target.name
        // SO_PEERCRED of the client names the listener's creator (Linux copies its credentials).
        server.connect(to: s, pid: target.ownerPid, peerPid: pid)
        target.pending.append(server)
        target.readWait.wakeAll(); target.changed()
        return 0
    }

    func sysAccept(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        try sysAccept4(SyscallArgs(a.a0, a.a1, a.a2, 0))
    }

    func sysAccept4(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let flags = UInt32(truncatingIfNeeded: a.a3)
        guard flags & ~(LinuxSocket.nonBlock | LinuxSocket.closeOnExec) == 0, a.a3 <= UInt64(UInt32.max) else { throw .EINVAL }
        let (file, s) = try socketFile(a.a0)
        guard s.kind != .datagram else { throw .EOPNOTSUPP }
        guard s.state == .listening else { throw .EINVAL }
        while s.pending.isEmpty {
            if file.isNonBlocking { throw .EAGAIN }
            if !s.readWait.wait() { throw Errno(Signals.restartSys) }
            if s.released || s.state != .listening { throw .EINVAL }
        }
        let conn = s.pending.removeFirst()
        s.spaceWait.wakeAll(); s.changed()
        let peerName = conn.peer?.name
        let fd = try socketInstall(conn, flags: flags)
        do throws(Errno) {
            try socketStoreAddress(UnixNames.address(peerName), to: a.a1, lengthAt: a.a2)
        } catch {
            try? files.close(fd)
            throw error
        }
        return UInt64(fd)
    }

    func sysShutdown(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (_, s) = try socketFile(a.a0)
        try s.shutdown(a.a1.asInt32)
        return 0
    }

    func sysGetsockname(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (_, s) = try socketFile(a.a0)
        try socketStoreAddress(UnixNames.address(s.name), to: a.a1, lengthAt: a.a2)
        return 0
    }

    func sysGetpeername(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (_, s) = try socketFile(a.a0)
        guard let other = s.peer, s.state == .connected else { throw .ENOTCONN }
        try socketStoreAddress(UnixNames.address(other.name), to: a.a1, lengthAt: a.a2)
        return 0
    }
}
