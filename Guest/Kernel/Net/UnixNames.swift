/// The AF_UNIX name space: bound sockets by name. Abstract names (leading NUL) live
/// only here, as on Linux. Filesystem names are kept here too, keyed by absolute path:
/// the tmpfs has no socket inodes yet, so a bound path is not visible to stat or ls.
enum UnixNames {
    nonisolated(unsafe) static var bound: [UnixSocket] = []
    nonisolated(unsafe) static var nextAutobind: UInt32 = 0

    static func lookup(_ name: [UInt8]) -> UnixSocket? {
        bound.first { $0.name == name }
    }

    static func bind(_ s: UnixSocket, _ name: [UInt8]) throws(Errno) {
        guard lookup(name) == nil else { throw .EADDRINUSE }
        s.name = name
        bound.append(s)
    }

    /// bind with only sun_family: an abstract name of five hex digits (unix(7) autobind).
    static func autobind(_ s: UnixSocket) throws(Errno) {
        for _ in 0..<0x100000 {
            let n = nextAutobind & 0xfffff
            nextAutobind &+= 1
            var name: [UInt8] = [0]
            for shift in stride(from: 16, through: 0, by: -4) {
                let d = UInt8((n >> UInt32(shift)) & 0xf)
                name.append(d < 10 ? 0x30 + d : 0x61 + d - 10)
            }
            if lookup(name) == nil { try bind(s, name); return }
        }
        throw .ENOSPC
    }

    static func unbind(_ s: UnixSocket) {
        guard s.name != nil else { return }
        bound.removeAll { $0 === s }
    }

    /// struct sockaddr_un for `name` (nil: unnamed, just sun_family) and its length as
    /// Linux reports it (path names include their NUL).
    static func address(_ name: [UInt8]?) -> [UInt8] {
        var out: [UInt8] = [1, 0]
        guard let name else { return out }
        out.append(contentsOf: name)
        if name.first != 0 { out.append(0) }
        return out
    }
}
