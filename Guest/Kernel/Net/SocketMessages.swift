/// sendmsg, recvmsg, sendto, recvfrom, getsockopt, setsockopt for AF_UNIX sockets,
/// with SCM_RIGHTS and SCM_CREDENTIALS control messages (cmsg(3), unix(7)).
enum LinuxMsg {
    static let oob: UInt32 = 0x1, peek: UInt32 = 0x2, ctrunc: UInt32 = 0x8, trunc: UInt32 = 0x20
    static let dontWait: UInt32 = 0x40, waitAll: UInt32 = 0x100, noSignal: UInt32 = 0x4000
    static let cmsgCloexec: UInt32 = 0x4000_0000
    static let solSocket: Int32 = 1, scmRights: Int32 = 1, scmCredentials: Int32 = 2
    /// sizeof(struct cmsghdr) on x86_64: cmsg_len (size_t), cmsg_level, cmsg_type.
    static let cmsgHeader = 16
    static func align(_ n: Int) -> Int { (n + 7) & ~7 }
}

/// struct msghdr as copied in (x86_64 layout, 56 bytes).
struct UserMsghdr {
    var name: UInt64, nameLength: UInt32
    var iov: UInt64, iovCount: UInt64
    var control: UInt64, controlLength: UInt64
}

extension Process {
    func socketMsghdr(_ address: UInt64) throws(Errno) -> UserMsghdr {
        UserMsghdr(name: try user.load(at: address), nameLength: try user.load(at: address &+ 8),
                   iov: try user.load(at: address &+ 16), iovCount: try user.load(at: address &+ 24),
                   control: try user.load(at: address &+ 32), controlLength: try user.load(at: address &+ 40))
    }

    // MARK: sending

    func sysSendmsg(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (file, s) = try socketFile(a.a0)
        let m = try socketMsghdr(a.a1)
        guard m.iovCount <= UInt64(VFSLimits.iovMax) else { throw .EMSGSIZE }   // area: audit
        let vecs = try fileIOVecs(m.iov, count: m.iovCount)
        return UInt64(try socketSend(file, s, vecs, m.name, UInt64(m.nameLength), m.control, m.controlLength,
                                     UInt32(truncatingIfNeeded: a.a2)))
    }

    func sysSendto(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (file, s) = try socketFile(a.a0)
        let vecs: [(base: UInt64, length: Int)] = [(a.a1, Self.fileCount(a.a2))]
        return UInt64(try socketSend(file, s, vecs, a.a4, a.a5, 0, 0, UInt32(truncatingIfNeeded: a.a3)))
    }

    /// The files of SCM_RIGHTS messages (EBADF for a bad descriptor, EINVAL for a
    /// malformed header or more than SCM_MAX_FD). Other levels are skipped, as Linux does.
    func socketRights(_ control: UInt64, _ length: UInt64) throws(Errno) -> [OpenFile] {
        guard control != 0, length > 0 else { return [] }
        guard length <= 131072 else { throw Errno(105) }       // ENOBUFS: net.core.optmem_max (area: audit)
        let bytes = try user.copyIn(count: Int(length), from: control)
        var rights: [OpenFile] = []
        var off = 0
        while off + LinuxMsg.cmsgHeader <= bytes.count {
            var len = 0
            for i in (0..<8).reversed() { len = len << 8 | Int(bytes[off + i]) }
            guard len >= LinuxMsg.cmsgHeader, len <= bytes.count - off else { throw .EINVAL }
            let level = Int32(bytes[off + 8]) | Int32(bytes[off + 9]) << 8 | Int32(bytes[off + 10]) << 16 | Int32(bytes[off + 11]) << 24
            let type = Int32(bytes[off + 12]) | Int32(bytes[off + 13]) << 8 | Int32(bytes[off + 14]) << 16 | Int32(bytes[off + 15]) << 24
            if level == LinuxMsg.solSocket {
                switch type {
                case LinuxMsg.scmRights:
                    let count = (len - LinuxMsg.cmsgHeader) / 4
                    guard rights.count + count <= UnixSocket.maxRights else { throw .EINVAL }
                    for k in 0..<count {
                        let p = off + LinuxMsg.cmsgHeader + 4 * k
                        let fd = Int32(bytes[p]) | Int32(bytes[p + 1]) << 8 | Int32(bytes[p + 2]) << 16 | Int32(bytes[p + 3]) << 24
                        rights.append(try files.get(fd))
                    }
                case LinuxMsg.scmCredentials:
                    // struct ucred; we are root, so any credentials would be allowed.
                    guard len == LinuxMsg.cmsgHeader + 12 else { throw .EINVAL }
                default:
                    throw .EINVAL
                }
            }
            off += LinuxMsg.align(len)
        }
        return rights
    }

    func socketSend(_ file: OpenFile, _ s: UnixSocket, _ vecs: [(base: UInt64, length: Int)],
                    _ nameAddress: UInt64, _ nameLength: UInt64, _ control: UInt64, _ controlLength: UInt64,
                    _ flags: UInt32) throws(Errno) -> Int {
        if flags & LinuxMsg.oob != 0 { throw .EOPNOTSUPP }
        var target: UnixSocket? = nil
        if nameAddress != 0 && nameLength != 0 {
            switch s.kind {
            case .stream: throw s.state == .connected ? .EISCONN : .EOPNOTSUPP
            case .seqpacket: break                          // ignored (unix_seqpacket_sendmsg)
            case .datagram:
                guard let name = try socketName(nameAddress, nameLength) else { throw .EINVAL }
                guard let t = UnixNames.lookup(name), !t.released else { throw name.first == 0 ? .ECONNREFUSED : .ENOENT }
                guard t.kind == .datagram else { throw .EPROTOTYPE }
                target = t
            }
        }
        let rights = try socketRights(control, controlLength)
        let nonBlocking = file.isNonBlocking || flags & LinuxMsg.dontWait != 0
        let noSignal = flags & LinuxMsg.noSignal != 0
        var total = 0
        for v in vecs { total += v.length }
        if s.kind != .stream {
            guard total <= s.sndbuf - 32 else { throw .EMSGSIZE }
            return try withFileScratch(total) { (buffer) throws(Errno) -> Int in
                var off = 0
                for v in vecs where v.length > 0 {
                    try user.copyIn(UnsafeMutableRawBufferPointer(rebasing: buffer[off..<(off + v.length)]), from: v.base)
                    off += v.length
                }
                return try s.send(UnsafeRawBufferPointer(buffer), rights: rights, pid: pid,
                                  nonBlocking: nonBlocking, noSignal: noSignal, target: target)
            }
        }
        // Stream: in chunks, the files riding with the first; a failure after progress
        // reports the progress.
        var done = 0
        var first = true
        for v in vecs where v.length > 0 {
            var off = 0
            while off < v.length {
                let n = min(v.length - off, Self.fileChunk)
                let sent: Int
                do throws(Errno) {
                    sent = try withFileScratch(n) { (buffer) throws(Errno) -> Int in
                        try user.copyIn(buffer, from: v.base &+ UInt64(off))
                        return try s.send(UnsafeRawBufferPointer(buffer), rights: first ? rights : [], pid: pid,
                                          nonBlocking: nonBlocking, noSignal: noSignal || done > 0)
                    }
                } catch {
                    if done > 0 { return done }
                    throw error
                }
                first = false
                done += sent
                off += sent
                if sent < n { return done }
            }
        }
        return done
    }

    // MARK: receiving

    func sysRecvmsg(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (file, s) = try socketFile(a.a0)
        let m = try socketMsghdr(a.a1)
        guard m.iovCount <= UInt64(VFSLimits.iovMax) else { throw .EMSGSIZE }   // area: audit
        let vecs = try fileIOVecs(m.iov, count: m.iovCount)
        let flags = UInt32(truncatingIfNeeded: a.a2)
        var outFlags: UInt32 = 0
        var controlUsed: UInt64 = 0
        let n = try socketReceive(file, s, vecs, flags, control: m.control, controlLength: m.controlLength,
                                  outFlags: &outFlags, controlUsed: &controlUsed)
        try user.store(UInt32(0), at: a.a1 &+ 8)              // msg_namelen: unnamed sender
        try user.store(controlUsed, at: a.a1 &+ 40)
        try user.store(outFlags, at: a.a1 &+ 48)
        return UInt64(n)
    }

    func sysRecvfrom(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (file, s) = try socketFile(a.a0)
        let vecs: [(base: UInt64, length: Int)] = [(a.a1, Self.fileCount(a.a2))]
        var outFlags: UInt32 = 0
        var controlUsed: UInt64 = 0
        let n = try socketReceive(file, s, vecs, UInt32(truncatingIfNeeded: a.a3), control: 0, controlLength: 0,
                                  outFlags: &outFlags, controlUsed: &controlUsed)
        if a.a4 != 0 && a.a5 != 0 {
            let room: Int32 = try user.load(at: a.a5)
            guard room >= 0 else { throw .EINVAL }
            try user.store(Int32(0), at: a.a5)
        }
        return UInt64(n)
    }

    func socketReceive(_ file: OpenFile, _ s: UnixSocket, _ vecs: [(base: UInt64, length: Int)], _ flags: UInt32,
                       control: UInt64, controlLength: UInt64,
                       outFlags: inout UInt32, controlUsed: inout UInt64) throws(Errno) -> Int {
        if flags & LinuxMsg.oob != 0 { throw .EOPNOTSUPP }
        var total = 0
        for v in vecs { total += v.length }
        total = min(total, Int(VFSLimits.maxTransfer))
        // area: audit: the received bytes are gathered in a kernel array before the copy
        // out, so a stream read takes at most `socketChunk` at a time (MSG_WAITALL goes on
        // in further chunks, below), and ENOMEM (recvmsg(2)) when the heap cannot hold one.
        let requested = total
        if s.kind == .stream { total = min(total, Self.socketChunk) }
        if total > 64 << 10 && !Frames.heapCanTake(UInt64(min(total, max(s.rcvbuf, s.queuedBytes))) * 2) { throw .ENOMEM }
        let nonBlocking = file.isNonBlocking || flags & LinuxMsg.dontWait != 0
        let r = try s.receive(count: total, peek: flags & LinuxMsg.peek != 0, nonBlocking: nonBlocking,
                              waitAll: flags & LinuxMsg.waitAll != 0)
        if s.kind == .stream && flags & LinuxMsg.waitAll != 0 && flags & LinuxMsg.peek == 0
            && r.rights.isEmpty && r.bytes.count == total && total < requested {
            return try socketReceiveRest(s, vecs, r, requested: requested, nonBlocking: nonBlocking,
                                         flags: flags, control: control, controlLength: controlLength,
                                         outFlags: &outFlags, controlUsed: &controlUsed)
        }
        // Control messages first: the files are ours now and must not leak on EFAULT.
        var cmsgs: [UInt8] = []
        let room = control == 0 ? 0 : Int(min(controlLength, 1 << 20))
        if s.passCredentials && s.kind != .stream || s.passCredentials && !r.bytes.isEmpty {
            if room - cmsgs.count >= LinuxMsg.cmsgHeader + 12 {
                socketAppendCmsg(&cmsgs, type: LinuxMsg.scmCredentials,
                                 payload: [r.senderPid, 0, 0], room: room)
            } else {
                outFlags |= LinuxMsg.ctrunc
            }
        }
        if !r.rights.isEmpty {
            let fit = max(0, (room - cmsgs.count - LinuxMsg.cmsgHeader) / 4)
            var fds: [Int32] = []
            let cloexec = flags & LinuxMsg.cmsgCloexec != 0
            for f in r.rights.prefix(fit) {
                guard let fd = try? files.install(f, closeOnExec: cloexec) else { break }
                fds.append(fd)
            }
            if fds.count < r.rights.count { outFlags |= LinuxMsg.ctrunc }
            // The in-flight references: installed ones now live in the table.
            UnixSocket.discard(r.rights)
            if !fds.isEmpty { socketAppendCmsg(&cmsgs, type: LinuxMsg.scmRights, payload: fds, room: room) }
        }
        if !cmsgs.isEmpty { try user.copyOut(cmsgs, to: control) }
        controlUsed = UInt64(cmsgs.count)
        if r.truncated { outFlags |= LinuxMsg.trunc }
        // Scatter the data.
        var off = 0
        for v in vecs where off < r.bytes.count && v.length > 0 {
            let n = min(v.length, r.bytes.count - off)
            try user.copyOut([UInt8](r.bytes[off..<(off + n)]), to: v.base)
            off += n
        }
        if flags & LinuxMsg.trunc != 0 && s.kind != .stream { return r.fullLength }
        return r.bytes.count
    }

    /// area: audit: the rest of a MSG_WAITALL stream read past the first chunk: each chunk
    /// is copied out as it arrives; a signal, an error or the end of the stream after
    /// progress returns the progress. Files that ride with the last chunk are delivered.
    static let socketChunk = 256 << 10

    func socketReceiveRest(_ s: UnixSocket, _ vecs: [(base: UInt64, length: Int)], _ first: UnixReceived,
                           requested: Int, nonBlocking: Bool, flags: UInt32, control: UInt64, controlLength: UInt64,
                           outFlags: inout UInt32, controlUsed: inout UInt64) throws(Errno) -> Int {
        try socketScatter(first.bytes, vecs, at: 0)
        var got = first.bytes.count
        var last = first
        while got < requested {
            let want = min(Self.socketChunk, requested - got)
            let more: UnixReceived
            do throws(Errno) { more = try s.receive(count: want, peek: false, nonBlocking: nonBlocking, waitAll: true) } catch { break }
            do throws(Errno) { try socketScatter(more.bytes, vecs, at: got) } catch {
                UnixSocket.discard(more.rights)
                break
            }
            got += more.bytes.count
            last = more
            if !more.rights.isEmpty || more.bytes.count < want { break }
        }
        var cmsgs: [UInt8] = []
        let room = control == 0 ? 0 : Int(min(controlLength, 1 << 20))
        if s.passCredentials {
            if room >= LinuxMsg.cmsgHeader + 12 {
                socketAppendCmsg(&cmsgs, type: LinuxMsg.scmCredentials, payload: [last.senderPid, 0, 0], room: room)
            } else {
                outFlags |= LinuxMsg.ctrunc
            }
        }
        if !last.rights.isEmpty {
            let fit = max(0, (room - cmsgs.count - LinuxMsg.cmsgHeader) / 4)
            var fds: [Int32] = []
            for f in last.rights.prefix(fit) {
                guard let fd = try? files.install(f, closeOnExec: flags & LinuxMsg.cmsgCloexec != 0) else { break }
                fds.append(fd)
            }
            if fds.count < last.rights.count { outFlags |= LinuxMsg.ctrunc }
            UnixSocket.discard(last.rights)
            if !fds.isEmpty { socketAppendCmsg(&cmsgs, type: LinuxMsg.scmRights, payload: fds, room: room) }
        }
        if !cmsgs.isEmpty { try? user.copyOut(cmsgs, to: control) }
        controlUsed = UInt64(cmsgs.count)
        return got
    }

    /// Copies `bytes` into the iovecs starting `offset` bytes into them.
    func socketScatter(_ bytes: [UInt8], _ vecs: [(base: UInt64, length: Int)], at offset: Int) throws(Errno) {
        var skip = offset, off = 0
        for v in vecs where off < bytes.count && v.length > 0 {
            if skip >= v.length { skip -= v.length; continue }
            let n = min(v.length - skip, bytes.count - off)
            try user.copyOut([UInt8](bytes[off..<(off + n)]), to: v.base &+ UInt64(skip))
            off += n
            skip = 0
        }
    }

    /// Appends one cmsg (header, int payload, padding to CMSG_SPACE but not past `room`).
    func socketAppendCmsg(_ out: inout [UInt8], type: Int32, payload: [Int32], room: Int) {
        let len = LinuxMsg.cmsgHeader + 4 * payload.count
        var w = StructWriter(count: LinuxMsg.align(len))
        w.put(UInt64(len), at: 0)
        w.put(LinuxMsg.solSocket, at: 8)
        w.put(type, at: 12)
        for (i, v) in payload.enumerated() { w.put(v, at: 16 + 4 * i) }
        let take = min(w.bytes.count, room - out.count)
        out.append(contentsOf: w.bytes[0..<take])
    }

    // MARK: options

    func sysGetsockopt(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (_, s) = try socketFile(a.a0)
        guard a.a1.asInt32 == LinuxMsg.solSocket else { throw .EOPNOTSUPP }
        let room: Int32 = try user.load(at: a.a4)
        guard room >= 0 else { throw .EINVAL }
        var values: [Int32]
        switch a.a2.asInt32 {
        case 2, 9: values = [0]                                 // SO_REUSEADDR, SO_KEEPALIVE
        case 3: values = [s.kind.rawValue]                      // SO_TYPE
        case 4:                                                 // SO_ERROR
            values = [s.pendingError?.rawValue ?? 0]
            s.pendingError = nil
        case 7: values = [Int32(s.sndbuf)]                      // SO_SNDBUF
        case 8: values = [Int32(s.rcvbuf)]                      // SO_RCVBUF
        case 16: values = [s.passCredentials ? 1 : 0]           // SO_PASSCRED
        case 17:                                                // SO_PEERCRED: struct ucred
            values = s.peer != nil || s.peerClosed ? [s.peerPid, 0, 0] : [0, 65534, 65534]
        case 30: values = [s.state == .listening ? 1 : 0]       // SO_ACCEPTCONN
        case 38: values = [0]                                   // SO_PROTOCOL
        case 39: values = [1]                                   // SO_DOMAIN
        default: throw .ENOPROTOOPT
        }
        var w = StructWriter(count: 4 * values.count)
        for (i, v) in values.enumerated() { w.put(v, at: 4 * i) }
        let n = min(Int(room), w.bytes.count)
        if n > 0 { try user.copyOut([UInt8](w.bytes[0..<n]), to: a.a3) }
        try user.store(Int32(n), at: a.a4)
        return 0
    }

    func sysSetsockopt(_ a: SyscallArgs) throws(Errno) -> UInt64 {
        let (_, s) = try socketFile(a.a0)
        guard a.a1.asInt32 == LinuxMsg.solSocket else { throw .EOPNOTSUPP }
        let optlen = a.a4.asInt32
        guard optlen >= 4 else { throw .EINVAL }
        let v: Int32 = try user.load(at: a.a3)
        // Linux doubles the request (bookkeeping overhead), capped by wmem_max/rmem_max.
        let doubled = Int(min(UInt32(bitPattern: v), UInt32(UnixSocket.defaultBuffer))) * 2
        switch a.a2.asInt32 {
        case 2, 9, 13: break                                    // SO_REUSEADDR, SO_KEEPALIVE, SO_LINGER
        case 7: s.sndbuf = max(doubled, 4608)                   // SO_SNDBUF (SOCK_MIN_SNDBUF)
        case 8: s.rcvbuf = max(doubled, 2304)                   // SO_RCVBUF (SOCK_MIN_RCVBUF)
        case 16: s.passCredentials = v != 0                     // SO_PASSCRED
        default: throw .ENOPROTOOPT
        }
        return 0
    }
}
