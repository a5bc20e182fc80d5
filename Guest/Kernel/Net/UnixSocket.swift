/// AF_UNIX sockets (unix(7)): stream, datagram and seqpacket endpoints. Each endpoint
/// owns the queue of what its peer sent it; a sender blocks on the receiver's
/// `spaceWait` while that queue holds `sndbuf` bytes or more, like Linux's accounting
/// against the sender's SO_SNDBUF.

/// Socket errno values not in the shared ABI table (asm-generic/errno.h).
extension Errno {
    static let EDESTADDRREQ = Errno(89)
    static let EMSGSIZE = Errno(90)
    static let EPROTOTYPE = Errno(91)
    static let ENOPROTOOPT = Errno(92)
    static let EPROTONOSUPPORT = Errno(93)
    static let ESOCKTNOSUPPORT = Errno(94)
    static let EAFNOSUPPORT = Errno(97)
    static let EADDRINUSE = Errno(98)
    static let ECONNRESET = Errno(104)
    static let EISCONN = Errno(106)
    static let ENOTCONN = Errno(107)
    static let ECONNREFUSED = Errno(111)
}

/// One queued sk_buff: bytes plus the open files passed with them (SCM_RIGHTS), each
/// holding a descriptor reference while in flight.
struct UnixMessage {
    var bytes: [UInt8]
    var offset = 0
    var rights: [OpenFile]
    var senderPid: Int32
    var remaining: Int { bytes.count - offset }
}

/// What one receive produced.
struct UnixReceived {
    var bytes: [UInt8] = []
    var rights: [OpenFile] = []
    /// The datagram's full length (MSG_TRUNC reports it).
    var fullLength = 0
    var truncated = false
    var senderPid: Int32 = 0
}

final class UnixSocket: FileObject {
    enum Kind: Int32 { case stream = 1, datagram = 2, seqpacket = 5 }
    enum State { case unconnected, listening, connected }

    /// Linux's default SO_SNDBUF/SO_RCVBUF (net.core.wmem_default = 212992).
    static let defaultBuffer = 212992
    /// SCM_MAX_FD.
    static let maxRights = 253
    nonisolated(unsafe) static var nextId: UInt64 = 1
    /// Every open socket, so a FileObject can be recognised without a dynamic cast.
    nonisolated(unsafe) static var live: [UnixSocket] = []

    let kind: Kind
    let id: UInt64
    var state: State = .unconnected
    var peer: UnixSocket?
    /// The peer existed and has been closed (EOF / EPIPE from now on).
    var peerClosed = false
    var queue: [UnixMessage] = []
    var queuedBytes = 0
    var receiveShutdown = false, sendShutdown = false
    /// SO_ERROR, reported once (ECONNRESET when the peer closed with unread data).
    var pendingError: Errno?
    var sndbuf = UnixSocket.defaultBuffer, rcvbuf = UnixSocket.defaultBuffer
    var passCredentials = false
    /// SO_PEERCRED: the peer's pid at connection time (uid and gid are 0).
    var peerPid: Int32 = 0
    /// The pid that created it (a listener's SO_PEERCRED for its clients).
    var ownerPid: Int32 = 0
    /// The bound name (sun_path bytes, abstract names start with NUL); nil: unnamed.
    var name: [UInt8]?
    /// listen(2): connections waiting for accept, and the backlog limit.
    var pending: [UnixSocket] = []
    var backlog = 0
    let readWait = WaitQueue()
    /// Senders waiting for room in this socket's queue.
    let spaceWait = WaitQueue()
    var released = false
    /// Moves whenever readiness may have changed (epoll's edge detection).
    var generation: UInt64 = 0

    /// Readiness changed: bump the generation and let pollers re-check.
    func changed() {
        generation &+= 1
        PollHub.notify()
    }

    /// poll(2) readiness: readable with queued data, a pending connection, EOF or a
    /// read shutdown; writable while the peer's queue has room (or writing would fail
    /// at once: EPIPE); POLLHUP once the peer is gone.
    func pollEvents(_ file: OpenFile) -> UInt32 {
        var mask: UInt32 = 0
        if !queue.isEmpty || !pending.isEmpty || peerClosed || receiveShutdown { mask |= PollBits.readable }
        if state == .connected || peerClosed {
            if let p = peer, !peerClosed, !sendShutdown {
                if p.queuedBytes < p.rcvbuf { mask |= PollBits.writable }
            } else {
                mask |= PollBits.writable
            }
        } else if kind == .datagram && state != .listening {
            mask |= PollBits.writable
        }
        if peerClosed || (receiveShutdown && sendShutdown) { mask |= PollBits.hup }
        if pendingError != nil { mask |= PollBits.err }
        return mask
    }

    var pollGeneration: UInt64 { generation }

    init(kind: Kind) {
        self.kind = kind
        id = UnixSocket.nextId
        UnixSocket.nextId += 1
        UnixSocket.live.append(self)
    }

    static func find(_ object: (any FileObject)?) -> UnixSocket? {
        guard let object else { return nil }
        return live.first { $0 === object }
    }

    /// socketpair(2): two connected endpoints.
    static func pair(_ kind: Kind, pid: Int32) -> (UnixSocket, UnixSocket) {
        let a = UnixSocket(kind: kind), b = UnixSocket(kind: kind)
        a.connect(to: b, pid: pid, peerPid: pid)
        return (a, b)
    }

    func connect(to other: UnixSocket, pid: Int32, peerPid otherPid: Int32) {
        peer = other; other.peer = self
        state = .connected; other.state = .connected
        peerPid = otherPid; other.peerPid = pid
    }

    var isConnectionOriented: Bool { kind != .datagram }

    // MARK: sending

    /// Queues `data` (with `rights`, which the caller has validated) for the peer.
    /// Stream: as much as fits, blocking for room; datagram and seqpacket: the whole
    /// message or nothing. EPIPE (and SIGPIPE unless `noSignal`) once the peer is gone.
    /// `target`: a datagram's explicit destination (sendto), else the peer.
    func send(_ data: UnsafeRawBufferPointer, rights: [OpenFile], pid: Int32,
              nonBlocking: Bool, noSignal: Bool, target: UnixSocket? = nil) throws(Errno) -> Int {
        if kind == .stream { return try sendStream(data, rights: rights, pid: pid, nonBlocking: nonBlocking, noSignal: noSignal) }
        guard data.count <= sndbuf - 32 else { throw .EMSGSIZE }
        while true {
            if let target, target.released { throw .ECONNREFUSED }
            var destination = target
            if destination == nil { destination = try sendTarget(noSignal: noSignal) }
            guard let other = destination else { throw .ENOTCONN }
            // One message always fits into an empty queue.
            if other.queue.isEmpty || other.queuedBytes + data.count <= sndbuf {
                other.enqueue(UnixMessage(bytes: [UInt8](data), rights: rights, senderPid: pid))
                return data.count
            }
            if nonBlocking { throw .EAGAIN }
            if !other.spaceWait.wait() { throw Errno(Signals.restartSys) }
        }
    }

    private func sendStream(_ data: UnsafeRawBufferPointer, rights: [OpenFile], pid: Int32,
                            nonBlocking: Bool, noSignal: Bool) throws(Errno) -> Int {
        var done = 0
        while done < data.count {
            let other: UnixSocket
            do throws(Errno) {
                guard let o = try sendTarget(noSignal: noSignal || done > 0) else { throw .ENOTCONN }
                other = o
            } catch {
                if done > 0 { return done }
                throw error
            }
            let space = sndbuf - other.queuedBytes
            if space <= 0 {
                if nonBlocking { if done > 0 { return done }; throw .EAGAIN }
                if !other.spaceWait.wait() {
                    if done > 0 { return done }
                    throw Errno(Signals.restartSys)
                }
                continue
            }
            let n = min(space, data.count - done)
            let slice = UnsafeRawBufferPointer(rebasing: data[done..<(done + n)])
            other.enqueue(UnixMessage(bytes: [UInt8](slice), rights: done == 0 ? rights : [], senderPid: pid))
            done += n
        }
        return done
    }

    /// The connected peer that may receive; EPIPE (raising SIGPIPE) for a
    /// connection-oriented socket whose peer is gone or shut down.
    private func sendTarget(noSignal: Bool) throws(Errno) -> UnixSocket? {
        if isConnectionOriented {
            guard state == .connected else { throw .ENOTCONN }
            if sendShutdown || peerClosed || peer == nil || peer!.receiveShutdown {
                if !noSignal { Signals.send(Signals.SIGPIPE, toTask: Scheduler.current) }
                throw .EPIPE
            }
            return peer
        }
        if sendShutdown {
            if !noSignal { Signals.send(Signals.SIGPIPE, toTask: Scheduler.current) }
            throw .EPIPE
        }
        if peerClosed || peer?.released == true {
            peer = nil
            // Linux reports the dead peer once, then forgets it (unix_dgram_sendmsg).
            peerClosed = false
            state = .unconnected
            throw .ECONNREFUSED
        }
        return peer
    }

    func enqueue(_ m: UnixMessage) {
        for f in m.rights { f.retain() }
        queue.append(m)
        queuedBytes += m.remaining
        readWait.wakeAll(); changed()
    }

    // MARK: receiving

    /// Takes up to `count` bytes. Stream: whatever is there (all of it with
    /// `waitAll`), stopping after a segment that carried files; datagram: one message,
    /// truncated to `count`. Blocks while empty unless `nonBlocking`; 0 at EOF.
    func receive(count: Int, peek: Bool, nonBlocking: Bool, waitAll: Bool) throws(Errno) -> UnixReceived {
        if kind == .stream && state != .connected { throw .EINVAL }
        if kind == .seqpacket && state != .connected { throw .ENOTCONN }
        var r = UnixReceived()
        while true {
            if !queue.isEmpty {
                if kind == .stream {
                    takeStream(into: &r, count: count, peek: peek)
                    if r.bytes.count >= count || !r.rights.isEmpty || !waitAll || peek { return r }
                } else {
                    let m = peek ? queue[0] : queue.removeFirst()
                    let n = min(count, m.remaining)
                    r.bytes = [UInt8](m.bytes[m.offset..<(m.offset + n)])
                    r.fullLength = m.remaining
                    r.truncated = n < m.remaining
                    r.senderPid = m.senderPid
                    if !peek {
                        r.rights = m.rights
                        queuedBytes -= m.remaining
                        spaceWait.wakeAll(); changed()
                    }
                    return r
                }
            }
            if let e = pendingError {
                if !r.bytes.isEmpty { return r }
                pendingError = nil
                throw e
            }
            if receiveShutdown || (isConnectionOriented && (peerClosed || peer == nil)) { return r }
            if nonBlocking {
                if !r.bytes.isEmpty { return r }
                throw .EAGAIN
            }
            if !readWait.wait() {
                if !r.bytes.isEmpty { return r }
                throw Errno(Signals.restartSys)
            }
        }
    }

    private func takeStream(into r: inout UnixReceived, count: Int, peek: Bool) {
        var i = 0
        while r.bytes.count < count && i < queue.count {
            let m = queue[i]
            let n = min(count - r.bytes.count, m.remaining)
            r.bytes.append(contentsOf: m.bytes[m.offset..<(m.offset + n)])
            r.senderPid = m.senderPid
            let carried = !m.rights.isEmpty
            if peek {
                i += 1
            } else {
                if carried { r.rights = m.rights; queue[i].rights = [] }
                queue[i].offset += n
                queuedBytes -= n
                if queue[i].remaining == 0 { queue.remove(at: i) } else { i += 1 }
            }
            if carried { break }
        }
        if !peek { spaceWait.wakeAll(); changed() }
    }

    /// Bytes a read would return now (FIONREAD): the whole queue for a stream, the
    /// next message for datagrams.
    var readableBytes: Int {
        if kind == .stream { return queuedBytes }
        return queue.first?.remaining ?? 0
    }

    /// Drops files that arrived but are not going to be installed (plain read(2),
    /// MSG_CTRUNC, a closed receiver).
    static func discard(_ rights: [OpenFile]) {
        for f in rights { f.releaseDescriptor() }
    }

    // MARK: shutdown and close

    /// shutdown(2): SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2; the peer sees the mirror.
    func shutdown(_ how: Int32) throws(Errno) {
        guard how >= 0 && how <= 2 else { throw .EINVAL }
        guard state == .connected || kind == .datagram && peer != nil else { throw .ENOTCONN }
        let rd = how != 1, wr = how != 0
        if rd { receiveShutdown = true }
        if wr { sendShutdown = true }
        if let other = peer, isConnectionOriented {
            if rd { other.sendShutdown = true }
            if wr { other.receiveShutdown = true }
            other.readWait.wakeAll(); other.spaceWait.wakeAll(); other.changed()
        }
        readWait.wakeAll(); spaceWait.wakeAll(); changed()
    }

    // MARK: FileObject

    func read(_ file: OpenFile, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        let r = try receive(count: buffer.count, peek: false, nonBlocking: file.isNonBlocking, waitAll: false)
        UnixSocket.discard(r.rights)
        for i in 0..<r.bytes.count { buffer[i] = r.bytes[i] }
        return r.bytes.count
    }

    func write(_ file: OpenFile, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        let pid = Scheduler.current.process.pid
        return try send(buffer, rights: [], pid: pid, nonBlocking: file.isNonBlocking, noSignal: false)
    }

    /// FIONREAD/SIOCINQ (0x541b) and TIOCOUTQ/SIOCOUTQ (0x5411).
    func ioctl(_ file: OpenFile, request: UInt32, argument: UInt64, process: Process) throws(Errno) -> UInt64 {
        switch request {
        case 0x541b:
            guard state != .listening else { throw .EINVAL }
            try process.user.store(Int32(readableBytes), at: argument)
        case 0x5411:
            try process.user.store(Int32(peer?.queuedBytes ?? 0), at: argument)
        default:
            throw .ENOTTY
        }
        return 0
    }

    var fileTypeBits: UInt32 { LinuxFileType.socket }
    var procLinkTarget: [UInt8] { Array("socket:[\(id)]".utf8) }

    func release() {
        guard !released else { return }
        released = true
        UnixSocket.live.removeAll { $0 === self }
        UnixNames.unbind(self)
        // A datagram socket's peer may just be its default destination (connect(2)),
        // not connected back: only a mutual peer learns of the close.
        if let other = peer, other.peer === self {
            other.peerClosed = true
            if isConnectionOriented {
                other.receiveShutdown = true
                other.sendShutdown = true
                if !queue.isEmpty { other.pendingError = .ECONNRESET }
            }
            other.peer = nil
            other.readWait.wakeAll(); other.spaceWait.wakeAll(); other.changed()
        }
        peer = nil
        let q = queue
        queue = []
        queuedBytes = 0
        for m in q { UnixSocket.discard(m.rights) }
        // Connections never accepted are reset.
        let waiting = pending
        pending = []
        for s in waiting { s.release() }
        readWait.wakeAll(); spaceWait.wakeAll(); changed()
    }
}
