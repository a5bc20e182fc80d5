#if canImport(GuestABI)
import GuestABI
#endif

/// A read-only view of a flattened device tree (devicetree spec v0.4 §5): enough to
/// find a node by path and read its properties. The blob is copied out of guest memory
/// by the caller first, so the parser only ever sees an immutable array.
public struct DeviceTree {
    public let blob: [UInt8]
    let structOffset: Int
    let stringsOffset: Int
    let structSize: Int
    let stringsSize: Int

    public enum Token: UInt32 { case beginNode = 1, endNode = 2, prop = 3, nop = 4, end = 9 }

    /// Validates the header; nil if the blob is not a well-formed FDT.
    public init?(_ blob: [UInt8]) {
        guard blob.count >= 40, DeviceTree.be32(blob, 0) == 0xd00d_feed else { return nil }
        let total = Int(DeviceTree.be32(blob, 4))
        let so = Int(DeviceTree.be32(blob, 8)), st = Int(DeviceTree.be32(blob, 12))
        let ss = Int(DeviceTree.be32(blob, 36)), ts = Int(DeviceTree.be32(blob, 32))
        guard total <= blob.count, so <= total, st <= total, ss <= total - so, ts <= total - st else { return nil }
        self.blob = blob
        structOffset = so; stringsOffset = st; structSize = ss; stringsSize = ts
    }

    static func be32(_ b: [UInt8], _ o: Int) -> UInt32 {
        guard o >= 0, o + 4 <= b.count else { return 0 }
        return UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3])
    }

    /// NUL-terminated bytes at `o`, bounded by `limit`.
    func cString(_ o: Int, limit: Int) -> [UInt8]? {
        var i = o
        while i < limit { if blob[i] == 0 { return Array(blob[o..<i]) }; i += 1 }
        return nil
    }

    /// The value of property `name` of the node at `path` (e.g. "/chosen"), where
    /// node names match with or without their "@unit" suffix.
    public func property(_ path: String, _ name: String) -> [UInt8]? {
        var components: [[UInt8]] = []
        for part in path.utf8.split(separator: UInt8(ascii: "/")) { components.append(Array(part)) }
        let wanted = Array(name.utf8)
        var depth = 0          // current nesting (root = 1 after its BEGIN_NODE)
        var matched = 0        // how many leading components the current path matches
        var o = structOffset
        let end = structOffset + structSize
        while o + 4 <= end {
            guard let tok = Token(rawValue: DeviceTree.be32(blob, o)) else { return nil }
            o += 4
            switch tok {
            case .beginNode:
                guard let n = cString(o, limit: end) else { return nil }
                o += (n.count + 4) & ~3
                depth += 1
                if depth >= 2 && matched == depth - 2 && depth - 2 < components.count {
                    let c = components[depth - 2]
                    let base = n.split(separator: UInt8(ascii: "@"), maxSplits: 1, omittingEmptySubsequences: false).first.map(Array.init) ?? []
                    if n == c || base == c { matched = depth - 1 }
                }
            case .endNode:
                if matched == depth - 1 && depth >= 2 { matched = depth - 2 }
                depth -= 1
            case .prop:
                let len = Int(DeviceTree.be32(blob, o)), nameOff = Int(DeviceTree.be32(blob, o + 4))
                o += 8
                guard len >= 0, o + len <= end else { return nil }
                if depth >= 1 && matched == components.count && depth - 1 == components.count,
                   nameOff < stringsSize, let pn = cString(stringsOffset + nameOff, limit: stringsOffset + stringsSize),
                   pn == wanted {
                    return Array(blob[o..<(o + len)])
                }
                o += (len + 3) & ~3
            case .nop:
                continue
            case .end:
                return nil
            }
        }
        return nil
    }

    public func u32(_ path: String, _ name: String) -> UInt32? {
        guard let v = property(path, name), v.count >= 4 else { return nil }
        return DeviceTree.be32(v, 0)
    }

    public func u64(_ path: String, _ name: String) -> UInt64? {
        guard let v = property(path, name), v.count >= 8 else { return nil }
        return UInt64(DeviceTree.be32(v, 0)) << 32 | UInt64(DeviceTree.be32(v, 4))
    }

    /// A NUL-separated string list (like `compatible`), as byte strings.
    public func stringList(_ path: String, _ name: String) -> [[UInt8]] {
        guard let v = property(path, name) else { return [] }
        var out: [[UInt8]] = []
        var cur: [UInt8] = []
        for b in v { if b == 0 { out.append(cur); cur = [] } else { cur.append(b) } }
        if !cur.isEmpty { out.append(cur) }
        return out
    }
}
