/// STUB: replaced by the VFS work (root, cwd, umask).
public final class FSContext {
    public init() {}
}
