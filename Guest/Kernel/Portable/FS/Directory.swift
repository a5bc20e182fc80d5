#if canImport(GuestABI)
import GuestABI
#endif

/// tmpfs directories: a small array of (name, inode) entries, searched linearly.
extension Inode {
    func indexOfEntry(_ name: [UInt8]) -> Int? {
        for i in entries.indices where entries[i].name == name { return i }
        return nil
    }

    /// The child called `name` (not `.` or `..`), asking /proc for synthetic children.
    func child(named name: [UInt8], process: Process?) -> Inode? {
        if synthetic != .none {
            guard let process else { return nil }
            return ProcFS.child(of: self, named: name, process: process)
        }
        guard let i = indexOfEntry(name) else { return nil }
        return entries[i].inode
    }

    /// Adds `name` → `inode`; the caller has checked that `name` is free and valid.
    func addEntry(_ name: [UInt8], _ inode: Inode, now: UInt64) {
        entries.append(DirectoryEntry(name: name, inode: inode, cookie: nextCookie))
        nextCookie += 1
        if inode.kind == .directory {
            inode.parent = self
            nlink += 1
        }
        modifyTime = now; changeTime = now
    }

    /// Removes the entry at `index`, dropping one link of its inode.
    func removeEntry(at index: Int, now: UInt64) {
        let inode = entries[index].inode
        entries.remove(at: index)
        if inode.kind == .directory {
            nlink -= 1
            inode.nlink = 0
            inode.parent = nil
        } else if inode.nlink > 0 {
            inode.nlink -= 1
        }
        inode.changeTime = now
        modifyTime = now; changeTime = now
    }

    /// True while a directory is still reachable (not rmdir'ed).
    var isLive: Bool { kind != .directory || nlink > 0 }

    /// Entries for getdents64 (without `.`/`..`), in cookie order.
    func listing(process: Process?) -> [DirectoryEntry] {
        if synthetic != .none {
            guard let process else { return [] }
            return ProcFS.listing(of: self, process: process)
        }
        return entries
    }

    /// True if `self` is `other` or one of its ancestors (rename loop check).
    func isAncestor(of other: Inode) -> Bool {
        var node: Inode? = other
        var hops = 0
        while let n = node, hops < 4096 {
            if n === self { return true }
            if n.parent === n { return false }
            node = n.parent
            hops += 1
        }
        return false
    }
}

/// Validation of one new name.
enum VFSName {
    static func check(_ name: [UInt8]) throws(Errno) {
        guard name.count <= VFSLimits.nameMax else { throw .ENAMETOOLONG }
    }
    static func isDot(_ name: [UInt8]) -> Bool { name.count == 1 && name[0] == 0x2e }
    static func isDotDot(_ name: [UInt8]) -> Bool { name.count == 2 && name[0] == 0x2e && name[1] == 0x2e }
}
